"""Staff download the import template, fill three scores, upload, read the preview and confirm."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import SelfAssessment
from kelurahan.models import Patbm
from tests.browser.conftest import log_in

NEW_SCORES = {18: 30, 19: 27.5, 22: 40}  # Klaster IV and V are not scored yet in the 2019 demo


@pytest.mark.django_db(transaction=True)
def test_staff_import_template_preview_and_confirm(live_server, page, demo, artifacts, tmp_path):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if "Security Policy" in message.text else None)
    log_in(page, live_server, "staf")
    page.goto(f"{live_server.url}{reverse('clusters:evaluation-detail', args=[2019])}")
    page.click("#spreadsheets >> text=Impor nilai")
    page.wait_for_url(re.compile(r".*/evaluasi/2019/impor/$"))

    with page.expect_download() as download_info:
        page.click("text=Unduh templat impor (XLSX)")
    workbook = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    sheet = workbook.active
    for r in range(2, sheet.max_row + 1):
        number = sheet.cell(row=r, column=2).value
        if number in NEW_SCORES:
            sheet.cell(row=r, column=5).value = NEW_SCORES[number]
    sheet.cell(row=2, column=6).value = "“sudah ada MoU”"
    filled = tmp_path / "nilai-2019.xlsx"
    workbook.save(filled)

    page.set_input_files("#id_file", str(filled))
    with page.expect_navigation():
        page.click("text=Tampilkan pratinjau")
    assert "4 indikator akan berubah" in page.inner_text("#change-summary")  # three scores and one note
    assert page.locator("#preview-rows tr[data-changed]").count() == 4
    assert "27,50" in page.inner_text("#preview-rows tr[data-line='20']")
    assert SelfAssessment.objects.get(evaluation__year=2019, indicator__number=19).score is None
    page.screenshot(path=artifacts / "score-import-preview.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=artifacts / "score-import-preview-phone.png", full_page=True)
    page.locator("#preview-rows tr[data-line='20']").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "score-import-preview-phone-changes.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_navigation():
        page.click("text=Simpan perubahan ini")
    assert "4 baris diimpor dari nilai-2019.xlsx" in page.inner_text("main")
    scores = dict(SelfAssessment.objects.filter(evaluation__year=2019, indicator__number__in=NEW_SCORES)
                  .values_list("indicator__number", "score"))
    assert {n: float(s) for n, s in scores.items()} == NEW_SCORES
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_a_bad_row_is_shown_beside_its_line_and_nothing_can_be_confirmed(live_server, page, demo, artifacts, tmp_path):
    log_in(page, live_server, "staf")
    page.goto(f"{live_server.url}{reverse('clusters:score-import', args=[2019])}")
    bad = tmp_path / "nilai.csv"
    bad.write_bytes("No.;Penilaian mandiri\n18;30\n19;abc\n18;31\n".encode("cp1252"))
    page.set_input_files("#id_file", str(bad))
    with page.expect_navigation():
        page.click("text=Tampilkan pratinjau")
    assert "2 baris bermasalah" in page.inner_text("#problem-summary")
    assert "Bukan angka" in page.inner_text("#preview-rows tr[data-line='3']")
    assert "Baris ganda" in page.inner_text("#preview-rows tr[data-line='4']")
    assert page.locator("#confirm-form").count() == 0
    page.screenshot(path=artifacts / "score-import-problems.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_staff_import_patbm_steps_from_the_register(live_server, page, demo, artifacts, tmp_path):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if "Security Policy" in message.text else None)
    log_in(page, live_server, "staf")
    page.goto(f"{live_server.url}{reverse('kelurahan:kelurahan-list')}")
    page.click("text=Impor tahap PATBM")
    upload = tmp_path / "register-patbm.csv"
    upload.write_bytes(
        "Kode Kemendagri;Tahap;Tanggal tahap ini;Nomor SK;Tanggal SK;Catatan\n"
        "32.71.01.1001;2;04/03/2019;;;“sudah ada MoU”\n"
        "32.71.03.1006;5;11/03/2019;400/Kep.77-DPMPPA/2019;11/03/2019;\n".encode("cp1252")
    )
    page.set_input_files("#id_file", str(upload))
    with page.expect_navigation():
        page.click("text=Tampilkan pratinjau")
    assert "2 PATBM akan berubah" in page.inner_text("#change-summary")
    assert "400/Kep.77-DPMPPA/2019" in page.inner_text("#preview-rows tr[data-line='3']")
    page.screenshot(path=artifacts / "patbm-import-preview.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=artifacts / "patbm-import-preview-phone.png", full_page=True)
    with page.expect_navigation():
        page.click("text=Simpan perubahan ini")
    assert "2 baris diimpor dari register-patbm.csv" in page.inner_text("main")
    assert Patbm.objects.get(kelurahan__code="32.71.01.1001").note == "“sudah ada MoU”"
    assert errors == []
