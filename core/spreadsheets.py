"""Writing tables as XLSX and CSV downloads: every export goes through here.

Text that a spreadsheet program would run as a formula is neutralised the way OWASP describes for
CSV injection (https://owasp.org/www-community/attacks/CSV_Injection): a cell starting with `=`,
`+`, `-`, `@`, a tab or a carriage return gets a leading `'`. Numbers, dates and booleans stay
what they are (a negative number is a number, never text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils.formats import number_format

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("xlsx", "csv")

# OWASP's list, plus the full-width forms some spreadsheet programs also read as formula signs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Control characters XML 1.0 cannot hold (openpyxl refuses them): dropped, tab and newlines kept.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

COLUMN_WIDTH_MIN = 6
COLUMN_WIDTH_MAX = 60


def spreadsheet_text(value: str) -> str:
    """`value` as a cell text no spreadsheet program runs as a formula: a leading `'` when it starts
    with a formula sign (see FORMULA_TRIGGERS), otherwise unchanged."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def spreadsheet_text_read(value: str) -> str:
    """An imported cell as the user meant it: the `'` that `spreadsheet_text` put before a formula sign
    is dropped, so an exported table edited and imported again keeps its notes as they were."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS) else value


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (bool, int, float, dt.date)):
        return value
    return spreadsheet_text(_XML_ILLEGAL.sub("", str(value)))


def _shown_width(value) -> int:
    """Characters the value takes when shown (longest line of a text)."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:.2f}")
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max(len(line) for line in str(value).splitlines() or [""])


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence], title: str) -> bytes:
    """An XLSX workbook with one sheet; Decimal cells become numbers with two decimals, text cells are
    text (never formulas, see `spreadsheet_text`), and each column is as wide as its content (capped)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    widths = [0] * len(header)
    for row_number, values in enumerate([header, *rows], start=1):
        for column_number, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column_number, value=_xlsx_value(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store "=..." as a formula and "#N/A" as an error
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
            elif isinstance(value, dt.date):  # a real date, shown day first whatever Excel's language
                cell.number_format = "dd/mm/yyyy"
            widths[column_number - 1] = max(widths[column_number - 1], _shown_width(value))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column_number, width in enumerate(widths, start=1):
        # +2 for the cell padding and the bold header.
        sheet.column_dimensions[get_column_letter(column_number)].width = min(
            max(width + 2, COLUMN_WIDTH_MIN), COLUMN_WIDTH_MAX
        )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return number_format(value, 2, use_l10n=False).replace(".", ",")
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, (bool, int, float)):
        return str(value)
    return spreadsheet_text(str(value))


def to_csv(header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """CSV as Indonesian Excel opens it: UTF-8 with BOM, `;` separator, decimal comma; text cells
    neutralised like the XLSX's (`spreadsheet_text`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in [header, *rows]:
        writer.writerow([_csv_value(value) for value in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


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
