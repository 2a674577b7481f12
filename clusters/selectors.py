"""Reads of evaluations as scoring values, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusters import scoring, verifications
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
from core import history

# Stages from which the evaluation has a field result (deductions are final or being made).
FIELD_RESULT_STAGES = (Evaluation.Stage.FIELD_VERIFICATION, Evaluation.Stage.FINAL)

# What a number of an unfinished stage is called, for that stage.
PROVISIONAL_LABELS = {
    Evaluation.Stage.SELF_ASSESSMENT: _("provisional, self-assessment in progress"),
    Evaluation.Stage.ADMIN_VERIFICATION: _("provisional, administrative verification in progress"),
    Evaluation.Stage.MINISTRY_REVIEW: _("provisional, ministry review in progress"),
    Evaluation.Stage.FIELD_VERIFICATION: _("provisional, field verification in progress"),
}


@dataclass(frozen=True)
class ResultStatus:
    """Which of an evaluation's numbers are final and which provisional, by its stage: the one rule
    the dashboard, the evaluation page and list, the report and the planner label numbers by.

    - `is_final`: only a final evaluation has a *final* score and a predicate won, and only there may
      an indicator without deductions be called "not deducted" (verification is closed).
    - `has_field_result`: field deductions are known, final or so far (from field verification on,
      or once any deduction is recorded); before that the total is the self-assessment only. This
      is the one meaning of "has a field result"; `deductions` is the evaluation's total. What a page
      compares a result with ("the result before") is another thing: the previous *final* evaluation
      (`final_before`, `Dashboard.final_before`).
    - `provisional_label`: what a number of the unfinished stage is, e.g. "provisional, field
      verification in progress" (empty when final).
    - `scores_open`: the self-assessment can still be raised (the self-assessment stage); in the
      verification stages only deductions can still change, in the final stage nothing.
    """

    stage: str
    deductions: Decimal = scoring.ZERO

    @property
    def is_final(self) -> bool:
        return self.stage == Evaluation.Stage.FINAL

    @property
    def is_provisional(self) -> bool:
        return not self.is_final

    @property
    def has_field_result(self) -> bool:
        return self.stage in FIELD_RESULT_STAGES or self.deductions > 0

    @property
    def verification_closed(self) -> bool:
        return self.is_final

    @property
    def scores_open(self) -> bool:
        return self.stage == Evaluation.Stage.SELF_ASSESSMENT

    @property
    def changeable(self) -> str:
        """What planning may still raise in this stage (WHAT CAN STILL CHANGE in scoring.py)."""
        if self.is_final:
            return scoring.CHANGE_NONE
        return scoring.CHANGE_ALL if self.scores_open else scoring.CHANGE_RECOVERABLE

    @property
    def provisional_label(self) -> str:
        return "" if self.is_final else str(PROVISIONAL_LABELS.get(self.stage, _("provisional")))


def result_status(evaluation: Evaluation, deductions: Decimal = scoring.ZERO) -> ResultStatus:
    """The evaluation's `ResultStatus`; `deductions` is its total of field deductions."""
    return ResultStatus(evaluation.stage, deductions)


def final_before(year: int) -> Evaluation | None:
    """The latest final evaluation before `year` (one query)."""
    return (Evaluation.objects.filter(year__lt=year, stage=Evaluation.Stage.FINAL)
            .order_by("-year").first())


def stage_history(evaluation: Evaluation, limit: int = 20) -> list:
    """The evaluation's history records that set its stage (its creation and each stage change), newest
    first; saves that kept the stage (a note, the year's copy of the framework) are left out."""
    records = list(evaluation.history.select_related("history_user").order_by("history_date", "history_id"))
    changes = [record for before, record in zip([None, *records], records, strict=False)
               if before is None or record.stage != before.stage]
    return changes[::-1][:limit]


def evaluation_scores(evaluation: Evaluation) -> list[scoring.IndicatorScore]:
    """The indicator scores of one evaluation, ordered by cluster and number (one query)."""
    return [row.to_score() for row in SelfAssessment.objects.filter(evaluation=evaluation).for_scoring()]


