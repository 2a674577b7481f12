import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.utils import translation
from openpyxl import load_workbook

from clusters.exports import evaluation_score_table
from clusters.models import Evaluation
from core.numbers import parse_decimal
from core.spreadsheets import to_csv, to_xlsx
from core.tables import read_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def table_2018(demo):
    with translation.override("id"):
        return evaluation_score_table(Evaluation.objects.get(year=2018))


def test_score_table_has_one_row_per_indicator_with_indonesian_columns(table_2018):
    header, rows = table_2018
    assert header[:5] == ["Klaster", "No.", "Indikator", "Nilai maksimum", "Penilaian mandiri"]
    assert len(rows) == 24
    row_3 = next(row for row in rows if row[1] == 3)
    assert row_3[0] == "KLB"
    numbers = (row_3[3], row_3[4], row_3[5], row_3[7], row_3[8])
    assert numbers == (D("30"), D("24.00"), D("14.50"), D("9.50"), D("20.50"))
    assert row_3[6].startswith("14,50: Kemitraan dengan media massa")
    assert sum(row[7] for row in rows) == D("683.20")


def test_score_table_takes_two_queries(demo, django_assert_num_queries):
    evaluation = Evaluation.objects.get(year=2018)
    with django_assert_num_queries(2):
        evaluation_score_table(evaluation)


def test_xlsx_keeps_numbers_as_numbers(table_2018):
    header, rows = table_2018
    sheet = load_workbook(io.BytesIO(to_xlsx(header, rows, "KLA 2018"))).active
    assert [cell.value for cell in sheet[1]][:3] == ["Klaster", "No.", "Indikator"]
    values = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=5).value for r in range(2, 26)}
    assert values[3] == 24 and not isinstance(values[3], str)
    assert sheet.cell(row=2, column=5).number_format == "0.00"


def test_csv_reads_back_through_the_import_reader_unchanged(table_2018):
    header, rows = table_2018
    table = read_table(to_csv(header, rows))
    assert table.header == header
    assert len(table.rows) == 24
    first = table.rows[0]
    assert parse_decimal(first["Penilaian mandiri"]) == rows[0][4]
    assert first["Indikator"] == rows[0][2]


def test_dates_are_written_day_first_in_csv_and_xlsx():
    # Issue 14: the register's CSV wrote 2019-07-01 beside pages that say 01/07/2019.
    header, rows = ["Tanggal", "Nilai"], [[dt.date(2019, 7, 1), D("700")]]
    assert to_csv(header, rows).decode("utf-8-sig").splitlines()[1] == "01/07/2019;700,00"
    cell = load_workbook(io.BytesIO(to_xlsx(header, rows, "Uji"))).active.cell(row=2, column=1)
    assert cell.value.date() == dt.date(2019, 7, 1) and cell.number_format == "dd/mm/yyyy"
