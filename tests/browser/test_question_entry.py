"""A staff member fills an indicator's questions of the 2024 instrument by keyboard in Chromium."""

import re

import pytest
from django.urls import reverse

from clusters.models import Instrument, SelfAssessment
from clusters.services import evaluation_create
from tests.browser.conftest import log_in


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.django_db(transaction=True)
def test_staff_fill_questions_by_keyboard_and_the_indicator_group_and_total_follow(
    live_server, page, demo, artifacts
):
    evaluation_create(year=2026, instrument=Instrument.objects.get(code=Instrument.INSTRUMENT_2024))
    log_in(page, live_server, "staf")
    page.goto(f"{live_server.url}{reverse('clusters:evaluation-detail', args=[2026])}")
    assert "Instrumen KLA 2024" in page.inner_text("#instrument")
    with page.expect_navigation():
        page.click("#cluster-KLB tbody tr:nth-child(2) >> text=Pertanyaan")
    page.wait_for_url(re.compile(r".*/evaluasi/2026/indikator/2/pertanyaan/$"))

    # Keyboard only: type a score, Tab over the evidence note to the next question's score.
    inputs = page.locator("input[data-score-input]")
    inputs.first.focus()
    page.keyboard.type("2,5")
    page.keyboard.press("Tab")
    page.keyboard.type("SK Gugus Tugas KLA")
    page.keyboard.press("Tab")
    page.keyboard.type("1,5")
    assert page.inner_text("[data-cluster-subtotal]") == "4,00"
    assert page.inner_text("[data-question-sum]") == "4,00"
    assert page.inner_text("[data-group-subtotal]") == "4,00"
    assert page.inner_text("[data-summary=self]") == "4,00"
    page.screenshot(path=artifacts / "question-entry.png", full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form
    assert "2 nilai pertanyaan disimpan" in page.inner_text("main")
    row = SelfAssessment.objects.get(evaluation__year=2026, indicator__code="2")
    assert str(row.score) == "4.00"
    assert row.question_scores.filter(evidence="SK Gugus Tugas KLA").count() == 1

    # Indicator 19: the source's questions add up to 54, the indicator never scores above its 51.
    page.goto(f"{live_server.url}{reverse('clusters:question-scores-edit', args=[2026, '19'])}")
    assert page.locator("#maxima-disagree").is_visible()
    for score in row.evaluation.self_assessments.get(indicator__code="19").question_scores.select_related("question"):
        page.fill(f"#question-{score.question.code} input[data-score-input]", str(score.max_points).replace(".", ","))
    assert page.inner_text("[data-question-sum]") == "54,00"
    assert page.inner_text("[data-cluster-subtotal]") == "51,00"
    page.fill("#question-1 input[data-score-input]", "abc")
    assert page.inner_text("[data-question-sum]") == "—"

    for width in (360, 1366, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        assert _no_sideways_scroll(page), width
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=artifacts / "question-entry-phone.png")