def scores_by_evaluation(evaluations: Iterable[Evaluation]) -> dict[int, list[scoring.IndicatorScore]]:
    """Indicator scores of several evaluations, keyed by evaluation id (one query)."""
    ids = [evaluation.pk for evaluation in evaluations]
    result: dict[int, list[scoring.IndicatorScore]] = {pk: [] for pk in ids}
    for row in SelfAssessment.objects.filter(evaluation_id__in=ids).for_scoring():
        result[row.evaluation_id].append(row.to_score())
    return result


def predicate_bands() -> list[scoring.Band]:
    return Predicate.objects.as_bands()


def nindya_band(bands: Iterable[scoring.Band]) -> scoring.Band | None:
    return next((band for band in bands if band.code == Predicate.NINDYA), None)


def target_band(evaluation: Evaluation, bands: Iterable[scoring.Band]) -> scoring.Band | None:
    """The predicate `evaluation` aims for (no query): its target, or Nindya where none is set."""
    bands = list(bands)
    if evaluation.target_id is not None:
        target = next((band for band in bands if band.pk == evaluation.target_id), None)
        if target is not None:
            return target
    return nindya_band(bands)


@dataclass(frozen=True)
class EvaluationSummary:
    evaluation: Evaluation
    summary: scoring.Summary
    scores: list[scoring.IndicatorScore] = field(default_factory=list)
    goal: scoring.Band | None = None  # the evaluation's target predicate

    @cached_property
    def stage_totals(self) -> list:
        """The total after each stage (`verifications.stage_totals`; one query, when first asked for)."""
        return verifications.stage_totals(self.evaluation, self.summary.self_assessment)

    @property
    def year(self) -> int:
        return self.evaluation.year

    @property
    def result(self) -> ResultStatus:
        return result_status(self.evaluation, self.summary.deductions)

    @property
    def has_field_result(self) -> bool:
        """`ResultStatus.has_field_result` of this evaluation."""
        return self.result.has_field_result

    @property
    def is_final(self) -> bool:
        return self.result.is_final


def evaluation_summaries(*, up_to_year: int | None = None,
                         bands: list[scoring.Band] | None = None) -> list[EvaluationSummary]:
    """Every evaluation (up to `up_to_year`), newest first, with its headline numbers and scores (three
    queries in all, whatever the number of years or indicators; two when the caller has the `bands`)."""
    evaluations = Evaluation.objects.select_related("instrument").latest_first()
    if up_to_year is not None:
        evaluations = evaluations.filter(year__lte=up_to_year)
    evaluations = list(evaluations)
    scores = scores_by_evaluation(evaluations)
    bands = predicate_bands() if bands is None else bands
    summaries = []
    for evaluation in evaluations:
        goal = target_band(evaluation, bands)
        summaries.append(EvaluationSummary(
            evaluation, scoring.summarize(scores[evaluation.pk], bands, goal), scores[evaluation.pk], goal))
    return summaries


@dataclass(frozen=True)
class ClusterLabel:
    code: str
    name: str
    short: str


def cluster_labels(instrument_ids: Iterable[int] | None = None) -> list[ClusterLabel]:
    """The groups of the instruments `instrument_ids` (of all when None) in order, one per code (a code
    names the same group in every instrument, under the newest instrument's name), named in the active
    language ("Klaster I" / "Cluster I" for short). One query."""
    english = (get_language() or "").startswith("en")
    clusters = Cluster.objects.order_by("order", "-instrument__first_year", "-instrument_id")
    if instrument_ids is not None:
        clusters = clusters.filter(instrument_id__in=list(instrument_ids))
    labels: dict[str, ClusterLabel] = {}
    for cluster in clusters:
        name = cluster.name_en if english and cluster.name_en else cluster.name
        labels.setdefault(cluster.code, ClusterLabel(cluster.code, name, name.split(":")[0].strip()))
    return list(labels.values())


@dataclass(frozen=True)
class DeductionReason:
    points: Decimal
    reason: str


