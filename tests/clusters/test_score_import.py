"""Import of self-assessment scores: upload, preview of every row, confirm all or nothing."""

import io
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from clusters import services
from clusters.models import Evaluation, SelfAssessment
from clusters.services import ScoreChange, evaluation_stage_change
from core import imports as core_imports
from tests import upload_files

pytestmark = pytest.mark.django_db

NOTE = "“sudah ada MoU”"


@pytest.fixture
def staff_client(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="staf"))
    return client


@pytest.fixture
def open_2018(demo):
    """2018 (final in the demo, with deductions) reopened for self-assessment, as an admin would."""
    return evaluation_stage_change(evaluation=Evaluation.objects.get(year=2018),
                                   stage=Evaluation.Stage.SELF_ASSESSMENT, reason="Koreksi nilai")


def _scores(year):
    return dict(SelfAssessment.objects.filter(evaluation__year=year).values_list("indicator__number", "score"))


def _upload(client, year, name, data):
    return client.post(reverse("clusters:score-import", args=[year]), {"file": SimpleUploadedFile(name, data)})


def _confirm(client, year, response):
    token = response.context["token"]
    assert token
    return client.post(reverse("clusters:score-import-confirm", args=[year]), {"token": token})


HEADER = ("No.", "Penilaian mandiri", "Catatan bukti dukung")


def _csv(rows, *, encoding="utf-8", separator=";", bom=False, header=HEADER):
    text = "\r\n".join(separator.join(cells) for cells in [header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def test_round_trip_export_change_three_scores_import_preview_confirm_history(staff_client, open_2018):
    exported = staff_client.get(reverse("clusters:evaluation-export", args=[2018, "xlsx"]))
    assert exported.status_code == 200
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    number_col, score_col = header.index("No.") + 1, header.index("Penilaian mandiri") + 1
    new_scores = {1: 19.5, 7: 30, 20: 38.25}
    for r in range(2, sheet.max_row + 1):
        number = sheet.cell(row=r, column=number_col).value
        if number in new_scores:
            sheet.cell(row=r, column=score_col).value = new_scores[number]
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = _scores(2018)

    preview = _upload(staff_client, 2018, "kla-2018-nilai.xlsx", buffer.getvalue())
    assert preview.status_code == 200
    changes = preview.context["preview"].changes
    assert preview.context["preview"].problem_rows == []
    assert {row.number for row in changes} == {"1", "7", "20"}
    assert {int(row.number): (row.old_score, row.new_score) for row in changes} == {
        n: (before[n], D(str(v))) for n, v in new_scores.items()
    }
    assert preview.content.decode().count("data-changed") == 3
    assert "3 indikator akan berubah" in preview.content.decode()
    assert _scores(2018) == before  # the preview wrote nothing

    done = _confirm(staff_client, 2018, preview)
    assert done.status_code == 302
    after = _scores(2018)
    assert {n for n in after if after[n] != before[n]} == {1, 7, 20}
    assert after[20] == D("38.25")
    history = staff_client.get(reverse("clusters:indicator-history", args=[2018, 20])).content.decode()
    assert "Diimpor dari kla-2018-nilai.xlsx" in history and "38,25" in history and "staf" in history
    record = SelfAssessment.objects.get(evaluation__year=2018, indicator__number=7).history.latest()
    assert record.history_change_reason == "Diimpor dari kla-2018-nilai.xlsx"
    assert record.history_user.username == "staf"


def test_one_bad_row_among_24_writes_nothing_and_names_the_row(staff_client, demo):
    template = staff_client.get(reverse("clusters:score-import-template", args=[2019]))
    sheet = load_workbook(io.BytesIO(template.content)).active
    rows = [[str(sheet.cell(row=r, column=2).value), "10", ""] for r in range(2, sheet.max_row + 1)]
    assert len(rows) == 24
    rows[9][1] = "999"  # line 11 of the file: above the maximum
    before = list(SelfAssessment.objects.values_list("pk", "score", "evidence", "version"))
    response = _upload(staff_client, 2019, "nilai.csv", _csv(rows))
    page = response.content.decode()
    assert response.context["token"] == ""
    assert [row.line for row in response.context["preview"].problem_rows] == [11]
    assert 'data-line="11"' in page and "Paling banyak" in page
    assert "1 baris bermasalah" in page and 'id="confirm-form"' not in page
    assert list(SelfAssessment.objects.values_list("pk", "score", "evidence", "version")) == before


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (["99", "10"], "Indikator “99” tidak dikenal."),
        (["abc", "10"], "Indikator “abc” tidak dikenal."),
        (["21", "-1"], "Nilai tidak boleh negatif."),
        (["21", "-0"], "Nilai tidak boleh negatif."),
        (["21", "banyak"], "Bukan angka: “banyak”."),
        (["21", "1e3"], "Bukan angka: “1e3”."),
        (["21", "10,1255"], "Paling banyak dua angka desimal."),
        (["18.9", "10"], "Indikator “18.9” tidak dikenal."),
        (["19,99", "10"], "Indikator “19,99” tidak dikenal."),
        (["+19", "10"], "Indikator “+19” tidak dikenal."),
        (["21", "1,000"], "Penilaian mandiri: “1,000” bisa berarti dua angka"),
        (["21", "1.234,5"], "Penilaian mandiri: “1.234,5” memiliki lebih dari satu pemisah"),
        (["21", "1000"], "Paling banyak"),
    ],
)
def test_each_kind_of_bad_row_is_named_beside_its_row(staff_client, cells, problem):
    response = _upload(staff_client, 2019, "nilai.csv", _csv([["1", "5"], cells]))
    [bad] = response.context["preview"].problem_rows
    assert bad.line == 3
    assert problem in " ".join(bad.problems)
    assert response.context["token"] == ""


