"""A score per stage: the province, the ministry and the field verification each lower question scores
with reasons; the indicator's losses and the evaluation's total at each stage follow."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from clusters import scoring
from clusters.models import Evaluation, FieldDeduction, QuestionScore, SelfAssessment, VerifiedScore
from clusters.selectors import evaluation_summaries, verification_overview
from clusters.services import ScoredByQuestions, StageClosed, deduction_create, evaluation_create
from clusters.verifications import (
    NotScoredByQuestions,
    VerificationChange,
    VerificationInvalid,
    question_verifications,
    stage_totals,
    verified_scores_update,
)
from core.versions import EditConflict

pytestmark = pytest.mark.django_db

ADMIN, MINISTRY, FIELD = "admin_verification", "ministry_review", "field_verification"
STAGES = (ADMIN, MINISTRY, FIELD)


def test_a_question_keeps_its_score_through_stages_that_leave_it_alone():
    question = scoring.QuestionStages(D("5"), {MINISTRY: D("3")})
    assert question.values(STAGES) == [D("5"), D("5"), D("3"), D("3")]
    assert scoring.QuestionStages(None, {}).values(STAGES) == [D("0")] * 4


def test_an_indicators_losses_per_stage_respect_its_maximum():
    # Indicator 19's questions can add up to more than its maximum: a reduction within the excess costs nothing.
    questions = [scoring.QuestionStages(D("30"), {ADMIN: D("28")}), scoring.QuestionStages(D("24"), {FIELD: D("20")})]
    assert scoring.indicator_stage_scores(questions, D("51"), STAGES) == [D("51"), D("51"), D("51"), D("48")]
    assert scoring.stage_losses(questions, D("51"), STAGES) == {ADMIN: D("0"), MINISTRY: D("0"), FIELD: D("3")}
    assert scoring.stage_totals(D("900"), {ADMIN: D("49.41"), FIELD: D("10")}, STAGES) == [
        D("850.59"), D("850.59"), D("840.59")]


@pytest.fixture
def evaluation_2025(instrument_2024):
    """The 2024 instrument's indicator 2 self-assessed in full (36 points), now at the province's stage."""
    evaluation = evaluation_create(year=2025, instrument=instrument_2024)
    row = SelfAssessment.objects.get(evaluation=evaluation, indicator__code="2")
    for score in row.question_scores.all():
        QuestionScore.objects.filter(pk=score.pk).update(score=score.max_points)
    SelfAssessment.objects.filter(pk=row.pk).update(score=D("36"))
    Evaluation.objects.filter(pk=evaluation.pk).update(stage=ADMIN)
    evaluation.refresh_from_db()
    return evaluation


def _row(year=2025, code="2"):
    return SelfAssessment.objects.select_related("evaluation").get(evaluation__year=year, indicator__code=code)


def _question(row, code):
    return row.question_scores.get(question__code=code)


def _change(row, code, score, reason="", version=None):
    return VerificationChange(_question(row, code).pk, score, reason, version)


def _to_stage(evaluation, stage):
    Evaluation.objects.filter(pk=evaluation.pk).update(stage=stage)


def test_the_provinces_reductions_become_the_indicators_loss_in_that_stage(evaluation_2025):
    row = _row()
    saved = verified_scores_update(self_assessment=row, changes=[
        _change(row, "4", D("6"), "RAD KLA belum ditetapkan."), _change(row, "3", D("5"))])  # 3 unchanged
    assert saved == 2
    deduction = FieldDeduction.objects.get(self_assessment=row)
    assert (deduction.stage, deduction.points, deduction.from_questions) == (ADMIN, D("4.00"), True)
    assert deduction.reason == "4: RAD KLA belum ditetapkan"
    summary = {item.year: item for item in evaluation_summaries()}[2025].summary
    assert (summary.self_assessment, summary.deductions, summary.final) == (D("36"), D("4"), D("32"))


def test_each_stage_lowers_from_the_score_before_it_and_the_totals_show_where_points_went(evaluation_2025):
    row = _row()
    verified_scores_update(self_assessment=row, changes=[_change(row, "4", D("6"), "RAD belum ditetapkan.")])
    _to_stage(evaluation_2025, MINISTRY)
    row = _row()
    verified_scores_update(self_assessment=row, changes=[_change(row, "1", D("1.5"), "SK kedaluwarsa.")])
    _to_stage(evaluation_2025, FIELD)
    row = _row()
    verified_scores_update(self_assessment=row, changes=[_change(row, "4", D("5"), "Tidak ada bukti rapat.")])
    losses = dict(FieldDeduction.objects.filter(self_assessment=row).values_list("stage", "points"))
    assert losses == {ADMIN: D("4.00"), MINISTRY: D("1.50"), FIELD: D("1.00")}
    totals = stage_totals(row.evaluation, D("36"))
    assert [(t.stage, t.total, t.lost, t.status) for t in totals] == [
        ("self_assessment", D("36"), D("0"), "done"), (ADMIN, D("32"), D("4"), "done"),
        (MINISTRY, D("30.5"), D("1.5"), "done"), (FIELD, D("29.5"), D("1"), "current"),
    ]
    overview = verification_overview(row.evaluation, D("36"))
    assert [(g.code, g.by_stage) for g in overview.groups] == [
        ("KLB", {ADMIN: D("4"), MINISTRY: D("1.5"), FIELD: D("1")})]
    items = {item.question_score.question.code: item for item in question_verifications(row)}
    assert items["4"].values() == [D("10"), D("6"), D("6"), D("5")]


def test_a_stage_cannot_raise_a_score_and_a_reduction_needs_a_reason(evaluation_2025):
    row = _row()
    with pytest.raises(VerificationInvalid) as refused:
        verified_scores_update(self_assessment=row, changes=[
            _change(row, "4", D("11")), _change(row, "3", D("2"), "  ")])
    assert set(refused.value.problems) == {_question(row, "4").pk, _question(row, "3").pk}
    assert not VerifiedScore.objects.exists() and not FieldDeduction.objects.exists()


def test_removing_a_stages_score_gives_the_points_back(evaluation_2025):
    row = _row()
    verified_scores_update(self_assessment=row, changes=[_change(row, "4", D("6"), "RAD belum ada.")])
    version = VerifiedScore.objects.get().version
    verified_scores_update(self_assessment=row, changes=[_change(row, "4", None, version=version)])
    assert not FieldDeduction.objects.filter(self_assessment=row).exists()
    assert VerifiedScore.history.count() == 2  # created, then removed: kept in the history


def test_a_score_saved_meanwhile_by_someone_else_refuses_the_save(evaluation_2025):
    row = _row()
    verified_scores_update(self_assessment=row, changes=[_change(row, "4", D("6"), "Pertama.")])
    with pytest.raises(EditConflict):
        verified_scores_update(self_assessment=row, changes=[_change(row, "4", D("7"), "Kedua.", version=None)])
    assert VerifiedScore.objects.get().score == D("6")


def test_verified_scores_are_entered_only_in_a_verification_stage_and_on_question_indicators(evaluation_2025,
                                                                                             reference_data):
    _to_stage(evaluation_2025, "final")
    row = _row()
    with pytest.raises(StageClosed):
        verified_scores_update(self_assessment=row, changes=[_change(row, "4", D("6"), "x")])
    other = evaluation_create(year=2019)
    Evaluation.objects.filter(pk=other.pk).update(stage=ADMIN)
    with pytest.raises(NotScoredByQuestions):
        verified_scores_update(self_assessment=_row(2019, "3"), changes=[])
    _to_stage(evaluation_2025, ADMIN)
    with pytest.raises(ScoredByQuestions):
        deduction_create(self_assessment=_row(), points=D("1"), reason="typed")


def test_the_database_refuses_a_verified_score_in_the_self_assessment_stage(evaluation_2025):
    with pytest.raises(IntegrityError), transaction.atomic():
        VerifiedScore.objects.create(question_score=_question(_row(), "4"), stage="self_assessment", score=D("1"))


def test_the_2019_field_deductions_keep_working_and_show_per_stage(demo):
    evaluation = Evaluation.objects.get(year=2018)
    summary = {item.year: item for item in evaluation_summaries()}[2018].summary
    totals = stage_totals(evaluation, summary.self_assessment)
    assert totals[-1].total == summary.final
    assert totals[-1].lost == summary.deductions


def _page(year=2025, code="2"):
    return reverse("clusters:verification-edit", args=[year, code])


def test_staff_enter_the_provinces_scores_on_the_verification_page(client, staff_user, evaluation_2025):
    client.force_login(staff_user)
    from tests.html_forms import form_data

    page = client.get(_page())
    assert page.status_code == 200
    data = form_data(page, "data-verification-form")
    row = _row()
    index = next(key for key, value in data.items() if key.endswith("-id") and value == str(_question(row, "4").pk))
    prefix = index[: -len("-id")]
    data[f"{prefix}-score"] = "6,5"
    response = client.post(_page(), data)
    assert response.status_code == 200  # a reduction needs its reason: shown beside it
    assert "Tuliskan alasan pengurangan" in response.content.decode()
    data[f"{prefix}-reason"] = "RAD KLA belum ditetapkan."
    response = client.post(_page(), data)
    assert response.status_code == 302
    assert FieldDeduction.objects.get(self_assessment=row).points == D("3.50")
    detail = client.get(reverse("clusters:evaluation-detail", args=[2025])).content.decode()
    assert 'id="stage-totals"' in detail and "32,50" in detail and "−3,50" in detail


def test_the_task_force_reads_the_stages_but_cannot_enter_them(client, task_force_user, evaluation_2025):
    client.force_login(task_force_user)
    html = client.get(_page()).content.decode()
    assert "data-verified-input" not in html and "Apakah telah terbentuk Gugus Tugas KLA" in html
    assert client.post(_page(), {}).status_code == 403


def test_a_foreign_question_on_the_verification_page_is_refused(client, staff_user, evaluation_2025):
    client.force_login(staff_user)
    other = _row(code="3").question_scores.first()
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(other.pk), "form-0-score": "0",
            "form-0-reason": "x"}
    assert client.post(_page(), data).status_code == 400
    assert not VerifiedScore.objects.exists()