def deduction_reasons(evaluation: Evaluation) -> dict[int, list[DeductionReason]]:
    """The field deductions of one evaluation with the jurors' reasons, by indicator number, in
    the order they were recorded (one query)."""
    reasons: dict[int, list[DeductionReason]] = {}
    rows = (
        FieldDeduction.objects.filter(self_assessment__evaluation=evaluation)
        .order_by("self_assessment__indicator__number", "created_at", "pk")
        .values_list("self_assessment__indicator__number", "points", "reason")
    )
    for number, points, reason in rows:
        reasons.setdefault(number, []).append(DeductionReason(points, reason))
    return reasons


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of an evaluation, as the detail page shows it."""

    self_assessment: SelfAssessment
    score: scoring.IndicatorScore


@dataclass(frozen=True)
class ClusterSection:
    cluster: Cluster
    rows: list[IndicatorRow]
    total: scoring.ClusterTotal


@dataclass(frozen=True)
class EvaluationDetail:
    evaluation: Evaluation
    summary: scoring.Summary
    sections: list[ClusterSection]
    goal: scoring.Band | None
    bands: list[scoring.Band]
    # Indicator numbers deducted in two or more consecutive field results up to this evaluation.
    recurring: tuple[int, ...] = ()

    @property
    def result(self) -> ResultStatus:
        return result_status(self.evaluation, self.summary.deductions)

    @cached_property
    def verification(self) -> VerificationOverview:
        """The total after each stage and the losses between stages (read when first asked for)."""
        return verification_overview(self.evaluation, self.summary.self_assessment)

    @property
    def bands_for_script(self) -> list[dict]:
        """The predicate bands for the page's script (json_script), ascending."""
        return [{"name": b.name, "lower": str(b.lower), "inclusive": b.lower_inclusive} for b in self.bands]


def field_result_deductions(
    evaluations: Iterable[tuple[int, str, Mapping[int, Decimal]]],
) -> dict[int, dict[int, Decimal]]:
    """Field deductions of the evaluations that have a field result (`ResultStatus.has_field_result`),
    as {year: {indicator number: points}}, oldest first, from (year, stage, {indicator number: points
    deducted}) per evaluation. Indicators that lost nothing are left out; an evaluation with a field
    result but no deduction is present with an empty dict: it breaks a run of consecutive deductions
    (`scoring.recurring_weaknesses`)."""
    result: dict[int, dict[int, Decimal]] = {}
    for year, stage, points in evaluations:
        if ResultStatus(stage, sum(points.values(), scoring.ZERO)).has_field_result:
            result[year] = {number: lost for number, lost in points.items() if lost > 0}
    return dict(sorted(result.items()))


def deduction_history(
    up_to_year: int | None = None, instrument_id: int | None = None
) -> dict[int, dict[int, Decimal]]:
    """`field_result_deductions` of every evaluation up to `up_to_year` (on `instrument_id` only, when
    given: indicator numbers are each instrument's own) (one query)."""
    rows = SelfAssessment.objects.all()
    if instrument_id is not None:
        rows = rows.filter(evaluation__instrument_id=instrument_id)
    if up_to_year is not None:
        rows = rows.filter(evaluation__year__lte=up_to_year)
    rows = rows.values("evaluation__year", "evaluation__stage", "indicator__number").annotate(
        points=Sum("deductions__points")
    )
    by_evaluation: dict[tuple[int, str], dict[int, Decimal]] = {}
    for row in rows:
        points = by_evaluation.setdefault((row["evaluation__year"], row["evaluation__stage"]), {})
        points[row["indicator__number"]] = row["points"] or scoring.ZERO
    return field_result_deductions((year, stage, points) for (year, stage), points in by_evaluation.items())


