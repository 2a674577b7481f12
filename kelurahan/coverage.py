"""PATBM coverage rules, as plain functions over plain values (no database)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
