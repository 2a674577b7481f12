"""Writes that touch several rows of the evaluation framework."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from clusters.models import (
    Cluster,
    Evaluation,
    FieldDeduction,
    Indicator,
    Instrument,
    Predicate,
    Question,
    QuestionScore,
    SelfAssessment,
)
from core.conflicts import WriteRefused
from core.loading import LoadReport
from core.versions import EditConflict, claim

DATA_DIR = Path(__file__).resolve().parent / "data"
INDICATORS_CSV = DATA_DIR / "kla_indicators.csv"
INSTRUMENT_2024_CSV = DATA_DIR / "kla_instrument_2024.csv"

# Names as the domain README gives them; loaded once, then editable by admins.
CLUSTERS = [
    ("KLB", "Penguatan Kelembagaan", "Institutional strengthening"),
    ("K1", "Klaster I: Hak Sipil dan Kebebasan", "Cluster I: Civil rights and freedoms"),
    (
        "K2",
        "Klaster II: Lingkungan Keluarga dan Pengasuhan Alternatif",
        "Cluster II: Family environment and alternative care",
    ),
    ("K3", "Klaster III: Kesehatan Dasar dan Kesejahteraan", "Cluster III: Basic health and welfare"),
    (
        "K4",
        "Klaster IV: Pendidikan, Pemanfaatan Waktu Luang dan Kegiatan Budaya",
        "Cluster IV: Education, leisure and culture",
    ),
    ("K5", "Klaster V: Perlindungan Khusus", "Cluster V: Special protection"),
]
KELANA_DEKELA = (
    "KD",
    "Kelana-Dekela: Kecamatan dan Desa/Kelurahan Layak Anak",
    "Kelana-Dekela: child-friendly kecamatan and kelurahan",
)
# The 2024 instrument's group names (column `group`) and the codes that make them comparable with 2019's.
GROUPS_2024 = {
    "Kelembagaan": CLUSTERS[0],
    "Klaster I": CLUSTERS[1],
    "Klaster II": CLUSTERS[2],
    "Klaster III": CLUSTERS[3],
    "Klaster IV": CLUSTERS[4],
    "Klaster V": CLUSTERS[5],
    "Kelana-Dekela": KELANA_DEKELA,
}

# (code, name, lower bound, inclusive): Pratama from 500 inclusive, the others strictly above.
PREDICATES = [
    ("pratama", "Pratama", Decimal("500"), True),
    ("madya", "Madya", Decimal("600"), False),
    (Predicate.NINDYA, "Nindya", Decimal("700"), False),
    ("utama", "Utama", Decimal("800"), False),
    ("kla", "KLA", Decimal("900"), False),
]


@transaction.atomic
def framework_load(
    *, report: LoadReport, indicators_csv: Path = INDICATORS_CSV, instrument_csv: Path = INSTRUMENT_2024_CSV
) -> None:
    """Creates the instruments (the 2019-era framework and the 2024 instrument), their groups,
    indicators and questions, and the predicates that do not exist yet.

    Existing rows are left as they are, so a second run changes nothing and admins' edits
    (a corrected maximum, a renamed indicator, another default instrument) survive.
    """
    framework_2019_load(report=report, indicators_csv=indicators_csv)
    instrument_2024_load(report=report, instrument_csv=instrument_csv)
    if not Instrument.objects.filter(is_default=True).exists():
        # What the office fills today; admins can choose another default.
        Instrument.objects.filter(code=Instrument.INSTRUMENT_2024).update(is_default=True)
    for code, name, lower, inclusive in PREDICATES:
        _, created = Predicate.objects.get_or_create(
            code=code, defaults={"name": name, "lower_bound": lower, "lower_inclusive": inclusive}
        )
        report.count("predicates", created)


def _instrument_get_or_create(*, report: LoadReport, code: str, **defaults) -> tuple[Instrument, bool]:
    instrument, created = Instrument.objects.get_or_create(code=code, defaults=defaults)
    report.count("instruments", created)
    return instrument, created


def _cluster_get_or_create(*, report: LoadReport, instrument: Instrument, group: tuple, order: int) -> Cluster:
    code, name, name_en = group
    cluster, created = Cluster.objects.get_or_create(
        instrument=instrument, code=code, defaults={"name": name, "name_en": name_en, "order": order}
    )
    report.count("clusters", created)
    return cluster


def framework_2019_load(*, report: LoadReport, indicators_csv: Path = INDICATORS_CSV) -> Instrument:
    """The 2019-era framework: 24 indicators scored as a whole, with the domain's provisional maxima."""
    instrument, _ = _instrument_get_or_create(
        report=report, code=Instrument.FRAMEWORK_2019, name="Kerangka KLA 2019 (24 indikator)", first_year=2017,
        source="kla_indicators.csv: provisional maxima (the ministry did not publish them).",
    )
    clusters = {
        group[0]: _cluster_get_or_create(report=report, instrument=instrument, group=group, order=order)
        for order, group in enumerate(CLUSTERS)
    }
    with open(indicators_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _, created = Indicator.objects.get_or_create(
                instrument=instrument,
                number=int(row["number"]),
                is_active=True,
                defaults={
                    "code": row["number"],
                    "cluster": clusters[row["cluster_code"]],
                    "name": row["indicator"],
                    "max_points": Decimal(row["provisional_max_points"]),
                    "placement": row["placement"],
                },
            )
            report.count("indicators", created)
    return instrument


def instrument_2024_load(*, report: LoadReport, instrument_csv: Path = INSTRUMENT_2024_CSV) -> Instrument:
    """The 2024 instrument: 7 groups, 31 indicator rows and 274 questions with their maxima and data sources.

    Only a newly created instrument is filled: an existing one is the admins' to edit.
    """
    instrument, created = _instrument_get_or_create(
        report=report, code=Instrument.INSTRUMENT_2024, name="Instrumen KLA 2024 (274 pertanyaan)", first_year=2024,
        source="Rekap Penilaian Mandiri KLA 2024 (KemenPPPA), as transcribed in a public regency project.",
    )
    if not created:
        for kind, rows in (("clusters", instrument.clusters.all()), ("indicators", instrument.indicators.all()),
                           ("questions", Question.objects.filter(indicator__instrument=instrument))):
            report.existing[kind] = report.existing.get(kind, 0) + rows.count()
        return instrument
    clusters: dict[str, Cluster] = {}
    indicators: dict[str, Indicator] = {}
    with open(instrument_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            group = row["group"].strip()
            if group not in clusters:
                clusters[group] = _cluster_get_or_create(
                    report=report, instrument=instrument, group=GROUPS_2024[group], order=len(clusters)
                )
            code = row["indicator"].strip()
            if code not in indicators:
                indicators[code] = Indicator.objects.create(
                    instrument=instrument, number=len(indicators) + 1, code=code, cluster=clusters[group],
                    name=row["indicator_name"].strip(), max_points=Decimal(row["indicator_max"]),
                )
                report.count("indicators", True)
            indicator = indicators[code]
            Question.objects.create(
                indicator=indicator, code=row["question"].strip(), order=indicator.questions.count() + 1,
                text=row["question_text"].strip(), max_points=Decimal(row["question_max"]),
                data_sources=row["data_sources"].strip(), for_kecamatan=row["for_kecamatan"] == "1",
                for_kelurahan=row["for_kelurahan"] == "1",
            )
            report.count("questions", True)
    return instrument


@transaction.atomic
def instrument_copy(*, instrument: Instrument, code: str, name: str, first_year: int) -> Instrument:
    """A copy of `instrument` (groups, active indicators, questions, maxima) to edit for the next cycle;
    evaluations made on the original keep it as it is."""
    copy = Instrument.objects.create(code=code, name=name, first_year=first_year, copied_from=instrument,
                                     source=instrument.source)
    clusters = {
        cluster.pk: Cluster.objects.create(instrument=copy, code=cluster.code, name=cluster.name,
                                           name_en=cluster.name_en, order=cluster.order)
        for cluster in instrument.clusters.all()
    }
    for indicator in instrument.indicators.active().prefetch_related("questions"):
        indicator_copy = Indicator.objects.create(
            instrument=copy, number=indicator.number, code=indicator.code, cluster=clusters[indicator.cluster_id],
            name=indicator.name, max_points=indicator.max_points, placement=indicator.placement,
        )
        Question.objects.bulk_create([
            Question(indicator=indicator_copy, code=question.code, order=question.order, text=question.text,
                     max_points=question.max_points, data_sources=question.data_sources,
                     for_kecamatan=question.for_kecamatan, for_kelurahan=question.for_kelurahan)
            for question in indicator.questions.all()
        ])
    return copy


class NoInstrument(WriteRefused):
    """No instrument was chosen and none is the default; nothing was created."""


@transaction.atomic
def evaluation_create(
    *, year: int, instrument: Instrument | None = None, target: Predicate | None = None, is_sample: bool = False
) -> Evaluation:
    """Creates the evaluation of `year` on `instrument` (the default one when None), aiming at `target`
    (Nindya when None), with the instrument's indicators, questions and maxima copied into it."""
    instrument = instrument or Instrument.objects.default()
    if instrument is None:
        raise NoInstrument("No instrument is the default: choose one.")
    target = target or Predicate.objects.filter(code=Predicate.NINDYA).first()
    evaluation = Evaluation.objects.create(year=year, instrument=instrument, target=target, is_sample=is_sample)
    evaluation_framework_copy(evaluation=evaluation)
    return evaluation


def evaluation_framework_copy(*, evaluation: Evaluation) -> None:
    """Gives `evaluation` one empty self-assessment per active indicator of its instrument it lacks, and one
    empty question score per question of those, each keeping the current maximum, so later edits of the
    instrument never change this year's results."""
    present = set(evaluation.self_assessments.values_list("indicator_id", flat=True))
    indicators = list(
        Indicator.objects.active().filter(instrument_id=evaluation.instrument_id).exclude(pk__in=present)
        .prefetch_related("questions")
    )
    rows = bulk_create_with_history(
        [
            SelfAssessment(evaluation=evaluation, indicator=indicator, max_points=indicator.max_points,
                           scored_by_questions=bool(indicator.questions.all()))
            for indicator in indicators
        ],
        SelfAssessment,
    )
    # bulk_create_with_history sets primary keys on PostgreSQL and SQLite alike (Django 5).
    by_indicator = {row.indicator_id: row for row in rows}
    if by_indicator and any(row.pk is None for row in rows):
        by_indicator = {row.indicator_id: row for row in evaluation.self_assessments.all()}
    bulk_create_with_history(
        [
            QuestionScore(self_assessment=by_indicator[indicator.pk], question=question,
                          max_points=question.max_points)
            for indicator in indicators for question in indicator.questions.all()
        ],
        QuestionScore,
    )


def evaluation_next_year(*, first_year: int) -> int:
    """The year after the latest evaluation (or `first_year` when there is none)."""
    latest = Evaluation.objects.aggregate(latest=Max("year"))["latest"]
    return latest + 1 if latest else first_year


def evaluation_create_next(*, first_year: int) -> Evaluation:
    """Creates the evaluation of the year after the latest one (or of `first_year` when there is none)."""
    return evaluation_create(year=evaluation_next_year(first_year=first_year))


class StageClosed(WriteRefused):
    """The evaluation's stage does not allow this edit; nothing was saved."""

    def __init__(self, evaluation: Evaluation):
        super().__init__(f"{evaluation} is in the {evaluation.stage} stage")
        self.evaluation = evaluation


SCORE_FIELDS = frozenset({"score", "evidence"})
UNSEEN = object()  # a ScoreChange made without the values its form showed: only the version can tell


@dataclass(frozen=True)
class ScoreChange:
    """A self-assessment as the form submits it, with the version the form was loaded from.

    `fields` are the fields the user changed (only those are written); `seen_score` / `seen_evidence`
    are the values the form showed, so a row saved meanwhile by someone else is still saved when that
    person changed only fields this user left alone.
    """

    pk: int
    version: int
    score: Decimal | None
    evidence: str
    fields: frozenset = SCORE_FIELDS
    seen_score: object = UNSEEN
    seen_evidence: object = UNSEEN

    def changed_meanwhile(self, row: SelfAssessment) -> bool:
        """Whether another save touched a field this change writes, since the form was loaded."""
        if row.version == self.version:
            return False
        seen = {"score": self.seen_score, "evidence": self.seen_evidence}
        return any(seen[name] is UNSEEN or getattr(row, name) != seen[name] for name in self.fields)


def lock_evaluation(evaluation: Evaluation) -> Evaluation:
    # The stage is read under a row lock, so an admin closing the stage cannot interleave with a save.
    return Evaluation.objects.select_for_update().get(pk=evaluation.pk)


@transaction.atomic
def self_assessments_update(*, evaluation: Evaluation, changes: list[ScoreChange], reason: str = "") -> int:
    """Saves the changed fields of one evaluation's scores, all or nothing. Returns how many rows were saved.

    Only the fields each change names are written, so a note saved by someone else meanwhile survives a
    score saved from an older form. A row is refused when its version moved on AND another save changed
    a field this change writes (the value is no longer the one the form showed); `EditConflict` names
    every such row and the whole save is rolled back. Raises `StageClosed` outside the self-assessment
    stage, and lets the database's IntegrityError through (for example a score below deductions recorded
    meanwhile). `reason` is kept in each row's history record (an import names its file there).
    """
    if not lock_evaluation(evaluation).is_self_assessment_open:
        raise StageClosed(evaluation)
    scored_by_questions = set(
        SelfAssessment.objects.filter(evaluation=evaluation, scored_by_questions=True,
                                      pk__in=[change.pk for change in changes if "score" in change.fields])
        .values_list("pk", flat=True)
    )
    if scored_by_questions:
        raise ScoredByQuestions(sorted(scored_by_questions))
    _changes_write(SelfAssessment.objects.filter(evaluation=evaluation), changes, reason)
    return len(changes)


def _changes_write(queryset, changes: list[ScoreChange], reason: str) -> dict:
    """Writes `changes` to the rows of `queryset` they name (score and evidence rows alike), or raises
    `EditConflict` naming every row changed meanwhile in a field the change writes. Returns the rows."""
    # Row locks: the comparison with the seen values and the write cannot interleave with another save.
    rows = queryset.select_for_update().in_bulk([change.pk for change in changes])
    stale = [change.pk for change in changes if change.pk not in rows or change.changed_meanwhile(rows[change.pk])]
    # Compare-and-increment on the version read above as well: safe even where rows cannot be locked.
    stale += [change.pk for change in changes if change.pk not in stale
              and not claim(queryset.model.objects, pk=change.pk, version=rows[change.pk].version)]
    if stale:
        raise EditConflict(stale)
    for change in changes:
        row = rows[change.pk]
        fields = sorted(change.fields & SCORE_FIELDS)
        for name in fields:
            setattr(row, name, getattr(change, name))
        row.version += 1
        if reason:
            row._change_reason = reason
        row.save(update_fields=[*fields, "version", "updated_at"])  # records the history
    return rows


class ScoredByQuestions(WriteRefused):
    """A score was written to an indicator whose score is the sum of its questions; nothing was saved."""

    def __init__(self, pks: list[int]):
        super().__init__(f"self-assessments {pks} are scored by their questions")
        self.pks = pks


def indicator_score_from_questions(question_scores, maximum: Decimal) -> Decimal | None:
    """An indicator's score from its questions' scores: their sum, at most the indicator's maximum (the
    source's question maxima can add up to more); None while no question is scored."""
    scored = [score for score in question_scores if score is not None]
    if not scored:
        return None
    return min(sum(scored, Decimal("0")), maximum)


class QuestionScoresChanged(EditConflict):
    """Someone else saved these question scores after the form (or the import's preview) was loaded:
    `pks` are `QuestionScore` rows, not self-assessments. Nothing was saved."""


@transaction.atomic
def question_scores_update(*, self_assessment: SelfAssessment, changes: list[ScoreChange], reason: str = "") -> int:
    """Saves the changed question scores and notes of one indicator, all or nothing, and the indicator's
    score (their sum, capped at its maximum) with them. Same conflict rules, stage lock and history as
    `self_assessments_update`; the indicator's version is raised too when its score changes, so a cluster
    page loaded before sees it. Raises `QuestionScoresChanged` (an `EditConflict`) and `StageClosed`.
    Returns how many questions were saved."""
    evaluation = self_assessment.evaluation
    if not lock_evaluation(evaluation).is_self_assessment_open:
        raise StageClosed(evaluation)
    _question_changes_write(QuestionScore.objects.filter(self_assessment_id=self_assessment.pk), changes, reason)
    return len(changes)


@transaction.atomic
def evaluation_question_scores_update(*, evaluation: Evaluation, changes: list[ScoreChange], reason: str = "") -> int:
    """Saves changed question scores and notes of any indicators of one evaluation (an import), all or
    nothing, with each touched indicator's score (the sum of its questions, capped at its maximum).
    Same rules as `question_scores_update`: raises `QuestionScoresChanged` naming every question changed
    meanwhile (or not of this evaluation), `StageClosed` outside the self-assessment stage, and lets the
    database's IntegrityError through. Returns how many questions were saved."""
    if not lock_evaluation(evaluation).is_self_assessment_open:
        raise StageClosed(evaluation)
    _question_changes_write(QuestionScore.objects.filter(self_assessment__evaluation=evaluation), changes, reason)
    return len(changes)


def _question_changes_write(queryset, changes: list[ScoreChange], reason: str) -> None:
    """Writes `changes` to the question scores of `queryset`, then the score of each indicator they belong
    to; the caller holds the evaluation's lock and the transaction."""
    indicator_pks = set(
        queryset.filter(pk__in=[change.pk for change in changes]).values_list("self_assessment_id", flat=True)
    )
    # The indicators are locked before their questions, in one order, as every save of questions does.
    indicator_rows = list(SelfAssessment.objects.select_for_update().filter(pk__in=indicator_pks).order_by("pk"))
    try:
        _changes_write(queryset, changes, reason)
    except EditConflict as conflict:
        raise QuestionScoresChanged(conflict.pks) from None
    question_scores: dict[int, list] = {pk: [] for pk in indicator_pks}
    for indicator_pk, score in QuestionScore.objects.filter(self_assessment_id__in=indicator_pks).values_list(
        "self_assessment_id", "score"
    ):
        question_scores[indicator_pk].append(score)
    for indicator_row in indicator_rows:
        score = indicator_score_from_questions(question_scores[indicator_row.pk], indicator_row.max_points)
        if score != indicator_row.score:
            indicator_row.score = score
            indicator_row.version += 1
            if reason:
                indicator_row._change_reason = reason
            indicator_row.save(update_fields=["score", "version", "updated_at"])


@transaction.atomic
def deduction_create(*, self_assessment: SelfAssessment, points: Decimal, reason: str) -> FieldDeduction:
    """Records a field deduction in the evaluation's current verification stage."""
    evaluation = lock_evaluation(self_assessment.evaluation)
    if not evaluation.is_deduction_open:
        raise StageClosed(evaluation)
    if self_assessment.scored_by_questions:
        raise ScoredByQuestions([self_assessment.pk])  # its losses come from its verified question scores
    return FieldDeduction.objects.create(
        self_assessment=self_assessment, points=points, reason=reason, stage=evaluation.stage
    )


@transaction.atomic
def deduction_update(*, deduction: FieldDeduction, version: int, points: Decimal, reason: str) -> FieldDeduction:
    """Changes a deduction if it is still at `version` (else `EditConflict`), in a verification stage."""
    if not lock_evaluation(deduction.self_assessment.evaluation).is_deduction_open:
        raise StageClosed(deduction.self_assessment.evaluation)
    if not claim(FieldDeduction.objects, pk=deduction.pk, version=version):
        raise EditConflict([deduction.pk])
    deduction.points, deduction.reason, deduction.version = points, reason, version + 1
    deduction.save(update_fields=["points", "reason", "version", "updated_at"])
    return deduction


@transaction.atomic
def deduction_delete(*, deduction: FieldDeduction, version: int) -> None:
    """Removes a deduction if it is still at `version` (else `EditConflict`), in a verification stage."""
    if not lock_evaluation(deduction.self_assessment.evaluation).is_deduction_open:
        raise StageClosed(deduction.self_assessment.evaluation)
    if not claim(FieldDeduction.objects, pk=deduction.pk, version=version):
        raise EditConflict([deduction.pk])
    deduction.delete()


@transaction.atomic
def evaluation_stage_change(*, evaluation: Evaluation, stage: str, reason: str) -> Evaluation:
    """Moves the evaluation to `stage`; the change and its reason are kept in its history.

    Reopening a final evaluation needs a reason (ValueError without one, or with one longer than the
    history column holds).
    """
    reason_limit = Evaluation.history.model._meta.get_field("history_change_reason").max_length
    if len(reason.strip()) > reason_limit:  # SQLite would store it; PostgreSQL and a restore into it refuse it
        raise ValueError(f"A stage-change reason holds at most {reason_limit} characters.")
    evaluation = lock_evaluation(evaluation)
    if evaluation.stage == Evaluation.Stage.FINAL and stage != Evaluation.Stage.FINAL and not reason.strip():
        raise ValueError("Reopening a final evaluation needs a reason.")
    evaluation.stage = stage
    evaluation._change_reason = reason.strip()
    evaluation.save(update_fields=["stage", "updated_at"])
    return evaluation
