"""Reads of evaluations as scoring values, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import get_language

from clusters import scoring
from clusters.models import Cluster, Evaluation, Predicate, SelfAssessment

# Stages from which the evaluation has a field result (deductions are final or being made).
FIELD_RESULT_STAGES = (Evaluation.Stage.FIELD_VERIFICATION, Evaluation.Stage.FINAL)


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
    scores: list[scoring.IndicatorScore] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.evaluation.year

    @property
    def has_field_result(self) -> bool:
        """True once field verification has started or deducted points; before that, the
        total is the self-assessment only."""
        return self.evaluation.stage in FIELD_RESULT_STAGES or self.summary.deductions > 0


def evaluation_summaries() -> list[EvaluationSummary]:
    """Every evaluation, newest first, with its headline numbers (three queries in all)."""
    evaluations = list(Evaluation.objects.latest_first())
    scores = scores_by_evaluation(evaluations)
    bands = predicate_bands()
    goal = nindya_band(bands)
    return [
        EvaluationSummary(evaluation, scoring.summarize(scores[evaluation.pk], bands, goal), scores[evaluation.pk])
        for evaluation in evaluations
    ]


@dataclass(frozen=True)
class ClusterLabel:
    code: str
    name: str
    short: str


def cluster_labels() -> list[ClusterLabel]:
    """The clusters in order, named in the active language ("Klaster I" / "Cluster I" for short)."""
    english = (get_language() or "").startswith("en")
    labels = []
    for cluster in Cluster.objects.all():
        name = cluster.name_en if english and cluster.name_en else cluster.name
        labels.append(ClusterLabel(cluster.code, name, name.split(":")[0].strip()))
    return labels


@dataclass(frozen=True)
class Dashboard:
    """What the home page shows, read in a fixed number of queries.

    `evaluations` run oldest first. `reference` is the latest evaluation with a field result
    (the score that decides the predicate), `previous` the one with a field result before it,
    and `in_progress` the latest evaluation when it has no field result yet.
    """

    evaluations: list[EvaluationSummary]
    bands: list[scoring.Band]
    goal: scoring.Band | None
    clusters: list[ClusterLabel]
    indicator_names: dict[tuple[int, int], str]

    @property
    def latest(self) -> EvaluationSummary | None:
        return self.evaluations[-1] if self.evaluations else None

    @property
    def _with_field_result(self) -> list[EvaluationSummary]:
        return [item for item in self.evaluations if item.has_field_result]

    @property
    def reference(self) -> EvaluationSummary | None:
        verified = self._with_field_result
        return verified[-1] if verified else None

    @property
    def previous(self) -> EvaluationSummary | None:
        verified = self._with_field_result
        return verified[-2] if len(verified) > 1 else None

    @property
    def in_progress(self) -> EvaluationSummary | None:
        latest = self.latest
        return latest if latest is not None and not latest.has_field_result else None

    def indicator_name(self, item: EvaluationSummary, number: int) -> str:
        return self.indicator_names.get((item.evaluation.pk, number), "")


def dashboard() -> Dashboard:
    """Every evaluation with its scores and summary, the predicate bands and the clusters
    (four queries, whatever the number of years or indicators)."""
    evaluations = list(Evaluation.objects.order_by("year"))
    scores: dict[int, list[scoring.IndicatorScore]] = {evaluation.pk: [] for evaluation in evaluations}
    names: dict[tuple[int, int], str] = {}
    for row in SelfAssessment.objects.filter(evaluation_id__in=list(scores)).for_scoring():
        scores[row.evaluation_id].append(row.to_score())
        names[(row.evaluation_id, row.indicator.number)] = row.indicator.name
    bands = predicate_bands()
    goal = nindya_band(bands)
    return Dashboard(
        evaluations=[
            EvaluationSummary(evaluation, scoring.summarize(scores[evaluation.pk], bands, goal), scores[evaluation.pk])
            for evaluation in evaluations
        ],
        bands=bands,
        goal=goal,
        clusters=cluster_labels(),
        indicator_names=names,
    )
