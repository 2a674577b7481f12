"""Download pages: the score table, the import template and the PATBM register as XLSX and CSV."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.tables import read_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def gugus_client(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="gugus"))  # read-only role: may export
    return client


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_score_table_downloads_as_xlsx_with_numbers(gugus_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):  # session, user, data versions and permissions too
        response = gugus_client.get(reverse("clusters:evaluation-export", args=[2018, "xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="kla-2018-nilai.xlsx"'
    sheet = _sheet(response)
    header = [cell.value for cell in sheet[1]]
    assert header == ["Klaster", "No.", "Indikator", "Nilai maksimum", "Penilaian mandiri", "Pengurangan",
                      "Alasan pengurangan", "Nilai akhir", "Ruang peningkatan", "Catatan bukti dukung"]
    assert sheet.max_row == 25
    finals = [sheet.cell(row=r, column=8).value for r in range(2, 26)]
    assert all(isinstance(value, (int, float)) for value in finals)
    assert round(sum(finals), 2) == 683.2


def test_score_table_downloads_as_csv_for_indonesian_excel(gugus_client):
    response = gugus_client.get(reverse("clusters:evaluation-export", args=[2018, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbfKlaster;No.;Indikator;")
    table = read_table(response.content)
    assert len(table.rows) == 24
    assert next(row for row in table.rows if row["No."] == "3")["Nilai akhir"] == "9,50"


def test_a_score_table_of_an_unfinished_evaluation_calls_no_score_final(gugus_client):
    """2019 is still in self-assessment: its scores after deductions are provisional for that stage."""
    response = gugus_client.get(reverse("clusters:evaluation-export", args=[2019, "csv"]))
    header = read_table(response.content).header
    assert "Nilai akhir" not in header
    assert "Nilai (sementara, penilaian mandiri berjalan)" in header


def test_unknown_format_is_not_found(gugus_client):
    assert gugus_client.get(reverse("clusters:evaluation-export", args=[2018, "pdf"])).status_code == 404
    assert gugus_client.get(reverse("kelurahan:patbm-export", args=["exe"])).status_code == 404


def test_import_template_lists_the_indicators_with_empty_scores(gugus_client):
    sheet = _sheet(gugus_client.get(reverse("clusters:score-import-template", args=[2019])))
    assert [cell.value for cell in sheet[1]] == ["Klaster", "No.", "Indikator", "Nilai maksimum",
                                                 "Penilaian mandiri", "Catatan bukti dukung"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 24
    assert all(row[4] is None for row in rows)
    assert isinstance(rows[0][3], (int, float))


def test_patbm_register_has_every_kelurahan_with_steps_dates_and_sk(gugus_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):  # session, user, data versions and permissions too
        response = gugus_client.get(reverse("kelurahan:patbm-export", args=["xlsx"]))
    sheet = _sheet(response)
    assert [cell.value for cell in sheet[1]][:4] == ["Kecamatan", "Kelurahan", "Kode Kemendagri", "Tahap"]
    rows = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 68
    formed = rows["32.71.01.1007"]
    assert formed[3] == 6 and formed[5] == dt.datetime(2018, 10, 1)
    assert formed[6] == "400/Kep.118-DPMPPA/2018" and formed[8] == 12
    assert rows["32.71.01.1001"][3] == 1  # no PATBM record: step 1


def test_patbm_register_csv_reads_back(gugus_client):
    table = read_table(gugus_client.get(reverse("kelurahan:patbm-export", args=["csv"])).content)
    assert len(table.rows) == 68
    assert next(row for row in table.rows if row["Kode Kemendagri"] == "32.71.05.1005")["Nomor SK"] == (
        "400/Kep.231-DPMPPA/2018"
    )


def test_download_links_are_on_the_pages(gugus_client):
    detail = gugus_client.get(reverse("clusters:evaluation-detail", args=[2019])).content.decode()
    assert reverse("clusters:evaluation-export", args=[2019, "xlsx"]) in detail
    assert reverse("clusters:evaluation-export", args=[2019, "csv"]) in detail
    assert reverse("clusters:score-import", args=[2019]) not in detail  # Gugus Tugas may not import
    listing = gugus_client.get(reverse("kelurahan:kelurahan-list")).content.decode()
    assert reverse("kelurahan:patbm-export", args=["xlsx"]) in listing


def test_staff_sees_the_import_link_only_in_the_self_assessment_stage(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="staf"))
    assert reverse("clusters:score-import", args=[2019]) in client.get(
        reverse("clusters:evaluation-detail", args=[2019])).content.decode()
    assert reverse("clusters:score-import", args=[2018]) not in client.get(
        reverse("clusters:evaluation-detail", args=[2018])).content.decode()
