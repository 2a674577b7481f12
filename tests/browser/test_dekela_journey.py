"""Staff record the Kelana-Dekela criteria of a kelurahan on the matrix, the totals follow, and the
PATBM question's suggested score is taken into indicator 26."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import Instrument, SelfAssessment
from clusters.services import evaluation_create
from dekela.models import CriterionStatus
from kelurahan.models import Kelurahan
from tests.browser.conftest import log_in


@pytest.mark.django_db(transaction=True)
def test_staff_record_criteria_on_the_matrix_and_take_the_patbm_suggestion(live_server, page, demo, artifacts):
    evaluation_create(year=2025, instrument=Instrument.objects.get(code=Instrument.INSTRUMENT_2024))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "staf")

    page.goto(f"{live_server.url}{reverse('dekela:matrix', kwargs={'year': 2025})}")
    city = page.locator("#city-totals")
    assert "0/68" in city.inner_text()
    assert "2/68" in city.inner_text()  # PATBM, from the PATBM records
    batu_tulis = Kelurahan.objects.get(name="Batu Tulis")
    page.select_option("#id_kecamatan", str(batu_tulis.kecamatan_id))
    page.click("#matrix-filter button[type=submit]")
    row = page.locator("#criteria-matrix tr", has_text="Batu Tulis")
    row.get_by_role("link", name="Ubah").click()

    page.select_option("select[name^=status_] >> nth=2", "met")  # Forum Anak
    page.locator("input[name^=date_] >> nth=2").fill("15/02/2025")
    page.locator("input[name^=note_] >> nth=2").fill("SK Lurah Forum Anak")
    page.select_option("select[name^=status_] >> nth=0", "not_met")
    page.screenshot(path=artifacts / "dekela-row-form.png", full_page=True)
    page.click("#criteria-row-form button[type=submit]")
    page.wait_for_selector("#criteria-matrix")
    assert "2 kriteria Batu Tulis" in page.content()  # two changed
    kecamatan_totals = page.locator(".kecamatan-totals").first.inner_text()
    assert "1/" in kecamatan_totals
    assert CriterionStatus.objects.filter(kelurahan=batu_tulis, year=2025).count() == 2
    page.screenshot(path=artifacts / "dekela-matrix.png", full_page=True)

    page.goto(f"{live_server.url}{reverse('dekela:matrix', kwargs={'year': 2025})}")
    assert "1/68" in page.locator("#city-totals").inner_text()

    # A status chosen without its criterion, on a phone: a warning at the top names it, and the kecamatan
    # filter chosen with it still applies.
    page.set_viewport_size({"width": 360, "height": 800})
    page.select_option("#id_kecamatan", str(batu_tulis.kecamatan_id))
    page.select_option("#id_status", "met")
    page.click("#matrix-filter button[type=submit]")
    problem = page.locator("#filter-problem")
    assert "Pilih kriteria" in problem.inner_text()
    assert problem.bounding_box()["y"] < page.locator("#matrix-filter").bounding_box()["y"]
    assert page.locator("#criteria-matrix tr", has_text="Batu Tulis").count() == 1
    assert page.locator(".kecamatan-totals").count() == 1
    page.screenshot(path=artifacts / "dekela-filter-problem-360.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    # The question page of indicator 26 leads to the suggestions; taking PATBM's changes indicator 26.
    page.goto(f"{live_server.url}{reverse('clusters:question-scores-edit', kwargs={'year': 2025, 'code': '26'})}")
    page.click("#dekela-suggestions-link")
    assert "Sementara" in page.locator("#provisional-rule").inner_text()
    patbm_row = page.locator("#suggestions tr", has_text="26.15")
    assert "2/68" in patbm_row.inner_text()
    assert "0,29" in patbm_row.locator(".suggested").inner_text()
    assert "0,44 dengan satu lagi" in patbm_row.locator(".one-more").inner_text()
    patbm_row.get_by_role("button", name="Ambil").click()
    page.wait_for_selector("#suggestions")
    assert "0,29" in page.locator("#suggestions tr", has_text="26.15").locator(".current").inner_text()
    assert SelfAssessment.objects.get(evaluation__year=2025, indicator__code="26").score == Decimal("0.29")
    page.screenshot(path=artifacts / "dekela-suggestions.png", full_page=True)

    # The criteria over time: the line chart is drawn next to its table (2019 from the demo, 2025 recorded here).
    page.goto(f"{live_server.url}{reverse('dekela:coverage')}")
    page.wait_for_selector("#chart-kelurahan .plot-container svg.main-svg", state="attached")
    page.wait_for_selector("#chart-kecamatan .plot-container svg.main-svg", state="attached")
    assert "2025" in page.locator("#coverage-kelurahan").inner_text()
    page.screenshot(path=artifacts / "dekela-over-time.png", full_page=True)
    assert errors == []
