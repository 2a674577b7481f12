"""Reads of kelurahan and PATBM, each in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q

from kelurahan.coverage import COVERED_FROM_STEP, Coverage
from kelurahan.models import Kelurahan


def patbm_coverage() -> Coverage:
    """Active kelurahan with a PATBM formed or active, out of all active kelurahan.

    Counted by the database in one query (a kelurahan without a PATBM record is not covered),
    so it costs the same for 68 kelurahan or 83,000.
    """
    counts = Kelurahan.objects.active().aggregate(
        total=Count("pk"), covered=Count("pk", filter=Q(patbm__step__gte=COVERED_FROM_STEP))
    )
    return Coverage(covered=counts["covered"], total=counts["total"])
