"""What the dashboard and the report show, read through the evaluation's and the kelurahan's selectors."""

from __future__ import annotations

from dataclasses import dataclass

from clusters import scoring
from clusters.selectors import (
    ClusterLabel,
    EvaluationSummary,
    cluster_labels,
    evaluation_summaries,
    field_result_deductions,
    nindya_band,
    predicate_bands,
    target_band,
)


@dataclass(frozen=True)
class Dashboard:
    """What the home page shows, read in a fixed number of queries.

    `evaluations` run oldest first. `reference` is the latest *final* evaluation (where the city
    stands), `previous` the final one before it, and `provisional` the evaluations after the
    reference that are not final yet (their numbers are provisional for their stage), oldest first.
    """

    evaluations: list[EvaluationSummary]
    bands: list[scoring.Band]
    goal: scoring.Band | None
    clusters: list[ClusterLabel]
    indicator_names: dict[tuple[int, int], str]
    # Indicator numbers deducted in two or more consecutive field results (scoring.recurring_weaknesses).
    recurring: tuple[int, ...] = ()

    @property
    def latest(self) -> EvaluationSummary | None:
        return self.evaluations[-1] if self.evaluations else None

    @property
    def _final(self) -> list[EvaluationSummary]:
        return [item for item in self.evaluations if item.is_final]

    @property
    def reference(self) -> EvaluationSummary | None:
        final = self._final
        return final[-1] if final else None

    @property
    def previous(self) -> EvaluationSummary | None:
        reference = self.reference
        return self.final_before(reference) if reference is not None else None

    def final_before(self, item: EvaluationSummary) -> EvaluationSummary | None:
        """The latest final evaluation from a year before `item`'s, or None."""
        earlier = [other for other in self._final if other.year < item.year]
        return earlier[-1] if earlier else None

    def summary_for(self, year: int) -> EvaluationSummary | None:
        return next((item for item in self.evaluations if item.year == year), None)

    @property
    def provisional(self) -> list[EvaluationSummary]:
        reference = self.reference
        return [item for item in self.evaluations
                if not item.is_final and (reference is None or item.year > reference.year)]

    @property
    def in_progress(self) -> EvaluationSummary | None:
        """The latest evaluation when it is not final yet."""
        latest = self.latest
        return latest if latest is not None and not latest.is_final else None

    def indicator_name(self, item: EvaluationSummary, number: int) -> str:
        return self.indicator_names.get((item.evaluation.pk, number), "")



def dashboard(*, up_to_year: int | None = None) -> Dashboard:
    """Every evaluation with its scores and summary, the predicate bands and the clusters
    (four queries, whatever the number of years or indicators).

    `up_to_year` leaves out later evaluations: the dashboard as it stood for that year's report.
    """
    bands = predicate_bands()
    summaries = evaluation_summaries(up_to_year=up_to_year, bands=bands)[::-1]
    # Recurring weaknesses by indicator number: within the latest evaluation's instrument only.
    instrument_id = summaries[-1].evaluation.instrument_id if summaries else None
    deductions = field_result_deductions(
        (item.year, item.evaluation.stage, {s.number: s.deductions for s in item.scores}) for item in summaries
        if item.evaluation.instrument_id == instrument_id
    )
    return Dashboard(
        evaluations=summaries,
        bands=bands,
        # The latest evaluation's target: the line the charts draw (Nindya before any evaluation).
        goal=target_band(summaries[-1].evaluation, bands) if summaries else nindya_band(bands),
        clusters=cluster_labels({item.evaluation.instrument_id for item in summaries}),
        indicator_names={(item.evaluation.pk, s.number): s.name for item in summaries for s in item.scores},
        recurring=tuple(sorted(scoring.recurring_weaknesses(deductions))),
    )


REPORT_KECAMATAN = 40  # a printed page's worth of kecamatan (a city has a few; the whole country ~7,000)


@dataclass(frozen=True)
class ReportKecamatan:
    kecamatan: list  # what the report shows, in its order
    total: int  # kecamatan with active kelurahan

    @property
    def is_cut(self) -> bool:
        return len(self.kecamatan) < self.total


def report_kecamatan(kecamatan: list, limit: int = REPORT_KECAMATAN) -> ReportKecamatan:
    """The kecamatan the printed report lists: every one, in code order, up to `limit`; beyond it the `limit`
    with the lowest coverage (where work is needed), lowest first, the rest left to the coverage page."""
    if len(kecamatan) <= limit:
        return ReportKecamatan(list(kecamatan), len(kecamatan))
    lowest = sorted(kecamatan, key=lambda item: (item.coverage.percent, item.code))[:limit]
    return ReportKecamatan(lowest, len(kecamatan))