def test_duplicate_row_names_the_first_line(staff_client):
    response = _upload(staff_client, 2019, "nilai.csv", _csv([["1", "5"], ["2", "5"], ["1", "6"]]))
    [bad] = response.context["preview"].problem_rows
    assert bad.line == 4 and bad.problems == ["Baris ganda: indikator 1 sudah ada di baris 2."]


@pytest.mark.parametrize(
    ("encoding", "separator", "bom", "score"),
    [
        ("utf-8", ";", True, "12,5"),
        ("utf-8", ";", False, "12,5"),
        ("utf-8", ",", True, "12.5"),
        ("utf-8", ",", False, '"12,5"'),
        ("cp1252", ";", False, "12,5"),
        ("cp1252", ",", False, "12.5"),
    ],
)
def test_csv_encodings_and_separators_import_with_the_note_unchanged(staff_client, encoding, separator, bom, score):
    data = _csv([["21", score, NOTE]], encoding=encoding, separator=separator, bom=bom)
    response = _upload(staff_client, 2019, "nilai.csv", data)
    [row] = response.context["preview"].changes
    assert (row.new_score, row.new_evidence) == (D("12.5"), NOTE)
    assert NOTE in response.content.decode()
    assert _confirm(staff_client, 2019, response).status_code == 302
    stored = SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21)
    assert (stored.score, stored.evidence) == (D("12.50"), NOTE)


def test_xlsx_note_survives(staff_client):
    workbook = Workbook()
    workbook.active.append(["No.", "Penilaian mandiri", "Catatan bukti dukung"])
    workbook.active.append([21, 12.5, NOTE])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(staff_client, 2019, "nilai.xlsx", buffer.getvalue())
    _confirm(staff_client, 2019, response)
    assert SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21).evidence == NOTE


def test_final_evaluation_is_refused_with_a_clear_message(staff_client):
    before = _scores(2018)
    response = _upload(staff_client, 2018, "nilai.csv", _csv([["1", "5"]]))
    page = response.content.decode()
    assert "Evaluasi 2018 berada pada tahap “Final”" in page
    assert response.context["token"] == "" and 'id="confirm-form"' not in page
    assert _scores(2018) == before


