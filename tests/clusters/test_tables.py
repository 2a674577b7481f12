"""Uploaded tables as real offices produce them, made as real files in the tests."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from clusters.tables import MAX_BYTES, TableError, parse_number, read_table

NOTE = "“sudah ada MoU” dengan media – Bogor"
ROWS = [["nomor", "nilai", "catatan"], ["3", "25,5", NOTE], ["21", "40", "PATBM baru 2 kelurahan"]]


def _csv(rows, separator, encoding, bom=False):
    text = "\r\n".join(separator.join(f'"{cell}"' if separator in cell else cell for cell in row) for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


@pytest.mark.parametrize("separator", [";", ","])
@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_csv_in_every_office_encoding_and_separator_keeps_indonesian_text(separator, encoding, bom):
    table = read_table(_csv(ROWS, separator, encoding, bom))
    assert table.kind == "csv"
    assert table.header == ["nomor", "nilai", "catatan"]
    assert table.rows[0] == {"nomor": "3", "nilai": "25,5", "catatan": NOTE}
    assert "â€" not in table.rows[0]["catatan"]  # the classic mis-decoding
    assert len(table.rows) == 2


def test_xlsx_is_recognised_by_content_whatever_its_name():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nomor", "nilai", "catatan"])
    sheet.append([3, 25.5, NOTE])
    sheet.append([21, 40, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue())
    assert table.kind == "xlsx"
    assert table.rows == [
        {"nomor": "3", "nilai": "25.5", "catatan": NOTE},
        {"nomor": "21", "nilai": "40", "catatan": ""},
    ]


def test_short_rows_are_padded_and_blank_lines_skipped():
    table = read_table(b"nomor;nilai;catatan\n3;25\n\n;;\n4;1;x\n")
    assert table.rows == [{"nomor": "3", "nilai": "25", "catatan": ""}, {"nomor": "4", "nilai": "1", "catatan": "x"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "neither"),
        (b"PK\x03\x04not really a zip", "cannot be opened"),
        (b"x" * (MAX_BYTES + 1), "larger"),
    ],
)
def test_files_that_are_not_tables_get_a_clear_error(data, message):
    with pytest.raises(TableError, match=message):
        read_table(data)


@pytest.mark.parametrize(
    ("text", "value"),
    [("680,5", "680.5"), ("680.5", "680.5"), ("1234,50", "1234.50"), ("1 234,5", "1234.5"), ("1234.5", "1234.5"),
     ("40", "40"), ("-0", "0"), (" 25,00 ", "25.00")],
)
def test_numbers_with_decimal_comma_or_point(text, value):
    assert parse_number(text) == D(value)


# Two separators and a possible thousands grouping are refused, as in every form (core.numbers).
@pytest.mark.parametrize("text", ["", "abc", "NaN", "inf", "1e309", "12,3,4", "1..2", "25%", "1.234,50", "1,234.5",
                                  "1,000"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)
