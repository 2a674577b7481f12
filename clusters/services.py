"""Writes that touch several rows of the evaluation framework."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from clusters.models import Cluster, Evaluation, Indicator, Predicate, SelfAssessment

DATA_DIR = Path(__file__).resolve().parent / "data"
INDICATORS_CSV = DATA_DIR / "kla_indicators.csv"

# Names as the domain README gives them; loaded once, then editable by admins.
CLUSTERS = [
    ("KLB", "Penguatan Kelembagaan", "Institutional strengthening"),
    ("K1", "Klaster I: Hak Sipil dan Kebebasan", "Cluster I: Civil rights and freedoms"),
    (
        "K2",
        "Klaster II: Lingkungan Keluarga dan Pengasuhan Alternatif",
        "Cluster II: Family environment and alternative care",
    ),
    ("K3", "Klaster III: Kesehatan Dasar dan Kesejahteraan", "Cluster III: Basic health and welfare"),
    (
        "K4",
        "Klaster IV: Pendidikan, Pemanfaatan Waktu Luang dan Kegiatan Budaya",
        "Cluster IV: Education, leisure and culture",
    ),
    ("K5", "Klaster V: Perlindungan Khusus", "Cluster V: Special protection"),
]

# (code, name, lower bound, inclusive): Pratama from 500 inclusive, the others strictly above.
PREDICATES = [
    ("pratama", "Pratama", Decimal("500"), True),
    ("madya", "Madya", Decimal("600"), False),
    (Predicate.NINDYA, "Nindya", Decimal("700"), False),
    ("utama", "Utama", Decimal("800"), False),
    ("kla", "KLA", Decimal("900"), False),
]


@dataclass
class LoadReport:
    """What a reference-data load did, per kind of record."""

    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.existing
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return any(self.created.values())


@transaction.atomic
def framework_load(*, report: LoadReport, indicators_csv: Path = INDICATORS_CSV) -> None:
    """Creates the clusters, indicators and predicates that do not exist yet.

    Existing rows are left as they are, so a second run changes nothing and admins' edits
    (a corrected maximum, a renamed indicator) survive.
    """
    clusters = {}
    for order, (code, name, name_en) in enumerate(CLUSTERS):
        cluster, created = Cluster.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
        clusters[code] = cluster
        report.count("clusters", created)

    with open(indicators_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _, created = Indicator.objects.get_or_create(
                number=int(row["number"]),
                is_active=True,
                defaults={
                    "cluster": clusters[row["cluster_code"]],
                    "name": row["indicator"],
                    "max_points": Decimal(row["provisional_max_points"]),
                    "placement": row["placement"],
                },
            )
            report.count("indicators", created)

    for code, name, lower, inclusive in PREDICATES:
        _, created = Predicate.objects.get_or_create(
            code=code, defaults={"name": name, "lower_bound": lower, "lower_inclusive": inclusive}
        )
        report.count("predicates", created)


@transaction.atomic
def evaluation_create(*, year: int, is_sample: bool = False) -> Evaluation:
    """Creates the evaluation of `year` with the current indicator framework copied into it."""
    evaluation = Evaluation.objects.create(year=year, is_sample=is_sample)
    evaluation_framework_copy(evaluation=evaluation)
    return evaluation


def evaluation_framework_copy(*, evaluation: Evaluation) -> None:
    """Gives `evaluation` one empty self-assessment per active indicator it lacks, each keeping
    the indicator's current maximum, so later framework edits never change this year's results."""
    present = set(evaluation.self_assessments.values_list("indicator_id", flat=True))
    bulk_create_with_history(
        [
            SelfAssessment(evaluation=evaluation, indicator=indicator, max_points=indicator.max_points)
            for indicator in Indicator.objects.active().exclude(pk__in=present)
        ],
        SelfAssessment,
    )
