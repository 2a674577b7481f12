"""The PATBM register as a table for XLSX/CSV export (written by `core.spreadsheets`)."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kelurahan.models import Kelurahan, Patbm


def patbm_register_table() -> tuple[list[str], list[list]]:
    """Header and one row per kelurahan (inactive ones too, marked), in one query.

    A kelurahan without a PATBM record is at step 1 with no dates.
    """
    header = [
        capfirst(name) for name in (
            _("Kecamatan"), _("Kelurahan"), _("Kemendagri code"), _("Step"), _("Step name"), _("Date of this step"),
            _("SK number"), _("SK date"), _("Number of activists"), _("Note"), _("Active"),
        )
    ]
    rows = []
    for kelurahan in Kelurahan.objects.select_related("kecamatan", "patbm").order_by("kecamatan__code", "code"):
        patbm = getattr(kelurahan, "patbm", None)
        step = patbm.step if patbm else Patbm.Step.BELUM_ADA
        rows.append([
            kelurahan.kecamatan.name,
            kelurahan.name,
            kelurahan.code,
            int(step),
            str(Patbm.Step(step).label),
            patbm.step_date if patbm else None,
            patbm.sk_number if patbm else "",
            patbm.sk_date if patbm else None,
            patbm.activist_count if patbm else 0,
            patbm.note if patbm else "",
            _("yes") if kelurahan.is_active else _("no"),
        ])
    return header, rows
