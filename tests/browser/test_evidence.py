"""Evidence in Chromium: staff upload files to a question, preview them, a bad file is refused beside the
field, and the task force reads what is still missing; at phone, laptop and projector widths."""

import re

import pytest
from django.urls import reverse

from clusters.models import Instrument
from clusters.services import evaluation_create
from evidence.models import EvidenceDocument
from tests.browser.conftest import log_in
from tests.evidence import files


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _image_loaded(page, selector) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


@pytest.mark.django_db(transaction=True)
def test_staff_upload_preview_and_replace_evidence_and_a_bad_file_is_refused(live_server, page, demo, artifacts):
    evaluation_create(year=2026, instrument=Instrument.objects.get(code=Instrument.INSTRUMENT_2024))
    log_in(page, live_server, "staf")
    page.goto(f"{live_server.url}{reverse('clusters:question-scores-edit', args=[2026, '1'])}")
    with page.expect_navigation():
        page.click("#evidence-link")
    page.wait_for_url(re.compile(r".*/evaluasi/2026/indikator/1/bukti/$"))
    answer = page.locator("li.card").first
    answer.locator("summary").click()
    answer.locator("input[type=file]").set_input_files([
        {"name": "perwal-kla.pdf", "mimeType": "application/pdf", "buffer": files.pdf()},
        {"name": "foto-musrenbang.png", "mimeType": "image/png", "buffer": files.image("PNG")},
    ])
    with page.expect_navigation():
        answer.locator("button[type=submit]").click()
    assert "2 dokumen ditambahkan" in page.inner_text("main")
    answer = page.locator("li.card").first
    assert "2 dokumen" in answer.inner_text()
    assert _image_loaded(page, "li.card img.evidence-thumb")
    page.screenshot(path=artifacts / "evidence-indicator.png", full_page=False)

    # The image's own page previews it (the file view may be shown by this app only).
    with page.expect_navigation():
        answer.locator("a", has_text="foto-musrenbang").click()
    assert _image_loaded(page, "img#evidence-preview")
    page.set_input_files("input[name=file]", {"name": "foto-2.png", "mimeType": "image/png",
                                             "buffer": files.image("PNG", color=(0, 90, 200))})
    with page.expect_navigation():
        page.click("form:has(input[name=file]) button[type=submit]")
    assert "Versi baru disimpan" in page.inner_text("main")
    assert page.locator("#versions li").count() == 2

    # An HTML page named .pdf is refused beside the field; nothing is stored.
    page.goto(f"{live_server.url}{reverse('evidence:indicator-evidence', args=[2026, '1'])}")
    second = page.locator("li.card").nth(1)
    second.locator("summary").click()
    second.locator("input[type=file]").set_input_files(
        {"name": "laporan.pdf", "mimeType": "application/pdf", "buffer": files.HTML})
    with page.expect_navigation():
        second.locator("button[type=submit]").click()
    feedback = page.locator(".invalid-feedback").first
    assert feedback.is_visible() and "laporan.pdf: Berkas ini bukan PDF" in feedback.inner_text()
    assert EvidenceDocument.objects.count() == 2

    for width in (360, 1366, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        assert _no_sideways_scroll(page), width
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=artifacts / "evidence-indicator-phone.png")


@pytest.mark.django_db(transaction=True)
def test_the_task_force_reads_the_completeness_and_the_list_to_print(live_server, page, demo, artifacts):
    evaluation_create(year=2026, instrument=Instrument.objects.get(code=Instrument.INSTRUMENT_2024))
    log_in(page, live_server, "gugus")
    page.goto(f"{live_server.url}{reverse('evidence:overview', args=[2026])}")
    assert "0 dari 274 jawaban memiliki bukti" in page.inner_text("#evidence-share")
    assert page.locator("#by-agency tbody tr").count() > 10
    assert page.locator("input[type=file]").count() == 0
    for width in (360, 1366, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        assert _no_sideways_scroll(page), width
    page.screenshot(path=artifacts / "evidence-overview.png", full_page=False)
    with page.expect_navigation():
        page.click("text=Belum ada bukti (untuk dicetak)")
    assert page.locator("#missing tbody tr:not(.table-light)").count() == 274
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    page.screenshot(path=artifacts / "evidence-missing-print.png", full_page=False)
