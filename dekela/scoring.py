"""From a share of kelurahan (or kecamatan) to a question's points: plain functions over plain values.

The ministry has not published how a Kelana-Dekela percentage becomes points, so the rule is a setting
(`KLA_DEKELA_CONVERSION`) and every page that shows a suggested score calls it provisional.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PROPORTIONAL = "proportional"  # the question's maximum times the share
QUARTERS = "quarters"  # a quarter of the maximum for each full quarter of the share (all of it at 100 %)
RULES = (PROPORTIONAL, QUARTERS)
CENT = Decimal("0.01")


def conversion_rule() -> str:
    """The conversion rule in force (`settings.KLA_DEKELA_CONVERSION`, proportional by default)."""
    rule = getattr(settings, "KLA_DEKELA_CONVERSION", PROPORTIONAL)
    if rule not in RULES:
        raise ImproperlyConfigured(f"KLA_DEKELA_CONVERSION must be one of {RULES}, not {rule!r}")
    return rule


def suggested_points(*, met: int, total: int, max_points: Decimal, rule: str = PROPORTIONAL) -> Decimal:
    """The points a question would get when `met` of `total` places meet its criterion.

    0 when there is no place to count (total 0) or none meets it; the whole `max_points` when all do;
    in between by `rule`, rounded half up to two decimals and never above `max_points`. Raises
    ValueError for counts outside 0 <= met <= total or an unknown rule.
    """
    if rule not in RULES:
        raise ValueError(f"unknown conversion rule {rule!r}")
    if total < 0 or met < 0 or met > total:
        raise ValueError(f"met {met} of {total} is not a share")
    if total == 0 or met == 0:
        return Decimal("0.00")
    if met == total:
        return Decimal(max_points).quantize(CENT, rounding=ROUND_HALF_UP)
    share = Decimal(met) / Decimal(total)
    if rule == QUARTERS:
        share = (share * 4).to_integral_value(rounding=ROUND_FLOOR) / 4
    return min(Decimal(max_points) * share, Decimal(max_points)).quantize(CENT, rounding=ROUND_HALF_UP)


def gain_from_more(*, met: int, total: int, max_points: Decimal, more: int, rule: str = PROPORTIONAL) -> Decimal:
    """How many points `more` additional places meeting the criterion would add (never past all of them)."""
    now = suggested_points(met=met, total=total, max_points=max_points, rule=rule)
    later = suggested_points(met=min(met + more, total), total=total, max_points=max_points, rule=rule)
    return later - now


def more_needed_for_gain(*, met: int, total: int, max_points: Decimal, rule: str = PROPORTIONAL) -> int:
    """The fewest more places meeting the criterion that raise the suggested points: 1 when one more does,
    more under the quarters rule (the next full quarter) or when one place is worth less than a cent; 0 when
    nothing would (every place already meets it, no place to count, or a question worth nothing). The
    suggestion never falls as places are added, so a bisection finds it in a few steps at any scale."""
    now = suggested_points(met=met, total=total, max_points=max_points, rule=rule)
    if met >= total or suggested_points(met=total, total=total, max_points=max_points, rule=rule) <= now:
        return 0
    low, high = met + 1, total  # the answer, as a count of places meeting it, lies in [low, high]
    while low < high:
        middle = (low + high) // 2
        if suggested_points(met=middle, total=total, max_points=max_points, rule=rule) > now:
            high = middle
        else:
            low = middle + 1
    return low - met


def more_needed_for_full(*, met: int, total: int) -> int:
    """How many more places must meet the criterion for the question's whole maximum."""
    return max(total - met, 0)


@dataclass(frozen=True)
class GainCandidate:
    """A criterion's question as the planner weighs it: places meeting it of all, and the question's maximum."""

    key: object  # whatever the caller matches the result back with (a criterion)
    met: int
    total: int
    max_points: Decimal


@dataclass(frozen=True)
class CriterionGain:
    key: object
    more: int  # places more that would meet the criterion
    points: Decimal  # what they would add to the suggested score
    met: int
    total: int


def planner_step(total: int) -> int:
    """How many more places the planner proposes per criterion: a tenth of all places, at least one (7 of
    Bogor's 68 kelurahan, 1 of its 6 kecamatan)."""
    return max(1, -(-total // 10))


def biggest_gains(candidates: Iterable[GainCandidate], *, limit: int = 5, rule: str = PROPORTIONAL,
                  step: int | None = None) -> list[CriterionGain]:
    """The `limit` criteria where `planner_step(total)` (or `step`) more places meeting them would add the most
    points, biggest first (ties by the order given), each with that many more places (never past all of them)
    and the gain as the difference of the two rounded suggestions (`gain_from_more`). A criterion every place
    already meets, or with no place to count, gains nothing and is left out."""
    gains = []
    for candidate in candidates:
        more = min(step or planner_step(candidate.total),
                   more_needed_for_full(met=candidate.met, total=candidate.total))
        if more <= 0:
            continue
        points = gain_from_more(met=candidate.met, total=candidate.total, max_points=candidate.max_points, more=more,
                                rule=rule)
        if points > 0:
            gains.append(CriterionGain(candidate.key, more, points, candidate.met, candidate.total))
    return sorted(gains, key=lambda gain: -gain.points)[:limit]
