"""Staff take a kelurahan from "belum ada" to "aktif" and see the coverage page follow."""

import pytest
from django.urls import reverse

from kelurahan.models import Kelurahan, Patbm

STEPS = [
    (Patbm.Step.SOSIALISASI, "2019-03-04"),
    (Patbm.Step.AKTIVIS_TERIDENTIFIKASI, "2019-04-01"),
    (Patbm.Step.TERLATIH, "2019-05-06"),
    (Patbm.Step.TERBENTUK, "2019-06-03"),
    (Patbm.Step.AKTIF, "2019-07-01"),
]


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "test-password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _headline(page):
    return page.get_by_test_id("coverage-count").inner_text(), page.get_by_test_id("coverage-percent").inner_text()


@pytest.mark.django_db(transaction=True)
def test_staff_take_batu_tulis_from_belum_ada_to_aktif_and_coverage_follows(
    live_server, page, demo, staff_user, artifacts
):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, live_server, staff_user)

    page.click("nav >> text=Cakupan PATBM")
    assert _headline(page) == ("2 dari 68", "2,9%")
    page.wait_for_selector("#chart-treemap .treemap")  # drawn by the full plotly.js bundle
    page.wait_for_selector("#chart-timeline .scatterlayer")
    assert errors == []

    page.click("nav >> text=Kelurahan")
    assert page.locator("tbody tr th[scope=rowgroup]").first.inner_text().startswith("Kecamatan Bogor Selatan")
    page.screenshot(path=artifacts / "kelurahan-list-laptop.png", full_page=True)
    page.fill("#id_q", "batu tulis")
    page.click("form[role=search] button[type=submit]")
    page.click("table >> text=Batu Tulis")
    assert "belum ada" in page.locator("#patbm-now").locator("xpath=..").inner_text()

    for step, day in STEPS:
        page.click("text=Catat kemajuan PATBM")
        page.select_option("#id_step", str(step.value))
        page.fill("#id_step_date", day)
        page.fill("#id_activist_count", "10")
        if step == Patbm.Step.TERBENTUK:
            # Saved without the SK first: the form says what is missing, beside the field.
            page.click("button[type=submit] >> text=Simpan")
            assert "PATBM yang terbentuk memerlukan nomor SK-nya." in page.locator("#div_id_sk_number").inner_text()
            page.screenshot(path=artifacts / "patbm-form-sk-missing.png", full_page=True)
            page.fill("#id_sk_number", "400/Kep.5-DPMPPA/2019")
            page.fill("#id_sk_date", "2019-06-03")
        page.click("button[type=submit] >> text=Simpan")
        page.wait_for_selector(".alert-success")

    history = page.locator("section[aria-labelledby=patbm-history] tbody tr")
    assert history.count() == 5
    assert "aktif" in history.first.inner_text() and staff_user.username in history.first.inner_text()
    page.screenshot(path=artifacts / "kelurahan-detail-aktif.png", full_page=True)

    page.click("nav >> text=Cakupan PATBM")
    assert _headline(page) == ("3 dari 68", "4,4%")
    assert "Batu Tulis" not in page.locator("section[aria-labelledby=uncovered]").inner_text()
    page.wait_for_selector("#chart-treemap .treemap")
    page.screenshot(path=artifacts / "coverage-laptop.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    page.wait_for_selector("#chart-treemap .treemap")
    page.screenshot(path=artifacts / "coverage-phone.png", full_page=True)
    page.screenshot(path=artifacts / "coverage-phone-top.png")
    page.locator("#chart-treemap").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "coverage-phone-treemap.png")
    page.goto(f"{live_server.url}{reverse('kelurahan:kelurahan-list')}")
    page.screenshot(path=artifacts / "kelurahan-list-phone.png")
    assert errors == []
    assert Kelurahan.objects.get(code="32.71.01.1001").patbm.step == Patbm.Step.AKTIF
