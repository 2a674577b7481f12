"""Writes that touch several kecamatan/kelurahan rows."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

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


class ActivationRefused(Exception):
    """A kecamatan or kelurahan cannot be (de)activated; `reason` says why, in the user's language.
    Nothing was changed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def kecamatan_active_refusal(kecamatan: Kecamatan, *, active: bool) -> str:
    """Why `kecamatan` cannot be set to `active`, or "" when it can: a kecamatan with active
    kelurahan cannot be deactivated (they would be left in an inactive kecamatan)."""
    if not active and kecamatan.kelurahan.filter(is_active=True).exists():
        return _("Kecamatan %(kecamatan)s still has active kelurahan: deactivate or move them first.") % {
            "kecamatan": kecamatan
        }
    return ""


def kelurahan_active_refusal(kelurahan: Kelurahan, *, active: bool) -> str:
    """Why `kelurahan` cannot be set to `active`, or "" when it can: a kelurahan of an inactive
    kecamatan cannot be reactivated before its kecamatan."""
    if active and not kelurahan.kecamatan.is_active:
        return _("Kecamatan %(kecamatan)s is inactive: reactivate it first.") % {"kecamatan": kelurahan.kecamatan}
    return ""


@transaction.atomic
def kecamatan_active_set(*, kecamatan: Kecamatan, active: bool) -> Kecamatan:
    """Activates or deactivates `kecamatan` (nothing is deleted; its history is kept).

    Raises ActivationRefused with `kecamatan_active_refusal`'s reason. The kecamatan row is locked
    while checking, as `kelurahan_active_set` locks it, so a kelurahan cannot be reactivated in a
    kecamatan being deactivated at the same moment.
    """
    kecamatan = Kecamatan.objects.select_for_update().get(pk=kecamatan.pk)
    reason = kecamatan_active_refusal(kecamatan, active=active)
    if reason:
        raise ActivationRefused(reason)
    if kecamatan.is_active != active:
        kecamatan.is_active = active
        kecamatan.save(update_fields=["is_active"])
    return kecamatan


@transaction.atomic
def kelurahan_active_set(*, kelurahan: Kelurahan, active: bool) -> Kelurahan:
    """Activates or deactivates `kelurahan` (nothing is deleted; its history and PATBM are kept).

    Raises ActivationRefused with `kelurahan_active_refusal`'s reason; its kecamatan is locked while
    checking (see `kecamatan_active_set`).
    """
    kecamatan = Kecamatan.objects.select_for_update().get(pk=kelurahan.kecamatan_id)
    kelurahan = Kelurahan.objects.select_for_update().get(pk=kelurahan.pk)
    kelurahan.kecamatan = kecamatan
    reason = kelurahan_active_refusal(kelurahan, active=active)
    if reason:
        raise ActivationRefused(reason)
    if kelurahan.is_active != active:
        kelurahan.is_active = active
        kelurahan.save(update_fields=["is_active"])
    return kelurahan


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
