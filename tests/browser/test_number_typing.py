"""Issue 14: typing `3,5` in a browser whose interface is English saved 35 (`<input type="number">`).

Chromium is started with an English and with an Indonesian interface; a score typed `3,5` or `3.5`
must move the live subtotal by 3,50 and be stored as 3.50; `1.000,5` is refused and writes nothing.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from clusters.models import SelfAssessment
from core.loading import LoadReport
from core.numbers import NumberError, format_decimal, parse_decimal
from planner.services import planner_defaults_load
from tests.browser.conftest import launch_chromium, log_in

# (Chromium's interface language, context locale, the UI language the user picked)
BROWSERS = [("en-US", "en-US", "en"), ("en-US", "en-US", "id"), ("id", "id-ID", "id")]
ERRORS = {
    "id": "Pakai satu pemisah desimal dan tanpa pemisah ribuan",
    "en": "Use one decimal separator and no thousands separator",
}


@pytest.fixture(params=BROWSERS, ids=lambda b: f"browser-{b[0]}-ui-{b[2]}")
def browser_page(request, playwright_driver, live_server):
    chromium_lang, locale, ui_language = request.param
    browser = launch_chromium(playwright_driver, [f"--lang={chromium_lang}"])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": ui_language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, ui_language, locale
    context.close()
    browser.close()


def _scores():
    return list(
        SelfAssessment.objects.filter(evaluation__year=2019, indicator__cluster__code="K4")
        .order_by("indicator__number").values_list("score", flat=True)
    )


def _subtotal(page) -> Decimal:
    return parse_decimal(page.inner_text("[data-cluster-subtotal]"))


@pytest.mark.django_db(transaction=True)
def test_a_score_typed_with_a_comma_or_a_point_is_stored_as_the_same_number(browser_page, live_server, demo):
    page, ui_language, locale = browser_page
    assert page.evaluate("navigator.language") == locale
    log_in(page, live_server, "staf")
    url = f"{live_server.url}{reverse('clusters:self-assessment-edit', args=[2019, 'K4'])}"
    assert page.evaluate("document.documentElement.lang") == ui_language

    for index, typed in enumerate(["3,5", "3.5"]):
        page.goto(url)
        score_input = page.locator("input[data-score-input]").nth(index)
        assert score_input.get_attribute("type") == "text"
        before_value = _scores()[index] or Decimal("0")
        before = _subtotal(page)
        score_input.fill(typed)
        # The live subtotal reads the typed number by the server's rule, and writes it the Indonesian way.
        assert page.inner_text("[data-cluster-subtotal]") == format_decimal(before - before_value + Decimal("3.5"))
        assert "," in page.inner_text("[data-summary=final]")
        with page.expect_navigation():
            page.click("form[data-score-form] button[type=submit]")
        assert _scores()[index] == Decimal("3.50")
        page.goto(url)
        assert page.locator("input[data-score-input]").nth(index).input_value() == "3,50"

    # A number that is not one number: marked while typing, refused with the message, nothing written.
    page.goto(url)
    stored = _scores()
    stored_self = page.inner_text("[data-summary=self]")
    bad = page.locator("input[data-score-input]").nth(2)
    bad.fill("1.000,5")
    assert "is-invalid" in (bad.get_attribute("class") or "")
    assert page.inner_text("[data-cluster-subtotal]") == "—"
    assert page.inner_text("[data-summary=self]") == stored_self  # the stored total stays, not "—"
    with pytest.raises(NumberError):  # the live reading and the server agree
        parse_decimal("1.000,5")
    with page.expect_navigation():
        page.click("form[data-score-form] button[type=submit]")
    assert ERRORS[ui_language] in page.inner_text("form[data-score-form]")
    assert page.locator("td.score-col").nth(2).locator(".invalid-feedback").count() == 1  # the server's, once
    assert page.locator("input[data-score-input]").nth(2).input_value() == "1.000,5"  # the user's text kept
    assert page.inner_text("[data-summary=self]") == stored_self  # after the refused save too
    assert _scores() == stored


def _planner_as_staff(playwright_driver, live_server, browser_language, locale, ui_language):
    """Chromium with the given interface language, logged in as staff on the planner page."""
    planner_defaults_load(report=LoadReport())
    browser = launch_chromium(playwright_driver, [browser_language])
    context = browser.new_context(locale=locale)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": ui_language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "staf")
    page.goto(f"{live_server.url}{reverse('planner:planner')}")
    return browser, page


@pytest.mark.django_db(transaction=True)
def test_the_planner_projection_reads_typed_targets_by_the_same_rule(playwright_driver, live_server, demo):
    browser, page = _planner_as_staff(playwright_driver, live_server, "--lang=en-US", "en-US", "en")
    try:
        target = page.locator("input[data-target]").first
        assert target.get_attribute("type") == "text"
        target.fill("0")
        start = parse_decimal(page.inner_text("#projected-total"))
        for typed in ["3,5", "3.5", "3,50"]:
            target.fill(typed)
            assert page.inner_text("#projected-total") == format_decimal(start + Decimal("3.5"))
        target.fill("1.000,5")  # not one number: marked, and the projection says so instead of guessing
        assert page.inner_text("#projected-total") == "—"
        assert "is-invalid" in (target.get_attribute("class") or "")
        target.fill("3.5")
        assert page.inner_text("#projected-total") == format_decimal(start + Decimal("3.5"))
        assert "is-invalid" not in (target.get_attribute("class") or "")
        page.fill("#id_extra_kelurahan", "1,5")  # a count of kelurahan is whole
        assert page.inner_text("#projected-total") == "—"
    finally:
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_the_planner_gives_the_servers_reason_once_and_says_nothing_was_saved(playwright_driver, live_server, demo):
    browser, page = _planner_as_staff(playwright_driver, live_server, "--lang=id", "id-ID", "id")
    try:
        target = page.locator("input[data-target]").first
        cell = page.locator("td.target-col").first
        # While typing: the specific reason, in the server's words, not a generic "type one number".
        target.fill("1,000")
        assert cell.locator(".invalid-feedback").all_inner_texts() == [
            "1,000 bisa berarti dua angka: tulis tanpa pemisah ribuan (1000) atau dengan dua desimal (1,00)."]
        page.fill("#id_extra_kelurahan", "1.000")
        assert "tulis jumlah tanpa pemisah ribuan, misalnya 1000" in page.inner_text("#id_extra_kelurahan-unreadable")
        page.fill("#id_extra_kelurahan", "0")
        target.fill("1.000,5")
        assert cell.locator(".invalid-feedback").all_inner_texts() == [ERRORS["id"] + ", misalnya 1000,5."]
        page.fill("#id_name", "Coba")
        with page.expect_navigation():
            page.click("button[name=action][value=save]")
        # After the refusal: one message under the field (the server's), and a notice at the top.
        assert page.locator("#planner-refused").inner_text() == "Tidak ada yang disimpan: perbaiki isian yang ditandai."
        cell = page.locator("td.target-col").first
        assert cell.locator(".invalid-feedback").all_inner_texts() == [ERRORS["id"] + ", misalnya 1000,5."]
        assert page.locator("input[data-target]").first.input_value() == "1.000,5"
    finally:
        browser.close()
