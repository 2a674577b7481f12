"""Reads of kecamatan, kelurahan and PATBM, each in a fixed number of queries."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import BigIntegerField, Case, Count, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from core.caching import VersionMemo
from kelurahan import coverage
from kelurahan.models import Kecamatan, Kelurahan, Patbm

STATUS_ACTIVE, STATUS_INACTIVE, STATUS_ALL = "active", "inactive", "all"


def kelurahan_search(
    *,
    query: str = "",
    kecamatan_id: int | None = None,
    kecamatan_query: str = "",
    step: int | None = None,
    status: str = STATUS_ACTIVE,
) -> QuerySet[Kelurahan]:
    """Kelurahan with `patbm_step`, in code order, matching the given filters.

    `query` matches either spelling of the name or (part of) the Kemendagri code; `kecamatan_query`
    the kecamatan's name (part of it) or the start of its code. A kelurahan's code starts with its
    kecamatan's code, so code order groups them by kecamatan, and the database reads a page of
    them straight from the code index (no sort of every row).
    """
    rows = Kelurahan.objects.with_patbm_step().order_by("code")
    if status == STATUS_ACTIVE:
        rows = rows.filter(is_active=True)
    elif status == STATUS_INACTIVE:
        rows = rows.filter(is_active=False)
    query = query.strip()
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(alternative_name__icontains=query) | Q(code__icontains=query))
    if kecamatan_id is not None:
        rows = rows.filter(kecamatan_id=kecamatan_id)
    kecamatan_query = kecamatan_query.strip()
    if kecamatan_query:
        rows = rows.filter(
            Q(kecamatan__name__icontains=kecamatan_query) | Q(kecamatan__code__startswith=kecamatan_query)
        )
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


def patbm_events(kelurahan_ids: Iterable[int] | None = None, *, up_to_id: int | None = None,
                 with_ids: bool = False, until: dt.date | None = None) -> list:
    """Every recorded PATBM step (of `kelurahan_ids` only, up to history entry `up_to_id`, when given), in the
    order entered, as plain events (one query); with `with_ids`, (history id, event) pairs. With `until`, only
    the events dated on or before that day: later ones cannot change a step in force on it (see
    `coverage.step_timelines`), so the steps on `until` are those of every event.

    An entry without a step date counts from the day it was entered; a deleted record sends its
    kelurahan back to belum ada from the day of the deletion. The database picks the day (in the
    local time zone), which spares converting every entry's timestamp in Python.
    """
    entered = TruncDate("history_date")
    rows = Patbm.history.order_by("history_date", "history_id")
    if kelurahan_ids is not None:
        rows = rows.filter(kelurahan_id__in=list(kelurahan_ids))
    if up_to_id is not None:
        rows = rows.filter(history_id__lte=up_to_id)
    rows = (rows.annotate(day=Case(When(history_type="-", then=entered), default=Coalesce("step_date", entered)))
            .values_list("history_id", "kelurahan_id", "step", "day", "history_type"))
    if until is not None:
        rows = rows.filter(day__lte=until)
    events = [
        (history_id, coverage.StepEvent(kelurahan_id, day, Patbm.Step.BELUM_ADA if history_type == "-" else step))
        for history_id, kelurahan_id, step, day, history_type in rows
    ]
    return events if with_ids else [event for _, event in events]


@dataclass(frozen=True)
class TimelineState:
    """The coverage-over-time count as of one moment of the PATBM history, kept between requests so that the
    next one after a PATBM write recomputes only the kelurahan it touched (240,000 history entries at
    national scale took a second each time). `history` fingerprints what it was counted from."""

    changes: dict  # day -> change of the covered count
    active: frozenset  # the active kelurahan counted
    history: tuple  # (last history id, entries, sum of their kelurahan ids, newest entry's time)
    active_print: tuple = ()  # `_active_fingerprint()` of `active`: unchanged, the set is not read again

    @property
    def points(self) -> list[coverage.CoveragePoint]:
        return coverage.points_from_changes(self.changes, len(self.active))


INCREMENTAL_LIMIT = 2_000  # more kelurahan touched than this since the last count: count everything again


def _history_fingerprint(previous_last: int = 0) -> tuple[tuple, object]:
    """((last history id, entries, sum of their kelurahan ids, newest entry's time), the newest time among
    the entries up to `previous_last`), in one query: a count made at `previous_last` was of this history
    only if its newest time is still that (a restored backup or a test database written again reuses ids)."""
    row = Patbm.history.aggregate(
        last=Max("history_id"), entries=Count("history_id"), ids=Sum("kelurahan_id"), newest=Max("history_date"),
        newest_then=Max("history_date", filter=Q(history_id__lte=previous_last)),
    )
    return (row["last"] or 0, row["entries"], row["ids"] or 0, row["newest"]), row["newest_then"]


def _active_fingerprint() -> tuple[int, int, int]:
    """(count, sum, sum of squares) of the active kelurahan's ids, in one cheap query: the same set gives the
    same print, and a different one (kelurahan activated or deactivated, also by a write that leaves no
    history) practically never does. Reading the 83,000 ids each time took longer."""
    big = BigIntegerField()
    row = Kelurahan.objects.active().order_by().aggregate(
        count=Count("pk"), ids=Sum("pk"), squares=Sum(Cast("pk", big) * Cast("pk", big), output_field=big),
    )
    return row["count"], row["ids"] or 0, row["squares"] or 0


def _fingerprint_of(ids: frozenset) -> tuple[int, int, int]:
    return len(ids), sum(ids), sum(pk * pk for pk in ids)


def coverage_timeline(previous: TimelineState | None = None) -> TimelineState:
    """The coverage-over-time count, from `previous` where it still holds: only the kelurahan with history
    entered since, or whose active status changed, are counted again (four queries). A history that is not
    the previous one grown (a restore, a rollback, an entry committed late) is counted in full. Every read
    stops at the fingerprint's last entry, so the count is always of exactly the history it names."""
    active_print = _active_fingerprint() if previous is not None else None
    if active_print is not None and previous.active_print == active_print:
        active = previous.active
    else:
        active = frozenset(Kelurahan.objects.active().order_by().values_list("pk", flat=True))  # unordered: faster
        active_print = _fingerprint_of(active)
    fingerprint, newest_then = _history_fingerprint(previous.history[0] if previous is not None else 0)
    last = fingerprint[0]
    if (previous is not None and last >= previous.history[0] and fingerprint[1] >= previous.history[1]
            and newest_then == previous.history[3]):
        new = Patbm.history.filter(history_id__gt=previous.history[0], history_id__lte=last)
        grown = new.aggregate(entries=Count("history_id"), ids=Sum("kelurahan_id"))
        if (previous.history[1] + grown["entries"], previous.history[2] + (grown["ids"] or 0)) == fingerprint[1:3]:
            touched = set(new.values_list("kelurahan_id", flat=True).distinct()) | (previous.active ^ active)
            if len(touched) <= INCREMENTAL_LIMIT:
                return _recounted(previous, touched, active, fingerprint, active_print)
    changes: dict = {}
    for kelurahan, timeline in coverage.step_timelines(patbm_events(up_to_id=last)).items():
        if kelurahan in active:
            coverage.changes_add(changes, coverage.timeline_changes(timeline))
    return TimelineState(changes, active, fingerprint, active_print)


# This process's last count: the next one starts from it. In memory, not in the cache: pickling its 83,000
# active ids in and out cost more than the recount. Its `history` is checked on every use, so it can never
# hand out the count of another history.
_timeline = VersionMemo("kelurahan")


def coverage_timeline_latest(version: str | None = None) -> TimelineState:
    """The coverage-over-time count of the PATBM history as it is now: no query but the data version (none
    when given as `version`, read before the data) when nothing in the kelurahan domain was written since
    this process last counted, else recounted from that count (`coverage_timeline`)."""
    return _timeline.get(coverage_timeline, version)


def coverage_timeline_forget() -> None:
    """The next count reads the whole history again (tests)."""
    _timeline.forget()


def patbm_city_coverage_on(days: Iterable[dt.date]) -> dict[dt.date, coverage.Coverage]:
    """{day: today's active kelurahan with a PATBM formed or active on that day, of all of them}: the city's
    figure of `patbm_coverage_on`, read from the coverage-over-time count (`coverage_timeline_latest`) for
    past days and from the PATBM records for today and later (no step date lies in the future). One query
    when nothing was written since the last count."""
    days = list(days)
    today = timezone.localdate()
    result = {}
    if any(day >= today for day in days):
        now = patbm_coverage()
        result.update({day: now for day in days if day >= today})
    past = [day for day in days if day < today]
    if past:
        state = coverage_timeline_latest()
        points = state.points
        dates = [point.date for point in points]
        for day in past:
            index = bisect.bisect_right(dates, day)
            result[day] = coverage.Coverage(covered=points[index - 1].covered if index else 0,
                                            total=len(state.active))
    return result


def _recounted(previous: TimelineState, touched: set, active: frozenset, fingerprint,
               active_print: tuple) -> TimelineState:
    events = patbm_events(touched, up_to_id=fingerprint[0], with_ids=True)
    before = coverage.step_timelines(event for history_id, event in events if history_id <= previous.history[0])
    after = coverage.step_timelines(event for _, event in events)
    changes = dict(previous.changes)
    for kelurahan in touched:
        if kelurahan in previous.active:
            coverage.changes_add(changes, coverage.timeline_changes(before.get(kelurahan, [])), sign=-1)
        if kelurahan in active:
            coverage.changes_add(changes, coverage.timeline_changes(after.get(kelurahan, [])))
    return TimelineState(changes, active, fingerprint, active_print)


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
class KecamatanCoverage:
    pk: int
    code: str
    name: str
    coverage: coverage.Coverage


@dataclass(frozen=True)
class CoverageTotals:
    """The figures of the coverage page that depend on every kelurahan, as plain values (cacheable):
    coverage in all, per kecamatan (those with active kelurahan, by code), per step, over time."""

    headline: coverage.Coverage
    kecamatan: list[KecamatanCoverage]
    pipeline: dict[int, int]
    timeline: list[coverage.CoveragePoint]

    @property
    def by_kecamatan(self) -> dict[str, coverage.Coverage]:
        """Coverage of every kecamatan with active kelurahan, by name (in code order)."""
        return {item.name: item.coverage for item in self.kecamatan}


def _kecamatan_step_counts(steps: list[int]) -> dict[int, tuple[int, ...]]:
    """{kecamatan id: count of its active kelurahan at each of `steps`} (no PATBM counts as the first step),
    in one pass grouped by kecamatan id only, which the covering indexes of both tables serve."""
    return {
        row[0]: row[1:]
        for row in Kelurahan.objects.active().annotate(step=Coalesce("patbm__step", Value(Patbm.Step.BELUM_ADA)))
        .values("kecamatan_id").order_by()
        .annotate(**{f"step{number}": Count("pk", filter=Q(step=number)) for number in steps})
        .values_list("kecamatan_id", *(f"step{number}" for number in steps))
    }


def _step_counts_coverage(counts: tuple[int, ...], steps: list[int]) -> coverage.Coverage:
    return coverage.Coverage(covered=sum(counts[steps.index(coverage.COVERED_FROM_STEP):]), total=sum(counts))


def coverage_totals(*, timeline: bool | TimelineState = True) -> CoverageTotals:
    """Coverage of the active kelurahan, counted by the database (two queries, and the timeline's: counted
    afresh with `timeline=True`, taken from a `TimelineState` (see `coverage_timeline`), empty with False).

    The per-kecamatan and per-step counts are SQL aggregates, so 83,000 kelurahan cost no more
    Python than 68; only the timeline walks the PATBM history (see `patbm_events`).
    """
    # The names in a second, cheap query after the counts.
    steps = Patbm.Step.values  # 1..6, read once: the enum builds the list on every access
    counts = _kecamatan_step_counts(steps)
    kecamatan = [
        KecamatanCoverage(pk, code, name, _step_counts_coverage(counts[pk], steps))
        for pk, code, name in Kecamatan.objects.order_by("code").values_list("pk", "code", "name")
        if pk in counts
    ]
    pipeline = {number: sum(row[index] for row in counts.values()) for index, number in enumerate(steps)}
    headline = coverage.Coverage(
        covered=sum(item.coverage.covered for item in kecamatan), total=sum(item.coverage.total for item in kecamatan)
    )
    return CoverageTotals(
        headline=headline,
        kecamatan=kecamatan,
        pipeline=pipeline,
        timeline=(timeline.points if isinstance(timeline, TimelineState)
                  else coverage_timeline().points if timeline else []),
    )


KECAMATAN_PER_PAGE = 25


@dataclass(frozen=True)
class CoverageReport:
    """Everything the coverage page shows, as plain values: the totals, and one page of kecamatan
    with their active kelurahan (`rows`) for the treemap and the still-without lists."""

    totals: CoverageTotals
    page: Page
    rows: list[KelurahanStep]
    kecamatan_query: str = ""

    @property
    def headline(self) -> coverage.Coverage:
        return self.totals.headline

    @property
    def pipeline(self) -> dict[int, int]:
        return self.totals.pipeline

    @property
    def timeline(self) -> list[coverage.CoveragePoint]:
        return self.totals.timeline

    @property
    def timeline_by_month(self) -> list[coverage.CoveragePoint]:
        """The timeline's last point in each month that has one: the table beside the chart (30 years of
        daily steps made a table of over a thousand rows that took longer to render than the page)."""
        months: dict[tuple[int, int], coverage.CoveragePoint] = {}
        for point in self.totals.timeline:
            months[point.date.year, point.date.month] = point  # in date order: the month's last wins
        return list(months.values())

    @property
    def by_kecamatan(self) -> dict[str, coverage.Coverage]:
        """Coverage of the kecamatan on this page, by name."""
        return {item.name: item.coverage for item in self.page.object_list}

    @property
    def is_paged(self) -> bool:
        return self.page.paginator.num_pages > 1 or bool(self.kecamatan_query)

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


def coverage_report(
    *,
    totals: CoverageTotals | None = None,
    page: int | str = 1,
    kecamatan_query: str = "",
    per_page: int | None = KECAMATAN_PER_PAGE,
    timeline: bool = True,
) -> CoverageReport:
    """The coverage page for one page of kecamatan (`per_page`, by code; None: all on one page),
    optionally only those whose name or code contains `kecamatan_query`; `totals` from
    `coverage_totals()` (perhaps cached). One query for the page's kelurahan, plus four when the
    totals are computed here (three with `timeline=False`, which leaves the timeline empty)."""
    totals = totals if totals is not None else coverage_totals(timeline=timeline)
    kecamatan_query = kecamatan_query.strip()
    items = totals.kecamatan
    if kecamatan_query:
        needle = kecamatan_query.casefold()
        items = [item for item in items if needle in item.name.casefold() or item.code.startswith(kecamatan_query)]
    kecamatan_page = Paginator(items, per_page or max(len(items), 1)).get_page(page)
    ids = [item.pk for item in kecamatan_page.object_list]
    rows = [
        KelurahanStep(k.pk, k.code, k.name, k.kecamatan.code, k.kecamatan.name, k.patbm_step)
        for k in Kelurahan.objects.active().with_patbm_step().filter(kecamatan_id__in=ids)
        .order_by("kecamatan__code", "code")
    ]
    return CoverageReport(totals=totals, page=kecamatan_page, rows=rows, kecamatan_query=kecamatan_query)


_patbm_coverage = VersionMemo("kelurahan")


def patbm_coverage(version: str | None = None) -> coverage.Coverage:
    """Active kelurahan with a PATBM formed or active, out of all active kelurahan.

    Counted by the database in one query (a kelurahan without a PATBM record is not covered), so it costs
    the same for 68 kelurahan or 83,000 (25 ms), and kept per data version: the dashboard, the planner and
    the Kelana-Dekela suggestions read it after every score save, with nothing to count again. `version`:
    the kelurahan domain's, when the caller has read it already (`PageCache.version_of`).
    """
    def count(previous) -> coverage.Coverage:
        counts = Kelurahan.objects.active().aggregate(
            total=Count("pk"), covered=Count("pk", filter=Q(patbm__step__gte=coverage.COVERED_FROM_STEP))
        )
        return coverage.Coverage(covered=counts["covered"], total=counts["total"])

    return _patbm_coverage.get(count, version)


def patbm_steps_on(days: Iterable[dt.date],
                   kelurahan_ids: Iterable[int] | None = None) -> dict[dt.date, dict[int, int]]:
    """{day: {kelurahan id: PATBM step in force on that day}} for each of `days`, read from the PATBM history
    with the coverage timeline's rules (`patbm_events`, `coverage.step_timelines`): a later entry replaces what
    earlier ones said from its date on, a deleted record is belum ada from its deletion. Only the kelurahan of
    `kelurahan_ids` (every one with history when None); one with no entry up to the last of `days` is left
    out (belum ada), one whose first entry comes after a day is belum ada on it. Two queries at most, whatever
    the number of days or kelurahan. Today and later are the PATBM records' own steps: no step date lies in
    the future (forms and imports refuse one), so they are the steps in force today, and the history
    (240,000 entries at national scale) is read only for past days."""
    days = list(days)
    today = timezone.localdate()
    past = [day for day in days if day < today]
    result = {}
    if len(past) < len(days):
        records = Patbm.objects.order_by()
        if kelurahan_ids is not None:
            records = records.filter(kelurahan_id__in=list(kelurahan_ids))
        now = dict(records.values_list("kelurahan_id", "step"))
        result.update({day: now for day in days if day >= today})
    if past:
        timelines = coverage.step_timelines(patbm_events(kelurahan_ids, until=max(past)))
        result.update({day: {kelurahan: coverage.step_on(timeline, day) for kelurahan, timeline in timelines.items()}
                       for day in past})
    return result


def patbm_coverage_on(days: Iterable[dt.date]) -> dict[dt.date, dict[int, coverage.Coverage]]:
    """{day: {kecamatan id: coverage}} of today's active kelurahan (every kecamatan with one), with the PATBM
    step each had on that day (`patbm_steps_on`). Three queries at most, whatever the number of days or
    kelurahan. Today and later are counted from the PATBM records themselves: no step date lies in the future
    (the forms refuse one), so the step in force today is each record's own, and the history (240,000 entries
    at national scale, 2 s) is read only for past days."""
    days = list(days)
    today = timezone.localdate()
    past = [day for day in days if day < today]
    result = {}
    if len(past) < len(days):
        values = Patbm.Step.values
        now = {pk: _step_counts_coverage(counts, values) for pk, counts in _kecamatan_step_counts(values).items()}
        result.update({day: now for day in days if day >= today})
    if not past:
        return result
    active = list(Kelurahan.objects.active().order_by().values_list("pk", "kecamatan_id"))
    steps = patbm_steps_on(past)
    for day in past:
        by_kecamatan: dict[int, list[int]] = {}
        for pk, kecamatan_id in active:
            by_kecamatan.setdefault(kecamatan_id, []).append(steps[day].get(pk, Patbm.Step.BELUM_ADA))
        result[day] = {kecamatan_id: coverage.coverage(found) for kecamatan_id, found in by_kecamatan.items()}
    return result
