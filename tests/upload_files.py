"""Spreadsheets made in code for the import tests: real ones, broken ones, and upload bombs small on disk."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx(rows: Iterable[Iterable]) -> bytes:
    """A workbook as Excel would save it, its first sheet holding `rows`."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_parts(data: bytes, parts: dict[str, bytes | Iterable[bytes] | None]) -> bytes:
    """The workbook `data` with parts replaced, added (content as bytes or streamed chunks) or removed (None)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        names = [info.filename for info in source.infolist()]
        for name in names + [name for name in parts if name not in names]:
            content = parts[name] if name in parts else source.read(name)
            if content is None:
                continue
            with target.open(name, "w", force_zip64=True) as stream:
                for chunk in [content] if isinstance(content, bytes) else content:
                    stream.write(chunk)
    return buffer.getvalue()


def sheet(rows: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks of a sheet part whose <sheetData> holds the given <row> elements."""
    yield _SHEET_HEAD
    yield from rows
    yield _SHEET_TAIL


def with_sheet(rows: Iterable[bytes], base: bytes | None = None) -> bytes:
    return with_parts(base or xlsx([["No.", "Penilaian mandiri"]]), {SHEET: sheet(rows)})


def inline_string_bomb(cells: int = 2_500_000) -> bytes:
    """The probe's file: about 290 KB holding 2.5 million inline-string cells (95 MB of XML)."""
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 1000 + b"</row>"
    return with_sheet(row for _ in range(cells // 1000))


def many_parts(count: int = 5_000) -> bytes:
    return with_parts(xlsx([["No."], [1]]), {f"xl/media/image{n}.png": b"" for n in range(count)})


def tightly_packed() -> bytes:
    """A part of 2 MB that packs a thousand times smaller: no table of this size compresses like that."""
    padding = b"<!--" + b" " * (2 * 1024 * 1024) + b"-->"
    return with_sheet([padding, b'<row r="1"><c r="A1"><v>1</v></c></row>'])


def lying_sizes() -> bytes:
    """The sheet's directory entry says 1 KB; the part unpacks to 6 MB."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["No."]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            big = info.filename == SHEET
            target.writestr(info.filename, b"".join(sheet(text_rows(20_000, columns=6))) if big else
                            source.read(info.filename))
    data = bytearray(buffer.getvalue())
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46: entry + 46 + len(SHEET)] != SHEET.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 24, 1024)  # the uncompressed size in the central directory
    return bytes(data)


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 10))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY e0 "ha">{entities}]>'.encode()
    return with_parts(xlsx([["No."], [1]]), {SHEET: [
        b'<?xml version="1.0" encoding="UTF-8"?>', doctype,
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row>', _SHEET_TAIL]})


def rows_of_numbers(count: int, *, columns: int = 1, tail: bytes = b"") -> bytes:
    """`count` rows of `columns` number cells; `tail` is written right after them (e.g. broken XML)."""
    def rows():
        for number in range(1, count + 1):
            yield f'<row r="{number}">'.encode() + b"<c><v>1</v></c>" * columns + b"</row>"
        if tail:
            yield tail
    if not tail:
        return with_sheet(rows())
    return with_parts(xlsx([["No."]]), {SHEET: [_SHEET_HEAD, *rows()]})


def text_rows(count: int, *, columns: int) -> list[bytes]:
    """Rows of inline-string cells (as openpyxl writes text), numbered from 1."""
    cells = b'<c t="inlineStr"><is><t>catatan</t></is></c>' * columns
    return [f'<row r="{number}">'.encode() + cells + b"</row>" for number in range(1, count + 1)]


def empty_cells(count: int) -> bytes:
    """One row of a value followed by `count` formatted but empty cells."""
    return with_sheet([b'<row r="1"><c r="A1" t="inlineStr"><is><t>No.</t></is></c>'
                       + b'<c s="0"/>' * count + b"</row>"])


def with_calc_chain(formulas: int) -> bytes:
    """A small table with Excel's calculation chain for `formulas` formula cells (a real workbook has one)."""
    chain = b"".join(f'<c r="B{n}" i="1"/>'.encode() for n in range(2, formulas + 2))
    return with_parts(xlsx([["No.", "Penilaian mandiri"], [21, 5]]), {"xl/calcChain.xml": [
        b'<?xml version="1.0"?><calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        chain, b"</calcChain>"]})


def many_styles(count: int) -> bytes:
    """`count` cell formats: openpyxl spends about 60 µs on each element of the styles."""
    data = xlsx([["No."], [1]])
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml")
    start, end = styles.index(b"<cellXfs"), styles.index(b"</cellXfs>")
    formats = b"".join(f'<xf numFmtId="{n % 50}" fontId="0" fillId="0" borderId="0"/>'.encode() for n in range(count))
    return with_parts(data, {"xl/styles.xml": styles[:start] + b'<cellXfs count="1">' + formats + styles[end:]})


# Broken files the probe sent, each answered with a 500 before.
def truncated_sheet() -> bytes:
    content = zipfile.ZipFile(io.BytesIO(xlsx([["No.", "Penilaian mandiri"], [21, 5]]))).read(SHEET)
    return with_parts(xlsx([["No.", "Penilaian mandiri"], [21, 5]]), {SHEET: content[: len(content) * 2 // 3]})


def undefined_entity() -> bytes:
    return with_sheet([b'<row r="1"><c r="A1" t="inlineStr"><is><t>No. &nope;</t></is></c></row>'])


def nan_cell(value: bytes = b"NaN") -> bytes:
    return with_sheet([b'<row r="1"><c r="A1" t="inlineStr"><is><t>No.</t></is></c>'
                       b'<c r="B1" t="inlineStr"><is><t>Penilaian mandiri</t></is></c></row>',
                       b'<row r="2"><c r="A2"><v>21</v></c><c r="B2"><v>' + value + b"</v></c></row>"])


def no_sheets() -> bytes:
    data = xlsx([["No."]])
    workbook = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    start, end = workbook.index(b"<sheets>"), workbook.index(b"</sheets>") + len(b"</sheets>")
    return with_parts(data, {"xl/workbook.xml": workbook[:start] + b"<sheets/>" + workbook[end:], SHEET: None})


def long_csv_cell(characters: int = 130 * 1024) -> bytes:
    return b"No.;Penilaian mandiri;Catatan bukti dukung\r\n21;5;" + b"x" * characters + b"\r\n"


# name: (upload name, builder, what the import page says, in Indonesian)
BROKEN_FILES = {
    "truncated sheet1.xml": ("nilai.xlsx", truncated_sheet, "tampak seperti buku kerja XLSX tetapi rusak"),
    "undefined entity": ("nilai.xlsx", undefined_entity, "tampak seperti buku kerja XLSX tetapi rusak"),
    "NaN number cell": ("nilai.xlsx", nan_cell, "Sel B2 berisi “NaN”, yang bukan angka."),
    "workbook without sheets": ("nilai.xlsx", no_sheets, "Buku kerja ini tidak memiliki lembar kerja."),
    "CSV cell over 128 KB": ("nilai.csv", long_csv_cell, "Sebuah sel di baris 2 berisi lebih dari 32.767 karakter."),
    "inline-string bomb": ("nilai.xlsx", inline_string_bomb, "terlalu besar atau terlalu rumit"),
    "billion laughs": ("nilai.xlsx", billion_laughs, "tampak seperti buku kerja XLSX tetapi rusak"),
}
