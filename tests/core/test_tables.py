"""Uploaded tables as real offices produce them, made as real files in the tests."""

import io
import tracemalloc
from decimal import Decimal as D

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from core.numbers import NumberError, parse_decimal
from core.tables import MAX_BYTES, MAX_CELLS, TableError, read_table
from tests import upload_files

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
        (b"PK\x03\x04not really a zip", "cannot be read"),
        (b"x" * (MAX_BYTES + 1), "larger"),
    ],
)
def test_files_that_are_not_tables_get_a_clear_error(data, message):
    with pytest.raises(TableError, match=message):
        read_table(data)


@pytest.mark.parametrize("name", ["nilai.xlsx", "NILAI.XLSX", "arsip/nilai.Xlsx "])
def test_a_text_file_named_xlsx_is_not_an_xlsx_workbook(name):
    with pytest.raises(TableError, match="not an XLSX workbook") as error:
        read_table(b"nomor;nilai\n3;25\n", name=name)
    assert error.value.code == "not_xlsx"


@pytest.mark.parametrize("name", ["", "nilai.csv", "nilai.txt", "nilai.xlsx.csv"])
def test_elsewhere_the_content_decides(name):
    assert read_table(b"nomor;nilai\n3;25\n", name=name).kind == "csv"
    assert read_table(upload_files.xlsx([["nomor"], [3]]), name=name).kind == "xlsx"


def test_an_empty_file_named_xlsx_is_called_empty():
    with pytest.raises(TableError, match="empty"):
        read_table(b"", name="nilai.xlsx")


@pytest.mark.parametrize(
    ("text", "value"),
    [("680,5", "680.5"), ("680.5", "680.5"), ("40", "40"), ("-0", "0"), (" 25,00 ", "25.00"), ("0,125", "0.125")],
)
def test_number_cells_read_by_the_project_rule(text, value):
    [row] = read_table(f'nilai\n"{text}"\n'.encode()).rows
    assert parse_decimal(row["nilai"]) == D(value)


@pytest.mark.parametrize(
    ("text", "code"),
    [("1.234,50", "separators"), ("1,234.5", "separators"), ("1,000", "ambiguous"),
     ("19,99", None), ("abc", "not_a_number"), ("NaN", "not_a_number"), ("inf", "not_a_number"),
     ("1e309", "not_a_number"), ("12,3,4", "separators"), ("25%", "not_a_number")],
)
def test_number_cells_that_mean_two_numbers_or_none_are_refused(text, code):
    [row] = read_table(f'nilai\n"{text}"\n'.encode()).rows
    assert row["nilai"] == text  # the table keeps the text; the importer reads it
    if code is None:
        assert parse_decimal(text) == D("19.99")
        return
    with pytest.raises(NumberError) as error:
        parse_decimal(row["nilai"])
    assert error.value.code == code


def test_xlsx_numbers_are_never_ambiguous():
    """A number cell holds a number: 1.234 stays one point two three four, 18.0 is 18."""
    table = read_table(upload_files.xlsx([["No.", "nilai"], [18.0, 1.234], [18.9, 1234.5]]))
    assert [row["No."] for row in table.rows] == ["18", "18.9"]
    assert [parse_decimal(row["nilai"]) for row in table.rows] == [D("1.234"), D("1234.5")]


def _refusal(data, **limits) -> TableError:
    with pytest.raises(TableError) as error:
        read_table(data, **limits)
    return error.value


def test_the_probes_inline_string_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    data = upload_files.inline_string_bomb()
    assert len(data) < MAX_BYTES  # 290 KB holding 2.5 million cells

    def never(*_args, **_kwargs):
        raise AssertionError("openpyxl was asked to read the bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    tracemalloc.start()
    try:
        assert _refusal(data).code == "archive_too_large"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # it took 1.75 GB before


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (upload_files.many_parts, "archive_too_large"),
        (upload_files.tightly_packed, "archive_too_large"),
        (upload_files.lying_sizes, "broken_xlsx"),
        (lambda: upload_files.many_styles(5_000), "archive_too_large"),
        (upload_files.billion_laughs, "broken_xlsx"),
        (upload_files.undefined_entity, "broken_xlsx"),
        (upload_files.truncated_sheet, "broken_xlsx"),
        (upload_files.no_sheets, "no_sheets"),
        (lambda: upload_files.rows_of_numbers(2, columns=51), "too_many_columns"),
        (lambda: upload_files.empty_cells(MAX_CELLS + 1), "too_many_cells"),
        (lambda: upload_files.rows_of_numbers(40_000), "too_many_cells"),
        (lambda: upload_files.with_sheet(upload_files.text_rows(400, columns=26)), "too_many_cells"),
    ],
)
def test_workbooks_that_would_take_the_site_down_are_refused(build, code):
    assert _refusal(build()).code == code


def test_a_real_workbooks_parts_fit_the_budgets():
    """Excel's calculation chain (one element per formula) and a few hundred styles are fine."""
    assert read_table(upload_files.with_calc_chain(8_000)).rows == [{"No.": "21", "Penilaian mandiri": "5"}]
    assert read_table(upload_files.many_styles(500)).rows == [{"No.": "1"}]


def test_rows_past_the_limit_are_refused_before_openpyxl_reads_a_cell(monkeypatch):
    def never(*_args, **_kwargs):
        raise AssertionError("openpyxl read the cells")

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", never)
    assert _refusal(upload_files.rows_of_numbers(7), max_rows=5).code == "too_many_rows"
    # Rows far below the table would make openpyxl pad every row in between.
    far = upload_files.with_sheet([b'<row r="1"><c r="A1"><v>1</v></c></row>',
                                   b'<row r="1000000"><c r="A1000000"><v>1</v></c></row>'])
    assert _refusal(far, max_rows=500).code == "too_many_rows"


@pytest.mark.parametrize(("value", "shown"), [(b"NaN", "NaN"), (b"1e999", "1e999"), (b"inf", "inf"), (b"1,5", "1,5")])
def test_a_number_cell_that_is_no_number_is_named(value, shown):
    error = _refusal(upload_files.nan_cell(value))
    assert (error.code, error.params) == ("bad_number_cell", {"cell": "B2", "value": shown})


@pytest.mark.parametrize("characters", [32_768, 130 * 1024, 200 * 1024])
def test_a_csv_cell_too_long_for_excel_or_csv_is_refused_with_its_line(characters):
    error = _refusal(upload_files.long_csv_cell(characters))
    assert (error.code, error.params) == ("cell_too_long", {"line": 2})


def test_csv_rows_are_counted_as_they_are_read():
    data = b"No.;nilai\n" + b"1;2\n" * 6 + b'"never closed\n'
    assert _refusal(data, max_rows=5).code == "too_many_rows"
    # Blank lines cost time too: a table may not reach past twice its rows.
    assert _refusal(b"No.;nilai\n" + b"\n" * 20 + b"1;2\n", max_rows=5).code == "too_many_rows"
    assert len(read_table(b"No.;nilai\n" + b"\n" * 5 + b"1;2\n", max_rows=5).rows) == 1
