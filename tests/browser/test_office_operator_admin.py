"""Issue 19's first step in Chromium: an admin creates a user and makes it an operator of Dinas Kesehatan in the
Django admin (README: *admin › Akun OPD › Operator OPD*), then that operator logs in and sees only the health
questions."""

import re

import pytest
from django.urls import reverse

from clusters.models import Instrument, QuestionScore
from clusters.services import evaluation_create
from core.loading import LoadReport
from offices.services import data_sources_load
from planner.models import Office
from planner.services import planner_defaults_load
from tests.browser.conftest import log_in

PASSWORD = "Kesehatan-Anak-2026!"


@pytest.mark.django_db(transaction=True)
def test_an_admin_makes_an_operator_for_dinkes_who_then_sees_only_the_health_questions(
        live_server, page, demo, artifacts):
    evaluation = evaluation_create(year=2026, instrument=Instrument.objects.get(code=Instrument.INSTRUMENT_2024))
    planner_defaults_load(report=LoadReport())
    data_sources_load(report=LoadReport())
    health = QuestionScore.objects.get(self_assessment__evaluation=evaluation, self_assessment__indicator__code="1",
                                       question__code="2l")
    civil = QuestionScore.objects.get(self_assessment__evaluation=evaluation, self_assessment__indicator__code="4",
                                      question__code="1")

    # The admin adds the user...
    log_in(page, live_server, "admin", form_url="/admin/login/?next=/admin/")
    page.goto(f"{live_server.url}{reverse('admin:auth_user_add')}")
    page.fill("#id_username", "petugas-dinkes")
    if page.locator("input[name=usable_password][value=true]").count():
        page.check("input[name=usable_password][value=true]")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "/admin/auth/user/" in page.url and "/add/" not in page.url, page.inner_text("#content")

    # ...and makes it an operator of Dinas Kesehatan (the user is chosen in the admin's autocomplete).
    page.goto(f"{live_server.url}{reverse('admin:offices_operator_add')}")
    page.click(".field-user .select2-selection")
    page.fill(".select2-search__field", "petugas-dinkes")
    page.locator(".select2-results__option", has_text="petugas-dinkes").click()
    page.select_option("#id_office", label="Dinas Kesehatan")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert page.url.endswith(reverse("admin:offices_operator_changelist")), page.inner_text("#content")
    assert "petugas-dinkes" in page.inner_text("#result_list")
    page.screenshot(path=artifacts / "offices-admin-operator.png", full_page=True)

    # The new operator logs in and lands on the health office's questions, and only those.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/akun/login/")
    page.fill("#id_username", "petugas-dinkes")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("form [type=submit]").click()
    page.wait_for_url(re.compile(r".*/opd/$"))
    assert "Dinas Kesehatan" in page.inner_text("h1")
    rows = page.locator("#questions tbody tr")
    assert rows.count() == 94  # every question of the 2024 instrument naming Dinkes among its data sources
    assert page.locator(f"a[href='{reverse('offices:answer', args=[2026, health.pk])}']").count() == 1
    assert page.locator(f"a[href='{reverse('offices:answer', args=[2026, civil.pk])}']").count() == 0
    # A guessed URL of a Disdukcapil question is not found.
    response = page.goto(f"{live_server.url}{reverse('offices:answer', args=[2026, civil.pk])}")
    assert response.status == 404
    assert Office.objects.get(name="Dinas Kesehatan").operators.filter(user__username="petugas-dinkes").exists()
