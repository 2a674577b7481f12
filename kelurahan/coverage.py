"""PATBM coverage rules, as plain functions over plain values (no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

# Formation steps 1-6 (belum ada ... aktif); a kelurahan counts as covered from step 5, terbentuk.
COVERED_FROM_STEP = 5


def is_covered(step: int) -> bool:
    """True when a PATBM at `step` counts towards coverage (terbentuk or aktif)."""
    return step >= COVERED_FROM_STEP


@dataclass(frozen=True)
class Coverage:
    covered: int
    total: int

    @property
    def remaining(self) -> int:
        """Kelurahan that still need a PATBM."""
        return self.total - self.covered

    @property
    def percent(self) -> Decimal:
        """Covered as a percentage of the total, one decimal (0 when there is nothing to cover)."""
        if self.total == 0:
            return Decimal("0.0")
        return (Decimal(100) * self.covered / self.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def coverage(steps: Iterable[int]) -> Coverage:
    """Coverage over the PATBM steps of the active kelurahan (one step per kelurahan)."""
    steps = list(steps)
    return Coverage(covered=sum(1 for step in steps if is_covered(step)), total=len(steps))


def coverage_by_group(rows: Iterable[tuple[str, int]]) -> dict[str, Coverage]:
    """Coverage per group (e.g. kecamatan) from (group, step) pairs, in first-seen order."""
    groups: dict[str, list[int]] = {}
    for group, step in rows:
        groups.setdefault(group, []).append(step)
    return {group: coverage(steps) for group, steps in groups.items()}


def step_counts(steps: Iterable[int]) -> dict[int, int]:
    """How many kelurahan stand at each step, for every step 1-6 (zeros included), in step order."""
    counts = dict.fromkeys(range(1, 7), 0)
    for step in steps:
        counts[step] += 1
    return counts


class StepEvent(NamedTuple):
    """One recorded PATBM step: `kelurahan` (any hashable key) was at `step` from `date` on.

    A named tuple: the coverage page builds one per PATBM history entry (240,000 at national scale).
    """

    kelurahan: Hashable
    date: dt.date
    step: int


@dataclass(frozen=True)
class CoveragePoint:
    date: dt.date
    covered: int
    total: int

    @property
    def percent(self) -> Decimal:
        return Coverage(self.covered, self.total).percent


def step_timelines(events: Iterable[StepEvent]) -> dict[Hashable, list[tuple[dt.date, int]]]:
    """Each kelurahan's steps as (date, step) pairs in date order, from events in the order they were entered.

    A later entry replaces whatever earlier entries said from its date on: going back a step is a new,
    later-dated entry; correcting a mistake with an earlier date overrides the mistaken entry. So the
    last step of each timeline is always the last step entered.
    """
    timelines: dict[Hashable, list[tuple[dt.date, int]]] = {}
    for event in events:
        timeline = [(day, step) for day, step in timelines.get(event.kelurahan, []) if day < event.date]
        timeline.append((event.date, event.step))
        timelines[event.kelurahan] = timeline
    return timelines


def step_on(timeline: list[tuple[dt.date, int]], day: dt.date) -> int:
    """The step of one kelurahan's timeline (see `step_timelines`) in force on `day`: the last one dated on or
    before it; belum ada (step 1) before its first entry."""
    step = 1
    for when, value in timeline:
        if when > day:
            break
        step = value
    return step


def coverage_over_time(events: Iterable[StepEvent], active: Iterable[Hashable]) -> list[CoveragePoint]:
    """Covered kelurahan by date: one point per date on which the count changes, oldest first.

    `events` are in the order they were entered (see `step_timelines`); only the `active` kelurahan
    count, both as covered and in the total (a deactivated kelurahan leaves the denominator and
    takes its coverage with it). A kelurahan that goes back below terbentuk stops counting from
    that date.
    """
    active = set(active)
    changes: dict[dt.date, int] = {}
    for kelurahan, timeline in step_timelines(events).items():
        if kelurahan in active:
            changes_add(changes, timeline_changes(timeline))
    return points_from_changes(changes, len(active))


def timeline_changes(timeline: list[tuple[dt.date, int]]) -> dict[dt.date, int]:
    """One kelurahan's part of the count: +1 on the day it became covered, -1 on the day it stopped."""
    changes: dict[dt.date, int] = {}
    was_covered = False
    for day, step in timeline:
        now_covered = is_covered(step)
        if now_covered != was_covered:
            changes[day] = changes.get(day, 0) + (1 if now_covered else -1)
            was_covered = now_covered
    return changes


def changes_add(total: dict[dt.date, int], part: dict[dt.date, int], sign: int = 1) -> None:
    """Adds (`sign` -1: takes away) one kelurahan's changes to the running total, dropping days back at 0."""
    for day, change in part.items():
        value = total.get(day, 0) + sign * change
        if value:
            total[day] = value
        else:
            total.pop(day, None)


def points_from_changes(changes: dict[dt.date, int], total: int) -> list[CoveragePoint]:
    points: list[CoveragePoint] = []
    covered = 0
    for day in sorted(changes):
        if changes[day] == 0:
            continue
        covered += changes[day]
        points.append(CoveragePoint(day, covered, total))
    return points