def evaluation_detail(evaluation: Evaluation, *, with_recurring: bool = True) -> EvaluationDetail:
    """An evaluation's indicators grouped by cluster, with cluster subtotals, the headline
    numbers and (`with_recurring`) the recurring weaknesses up to this evaluation (four queries,
    whatever the number of indicators, deductions or years)."""
    rows = list(SelfAssessment.objects.filter(evaluation=evaluation).for_scoring())
    clusters = list(Cluster.objects.filter(indicators__self_assessments__evaluation=evaluation).distinct())
    bands = predicate_bands()
    goal = target_band(evaluation, bands)
    scores = [row.to_score() for row in rows]
    totals = {total.cluster_code: total for total in scoring.cluster_totals(scores)}
    sections = [
        ClusterSection(
            cluster=cluster,
            rows=[IndicatorRow(row, score) for row, score in zip(rows, scores, strict=True)
                  if score.cluster_code == cluster.code],
            total=totals[cluster.code],
        )
        for cluster in clusters
    ]
    history = deduction_history(evaluation.year, evaluation.instrument_id) if with_recurring else {}
    recurring = tuple(sorted(scoring.recurring_weaknesses(history)))
    return EvaluationDetail(evaluation, scoring.summarize(scores, bands, goal), sections, goal, bands, recurring)


def instrument_choices(instruments: QuerySet[Instrument]) -> list[Instrument]:
    """The instruments with `indicator_count`, `max_total` and `question_count` of their active
    indicators, as the create page offers them (three queries)."""
    indicators = {
        row["instrument"]: row for row in Indicator.objects.active().values("instrument")
        .annotate(count=Count("id"), total=Sum("max_points")).order_by()
    }
    questions = dict(
        Question.objects.filter(indicator__is_active=True).values("indicator__instrument")
        .annotate(count=Count("id")).order_by().values_list("indicator__instrument", "count")
    )
    result = list(instruments)
    for instrument in result:
        row = indicators.get(instrument.pk, {})
        instrument.indicator_count = row.get("count", 0)
        instrument.max_total = row.get("total") or scoring.ZERO
        instrument.question_count = questions.get(instrument.pk, 0)
    return result


@dataclass(frozen=True)
class QuestionPage:
    """One indicator of an evaluation with its questions, as its entry page shows them."""

    detail: EvaluationDetail
    section: ClusterSection
    row: SelfAssessment
    question_max_total: Decimal
    question_sum: Decimal | None = None  # the questions' scores added up (None while none is scored)

    @property
    def maxima_disagree(self) -> bool:
        """The source's question maxima do not add up to the indicator's maximum (2024: #19, #21B)."""
        return self.question_max_total != self.row.max_points


def indicator_self_assessment(evaluation: Evaluation, code: str) -> SelfAssessment | None:
    """The evaluation's row of the indicator numbered `code` by its instrument, with `deduction_total`
    (an active indicator first, should a retired one share its number)."""
    return (SelfAssessment.objects.filter(evaluation=evaluation, indicator__code=code).for_scoring()
            .order_by("-indicator__is_active", "indicator__number").first())


def is_scored_by_questions(evaluation: Evaluation) -> bool:
    """Whether the evaluation has question-scored indicators (its imports and exports then have a row per
    question)."""
    return SelfAssessment.objects.filter(evaluation=evaluation, scored_by_questions=True).exists()


def question_scores(row: SelfAssessment) -> QuerySet[QuestionScore]:
    """The question scores of one indicator of one evaluation, in the instrument's order, for the entry form."""
    return QuestionScore.objects.filter(self_assessment=row).select_related("question").order_by("question__order")


def question_page(evaluation: Evaluation, row: SelfAssessment) -> QuestionPage:
    """The evaluation's headline numbers, the indicator's group and the sum of its question maxima."""
    detail = evaluation_detail(evaluation, with_recurring=False)
    section = next(s for s in detail.sections if s.cluster.pk == row.indicator.cluster_id)
    sums = QuestionScore.objects.filter(self_assessment=row).aggregate(maximum=Sum("max_points"), scored=Sum("score"))
    return QuestionPage(detail, section, row, sums["maximum"] or scoring.ZERO, sums["scored"])


def cluster_self_assessments(evaluation: Evaluation, cluster: Cluster) -> QuerySet[SelfAssessment]:
    """The rows of one cluster in one evaluation, with `deduction_total`, for the entry form."""
    return SelfAssessment.objects.filter(evaluation=evaluation, indicator__cluster=cluster).for_scoring()


