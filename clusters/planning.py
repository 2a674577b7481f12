"""Planning rules for the path to a predicate, as plain functions over plain values.

- `recurring_weaknesses`: indicators that lost points in field verification in two or more
  consecutive evaluations.
- `opportunities`: what each indicator can still gain, and how much of that is *recoverable*
  (points the jurors deducted last time, won back once the cause is fixed).
- `suggest`: the smallest set of indicators whose gains close a gap, favouring low effort and
  recoverable points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from clusters.scoring import ZERO, IndicatorScore


class Effort(IntEnum):
    """How hard the task force judges an improvement to be; lower is preferred."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


def recurring_weaknesses(deductions_by_year: Mapping[int, Mapping[int, Decimal]]) -> set[int]:
    """Indicator numbers deducted in two or more consecutive evaluations.

    `deductions_by_year` maps each evaluated year to {indicator number: points deducted}. "Consecutive"
    means consecutive evaluations, not calendar years: no award was held in 2020 or 2024, so 2019 and
    2021 are consecutive.
    """
    years = sorted(deductions_by_year)
    flagged: set[int] = set()
    for earlier, later in zip(years, years[1:], strict=False):
        lost_before = {number for number, points in deductions_by_year[earlier].items() if points > 0}
        lost_after = {number for number, points in deductions_by_year[later].items() if points > 0}
        flagged |= lost_before & lost_after
    return flagged


@dataclass(frozen=True)
class Opportunity:
    """What one indicator can still gain over its current score."""

    number: int
    cluster_code: str
    current: Decimal
    gain: Decimal  # the headroom: maximum minus current
    recoverable: Decimal  # part of `gain` deducted in the previous field verification
    effort: Effort = Effort.MEDIUM

    @property
    def target(self) -> Decimal:
        return self.current + self.gain


def opportunities(
    scores: Iterable[IndicatorScore],
    previous_deductions: Mapping[int, Decimal],
    efforts: Mapping[int, Effort] | None = None,
    use_final: bool = False,
) -> list[Opportunity]:
    """One opportunity per indicator with something left to gain.

    The current score is the self-assessment (or the final score with `use_final`, once the field
    result is known); `previous_deductions` are last year's deductions per indicator number.
    """
    efforts = efforts or {}
    result = []
    for score in scores:
        current = score.final if use_final else score.self_points
        gain = score.max_points - current
        if gain <= 0:
            continue
        recoverable = min(previous_deductions.get(score.number, ZERO), gain)
        result.append(
            Opportunity(
                number=score.number,
                cluster_code=score.cluster_code,
                current=current,
                gain=gain,
                recoverable=recoverable,
                effort=efforts.get(score.number, Effort.MEDIUM),
            )
        )
    return result


@dataclass(frozen=True)
class Suggestion:
    items: list[Opportunity]
    gap: Decimal

    @property
    def total_gain(self) -> Decimal:
        return sum((item.gain for item in self.items), ZERO)

    @property
    def closes_gap(self) -> bool:
        return self.total_gain >= self.gap

    @property
    def remaining_gap(self) -> Decimal:
        return max(self.gap - self.total_gain, ZERO)


def priority(item: Opportunity) -> tuple:
    """Preference order: lower effort, then more recoverable points, then a bigger gain, then the
    lower indicator number (so ties always resolve the same way)."""
    return (item.effort, -item.recoverable, -item.gain, item.number)


def suggest(gap: Decimal, candidates: Sequence[Opportunity]) -> Suggestion:
    """The indicators to improve so their gains add up to at least `gap`.

    Takes candidates in `priority` order until the gap is closed, then drops every chosen item
    that is not needed (trying the least preferred first), so no indicator in the answer is
    superfluous. A gap of 0 needs nothing. When all candidates together cannot close the gap,
    returns them all, with `closes_gap` False and the `remaining_gap`.
    """
    if gap <= 0:
        return Suggestion(items=[], gap=max(gap, ZERO))
    chosen: list[Opportunity] = []
    total = ZERO
    for item in sorted(candidates, key=priority):
        if total >= gap:
            break
        chosen.append(item)
        total += item.gain
    if total >= gap:
        for item in sorted(chosen, key=priority, reverse=True):
            if total - item.gain >= gap:
                chosen.remove(item)
                total -= item.gain
    return Suggestion(items=sorted(chosen, key=priority), gap=gap)
