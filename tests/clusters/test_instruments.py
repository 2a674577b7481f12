"""Instruments as versioned data: the 2024 instrument's groups, indicators and questions, evaluations made
on it, question scores adding up to the indicator's score, and copies for the next cycle."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from clusters.models import Cluster, Evaluation, Indicator, Instrument, Question, QuestionScore, SelfAssessment
from clusters.services import (
    ScoreChange,
    ScoredByQuestions,
    StageClosed,
    evaluation_create,
    framework_load,
    indicator_score_from_questions,
    instrument_copy,
    question_scores_update,
    self_assessments_update,
)
from core.loading import LoadReport
from core.versions import EditConflict

pytestmark = pytest.mark.django_db

GROUP_MAXIMA_2024 = {"KLB": 164, "K1": 115, "K2": 156, "K3": 150, "K4": 110, "K5": 205, "KD": 100}


def _indicator_sums(instrument):
    return {
        indicator.code: (indicator.max_points, indicator.question_total)
        for indicator in instrument.indicators.annotate(question_total=Sum("questions__max_points"))
    }


def test_the_2024_instrument_has_7_groups_31_indicators_274_questions_and_1000_points(instrument_2024):
    clusters = list(instrument_2024.clusters.order_by("order"))
    assert [c.code for c in clusters] == list(GROUP_MAXIMA_2024)
    groups = {c.code: sum(i.max_points for i in c.indicators.all()) for c in clusters}
    assert groups == {code: D(points) for code, points in GROUP_MAXIMA_2024.items()}
    codes = list(instrument_2024.indicators.order_by("number").values_list("code", flat=True))
    assert len(codes) == 31
    assert codes[19:] == ["20", "21A", "21B", "21C", "22A", "22B", "23A", "23B", "24A", "24B", "25", "26"]
    assert Question.objects.filter(indicator__instrument=instrument_2024).count() == 274
    assert instrument_2024.indicators.get(code="1").questions.count() == 63


def test_the_sources_disagreeing_maxima_are_kept_as_the_source_has_them(instrument_2024):
    sums = _indicator_sums(instrument_2024)
    assert sums["19"] == (D("51"), D("54"))
    assert sums["21B"] == (D("17"), D("18"))
    disagreeing = {code for code, (maximum, questions) in sums.items() if maximum != questions}
    assert disagreeing == {"19", "21B"}
    assert sum(questions for _, questions in sums.values()) == D("1004")


def test_questions_keep_their_codes_order_sources_and_scope(instrument_2024):
    questions = list(instrument_2024.indicators.get(code="1").questions.order_by("order")[:3])
    assert [q.code for q in questions] == ["1", "2a", "2b"]
    assert questions[1].sources == ["JDIH", "Bagian Hukum", "Disdukcapil"]
    patbm = Question.objects.get(indicator__instrument=instrument_2024, indicator__code="26", code="15")
    assert (patbm.max_points, patbm.for_kelurahan, patbm.for_kecamatan) == (D("10"), True, False)
    assert "PATBM" in patbm.text


def test_a_new_database_makes_the_2024_instrument_the_default_and_a_second_load_changes_nothing(db):
    framework_load(report=LoadReport())
    assert Instrument.objects.default().code == Instrument.INSTRUMENT_2024
    Question.objects.filter(indicator__code="19", code="1").update(max_points=D("2"))
    Instrument.objects.update(is_default=False)
    report = LoadReport()
    framework_load(report=report)
    assert not report.changed
    assert Instrument.objects.default().code == Instrument.INSTRUMENT_2024  # no default: the loader sets it again
    assert Question.objects.get(indicator__code="19", code="1", indicator__instrument__code="kla-2024").max_points \
        == D("2")


def test_only_one_instrument_is_the_default(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.update(is_default=True)


def test_a_group_code_is_unique_within_its_instrument_only(instrument_2024):
    assert Cluster.objects.filter(code="K5").count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Cluster.objects.create(instrument=instrument_2024, code="K5", name="x", name_en="x", order=99)


def test_an_evaluation_on_the_2024_instrument_copies_31_indicators_and_274_questions(instrument_2024):
    evaluation = evaluation_create(year=2026, instrument=instrument_2024)
    rows = evaluation.self_assessments.all()
    assert rows.count() == 31
    assert rows.filter(scored_by_questions=True).count() == 31
    assert rows.aggregate(total=Sum("max_points"))["total"] == D("1000")
    scores = QuestionScore.objects.filter(self_assessment__evaluation=evaluation)
    assert scores.count() == 274
    assert scores.filter(score__isnull=False).count() == 0
    assert scores.aggregate(total=Sum("max_points"))["total"] == D("1004")


def test_an_evaluation_on_the_2019_framework_has_no_questions(reference_data):
    evaluation = evaluation_create(year=2019)
    assert evaluation.instrument.code == Instrument.FRAMEWORK_2019
    assert evaluation.self_assessments.count() == 24
    assert not evaluation.self_assessments.filter(scored_by_questions=True).exists()
    assert not QuestionScore.objects.exists()


@pytest.mark.parametrize(
    ("scores", "maximum", "expected"),
    [
        ([], D("10"), None),
        ([None, None], D("10"), None),
        ([D("0"), None], D("10"), D("0")),
        ([D("3.5"), D("0.25"), None], D("10"), D("3.75")),
        ([D("30"), D("24")], D("51"), D("51")),  # the source's questions add up to more: capped
        ([D("25.5"), D("25.5")], D("51"), D("51")),
    ],
)
def test_an_indicators_score_is_the_sum_of_its_questions_at_most_its_maximum(scores, maximum, expected):
    assert indicator_score_from_questions(scores, maximum) == expected


def _evaluation_2026(instrument):
    return evaluation_create(year=2026, instrument=instrument)


def _row(evaluation, code):
    return SelfAssessment.objects.select_related("evaluation").get(evaluation=evaluation, indicator__code=code)


def _change(score_row, score, evidence="", fields=frozenset({"score"})):
    return ScoreChange(pk=score_row.pk, version=score_row.version, score=score, evidence=evidence, fields=fields)


def test_saving_questions_writes_them_and_the_indicators_sum_in_one_save(instrument_2024):
    evaluation = _evaluation_2026(instrument_2024)
    row = _row(evaluation, "1")
    first, second = row.question_scores.order_by("question__order")[:2]
    saved = question_scores_update(self_assessment=row, changes=[
        _change(first, D("3.5")), _change(second, D("0.5"), "SK Wali Kota", frozenset({"score", "evidence"})),
    ])
    assert saved == 2
    row.refresh_from_db()
    assert (row.score, row.version) == (D("4.00"), 2)
    second.refresh_from_db()
    assert (second.score, second.evidence, second.version) == (D("0.50"), "SK Wali Kota", 2)
    assert second.history.count() == 2  # created, then saved
    assert row.history.first().score == D("4.00")


def test_indicator_19_never_scores_above_its_maximum(instrument_2024):
    evaluation = _evaluation_2026(instrument_2024)
    row = _row(evaluation, "19")
    changes = [_change(score, score.max_points) for score in row.question_scores.all()]
    question_scores_update(self_assessment=row, changes=changes)
    row.refresh_from_db()
    assert row.score == D("51.00")
    assert sum(s.score for s in row.question_scores.all()) == D("54.00")


def test_clearing_every_question_clears_the_indicators_score(instrument_2024):
    evaluation = _evaluation_2026(instrument_2024)
    row = _row(evaluation, "23B")
    score = row.question_scores.first()
    question_scores_update(self_assessment=row, changes=[_change(score, D("1"))])
    score.refresh_from_db()
    question_scores_update(self_assessment=row, changes=[_change(score, None)])
    row.refresh_from_db()
    assert row.score is None


def test_a_question_changed_meanwhile_refuses_the_whole_save(instrument_2024):
    evaluation = _evaluation_2026(instrument_2024)
    row = _row(evaluation, "2")
    first, second = row.question_scores.order_by("question__order")[:2]
    stale_first = _change(first, D("1"))
    question_scores_update(self_assessment=row, changes=[_change(first, D("2"))])  # someone else, meanwhile
    with pytest.raises(EditConflict) as refused:
        question_scores_update(self_assessment=row, changes=[stale_first, _change(second, D("1"))])
    assert set(refused.value.pks) == {first.pk}
    first.refresh_from_db(), second.refresh_from_db(), row.refresh_from_db()
    assert (first.score, second.score, row.score) == (D("2.00"), None, D("2.00"))


def test_questions_cannot_be_saved_outside_the_self_assessment_stage(instrument_2024):
    evaluation = _evaluation_2026(instrument_2024)
    Evaluation.objects.filter(pk=evaluation.pk).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)
    row = _row(evaluation, "2")
    with pytest.raises(StageClosed):
        question_scores_update(self_assessment=row, changes=[_change(row.question_scores.first(), D("1"))])
    assert not QuestionScore.objects.filter(score__isnull=False).exists()


def test_the_database_refuses_a_question_score_above_its_maximum(instrument_2024):
    evaluation = _evaluation_2026(instrument_2024)
    score = _row(evaluation, "2").question_scores.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionScore.objects.filter(pk=score.pk).update(score=score.max_points + D("0.01"))


def test_an_indicator_scored_by_questions_refuses_a_typed_score_but_takes_a_note(instrument_2024):
    evaluation = _evaluation_2026(instrument_2024)
    row = _row(evaluation, "3")
    with pytest.raises(ScoredByQuestions):
        self_assessments_update(evaluation=evaluation, changes=[_change(row, D("10"))])
    row.refresh_from_db()
    assert row.score is None
    self_assessments_update(evaluation=evaluation, changes=[
        _change(row, None, "Catatan indikator", frozenset({"evidence"}))])
    row.refresh_from_db()
    assert (row.score, row.evidence) == (None, "Catatan indikator")


def test_a_copy_is_edited_for_the_next_cycle_without_touching_evaluations_on_the_original(instrument_2024):
    evaluation = _evaluation_2026(instrument_2024)
    copy = instrument_copy(instrument=instrument_2024, code="kla-2027", name="Instrumen KLA 2027", first_year=2027)
    assert copy.copied_from == instrument_2024
    assert copy.clusters.count() == 7 and copy.indicators.count() == 31
    assert Question.objects.filter(indicator__instrument=copy).count() == 274
    # Admins correct the source's disagreeing numbers in the copy: indicator 19's maximum, a 21B question.
    Indicator.objects.filter(instrument=copy, code="19").update(max_points=D("54"))
    corrected = Question.objects.filter(indicator__instrument=copy, indicator__code="21B", code="1")
    was = corrected.get().max_points
    corrected.update(max_points=was - 1)
    Question.objects.filter(indicator__instrument=copy, indicator__code="1").first().delete()

    assert _row(evaluation, "19").max_points == D("51")
    assert instrument_2024.indicators.get(code="19").max_points == D("51")
    assert _row(evaluation, "1").question_scores.count() == 63
    next_cycle = evaluation_create(year=2027, instrument=copy)
    assert _row(next_cycle, "19").max_points == D("54")
    assert _row(next_cycle, "1").question_scores.count() == 62
    assert _indicator_sums(copy)["21B"] == (D("17"), D("17"))
    assert _indicator_sums(instrument_2024)["21B"] == (D("17"), D("18"))


def test_question_21a_2_is_loaded_without_the_transcription_typo(instrument_2024):
    question = Question.objects.get(indicator__instrument=instrument_2024, indicator__code="21A", code="2")
    assert question.text.startswith("Apakah ada program/kegiatan Perangkat Daerah (PD) berkaitan dengan")
    assert not Question.objects.filter(text__contains="ApakaKLASh").exists()


def test_the_typo_migration_fixes_questions_already_loaded_and_their_copies(instrument_2024):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("clusters.migrations.0011_question_text_typo")
    original = Question.objects.get(indicator__instrument=instrument_2024, indicator__code="21A", code="2")
    copy = instrument_copy(instrument=instrument_2024, code="KLA-2026", name="Instrumen 2026", first_year=2026)
    copied = Question.objects.get(indicator__instrument=copy, indicator__code="21A", code="2")
    fixed_text = original.text
    Question.objects.filter(pk__in=[original.pk, copied.pk]).update(text="ApakaKLASh " + fixed_text[len("Apakah "):])
    untouched = Question.objects.get(indicator__instrument=instrument_2024, indicator__code="21A", code="1")
    before = untouched.text

    migration.fix_question_text(apps, None)

    assert Question.objects.get(pk=original.pk).text == Question.objects.get(pk=copied.pk).text == fixed_text
    assert Question.objects.get(pk=untouched.pk).text == before
