import pytest
from django.urls import reverse

from clusters.models import QuestionScore
from clusters.services import evaluation_create
from tests.html_forms import form_data


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


def staff_edit(client, question_score, **values):
    """Staff change one question on the 2026 evaluation's own question entry page."""
    url = reverse("clusters:question-scores-edit", args=[2026, question_score.self_assessment.indicator.code])
    data = form_data(client.get(url), "data-score-form")
    index = next(key.split("-")[1] for key, value in data.items()
                 if key.endswith("-id") and value == str(question_score.pk))
    for name, value in values.items():
        data[f"form-{index}-{name}"] = value
    return client.post(url, data)
