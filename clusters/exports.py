"""Evaluation scores as XLSX and CSV (groundwork for issue 6).

Column names follow the active language (Indonesian by default); numbers stay numbers in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clusters.models import Evaluation, FieldDeduction, SelfAssessment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def evaluation_score_table(evaluation: Evaluation) -> tuple[list[str], list[list]]:
    """Header and rows (one per indicator) of an evaluation's scores, in two queries."""
    header = [
        _("Cluster"),
        _("No."),
        _("Indicator"),
        _("Maximum"),
        _("Self-assessment"),
        _("Deductions"),
        _("Deduction reasons"),
        _("Final score"),
        _("Headroom"),
        _("Evidence note"),
    ]
    reasons: dict[int, list[str]] = {}
    for deduction in FieldDeduction.objects.filter(self_assessment__evaluation=evaluation).order_by("pk"):
        reasons.setdefault(deduction.self_assessment_id, []).append(
            f"{number_format(deduction.points, 2, use_l10n=True)}: {deduction.reason}"
        )
    rows = []
    for row in SelfAssessment.objects.filter(evaluation=evaluation).for_scoring():
        score = row.to_score()
        rows.append(
            [
                row.indicator.cluster.code,
                row.indicator.number,
                row.indicator.name,
                row.max_points,
                row.score,
                score.deductions,
                "; ".join(reasons.get(row.pk, [])),
                score.final if score.is_scored else None,
                score.headroom,
                row.evidence,
            ]
        )
    return header, rows


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence], title: str) -> bytes:
    """An XLSX workbook with one sheet; Decimal cells become numbers with two decimals, dates read dd/mm/yyyy."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
            elif isinstance(value, dt.date):  # a real date, shown day first whatever Excel's language
                cell.number_format = "dd/mm/yyyy"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """CSV as Indonesian Excel opens it: UTF-8 with BOM, `;` separator, decimal comma, dates dd/mm/yyyy."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                number_format(value, 2, use_l10n=False).replace(".", ",") if isinstance(value, Decimal) else
                f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else ("" if value is None else value)
                for value in row
            ]
        )
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def import_template_table(evaluation: Evaluation) -> tuple[list[str], list[list]]:
    """The blank import template: one row per indicator, score and note left empty to fill in."""
    header = [_("Cluster"), _("No."), _("Indicator"), _("Maximum"), _("Self-assessment"), _("Evidence note")]
    rows = [
        [row.indicator.cluster.code, row.indicator.number, row.indicator.name, row.max_points, None, ""]
        for row in SelfAssessment.objects.filter(evaluation=evaluation).select_related("indicator__cluster")
        .order_by("indicator__cluster__order", "indicator__number")
    ]
    return header, rows


EXPORT_FORMATS = ("xlsx", "csv")


def download(header, rows, *, file_stem: str, fmt: str, sheet_title: str) -> HttpResponse:
    """A table as an XLSX or CSV attachment; 404 for any other format."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if fmt == "xlsx":
        body, content_type = to_xlsx(header, rows, sheet_title), XLSX_CONTENT_TYPE
    else:
        body, content_type = to_csv(header, rows), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_stem}.{fmt}"'
    return response