def test_stage_closed_between_preview_and_confirm_saves_nothing(staff_client):
    response = _upload(staff_client, 2019, "nilai.csv", _csv([["21", "5"]]))
    Evaluation.objects.filter(year=2019).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)
    done = _confirm(staff_client, 2019, response)
    assert done.status_code == 409
    assert "tidak lagi berada pada tahap penilaian mandiri" in done.content.decode()
    assert SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21).score is None


def test_row_changed_after_preview_refuses_the_whole_import(staff_client):
    response = _upload(staff_client, 2019, "nilai.csv", _csv([["1", "5"], ["21", "6"]]))
    row = SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21)
    services.self_assessments_update(evaluation=row.evaluation, changes=[
        ScoreChange(pk=row.pk, version=row.version, score=D("7"), evidence="orang lain")])
    before = _scores(2019)
    done = _confirm(staff_client, 2019, response)
    assert done.status_code == 409
    assert "seseorang mengubah indikator 21 setelah pratinjau" in done.content.decode()
    assert _scores(2019) == before  # indicator 1 was not saved either


def test_an_import_writes_only_what_the_file_changes_and_keeps_a_note_saved_meanwhile(staff_client):
    """A file without a note column changes only scores: a note saved after the preview survives."""
    response = _upload(staff_client, 2019, "nilai.csv", _csv([["21", "5"]], header=HEADER[:2]))
    row = SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21)
    services.self_assessments_update(evaluation=row.evaluation, changes=[
        ScoreChange(pk=row.pk, version=row.version, score=None, evidence="orang lain", fields=frozenset({"evidence"}))])
    assert _confirm(staff_client, 2019, response).status_code == 302
    row.refresh_from_db()
    assert (row.score, row.evidence) == (D("5"), "orang lain")


def test_tampered_or_foreign_token_is_refused(staff_client):
    response = _upload(staff_client, 2019, "nilai.csv", _csv([["21", "5"]]))
    token = response.context["token"]
    url = reverse("clusters:score-import-confirm", args=[2019])
    tampered = staff_client.post(url, {"token": token[:-2] + "xx"})
    assert tampered.status_code == 409 and "Unggah berkas sekali lagi" in tampered.content.decode()
    other_year = staff_client.post(reverse("clusters:score-import-confirm", args=[2018]), {"token": token})
    assert other_year.status_code == 409
    assert staff_client.post(url, {}).status_code == 409
    assert SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21).score is None


def test_confirming_the_same_preview_twice_saves_once(staff_client):
    response = _upload(staff_client, 2019, "nilai.csv", _csv([["21", "5"]]))
    assert _confirm(staff_client, 2019, response).status_code == 302
    version = SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21).version
    again = _confirm(staff_client, 2019, response)
    assert again.status_code == 409 and "seseorang mengubah indikator 21" in again.content.decode()
    assert SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21).version == version


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("nilai.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "bukan buku kerja XLSX"),
        ("nilai.xlsx", b"PK\x03\x04 not a workbook", "tampak seperti buku kerja XLSX tetapi rusak"),
        ("nilai.csv", b"", "kosong"),
        ("nilai.csv", b"Klaster;Indikator\nKLB;x\n", "harus memuat kolom “No.” dan “Penilaian mandiri”"),
    ],
)
def test_files_that_cannot_be_imported_get_an_error_beside_the_field(staff_client, name, data, message):
    response = _upload(staff_client, 2019, name, data)
    assert response.status_code == 200 and response.context["preview"] is None
    assert message in " ".join(response.context["form"].errors["file"])
    assert 'class="invalid-feedback' in response.content.decode()


def test_csv_renamed_xlsx_is_refused_as_not_an_xlsx_workbook(staff_client):
    response = _upload(staff_client, 2019, "nilai.xlsx", _csv([["21", "5"]]))
    assert response.context["preview"] is None
    assert "bernama .xlsx tetapi bukan buku kerja XLSX" in " ".join(response.context["form"].errors["file"])


def test_xlsx_renamed_csv_is_read_by_its_content(staff_client):
    response = _upload(staff_client, 2019, "nilai.csv", upload_files.xlsx([HEADER[:2], [21, 5]]))
    assert [row.new_score for row in response.context["preview"].changes] == [D("5")]


