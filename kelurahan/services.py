"""Writes that touch several kecamatan/kelurahan rows."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import IntegrityError, transaction

from core.loading import LoadReport
from kelurahan.models import Kecamatan, Kelurahan, Patbm

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


class PatbmChangedMeanwhile(Exception):
    """Someone else saved the PATBM after the form was loaded; nothing was written."""

    def __init__(self, current: Patbm):
        super().__init__("PATBM changed meanwhile")
        self.current = current


def _locked_patbm(kelurahan: Kelurahan) -> Patbm | None:
    return Patbm.objects.select_for_update().filter(kelurahan=kelurahan).first()


@transaction.atomic
def patbm_save(*, form, kelurahan: Kelurahan) -> Patbm:
    """Saves a valid PatbmForm unless the record changed since the form was loaded.

    The row is locked while checking, so two staff saving at once cannot both win silently.
    """
    from kelurahan.forms import patbm_version

    current = _locked_patbm(kelurahan)
    if form.cleaned_data.get("loaded_version", "") != patbm_version(current):
        raise PatbmChangedMeanwhile(current)
    if current is not None:
        return form.save()
    # The first record: there is no row to lock, so two people can get here at once. The one-per-kelurahan
    # constraint lets only one insert through; the other is told, as for any other record saved meanwhile.
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        current = Patbm.objects.filter(kelurahan=kelurahan).first()
        if current is None:
            raise
        raise PatbmChangedMeanwhile(current) from None
