"""Reading uploaded spreadsheets as real offices produce them, and as attackers craft them.

XLSX through openpyxl; CSV in UTF-8 (with or without BOM) or Windows-1252, separated by `;` or
`,`. The file type is decided by the content, not the name, with one exception: a file named .xlsx
must be an XLSX workbook (a text file renamed .xlsx is refused as such rather than read as CSV and
refused later for columns it never meant to have). Cells come back as text; the importers read
numbers from them with the project's one rule, `core.numbers.parse_decimal`.

An upload is untrusted. An XLSX is a zip of XML parts: 281 KB can unpack to 95 MB holding 2.5
million cells, which openpyxl would build in gigabytes of memory. So an XLSX is checked before
openpyxl reads it: the archive (number of parts, unpacked size of each part and in total,
compression ratio), then every XML part in one streaming pass (no DTD, so no entity tricks; a
bounded number of elements), then the sheet itself, streamed once, stopping as soon as a limit on
rows, columns or cells is passed. Only then does openpyxl read the sheet, up to its last value.
"""

from __future__ import annotations

import csv
import io
import lzma
import math
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pyexpat import ExpatError, ParserCreate

from core.spreadsheets import spreadsheet_text_read

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 50  # the widest export has 11
MAX_CELLS = 20_000  # every <c> of the sheet, empty formatted cells included
MAX_INLINE_STRINGS = 10_000  # openpyxl needs 20 to 70 µs for each (Excel itself writes shared strings)
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
# The archive: a workbook saved by Excel has about 10 parts of a few KB each.
MAX_PARTS = 200
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed, for parts larger than RATIO_FROM_BYTES
RATIO_FROM_BYTES = 1024 * 1024
# Elements in all parts together, by kind (a cell is 2 or 3 elements, a shared string 2): see _ElementBudget.
MAX_SHEET_ELEMENTS = 3 * MAX_CELLS
MAX_STRING_ELEMENTS = 2 * MAX_CELLS
MAX_OTHER_ELEMENTS = 5_000  # styles, names, relationships, theme: Excel writes about a thousand
XLSX_MAGIC = b"PK\x03\x04"
# Parts openpyxl never parses as XML (images, printer settings, macros): not XML, no error.
_BINARY_PARTS = re.compile(r"\.(bin|png|jpe?g|gif|bmp|tiff?|emf|wmf|wdp|jfif)$", re.IGNORECASE)
_NUMBER_CELL = re.compile(r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_CELL_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")
_CHUNK = 64 * 1024


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, `code` names the reason for callers
    that show their own (translated) message, `params` the details it may name (a cell, a line):
    too_large, empty, not_a_table, not_xlsx, broken_xlsx, broken_csv, archive_too_large, no_sheets, no_rows,
    too_many_rows, too_many_columns, too_many_cells, cell_too_long (line), bad_number_cell (cell, value)."""

    def __init__(self, message: str, *, code: str = "invalid", **params):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[dict[str, str]]  # in file order; row numbers as the user sees them start at 2
    kind: str  # "xlsx" or "csv"
    line_numbers: list[int] = field(default_factory=list)  # each row's line in the file (blank lines skipped)


def read_table(data: bytes, *, name: str = "", max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """Reads an XLSX or CSV upload into header and rows of text cells (stripped). `name` is the uploaded
    file's name: one ending in .xlsx whose content is not a ZIP archive raises TableError `not_xlsx`.

    Raises TableError as soon as the file passes a limit; a file of at most `max_bytes` is answered
    in well under two seconds and a few tens of MB, whatever it holds.
    """
    if len(data) > max_bytes:
        raise TableError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.", code="too_large")
    if not data.strip():
        raise TableError("The file is empty.", code="empty")
    if name.strip().lower().endswith(".xlsx") and not data.startswith(XLSX_MAGIC):
        raise TableError("The file is named .xlsx but is not an XLSX workbook.", code="not_xlsx")
    if data.startswith(XLSX_MAGIC):
        lines, kind = _xlsx_lines(data, max_rows), "xlsx"
    elif b"\x00" in data[:4096]:
        raise TableError("The file is neither an XLSX workbook nor a CSV text file.", code="not_a_table")
    else:
        lines, kind = _csv_lines(_decode(data)), "csv"
    numbered = []
    for number, line in lines:
        if number > 2 * (max_rows + 1):  # blank lines cost time too
            raise TableError(f"The file has more than {max_rows} rows.", code="too_many_rows")
        if not any(cell for cell in line):
            continue
        if len(numbered) > max_rows:  # the header and max_rows rows are already in
            raise TableError(f"The file has more than {max_rows} rows.", code="too_many_rows")
        _check_cells(number, line)
        numbered.append((number, line))
    if not numbered:
        raise TableError("The file has no rows.", code="no_rows")
    header = [cell.strip() for cell in numbered[0][1]]
    rows = [
        dict(zip(header, (spreadsheet_text_read(cell.strip()) for cell in _padded(line, len(header))), strict=True))
        for _, line in numbered[1:]
    ]
    return Table(header=header, rows=rows, kind=kind, line_numbers=[number for number, _ in numbered[1:]])


def _check_cells(number: int, line: list[str]) -> None:
    width = max(index for index, cell in enumerate(line, start=1) if cell)
    if width > MAX_COLUMNS:
        raise TableError(f"The file has more than {MAX_COLUMNS} columns.", code="too_many_columns")
    if any(len(cell) > MAX_CELL_CHARS for cell in line):
        raise TableError(f"A cell in line {number} is too long.", code="cell_too_long", line=number)


def _padded(line: list[str], width: int) -> list[str]:
    return (list(line) + [""] * width)[:width]


def _decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_lines(text: str) -> Iterator[tuple[int, list[str]]]:
    first_line = (text[:65536].splitlines() or [""])[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, line in enumerate(reader, start=1):
            yield number, line
    except csv.Error as error:
        # csv refuses a field over its limit (128 KB) with this message and no code of its own.
        if "field limit" in str(error):
            raise TableError(f"A cell in line {number + 1} is too long.", code="cell_too_long",
                             line=number + 1) from error
        raise TableError(f"The CSV file cannot be read: {error}", code="broken_csv", line=number + 1) from error


# openpyxl reports a malformed workbook with whatever the failing step raised.
_OPENPYXL_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError, TypeError,
                    KeyError, IndexError, AttributeError, SyntaxError, NotImplementedError, RuntimeError)


def _broken(detail: str) -> TableError:
    return TableError(f"The file looks like an XLSX workbook but cannot be read: {detail}", code="broken_xlsx")


def _xlsx_lines(data: bytes, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    archive = _checked_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _OPENPYXL_ERRORS as error:
        raise _broken(str(error)) from error
    try:
        if not workbook.worksheets:
            raise TableError("The workbook has no worksheet.", code="no_sheets")
        sheet = workbook.worksheets[0]
        extent = _SheetExtent(max_rows)
        # openpyxl keeps the sheet's part name privately; version pinned in requirements.txt.
        _scan_part(archive, sheet._worksheet_path, extent)
        if not extent.last_row:
            return
        try:
            rows = sheet.iter_rows(max_row=extent.last_row, max_col=extent.last_column, values_only=True)
            for number, row in enumerate(rows, start=1):
                yield number, ["" if value is None else _cell_text(value) for value in row]
        except _OPENPYXL_ERRORS as error:
            raise _broken(str(error)) from error
    finally:
        workbook.close()


def _checked_archive(data: bytes) -> zipfile.ZipFile:
    """The zip archive, after its directory and every XML part have been checked without building anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise _broken(str(error)) from error
    too_large = TableError("The workbook is too large once unpacked.", code="archive_too_large")
    if len(parts) > MAX_PARTS:
        raise too_large
    unpacked = 0
    for part in parts:
        # The directory's sizes cannot lie: zipfile stops at the declared size and checks the CRC.
        unpacked += part.file_size
        if part.file_size > MAX_PART_BYTES or unpacked > MAX_UNPACKED_BYTES:
            raise too_large
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise too_large
        if part.flag_bits & 0x1:
            raise _broken("encrypted part")
    budget = _ElementBudget()
    for part in parts:
        if part.file_size and not part.is_dir():
            budget.new_part()
            _scan_part(archive, part.filename, budget, binary_ok=bool(_BINARY_PARTS.search(part.filename)))
    return archive


def _scan_part(archive: zipfile.ZipFile, name: str, handler, *, binary_ok: bool = False) -> None:
    """Streams one part through expat (the parser openpyxl uses too), calling `handler` for each element.

    A DTD is refused: a workbook never needs one, and without it no entity can be declared or expanded.
    """
    parser = ParserCreate()
    parser.StartElementHandler = handler.start
    if handler.end:
        parser.EndElementHandler = handler.end
    if handler.text:
        parser.CharacterDataHandler = handler.text

    def refuse_dtd(*_args):
        raise _broken("a DTD in " + name)

    parser.StartDoctypeDeclHandler = refuse_dtd
    parsed = False
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
                parsed = True
            parser.Parse(b"", True)
    except TableError:
        raise
    except ExpatError as error:
        if binary_ok and not parsed:
            return
        raise _broken(f"{name}: {error}") from error
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError, RuntimeError,
            KeyError, ValueError) as error:
        raise _broken(f"{name}: {error}") from error


