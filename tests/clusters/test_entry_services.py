"""The multi-row writes of score entry: all or nothing, compare-and-increment versions, stage locks."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError

from clusters.models import Evaluation, FieldDeduction
from clusters.services import (
    ScoreChange,
    StageClosed,
    deduction_create,
    deduction_delete,
    deduction_update,
    evaluation_create,
    evaluation_create_next,
    evaluation_stage_change,
    self_assessments_update,
)
from core.versions import EditConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(reference_data):
    return evaluation_create(year=2019)


def _row(evaluation, number):
    return evaluation.self_assessments.get(indicator__number=number)


def test_scores_are_saved_with_their_version_raised(evaluation):
    one, two = _row(evaluation, 1), _row(evaluation, 2)
    saved = self_assessments_update(evaluation=evaluation, changes=[
        ScoreChange(one.pk, 1, D("20"), "SK Gugus Tugas"), ScoreChange(two.pk, 1, D("35.5"), ""),
    ])
    assert saved == 2
    one.refresh_from_db()
    assert (one.score, one.evidence, one.version) == (D("20"), "SK Gugus Tugas", 2)
    assert one.history.count() == 2  # created, then changed


def test_a_stale_version_rolls_back_every_row_of_the_save(evaluation):
    one, two = _row(evaluation, 1), _row(evaluation, 2)
    self_assessments_update(evaluation=evaluation, changes=[ScoreChange(two.pk, 1, D("10"), "")])
    with pytest.raises(EditConflict) as conflict:
        self_assessments_update(evaluation=evaluation, changes=[
            ScoreChange(one.pk, 1, D("20"), ""), ScoreChange(two.pk, 1, D("30"), ""),
        ])
    assert conflict.value.pks == {two.pk}
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.score, one.version) == (None, 1)  # saved first, rolled back with the rest
    assert (two.score, two.version) == (D("10"), 2)


def test_a_row_the_database_refuses_rolls_back_the_rows_before_it(evaluation):
    one, three = _row(evaluation, 1), _row(evaluation, 3)  # maximum 30 each
    with pytest.raises(IntegrityError):
        self_assessments_update(evaluation=evaluation, changes=[
            ScoreChange(one.pk, 1, D("20"), ""), ScoreChange(three.pk, 1, D("30.01"), ""),
        ])
    one.refresh_from_db()
    assert (one.score, one.version) == (None, 1)


def test_a_row_of_another_evaluation_is_a_conflict_not_a_write(evaluation):
    other = evaluation_create(year=2020)
    row = _row(other, 1)
    with pytest.raises(EditConflict):
        self_assessments_update(evaluation=evaluation, changes=[ScoreChange(row.pk, 1, D("5"), "")])
    row.refresh_from_db()
    assert row.score is None


def test_scores_cannot_be_saved_outside_the_self_assessment_stage(evaluation):
    Evaluation.objects.filter(pk=evaluation.pk).update(stage=Evaluation.Stage.FIELD_VERIFICATION)
    with pytest.raises(StageClosed):
        self_assessments_update(evaluation=evaluation, changes=[ScoreChange(_row(evaluation, 1).pk, 1, D("5"), "")])


@pytest.fixture
def verifying(evaluation):
    self_assessments_update(evaluation=evaluation, changes=[ScoreChange(_row(evaluation, 3).pk, 1, D("25"), "")])
    evaluation_stage_change(evaluation=evaluation, stage=Evaluation.Stage.FIELD_VERIFICATION, reason="")
    evaluation.refresh_from_db()
    return evaluation


def test_a_deduction_is_recorded_in_the_current_verification_stage(verifying):
    deduction = deduction_create(self_assessment=_row(verifying, 3), points=D("5"), reason="Tanpa MoU")
    assert deduction.stage == Evaluation.Stage.FIELD_VERIFICATION
    assert deduction.version == 1


def test_deductions_are_refused_during_self_assessment_and_after_the_final(evaluation, verifying):
    for stage in (Evaluation.Stage.SELF_ASSESSMENT, Evaluation.Stage.FINAL):
        Evaluation.objects.filter(pk=verifying.pk).update(stage=stage)
        with pytest.raises(StageClosed):
            deduction_create(self_assessment=_row(verifying, 3), points=D("5"), reason="x")
    assert not FieldDeduction.objects.exists()


def test_a_deduction_changed_meanwhile_is_neither_overwritten_nor_removed(verifying):
    deduction = deduction_create(self_assessment=_row(verifying, 3), points=D("5"), reason="Tanpa MoU")
    deduction_update(deduction=deduction, version=1, points=D("6"), reason="Tanpa MoU tertulis")
    with pytest.raises(EditConflict):
        deduction_update(deduction=FieldDeduction.objects.get(pk=deduction.pk), version=1, points=D("2"), reason="x")
    with pytest.raises(EditConflict):
        deduction_delete(deduction=deduction, version=1)
    deduction.refresh_from_db()
    assert (deduction.points, deduction.version) == (D("6"), 2)
    deduction_delete(deduction=deduction, version=2)
    assert not FieldDeduction.objects.exists()


def test_reopening_a_final_evaluation_needs_a_reason_and_is_recorded(evaluation, admin_user_role):
    evaluation_stage_change(evaluation=evaluation, stage=Evaluation.Stage.FINAL, reason="")
    with pytest.raises(ValueError):
        evaluation_stage_change(evaluation=evaluation, stage=Evaluation.Stage.FIELD_VERIFICATION, reason=" ")
    evaluation_stage_change(evaluation=evaluation, stage=Evaluation.Stage.FIELD_VERIFICATION,
                            reason="Koreksi nilai indikator 3 dari tim verifikasi")
    latest = evaluation.history.latest()
    assert latest.stage == Evaluation.Stage.FIELD_VERIFICATION
    assert latest.history_change_reason == "Koreksi nilai indikator 3 dari tim verifikasi"


def test_next_years_evaluation_copies_the_current_framework(evaluation):
    created = evaluation_create_next(first_year=2030)
    assert created.year == 2020
    assert created.self_assessments.count() == 24