def test_oversized_file_is_refused_with_the_limit(staff_client, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    data = _csv([["21", "5", "x" * (1024 * 1024)]])
    response = _upload(staff_client, 2019, "nilai.csv", data)
    assert response.context["form"].errors["file"] == ["Berkas lebih besar dari 1,0 MB."]


def test_too_many_rows_are_refused_with_the_limit(staff_client, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [[str(n), "1"] for n in range(1, 7)]
    for name, data in [("nilai.csv", _csv(rows))]:
        response = _upload(staff_client, 2019, name, data)
        assert response.context["form"].errors["file"] == ["Berkas berisi lebih dari 5 baris."]
    workbook = Workbook()
    for cells in [["No.", "Penilaian mandiri"], *rows]:
        workbook.active.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(staff_client, 2019, "nilai.xlsx", buffer.getvalue())
    assert response.context["form"].errors["file"] == ["Berkas berisi lebih dari 5 baris."]


def test_import_without_csrf_token_is_refused(demo, staff_client):
    from django.contrib.auth import get_user_model

    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="staf"))
    upload = _upload(staff_client, 2019, "nilai.csv", _csv([["21", "5"]]))
    url = reverse("clusters:score-import-confirm", args=[2019])
    assert client.post(url, {"token": upload.context["token"]}).status_code == 403
    assert _upload(client, 2019, "nilai.csv", _csv([["21", "5"]])).status_code == 403
    assert SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21).score is None


def test_preview_page_query_count_does_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    rows = [[str(n), "1"] for n in range(1, 25)]
    with django_assert_max_num_queries(12):
        response = _upload(staff_client, 2019, "nilai.csv", _csv(rows))
    assert len(response.context["preview"].rows) == 24


def test_preview_writes_nothing_even_when_valid(staff_client):
    before = list(SelfAssessment.objects.values_list("pk", "score", "evidence", "version"))
    response = _upload(staff_client, 2019, "nilai.csv", _csv([["21", "5", "baru"]]))
    assert re.search(r'name="token" value="[^"]+"', response.content.decode())
    assert list(SelfAssessment.objects.values_list("pk", "score", "evidence", "version")) == before
    assert core_imports.TOKEN_MAX_AGE == 3600


def test_a_thousand_in_a_comma_separated_csv_cannot_be_confirmed(staff_client):
    """`1,000` was read as 1,00 and could be confirmed: one or one thousand? Refused, naming the cell."""
    data = _csv([["21", '"1,000"']], separator=",")
    response = _upload(staff_client, 2019, "nilai.csv", data)
    [bad] = response.context["preview"].problem_rows
    assert bad.line == 2 and "“1,000” bisa berarti dua angka" in bad.problems[0]
    assert response.context["token"] == "" and 'id="confirm-form"' not in response.content.decode()
    assert SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21).score is None


def test_indicator_numbers_must_match_exactly_in_xlsx_too(staff_client):
    data = upload_files.xlsx([HEADER[:2], [18.0, 5], [19.99, 6], [1.5, 7]])
    preview = _upload(staff_client, 2019, "nilai.xlsx", data).context["preview"]
    assert [row.number for row in preview.changes] == ["18"]
    assert [(row.line, row.problems) for row in preview.problem_rows] == [
        (3, ["Indikator “19.99” tidak dikenal."]), (4, ["Indikator “1.5” tidak dikenal."])]


@pytest.mark.parametrize("case", list(upload_files.BROKEN_FILES))
def test_broken_and_hostile_files_get_the_import_page_with_a_message(staff_client, case):
    name, build, message = upload_files.BROKEN_FILES[case]
    before = list(SelfAssessment.objects.values_list("pk", "score", "evidence", "version"))
    response = _upload(staff_client, 2019, name, build())
    assert response.status_code == 200 and response.context["preview"] is None
    assert message in " ".join(response.context["form"].errors["file"])
    assert 'class="invalid-feedback' in response.content.decode()
    assert list(SelfAssessment.objects.values_list("pk", "score", "evidence", "version")) == before