class _ElementBudget:
    """Counts elements before openpyxl parses them: its cost grows with them.

    Cells and shared strings are cheap for openpyxl (a few µs), so they have budgets of their own,
    but only as the plain elements of a cell (`sheetData` at the top of a worksheet) or of a string
    (`si` at the top of the shared strings). Everything else (styles, names, rich text, formatting,
    and anything placed where openpyxl would not expect it) costs up to 60 µs and shares a small budget.
    """

    # root: (budget, cheap children of the root, cheap elements below them). Excel's calculation chain
    # has one <c> per formula; openpyxl never reads it.
    CHEAP = {
        "worksheet": ("worksheet", {"sheetData"}, {"row", "c", "v", "f", "is", "t"}),
        "sst": ("sst", {"si"}, {"t"}),
        "calcChain": ("worksheet", {"c"}, set()),
    }

    def __init__(self):
        self.left = {"worksheet": MAX_SHEET_ELEMENTS, "sst": MAX_STRING_ELEMENTS, "other": MAX_OTHER_ELEMENTS}
        self.new_part()

    def new_part(self):
        self.depth, self.root, self.inside = 0, None, False

    def start(self, name, _attributes):
        name = _local(name)
        self.depth += 1
        if self.depth == 1:
            self.root = name
        budget, children, below = self.CHEAP.get(self.root, ("other", set(), set()))
        if self.depth == 2:
            self.inside = name in children
        kind = budget if self.inside and (self.depth == 2 or name in below) else "other"
        self.left[kind] -= 1
        if self.left[kind] < 0:
            if kind == "other":
                raise TableError("The workbook is too large once unpacked.", code="archive_too_large")
            raise TableError("The workbook has too many cells.", code="too_many_cells", cells=MAX_CELLS)

    def end(self, _name):
        self.depth -= 1

    text = None  # not needed: fewer calls from expat


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _SheetExtent:
    """Measures the sheet in one pass: stops at the first limit passed; finds the last row and column with a value.

    Rows with a value count against `max_rows` (plus the header); the sheet may not reach further than
    twice that (blank rows in between), so that openpyxl never pads a million empty rows.
    """

    def __init__(self, max_rows: int):
        self.max_rows = max_rows + 1
        self.row = self.column = self.cells = self.inline_strings = self.rows_with_values = 0
        self.last_row = self.last_column = 0
        self.row_has_value = False
        self.cell_type = self.cell_name = None
        self.number_text: list[str] | None = None

    def start(self, name, attributes):
        name = _local(name)
        if name == "row":
            self.row = _row_number(attributes.get("r"), self.row + 1)
            self.column, self.row_has_value = 0, False
        elif name == "c":
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise TableError(f"The sheet has more than {MAX_CELLS} cells.", code="too_many_cells", cells=MAX_CELLS)
            reference = attributes.get("r")
            match = _CELL_REFERENCE.match(reference) if reference else None
            if reference and not match:
                raise _broken(f"cell reference {reference[:20]!r}")
            self.column = _column_number(match[1]) if match else self.column + 1
            self.cell_type, self.cell_name = attributes.get("t", "n"), reference or f"#{self.row}:{self.column}"
        elif name in ("v", "is") and self.cell_name:
            self._value_found()
            if name == "is":
                self.inline_strings += 1
                if self.inline_strings > MAX_INLINE_STRINGS:
                    raise TableError(f"The sheet has more than {MAX_INLINE_STRINGS} cells of text.",
                                     code="too_many_cells", cells=MAX_INLINE_STRINGS)
            if name == "v" and self.cell_type == "n":
                self.number_text = []

    def _value_found(self):
        if self.column > MAX_COLUMNS:
            raise TableError(f"The file has more than {MAX_COLUMNS} columns.", code="too_many_columns")
        if not self.row_has_value:
            self.row_has_value = True
            self.rows_with_values += 1
            if self.rows_with_values > self.max_rows or self.row > 2 * self.max_rows:
                raise TableError(f"The file has more than {self.max_rows - 1} rows.", code="too_many_rows")
        self.last_row = max(self.last_row, self.row)
        self.last_column = max(self.last_column, self.column)

    def text(self, data):
        if self.number_text is not None:
            self.number_text.append(data)
            if len(self.number_text) > 100:  # a number is a few characters
                self._bad_number()

    def end(self, name):
        name = _local(name)
        if name == "v" and self.number_text is not None:
            text = "".join(self.number_text).strip()
            if not _NUMBER_CELL.match(text) or not math.isfinite(float(text)):
                self._bad_number()
            self.number_text = None
        elif name == "c":
            self.cell_type = self.cell_name = None

    def _bad_number(self):
        value = "".join(self.number_text or [])[:20]
        raise TableError(f"Cell {self.cell_name} holds {value!r}, which is not a number.", code="bad_number_cell",
                         cell=self.cell_name, value=value)


def _row_number(text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not number.is_integer() or number < 1:
        raise _broken(f"row number {text[:20]!r}")
    return int(number)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


_AMBIGUOUS_SHAPE = re.compile(r"^-?[1-9][0-9]{0,2}\.[0-9]{3}$")


def _cell_text(value) -> str:
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        # A number stored as a number is never ambiguous, but its text "1.234" would read as one
        # thousand two hundred and thirty-four or one point two three four: keep it a decimal.
        return text + "0" if _AMBIGUOUS_SHAPE.match(text) else text
    return str(value)
