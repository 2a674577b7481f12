"""Reads of kecamatan, kelurahan and PATBM, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kelurahan import coverage
from kelurahan.models import Kecamatan, Kelurahan, Patbm

STATUS_ACTIVE, STATUS_INACTIVE, STATUS_ALL = "active", "inactive", "all"


def kelurahan_search(
    *, query: str = "", kecamatan: Kecamatan | None = None, step: int | None = None, status: str = STATUS_ACTIVE
) -> QuerySet[Kelurahan]:
    """Kelurahan with `patbm_step`, ordered by kecamatan then code, matching the given filters.

    `query` matches either spelling of the name or (part of) the Kemendagri code.
    """
    rows = Kelurahan.objects.with_patbm_step().order_by("kecamatan__code", "code")
    if status == STATUS_ACTIVE:
        rows = rows.filter(is_active=True)
    elif status == STATUS_INACTIVE:
        rows = rows.filter(is_active=False)
    query = query.strip()
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(alternative_name__icontains=query) | Q(code__icontains=query))
    if kecamatan is not None:
        rows = rows.filter(kecamatan=kecamatan)
    if step is not None:
        rows = rows.filter(patbm_step=step)
    return rows


def kecamatan_with_counts() -> QuerySet[Kecamatan]:
    """Every kecamatan with `active_kelurahan` and `inactive_kelurahan` counts (one query)."""
    return Kecamatan.objects.annotate(
        active_kelurahan=Count("kelurahan", filter=Q(kelurahan__is_active=True)),
        inactive_kelurahan=Count("kelurahan", filter=Q(kelurahan__is_active=False)),
    ).order_by("code")


def patbm_history(kelurahan: Kelurahan) -> QuerySet:
    """The PATBM records of one kelurahan as entered, newest first, with who entered them."""
    return (
        Patbm.history.filter(kelurahan_id=kelurahan.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def patbm_events() -> list[coverage.StepEvent]:
    """Every recorded PATBM step, in the order entered, as plain events (one query).

    An entry without a step date counts from the day it was entered; a deleted record sends its
    kelurahan back to belum ada from the day of the deletion.
    """
    events = []
    rows = Patbm.history.order_by("history_date", "history_id").values_list(
        "kelurahan_id", "step", "step_date", "history_date", "history_type"
    )
    for kelurahan_id, step, step_date, history_date, history_type in rows:
        entered = timezone.localdate(history_date)
        if history_type == "-":
            events.append(coverage.StepEvent(kelurahan_id, entered, Patbm.Step.BELUM_ADA))
        else:
            events.append(coverage.StepEvent(kelurahan_id, step_date or entered, step))
    return events


@dataclass(frozen=True)
class KelurahanStep:
    pk: int
    code: str
    name: str
    kecamatan_code: str
    kecamatan_name: str
    step: int

    @property
    def step_label(self) -> str:
        return Patbm.Step(self.step).label

    @property
    def is_covered(self) -> bool:
        return coverage.is_covered(self.step)


@dataclass(frozen=True)
class CoverageReport:
    """Everything the coverage page shows, as plain values."""

    rows: list[KelurahanStep]
    headline: coverage.Coverage
    by_kecamatan: dict[str, coverage.Coverage]
    pipeline: dict[int, int]
    timeline: list[coverage.CoveragePoint]

    @property
    def uncovered_by_kecamatan(self) -> dict[str, list[KelurahanStep]]:
        groups: dict[str, list[KelurahanStep]] = {}
        for row in self.rows:
            if not row.is_covered:
                groups.setdefault(row.kecamatan_name, []).append(row)
        return groups

    @property
    def pipeline_rows(self) -> list[tuple[int, str, int]]:
        return [(step, Patbm.Step(step).label, count) for step, count in self.pipeline.items()]


def coverage_report(*, timeline: bool = True) -> CoverageReport:
    """Coverage of the active kelurahan: headline, per kecamatan, pipeline and over time (two queries;
    one with `timeline=False`, which leaves the timeline empty)."""
    rows = [
        KelurahanStep(k.pk, k.code, k.name, k.kecamatan.code, k.kecamatan.name, k.patbm_step)
        for k in Kelurahan.objects.active().with_patbm_step().order_by("kecamatan__code", "code")
    ]
    steps = [row.step for row in rows]
    return CoverageReport(
        rows=rows,
        headline=coverage.coverage(steps),
        by_kecamatan=coverage.coverage_by_group((row.kecamatan_name, row.step) for row in rows),
        pipeline=coverage.step_counts(steps),
        timeline=coverage.coverage_over_time(patbm_events(), active=[row.pk for row in rows]) if timeline else [],
    )


def patbm_coverage() -> coverage.Coverage:
    """Active kelurahan with a PATBM formed or active, out of all active kelurahan.

    Counted by the database in one query (a kelurahan without a PATBM record is not covered),
    so it costs the same for 68 kelurahan or 83,000.
    """
    counts = Kelurahan.objects.active().aggregate(
        total=Count("pk"), covered=Count("pk", filter=Q(patbm__step__gte=coverage.COVERED_FROM_STEP))
    )
    return coverage.Coverage(covered=counts["covered"], total=counts["total"])
