"""Writes of kecamatan, kelurahan and PATBM records."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.conflicts import WriteRefused
from core.loading import LoadReport
from core.versions import EditConflict, claim
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


class ActivationRefused(WriteRefused):
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
    return _active_write(kecamatan, active=active, refusal=kecamatan_active_refusal(kecamatan, active=active))


@transaction.atomic
def kelurahan_active_set(*, kelurahan: Kelurahan, active: bool) -> Kelurahan:
    """Activates or deactivates `kelurahan` (nothing is deleted; its history and PATBM are kept).

    Raises ActivationRefused with `kelurahan_active_refusal`'s reason; its kecamatan is locked while
    checking (see `kecamatan_active_set`).
    """
    kecamatan = Kecamatan.objects.select_for_update().get(pk=kelurahan.kecamatan_id)
    kelurahan = Kelurahan.objects.select_for_update().get(pk=kelurahan.pk)
    kelurahan.kecamatan = kecamatan
    return _active_write(kelurahan, active=active, refusal=kelurahan_active_refusal(kelurahan, active=active))


def _active_write(record, *, active: bool, refusal: str):
    if refusal:
        raise ActivationRefused(refusal)
    if record.is_active != active:
        record.is_active = active
        record.save(update_fields=["is_active"])  # records the history
    return record


class KelurahanInactive(WriteRefused):
    """An inactive kelurahan records no PATBM progress; nothing was saved."""

    def __init__(self, kelurahan: Kelurahan):
        super().__init__(
            _("%(kelurahan)s is inactive; reactivate it before recording PATBM progress.") % {"kelurahan": kelurahan}
        )
        self.kelurahan = kelurahan


def patbm_check_active(kelurahan: Kelurahan) -> None:
    """Raises `KelurahanInactive` unless `kelurahan` may record PATBM progress (it is active)."""
    if not kelurahan.is_active:
        raise KelurahanInactive(kelurahan)


def _locked_patbm(kelurahan: Kelurahan) -> Patbm | None:
    return Patbm.objects.select_for_update().filter(kelurahan=kelurahan).first()


@transaction.atomic
def patbm_save(
    *,
    kelurahan: Kelurahan,
    step: int,
    step_date: dt.date | None,
    sk_number: str = "",
    sk_date: dt.date | None = None,
    activist_count: int = 0,
    note: str = "",
    version: int,
    reason: str = "",
) -> Patbm:
    """Records the PATBM step of `kelurahan` (a new history entry) unless someone saved it after the form
    was loaded: `version` is the record's version the form showed, 0 when there was no record yet.

    Raises `KelurahanInactive` for an inactive kelurahan and `EditConflict` (naming the record) when the
    record is no longer at `version`; nothing is written then. `reason` is kept in the history entry (an
    import names its file there). The values are checked by `PatbmForm`; the database refuses a formed
    PATBM without its SK (IntegrityError).
    """
    patbm_check_active(Kelurahan.objects.get(pk=kelurahan.pk))  # as stored now, not as the page loaded it
    values = {"step": step, "step_date": step_date, "sk_number": sk_number, "sk_date": sk_date,
              "activist_count": activist_count, "note": note}
    current = _locked_patbm(kelurahan)  # the row lock keeps two saves from interleaving where it can
    if current is not None:
        if not claim(Patbm.objects, pk=current.pk, version=version):
            raise EditConflict([current.pk])
        return _patbm_write(current, values, version=version + 1, reason=reason)
    # The first record: there is no row to lock, so two people can get here at once. The one-per-kelurahan
    # constraint lets only one insert through; the other is told, as for any other record saved meanwhile.
    try:
        with transaction.atomic():
            return _patbm_write(Patbm(kelurahan=kelurahan), values, version=1, reason=reason)
    except IntegrityError:
        current = Patbm.objects.filter(kelurahan=kelurahan).first()
        if current is None:
            raise
        raise EditConflict([current.pk]) from None


def _patbm_write(patbm: Patbm, values: dict, *, version: int, reason: str) -> Patbm:
    for name, value in values.items():
        setattr(patbm, name, value)
    patbm.version = version
    if reason:
        patbm._change_reason = reason
    patbm.save()  # records the history
    return patbm
