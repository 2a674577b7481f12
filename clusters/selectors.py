"""Reads of evaluations as scoring values, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clusters import scoring
from clusters.models import Evaluation, Predicate, SelfAssessment


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
