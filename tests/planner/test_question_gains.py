"""The planner on the 2024 instrument: the questions with the most points open and the agencies holding them."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from clusters.models import Evaluation, Question, QuestionScore
from clusters.services import evaluation_create
from planner.selectors import question_gains

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation_2026(instrument_2024):
    evaluation = evaluation_create(year=2026, instrument=instrument_2024)
    # Indicator 1's first question is full, so it is no longer open.
    first = QuestionScore.objects.get(self_assessment__evaluation=evaluation, self_assessment__indicator__code="1",
                                      question__code="1")
    QuestionScore.objects.filter(pk=first.pk).update(score=first.max_points)
    return evaluation


def test_the_questions_with_the_most_open_points_come_first(evaluation_2026, django_assert_num_queries):
    with django_assert_num_queries(1):
        gains = question_gains(evaluation_2026, limit=5)
    assert len(gains.questions) == 5
    opens = [gain.open_points for gain in gains.questions]
    assert opens == sorted(opens, reverse=True)
    assert opens[0] == max(q.max_points for q in Question.objects.filter(indicator__instrument__code="kla-2024"))
    assert ("1", "1") not in {(gain.indicator_code, gain.code) for gain in gains.questions}


def test_each_agency_sums_the_open_points_of_the_questions_it_holds_evidence_for(evaluation_2026):
    gains = question_gains(evaluation_2026)
    dinkes = next(agency for agency in gains.agencies if agency.name == "Dinkes")
    scores = QuestionScore.objects.filter(self_assessment__evaluation=evaluation_2026).select_related("question")
    held = [score for score in scores if "Dinkes" in score.question.sources]
    assert dinkes.questions == len(held) > 0
    assert dinkes.open_points == sum(score.max_points - (score.score or D("0")) for score in held)
    assert [a.open_points for a in gains.agencies] == sorted((a.open_points for a in gains.agencies), reverse=True)


def test_an_evaluation_without_questions_has_no_question_gains(demo):
    assert question_gains(Evaluation.objects.get(year=2019)) is None


def test_the_planner_page_shows_them_for_a_question_level_evaluation_only(client, demo, evaluation_2026,
                                                                        task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("planner:planner") + "?year=2026").content.decode()
    assert 'id="question-gains"' in html and "Dinkes" in html
    top = question_gains(evaluation_2026).questions[0]
    assert f'{reverse("clusters:question-scores-edit", args=[2026, top.indicator_code])}#question-{top.code}' in html
    assert 'id="question-gains"' not in client.get(reverse("planner:planner") + "?year=2019").content.decode()
