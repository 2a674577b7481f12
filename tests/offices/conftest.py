import pytest

from clusters.models import QuestionScore
from clusters.services import evaluation_create


@pytest.fixture
def evaluation_2026(instrument_2024, office_defaults):
    return evaluation_create(year=2026, instrument=instrument_2024)


def question(evaluation, indicator: str, code: str) -> QuestionScore:
    return QuestionScore.objects.select_related("self_assessment__evaluation", "question").get(
        self_assessment__evaluation=evaluation, self_assessment__indicator__code=indicator, question__code=code)


@pytest.fixture
def dinkes_question(evaluation_2026):
    """Indicator 1, question 2l: data sources JDIH, Bagian Hukum and Dinkes (maximum 1)."""
    return question(evaluation_2026, "1", "2l")


@pytest.fixture
def disdukcapil_question(evaluation_2026):
    """Indicator 4, question 1: Disdukcapil alone."""
    return question(evaluation_2026, "4", "1")
