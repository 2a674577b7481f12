"""The database itself enforces the scoring invariants (run on SQLite and PostgreSQL)."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from clusters.models import Evaluation, FieldDeduction, Indicator, SelfAssessment
from clusters.services import evaluation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(reference_data):
    """Indicator #3 (maximum 30) of a new 2019 evaluation, self-assessed at 20."""
    evaluation = evaluation_create(year=2019)
    row = evaluation.self_assessments.get(indicator__number=3)
    row.score = D("20.00")
    row.save()
    return row


def _refused(action):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        action()
    return str(error.value)


def test_database_refuses_a_self_assessment_above_the_maximum(row):
    message = _refused(lambda: SelfAssessment.objects.filter(pk=row.pk).update(score=D("30.01")))
    assert "self_assessment_score_within_max" in message or "CHECK" in message.upper()
    row.refresh_from_db()
    assert row.score == D("20.00")


def test_database_accepts_a_self_assessment_equal_to_the_maximum(row):
    SelfAssessment.objects.filter(pk=row.pk).update(score=D("30.00"))
    row.refresh_from_db()
    assert row.score == D("30.00")


def test_database_refuses_a_negative_self_assessment(row):
    _refused(lambda: SelfAssessment.objects.filter(pk=row.pk).update(score=D("-0.01")))


def test_database_refuses_a_second_score_for_the_same_indicator(row):
    _refused(
        lambda: SelfAssessment.objects.create(
            evaluation=row.evaluation, indicator=row.indicator, max_points=row.max_points
        )
    )


def test_database_refuses_a_deduction_of_zero_points(row):
    _refused(lambda: FieldDeduction.objects.create(self_assessment=row, points=D("0"), reason="x"))


def test_database_refuses_deductions_adding_up_to_more_than_the_self_assessment(row):
    FieldDeduction.objects.create(self_assessment=row, points=D("12.00"), reason="Tanpa MoU")
    message = _refused(lambda: FieldDeduction.objects.create(self_assessment=row, points=D("8.01"), reason="x"))
    assert "field_deduction_total_within_self_assessment" in message
    assert FieldDeduction.objects.filter(self_assessment=row).count() == 1


def test_database_accepts_deductions_adding_up_to_exactly_the_self_assessment(row):
    for points in ("0.10", "0.20", "12.00", "7.70"):  # 0.1 + 0.2 is not 0.3 in floating point
        FieldDeduction.objects.create(self_assessment=row, points=D(points), reason="x")
    assert sum(d.points for d in row.deductions.all()) == D("20.00")


def test_database_refuses_raising_a_deduction_above_the_self_assessment(row):
    deduction = FieldDeduction.objects.create(self_assessment=row, points=D("5.00"), reason="x")
    _refused(lambda: FieldDeduction.objects.filter(pk=deduction.pk).update(points=D("20.01")))
    FieldDeduction.objects.filter(pk=deduction.pk).update(points=D("20.00"))


def test_database_refuses_lowering_a_score_below_its_deductions(row):
    FieldDeduction.objects.create(self_assessment=row, points=D("15.00"), reason="x")
    message = _refused(lambda: SelfAssessment.objects.filter(pk=row.pk).update(score=D("14.99")))
    assert "field_deduction_total_within_self_assessment" in message
    SelfAssessment.objects.filter(pk=row.pk).update(score=D("15.00"))


def test_database_refuses_a_deduction_on_an_unscored_indicator(reference_data):
    evaluation = evaluation_create(year=2020)
    unscored = evaluation.self_assessments.get(indicator__number=1)
    _refused(lambda: FieldDeduction.objects.create(self_assessment=unscored, points=D("1"), reason="x"))


def test_database_refuses_a_second_evaluation_of_the_same_year(reference_data):
    evaluation_create(year=2019)
    _refused(lambda: Evaluation.objects.create(year=2019))


def test_database_refuses_two_active_indicators_with_one_number(reference_data):
    indicator = Indicator.objects.get(number=1, instrument__code="kla-2019")
    same = {"instrument": indicator.instrument, "cluster": indicator.cluster, "max_points": 1}
    _refused(lambda: Indicator.objects.create(number=1, code="1b", name="x", **same))
    _refused(lambda: Indicator.objects.create(number=99, code="1", name="x", **same))
    # A retired indicator may share its number with its successor.
    Indicator.objects.create(number=1, code="1", name="old", is_active=False, **same)
