"""The evaluation report printed by Chromium to an A4 PDF: one page per section, the numbers, the
predicate and the page footer with the stage and the date, read back from the PDF with pypdf."""

import io
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.browser.conftest import log_in

A4_POINTS = (595.28, 841.89)  # 210 × 297 mm
SECTIONS = ["Ringkasan", "Dari tahun ke tahun", "Poin yang hilang dalam verifikasi",
            "Di mana poin masih bisa diraih", "Cakupan PATBM"]


def _print_to_pdf(page, live_server, year, artifacts):
    page.goto(f"{live_server.url}{reverse('dashboard:evaluation-report', kwargs={'year': year})}")
    # charts.js marks the page once every figure (screen and paper copies) is drawn.
    page.wait_for_selector("html[data-charts-drawn]", state="attached")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    (artifacts / f"report-{year}.pdf").write_bytes(pdf)
    return PdfReader(io.BytesIO(pdf))


def _texts(reader):
    # NFKC: the PDF's font draws "fi" as one ligature glyph, which pypdf extracts as "ﬁ".
    return [unicodedata.normalize("NFKC", pdf_page.extract_text()) for pdf_page in reader.pages]


def _today():
    return timezone.localdate().strftime("%d/%m/%Y")  # issue 14: one date format everywhere


@pytest.mark.django_db(transaction=True)
def test_2018_report_prints_one_a4_page_per_section_with_its_numbers(live_server, page, demo, artifacts):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, "gugus")
    reader = _print_to_pdf(page, live_server, 2018, artifacts)

    assert len(reader.pages) == len(SECTIONS)
    texts = _texts(reader)
    for number, (pdf_page, text, section) in enumerate(zip(reader.pages, texts, SECTIONS, strict=True), start=1):
        width, height = pdf_page.mediabox.width, pdf_page.mediabox.height
        assert abs(float(width) - A4_POINTS[0]) < 2 and abs(float(height) - A4_POINTS[1]) < 2  # portrait A4
        assert section in text, (number, text[:300])
        # Every page's footer: evaluation, stage, print date, page number.
        assert f"Evaluasi KLA 2018 · Tahap: Final · Dicetak {_today()} pukul" in text
        assert f"Halaman {number} / {len(SECTIONS)}" in text
    first = texts[0]
    for expected in ["769,20", "86,00", "683,20", "Madya", "16,81", "Nindya: kurang 16,81 poin"]:
        assert expected in first, expected
    assert "PATBM baru terbentuk di 2 dari 68 kelurahan." in texts[2]  # a juror's reason
    assert "40,30" in texts[3]  # the indicator with the most headroom
    assert "2 dari 68 kelurahan aktif" in texts[4]
    # No navigation or buttons on paper; the charts are there (their axis texts are in the PDF).
    assert not any("KLA Tracker" in text or "Kembali ke evaluasi" in text or "\nCetak" in text for text in texts)
    assert "Tidak diklaim" in first and "Pengurangan per klaster" in texts[2]
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_2019_report_prints_the_self_assessment_so_far_without_a_field_result(live_server, page, demo, artifacts):
    log_in(page, live_server, "staf")
    reader = _print_to_pdf(page, live_server, 2019, artifacts)
    assert len(reader.pages) == len(SECTIONS)
    texts = _texts(reader)
    assert "562,40" in texts[0] and "Belum ada hasil lapangan" in texts[0] and "137,61" in texts[0]
    assert "Belum ada hasil lapangan untuk 2019" in texts[2]
    assert all("Tahap: Penilaian mandiri" in text for text in texts)


@pytest.mark.django_db(transaction=True)
def test_print_button_prints_once_the_charts_are_drawn(live_server, page, demo):
    log_in(page, live_server, "gugus")
    page.add_init_script("window.print = () => { document.documentElement.dataset.printed = 'yes'; };")
    page.goto(f"{live_server.url}{reverse('dashboard:evaluation-report', kwargs={'year': 2018})}")
    page.get_by_role("button", name="Cetak").click()
    page.wait_for_selector("html[data-printed=yes]", state="attached")
    assert page.evaluate("document.documentElement.dataset.chartsDrawn") == "true"
    assert page.locator(".chart-print .main-svg").count() >= 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "laptop"), (360, 740, "phone")])
def test_report_reads_on_screen_without_horizontal_scrolling(live_server, page, demo, artifacts, width, height, name):
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, "gugus")
    page.goto(f"{live_server.url}{reverse('dashboard:evaluation-report', kwargs={'year': 2018})}")
    page.wait_for_selector("html[data-charts-drawn]", state="attached")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("#chart-clusters .main-svg").first.is_visible()
    assert not page.locator("#chart-clusters-print").is_visible()  # the paper copy stays out of sight
    page.screenshot(path=artifacts / f"report-{name}.png", full_page=True)