def last_changes(model, pks: Iterable[int]) -> dict[int, Any]:
    """The newest history record of each of the rows `pks` of `model`, with its user (one query)."""
    latest: dict[int, Any] = {}
    records = model.history.filter(id__in=list(pks)).select_related("history_user").order_by("id", "-history_date")
    for record in records:
        latest.setdefault(record.id, record)
    return latest


def indicator_history(self_assessment: SelfAssessment) -> list[history.Change]:
    """Every change to the indicator's score, evidence note and deductions, newest first (two queries)."""
    score_records = self_assessment.history.select_related("history_user").order_by("history_date", "history_id")
    deduction_records = (
        FieldDeduction.history.filter(self_assessment_id=self_assessment.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    snapshots = [_snapshot("score", record, SCORE_FIELDS) for record in score_records]
    snapshots += [_snapshot("deduction", record, DEDUCTION_FIELDS) for record in deduction_records]
    return history.changes(snapshots)


SCORE_FIELDS = ("score", "evidence")
DEDUCTION_FIELDS = ("points", "reason")


def _snapshot(kind: str, record, fields: tuple[str, ...]) -> history.Snapshot:
    return history.Snapshot(
        kind=kind,
        object_id=record.id,
        date=record.history_date,
        user=record.history_user.get_username() if record.history_user else "",
        action=record.history_type,
        reason=record.history_change_reason or "",
        values={name: getattr(record, name) for name in fields},
    )


@dataclass(frozen=True)
class StageLoss:
    """Points lost in each verification stage by one group or indicator (`code`, `name`)."""

    code: str
    name: str
    by_stage: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_stage.values(), scoring.ZERO)


@dataclass(frozen=True)
class VerificationOverview:
    """An evaluation's total after each stage and where the points were lost between stages."""

    totals: list
    groups: list[StageLoss]
    indicators: list[StageLoss]

    @property
    def any_loss(self) -> bool:
        return any(loss.total for loss in self.groups)

    @property
    def has_stages(self) -> bool:
        """More to show than one field verification: points lost in another stage, or another stage running."""
        later = (Evaluation.Stage.SELF_ASSESSMENT, Evaluation.Stage.FIELD_VERIFICATION)
        return any(item.stage not in later and (item.lost or item.status == "current") for item in self.totals)


def verification_overview(evaluation: Evaluation, self_total: Decimal) -> VerificationOverview:
    """Stage totals, and the losses per stage by group and by indicator (one query)."""
    rows = (FieldDeduction.objects.filter(self_assessment__evaluation=evaluation)
            .values("self_assessment__indicator__cluster__code", "self_assessment__indicator__cluster__name",
                    "self_assessment__indicator__cluster__order", "self_assessment__indicator__code",
                    "self_assessment__indicator__name", "self_assessment__indicator__number", "stage")
            .annotate(points=Sum("points")).order_by())
    groups: dict[str, StageLoss] = {}
    indicators: dict[str, StageLoss] = {}
    group_order: dict[str, int] = {}
    indicator_order: dict[str, int] = {}
    lost: dict[str, Decimal] = {}
    for row in rows:
        group_code = row["self_assessment__indicator__cluster__code"]
        indicator_code = row["self_assessment__indicator__code"]
        group = groups.setdefault(
            group_code, StageLoss(group_code, row["self_assessment__indicator__cluster__name"], {}))
        indicator = indicators.setdefault(indicator_code,
                                          StageLoss(indicator_code, row["self_assessment__indicator__name"], {}))
        points = (row["points"] or scoring.ZERO).quantize(scoring.STEP)  # SQLite sums decimals as floats
        for loss in (group, indicator):
            loss.by_stage[row["stage"]] = loss.by_stage.get(row["stage"], scoring.ZERO) + points
        lost[row["stage"]] = lost.get(row["stage"], scoring.ZERO) + points
        group_order[group_code] = row["self_assessment__indicator__cluster__order"]
        indicator_order[indicator_code] = row["self_assessment__indicator__number"]
    return VerificationOverview(
        totals=verifications.stage_totals(evaluation, self_total, lost),
        groups=sorted(groups.values(), key=lambda loss: group_order[loss.code]),
        indicators=sorted(indicators.values(), key=lambda loss: indicator_order[loss.code]),
    )
