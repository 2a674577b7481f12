"""Planning rules for the path to a predicate, as plain functions over plain values.

- `opportunities`: what each indicator can still gain, and how much of that is *recoverable*
  (points the jurors deducted last time, won back once the cause is fixed).
- `suggest`: the smallest set of indicators whose gains close a gap, favouring low effort and
  recoverable points.
- `starting_points`: where the planner starts, per indicator (the STARTING RULE below).
- `patbm_points` and `projected_total`: what a scenario's targets and assumed PATBM coverage add up to.

STARTING RULE (per indicator of the evaluation planned, called the latest below):
1. When the latest evaluation has a field result, the base is its final score, and the points deducted
   in that field verification are the recoverable ones.
2. Otherwise, where the indicator is self-assessed, the base is its self-assessment minus the points the
   jurors deducted on it in the previous final evaluation: they are expected to be deducted again
   unless the cause is fixed, so they are subtracted and counted as recoverable.
3. Otherwise (not scored yet in the latest evaluation), the base is 0: the planner starts from the
   self-assessment as it stands, as the task force sees it on the dashboard, so every point of an
   unscored indicator is still to be gained. With `carry_forward=True` the previous evaluation's final
   score is carried forward instead (it already has the previous deductions subtracted, which again
   count as recoverable): an estimate, not the default, because it can show a goal as reached before
   half the indicators are scored.
4. Without any score, the base is 0.
The base never exceeds the indicator's maximum in the latest evaluation, and the recoverable points
never exceed the headroom (maximum minus base).

WHAT CAN STILL CHANGE (`changeable`, an evaluation's stage rule in `clusters.scoring`): `suggest` never
proposes more than the stage still lets change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum

from clusters.scoring import CHANGE_ALL, CHANGE_NONE, CHANGE_RECOVERABLE, STEP, ZERO, IndicatorScore


class Effort(IntEnum):
    """How hard the task force judges an improvement to be; lower is preferred."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


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


SOURCE_FINAL = "final"
SOURCE_SELF = "self"
SOURCE_CARRIED = "carried"
SOURCE_NONE = "none"


@dataclass(frozen=True)
class Start:
    """Where one indicator starts in the planner (see the STARTING RULE in the module docstring)."""

    number: int
    cluster_code: str
    max_points: Decimal
    base: Decimal
    recoverable: Decimal
    source: str
    changeable: str = CHANGE_ALL

    @property
    def headroom(self) -> Decimal:
        return self.max_points - self.base

    @property
    def gain(self) -> Decimal:
        """What the stage still lets this indicator gain (WHAT CAN STILL CHANGE)."""
        if self.changeable == CHANGE_NONE:
            return ZERO
        if self.changeable == CHANGE_RECOVERABLE:
            return self.recoverable
        return self.headroom

    @property
    def ceiling(self) -> Decimal:
        """The highest score the stage still lets this indicator reach: the base plus its `gain`."""
        return self.base + self.gain

    @property
    def locked(self) -> bool:
        """The stage locks part of this indicator's headroom."""
        return self.gain < self.headroom


def starting_points(
    latest: Iterable[IndicatorScore],
    previous: Iterable[IndicatorScore] | None = None,
    *,
    latest_has_field_result: bool = False,
    carry_forward: bool = False,
    changeable: str = CHANGE_ALL,
) -> list[Start]:
    """The planner's base per indicator of the `latest` evaluation, in its order.

    `previous` are the scores of the previous final evaluation (None without one); whether the latest
    has a field result is `ResultStatus.has_field_result` (clusters.selectors);
    `changeable` is what the latest evaluation's stage still lets change (CHANGE_*).
    """
    before = {score.number: score for score in previous or ()}
    starts = []
    for score in latest:
        prior = before.get(score.number)
        deducted_before = prior.deductions if prior is not None else ZERO
        if latest_has_field_result:
            base, recoverable, source = score.final, score.deductions, SOURCE_FINAL
        elif score.is_scored:
            base = max(score.self_points - deducted_before, ZERO)
            recoverable, source = score.self_points - base, SOURCE_SELF
        elif carry_forward and prior is not None and prior.is_scored:
            base, recoverable, source = prior.final, deducted_before, SOURCE_CARRIED
        else:
            base, recoverable, source = ZERO, ZERO, SOURCE_NONE
        base = min(base, score.max_points)
        recoverable = min(recoverable, score.max_points - base)
        starts.append(Start(score.number, score.cluster_code, score.max_points, base, recoverable, source,
                            changeable))
    return starts


def start_opportunities(starts: Iterable[Start], efforts: Mapping[int, Effort] | None = None) -> list[Opportunity]:
    """One opportunity per starting indicator with headroom, for `suggest`."""
    efforts = efforts or {}
    return [
        Opportunity(
            number=start.number,
            cluster_code=start.cluster_code,
            current=start.base,
            gain=start.gain,
            recoverable=start.recoverable,
            effort=efforts.get(start.number, Effort.MEDIUM),
        )
        for start in starts
        if start.gain > 0
    ]


def patbm_points(*, added: int, covered: int, total: int, points_per_percent: Decimal) -> Decimal:
    """Points an assumed `added` kelurahan with a PATBM bring: `points_per_percent` for each percentage
    point of coverage they add (of `total` active kelurahan; at most the `total - covered` not covered
    yet), rounded to two decimals. The cap at the crediting indicator's maximum is `projected_total`'s."""
    if total <= 0 or added <= 0 or points_per_percent <= 0:
        return ZERO
    added = min(added, max(total - covered, 0))
    return (points_per_percent * Decimal(100) * added / total).quantize(STEP, rounding=ROUND_HALF_UP)


def projected_total(
    targets: Mapping[int, Decimal],
    maxima: Mapping[int, Decimal],
    *,
    bonus_indicator: int | None = None,
    bonus: Decimal = ZERO,
) -> Decimal:
    """The total of a scenario: the sum of the targets, with `bonus` (PATBM points) added to
    `bonus_indicator`'s target but never beyond that indicator's maximum."""
    total = ZERO
    for number, target in targets.items():
        if number == bonus_indicator:
            target = min(target + bonus, maxima[number])
        total += target
    return total
