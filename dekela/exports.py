"""The criteria matrix of one year as a table for XLSX/CSV export (written by `core.spreadsheets`)."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dekela.models import Criterion, CriterionStatus
from dekela.selectors import year_day
from kelurahan import coverage
from kelurahan import selectors as kelurahan_selectors
from kelurahan.models import Kecamatan, Kelurahan, Patbm


def _label(status: str) -> str:
    return str(CriterionStatus.Status(status).label)


def matrix_table(*, year: int, scope: str) -> tuple[list[str], list[list]]:
    """Header and one row per active kelurahan (or kecamatan) with each criterion's status in `year`, in
    code order: the same cells as the matrix page, for every place at once (four queries)."""
    criteria = list(Criterion.objects.for_scope(scope))
    place_field = "kelurahan_id" if scope == Criterion.Scope.KELURAHAN else "kecamatan_id"
    statuses = dict(
        ((criterion_id, place_id), status) for criterion_id, place_id, status in
        CriterionStatus.objects.filter(year=year, criterion__in=[c.pk for c in criteria])
        .values_list("criterion_id", place_field, "status")
    )
    steps = {}
    if scope == Criterion.Scope.KELURAHAN:
        steps = kelurahan_selectors.patbm_steps_on([year_day(year)])[year_day(year)]
        header = [capfirst(_("Kecamatan")), capfirst(_("Kelurahan")), _("Kemendagri code")]
        places = Kelurahan.objects.active().select_related("kecamatan").order_by("code")
        lead = lambda place: [place.kecamatan.name, place.name, place.code]  # noqa: E731
    else:
        header = [capfirst(_("Kecamatan")), _("Kemendagri code")]
        places = Kecamatan.objects.filter(is_active=True).order_by("code")
        lead = lambda place: [place.name, place.code]  # noqa: E731
    header += [f"{criterion.short_name} ({criterion.question})" if criterion.question else criterion.short_name
               for criterion in criteria]
    rows = []
    for place in places.iterator(chunk_size=2000):
        cells = []
        for criterion in criteria:
            if criterion.source == Criterion.Source.PATBM:
                met = coverage.is_covered(steps.get(place.pk, Patbm.Step.BELUM_ADA))
                cells.append(_label(CriterionStatus.Status.MET if met else CriterionStatus.Status.NOT_MET))
            else:
                cells.append(_label(statuses.get((criterion.pk, place.pk), CriterionStatus.Status.UNKNOWN)))
        rows.append(lead(place) + cells)
    return header, rows
