"""Reads of evaluations as scoring values, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from clusters import history, scoring
from clusters.models import Cluster, Evaluation, FieldDeduction, Predicate, SelfAssessment


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


@dataclass(frozen=True)
class EvaluationSummary:
    evaluation: Evaluation
    summary: scoring.Summary


def evaluation_summaries() -> list[EvaluationSummary]:
    """Every evaluation, newest first, with its headline numbers (three queries in all)."""
    evaluations = list(Evaluation.objects.latest_first())
    scores = scores_by_evaluation(evaluations)
    bands = predicate_bands()
    goal = nindya_band(bands)
    return [
        EvaluationSummary(evaluation, scoring.summarize(scores[evaluation.pk], bands, goal))
        for evaluation in evaluations
    ]


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

    @property
    def bands_for_script(self) -> list[dict]:
        """The predicate bands for the page's script (json_script), ascending."""
        return [{"name": b.name, "lower": str(b.lower), "inclusive": b.lower_inclusive} for b in self.bands]


def evaluation_detail(evaluation: Evaluation) -> EvaluationDetail:
    """An evaluation's indicators grouped by cluster, with cluster subtotals and the headline
    numbers (three queries, whatever the number of indicators or deductions)."""
    rows = list(SelfAssessment.objects.filter(evaluation=evaluation).for_scoring())
    clusters = list(Cluster.objects.filter(indicators__self_assessments__evaluation=evaluation).distinct())
    bands = predicate_bands()
    goal = nindya_band(bands)
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
    return EvaluationDetail(evaluation, scoring.summarize(scores, bands, goal), sections, goal, bands)


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
