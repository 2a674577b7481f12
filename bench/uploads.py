"""`python -m bench.uploads`: time and peak memory of reading hostile and largest-allowed uploads.

Target (issue #15): every upload of at most IMPORT_MAX_BYTES is answered within 2 s and 200 MB.
Each file is read by `core.tables.read_table` with the production limits (500 rows), once for
the time and once under tracemalloc for the peak (tracemalloc slows the run, so not both at once).
Exits non-zero when a file misses the target.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

from core import tables
from core.tables import TableError, read_table
from tests import upload_files as files

MAX_ROWS = 500
TARGET_SECONDS, TARGET_MB = 2.0, 200


def _rows(count: int, cells: bytes) -> list[bytes]:
    return [f'<row r="{n}">'.encode() + cells + b"</row>" for n in range(1, count + 1)]


def _second_sheet_without_dimension(elements: int) -> bytes:
    """openpyxl parses every other sheet to its end when it has no <dimension>."""
    import io
    import zipfile

    base = files.xlsx([["No."], [1]])
    archive = zipfile.ZipFile(io.BytesIO(base))
    sheet = b'<sheet name="S2" sheetId="2" r:id="rId9"/></sheets>'
    workbook = archive.read("xl/workbook.xml").replace(b"</sheets>", sheet)
    relationship = (b'<Relationship Id="rId9" Target="/xl/worksheets/sheet2.xml" Type="http://schemas.openxmlformats.'
                    b'org/officeDocument/2006/relationships/worksheet"/></Relationships>')
    rels = archive.read("xl/_rels/workbook.xml.rels").replace(b"</Relationships>", relationship)
    rows = _rows(elements // 3, b'<c s="0"/><c s="0"/>')
    return files.with_parts(base, {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels,
                                   "xl/worksheets/sheet2.xml": files.sheet(rows)})


def _cases() -> dict:
    columns = "".join(chr(65 + n) for n in range(15))
    return {
        "probe's bomb (2.5 M inline cells)": files.inline_string_bomb,
        "5,000 parts": files.many_parts,
        "billion laughs": files.billion_laughs,
        "truncated sheet": files.truncated_sheet,
        "CSV cell of 200 KB": lambda: files.long_csv_cell(200 * 1024),
        "CSV of 2 MB blank lines": lambda: b"No.;nilai\n" + b"\n" * (2 * 1024 * 1024 - 20),
        "100,000 rows": lambda: files.rows_of_numbers(100_000),
        "empty formatted cells": lambda: files.empty_cells(tables.MAX_SHEET_ELEMENTS - 10),
        "other sheet, no dimension": lambda: _second_sheet_without_dimension(tables.MAX_SHEET_ELEMENTS - 100),
        "501 x 15 numbers (allowed)": lambda: files.with_sheet(
            _rows(501, b"".join(b"<c><v>12.5</v></c>" for _ in columns))),
        "501 x 19 text, openpyxl (allowed)": lambda: files.xlsx(
            [[f"catatan {row} {column}" for column in range(19)] for row in range(501)]),
    }


def _read(data: bytes) -> str:
    try:
        table = read_table(data, max_rows=MAX_ROWS)
    except TableError as error:
        return f"refused: {error.code}"
    return f"read: {len(table.rows)} rows"


def main() -> int:
    missed = 0
    print(f"{'file':<34}{'size KB':>9}{'seconds':>9}{'peak MB':>9}  outcome")
    for label, build in _cases().items():
        data = build()
        start = time.perf_counter()
        outcome = _read(data)
        seconds = time.perf_counter() - start
        tracemalloc.start()
        _read(data)
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        missed += seconds > TARGET_SECONDS or peak > TARGET_MB or len(data) > tables.MAX_BYTES
        print(f"{label:<34}{len(data) / 1024:>9.0f}{seconds:>9.2f}{peak:>9.1f}  {outcome}")
    print(f"target: at most {TARGET_SECONDS} s and {TARGET_MB} MB per file; {missed} missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
