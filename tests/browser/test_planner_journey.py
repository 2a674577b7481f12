"""Browser test of the planner: targets move the projection live, a scenario becomes an action plan
that shows on the offices' pages."""

import re

import pytest
from django.urls import reverse

from core.loading import LoadReport
from planner.models import Scenario
from planner.services import planner_defaults_load
from tests.browser.conftest import log_in


@pytest.mark.django_db(transaction=True)
def test_staff_plans_towards_nindya_saves_a_scenario_and_makes_it_an_action_plan(live_server, page, demo, artifacts):
    planner_defaults_load(report=LoadReport())
    log_in(page, live_server, "staf")
    page.goto(f"{live_server.url}{reverse('planner:planner')}")
    # The suggestion (3, 17, 21, 22, 23 raised to their maxima) on top of the 526,40 start.
    assert page.inner_text("#projected-total") == "708,00"
    assert page.inner_text("[data-projected=predicate]") == "Nindya"
    assert page.inner_text("#remaining-gap") == "0,00"
    page.screenshot(path=artifacts / "planner-laptop.png", full_page=True)
    page.screenshot(path=artifacts / "planner-laptop-top.png")
    page.locator("tr[data-row='17']").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "planner-laptop-rows.png")

    page.fill("#id_target_17", "22,40")  # back to its start: -17,60
    assert page.inner_text("#projected-total") == "690,40"
    assert page.inner_text("[data-projected=predicate]") == "Madya"
    assert page.inner_text("#remaining-gap") == "9,61"
    page.fill("#id_target_21", "40")  # -15,00
    page.fill("#id_extra_kelurahan", "17")  # +25 percentage points x 0,25 on indicator 21
    assert page.inner_text("#projected-total") == "681,65"

    page.fill("#id_name", "Rencana uji peramban")
    with page.expect_navigation():
        page.click("button[value=save]")
    scenario = Scenario.objects.get(name="Rencana uji peramban")
    assert page.url.endswith(reverse("planner:scenario-detail", args=[scenario.pk]))
    assert "681,65" in page.inner_text("#scenario-projected")  # the server's own computation agrees

    page.screenshot(path=artifacts / "scenario-detail.png", full_page=True)
    with page.expect_navigation():
        page.click("text=Jadikan rencana aksi")
    dates = page.locator("input[name$=due_date]")
    assert dates.count() == 4  # indicators 3, 21, 22 and 23
    for index in range(dates.count()):
        assert dates.nth(index).get_attribute("type") == "text"  # typed day first, whatever the browser
        dates.nth(index).fill("30/06/2019")
    with page.expect_navigation():
        page.click("button:has-text('Simpan rencana aksi')")
    assert "Rencana aksi disimpan" in page.inner_text("main")
    page.screenshot(path=artifacts / "action-plan-saved.png", full_page=True)

    page.click("text=Perangkat daerah")
    page.wait_for_url(re.compile(r".*/perangkat-daerah/$"))
    with page.expect_navigation():
        page.click("table >> text=DPMPPA")
    items = page.inner_text("table.office-items")
    assert "3. Keterlibatan masyarakat" in items and "21. Anak korban kekerasan" in items
    assert "Rencana uji peramban" in items and "30/06/2019" in items
    page.screenshot(path=artifacts / "office-dpmppa.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts / "office-dpmppa-phone.png", full_page=True)
    page.goto(f"{live_server.url}{reverse('planner:action-plan-edit', args=[scenario.pk])}")
    page.screenshot(path=artifacts / "action-plan-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{reverse('planner:office-list')}")
    with page.expect_navigation():
        page.click("table >> text=Dinas Sosial")
    assert "22. Anak korban pornografi" in page.inner_text("table.office-items")


@pytest.mark.django_db(transaction=True)
def test_planner_fits_a_phone(live_server, page, demo, artifacts):
    planner_defaults_load(report=LoadReport())
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "gugus")
    page.goto(f"{live_server.url}{reverse('planner:planner')}")
    assert page.inner_text("#projected-total") == "708,00"
    # Nothing wider than the screen except inside the scrollable tables.
    page.screenshot(path=artifacts / "planner-phone.png", full_page=True)
    page.screenshot(path=artifacts / "planner-phone-top.png")
    page.locator("tr[data-row='3']").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "planner-phone-rows.png")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 395)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 10)"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, wide


@pytest.mark.django_db(transaction=True)
def test_task_force_presses_suggest_again_and_gets_a_new_suggestion_not_a_403(live_server, page, demo):
    planner_defaults_load(report=LoadReport())
    log_in(page, live_server, "gugus")
    page.goto(f"{live_server.url}{reverse('planner:planner')}")
    assert page.locator("button[value=save]").count() == 0
    page.select_option("#id_effort_4", "1")  # low effort: #4 joins the suggestion
    with page.expect_navigation() as navigation:
        page.click("button[value=suggest]")
    assert navigation.value.status == 200
    assert page.input_value("#id_target_4") == "60,00"
    assert "Anda dapat mencoba target" in page.inner_text("#planner-read-only")
    assert not Scenario.objects.exists()
