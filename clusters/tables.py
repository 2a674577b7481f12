"""Reading uploaded spreadsheets as real offices produce them (groundwork for imports).

XLSX through openpyxl; CSV in UTF-8 (with or without BOM) or Windows-1252, separated by `;` or
`,`. The file type is decided by the content, not the name. Numbers may use a decimal comma
("680,5") or point, with "." or " " as thousands separator in the comma style ("1.234,5").
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from core.numbers import parse_decimal

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
XLSX_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, `code` names the reason for callers
    that show their own (translated) message: too_large, empty, not_a_table, broken_xlsx, no_rows, too_many_rows."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[dict[str, str]]  # in file order; row numbers as the user sees them start at 2
    kind: str  # "xlsx" or "csv"
    line_numbers: list[int] = field(default_factory=list)  # each row's line in the file (blank lines skipped)


def read_table(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """Reads an XLSX or CSV upload into header and rows of text cells (stripped)."""
    if len(data) > max_bytes:
        raise TableError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.", code="too_large")
    if not data.strip():
        raise TableError("The file is empty.", code="empty")
    if data.startswith(XLSX_MAGIC):
        lines, kind = _xlsx_lines(data, max_rows), "xlsx"
    elif b"\x00" in data[:4096]:
        raise TableError("The file is neither an XLSX workbook nor a CSV text file.", code="not_a_table")
    else:
        lines, kind = _csv_lines(_decode(data)), "csv"
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if any(cell for cell in line)]
    if not numbered:
        raise TableError("The file has no rows.", code="no_rows")
    header = [cell.strip() for cell in numbered[0][1]]
    if len(numbered) - 1 > max_rows:
        raise TableError(f"The file has more than {max_rows} rows.", code="too_many_rows")
    rows = [
        dict(zip(header, (cell.strip() for cell in _padded(line, len(header))), strict=True))
        for _, line in numbered[1:]
    ]
    return Table(header=header, rows=rows, kind=kind, line_numbers=[number for number, _ in numbered[1:]])


def _padded(line: list[str], width: int) -> list[str]:
    return (list(line) + [""] * width)[:width]


def _decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_lines(text: str) -> list[list[str]]:
    first_line = text.splitlines()[0] if text else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_lines(data: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableError("The file looks like an XLSX workbook but cannot be opened.", code="broken_xlsx") from error
    sheet = workbook.worksheets[0]
    lines = []
    for index, row in enumerate(sheet.iter_rows(values_only=True)):
        if index > max_rows + 1:
            raise TableError(f"The file has more than {max_rows} rows.", code="too_many_rows")
        lines.append(["" if value is None else _cell_text(value) for value in row])
    workbook.close()
    return lines


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)




def parse_number(text: str) -> Decimal:
    """A number in a cell, read by the same rule as every form (core.numbers): "680,5" = "680.5".

    Raises core.numbers.NumberError (a ValueError) for anything else: text, NaN, exponents, two
    separators ("1.234,50") and what could be a thousands grouping ("1,000").
    """
    return parse_decimal(text)
