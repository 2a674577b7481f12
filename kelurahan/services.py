"""Writes that touch several kecamatan/kelurahan rows."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from clusters.services import LoadReport
from kelurahan.models import Kecamatan, Kelurahan

WILAYAH_CSV = Path(__file__).resolve().parent / "data" / "kota_bogor_wilayah.csv"


@transaction.atomic
def wilayah_load(*, report: LoadReport, wilayah_csv: Path = WILAYAH_CSV) -> None:
    """Creates the kecamatan and kelurahan (keyed by Kemendagri code) that do not exist yet.

    Existing rows are left as they are: admins' corrections and deactivations survive.
    """
    kecamatan_by_code: dict[str, Kecamatan] = {}
    with open(wilayah_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["kecamatan_code"]
            if code not in kecamatan_by_code:
                kecamatan, created = Kecamatan.objects.get_or_create(code=code, defaults={"name": row["kecamatan"]})
                kecamatan_by_code[code] = kecamatan
                report.count("kecamatan", created)
            _, created = Kelurahan.objects.get_or_create(
                code=row["kelurahan_code"],
                defaults={
                    "name": row["kelurahan"],
                    "alternative_name": row["spelling_2025"],
                    "kecamatan": kecamatan_by_code[code],
                },
            )
            report.count("kelurahan", created)
