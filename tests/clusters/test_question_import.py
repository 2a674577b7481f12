"""Export and import of an evaluation scored by questions (the 2024 instrument): a row per question, matched
on the indicator's code and the question's, checked against the question's own maximum, all rows or none."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from clusters.exports import evaluation_score_table, import_template_table
from clusters.models import Evaluation, QuestionScore, SelfAssessment
from clusters.services import (
    QuestionScoresChanged,
    ScoreChange,
    StageClosed,
    evaluation_create,
    evaluation_question_scores_update,
    question_scores_update,
)
from core.tables import read_table
from core.versions import EditConflict
from tests import upload_files

pytestmark = pytest.mark.django_db

HEADER = ("No.", "No. pertanyaan", "Penilaian mandiri", "Catatan bukti dukung")


@pytest.fixture
def evaluation_2026(instrument_2024):
    return evaluation_create(year=2026, instrument=instrument_2024)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _question(indicator, question, year=2026):
    return QuestionScore.objects.select_related("self_assessment__evaluation").get(
        self_assessment__evaluation__year=year, self_assessment__indicator__code=indicator, question__code=question)


def _indicator(code, year=2026):
    return SelfAssessment.objects.get(evaluation__year=year, indicator__code=code)


def _save(indicator, scores: dict[str, tuple[str | None, str]]):
    """Saves question scores and notes of one indicator as its question page would."""
    row = _indicator(indicator)
    changes = [
        ScoreChange(pk=score.pk, version=score.version, score=None if value is None else D(value), evidence=note)
        for code, (value, note) in scores.items()
        for score in [_question(indicator, code)]
    ]
    question_scores_update(self_assessment=row, changes=changes)


def _snapshot():
    return (list(QuestionScore.objects.order_by("pk").values_list("pk", "score", "evidence", "version")),
            list(SelfAssessment.objects.order_by("pk").values_list("pk", "score", "evidence", "version")))


def _upload(client, name, data, year=2026):
    return client.post(reverse("clusters:score-import", args=[year]), {"file": SimpleUploadedFile(name, data)})


def _confirm(client, response, year=2026):
    token = response.context["token"]
    assert token
    return client.post(reverse("clusters:score-import-confirm", args=[year]), {"token": token})


def _csv(rows, header=HEADER):
    return ("\r\n".join(";".join(cells) for cells in [header, *rows]) + "\r\n").encode("utf-8")


def test_the_score_table_has_a_row_per_question_in_the_instruments_order(evaluation_2026):
    _save("2", {"1": ("2.5", "Perwal 12/2025"), "4": ("10", "")})
    with translation.override("id"):
        header, rows = evaluation_score_table(evaluation_2026)
    assert header == ["Klaster", "No.", "No. pertanyaan", "Indikator", "Pertanyaan", "Nilai maksimum",
                      "Penilaian mandiri", "Catatan bukti dukung", "Nilai maksimum indikator", "Nilai indikator",
                      "Pengurangan", "Alasan pengurangan", "Nilai (sementara, penilaian mandiri berjalan)",
                      "Ruang peningkatan"]
    assert len(rows) == 274
    assert [(row[1], row[2]) for row in rows[:3]] == [("1", "1"), ("1", "2a"), ("1", "2b")]
    indicator_2 = [row for row in rows if row[1] == "2"]
    assert [row[2] for row in indicator_2] == ["1", "2", "3", "4", "5", "6", "7"]
    first = indicator_2[0]
    assert first[0] == "KLB" and first[4].startswith("Apakah")
    assert first[5:8] == [D("3.00"), D("2.50"), "Perwal 12/2025"]
    assert first[8:14] == [D("36.00"), D("12.50"), D("0.00"), "", D("12.50"), D("23.50")]
    assert indicator_2[1][8:14] == [None] * 6  # the indicator's numbers once, so each column adds up
    assert sum(row[8] for row in rows if row[8] is not None) == D("1000")
    assert sum(row[12] for row in rows if row[12] is not None) == D("12.50")
    assert {row[1] for row in rows} >= {"21A", "21B", "24B", "26"}


def test_the_score_table_of_a_question_level_evaluation_takes_three_queries(evaluation_2026,
                                                                            django_assert_num_queries):
    with django_assert_num_queries(3):
        evaluation_score_table(evaluation_2026)


def test_the_import_template_has_a_row_per_question_with_codes_as_text(staff_client, evaluation_2026):
    response = staff_client.get(reverse("clusters:score-import-template", args=[2026]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == ["Klaster", "No.", "No. pertanyaan", "Indikator", "Pertanyaan",
                                                 "Nilai maksimum", "Penilaian mandiri", "Catatan bukti dukung"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 274
    assert rows[0][:3] == ("KLB", "1", "1") and rows[1][2] == "2a"
    assert all(isinstance(row[1], str) and isinstance(row[2], str) for row in rows)
    assert all(row[6] is None and row[7] is None for row in rows)
    assert any(row[1] == "21A" for row in rows)
    assert rows[0][5] == 12


def test_the_import_template_of_the_2019_framework_is_unchanged(demo):
    with translation.override("id"):
        header, rows = import_template_table(Evaluation.objects.get(year=2019))
    assert header == ["Klaster", "No.", "Indikator", "Nilai maksimum", "Penilaian mandiri", "Catatan bukti dukung"]
    assert len(rows) == 24 and rows[0][1] == 1


def test_round_trip_xlsx_export_change_questions_import_preview_confirm(staff_client, evaluation_2026):
    _save("2", {"1": ("2.5", "Perwal 12/2025"), "2": ("1", "")})
    _save("19", {"1": ("4", ""), "2a": ("3.2", "")})
    exported = staff_client.get(reverse("clusters:evaluation-export", args=[2026, "xlsx"]))
    assert exported.status_code == 200
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    code_col, question_col = header.index("No.") + 1, header.index("No. pertanyaan") + 1
    score_col, note_col = header.index("Penilaian mandiri") + 1, header.index("Catatan bukti dukung") + 1
    maximum_col = header.index("Nilai maksimum") + 1
    changed = 0
    for r in range(2, sheet.max_row + 1):
        code, question = sheet.cell(row=r, column=code_col).value, sheet.cell(row=r, column=question_col).value
        assert isinstance(code, str) and isinstance(question, str)
        if code == "19":  # every question of 19 at its maximum: 54 points for an indicator worth 51
            sheet.cell(row=r, column=score_col).value = sheet.cell(row=r, column=maximum_col).value
            changed += question not in ("1", "2a")
        elif (code, question) == ("2", "1"):
            sheet.cell(row=r, column=score_col).value = 3
            sheet.cell(row=r, column=note_col).value = "Perwal 12/2025 diubah"
        elif (code, question) == ("21A", "4a"):
            sheet.cell(row=r, column=score_col).value = 5.5
            sheet.cell(row=r, column=note_col).value = "SK Gugus Tugas"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = _snapshot()

    preview = _upload(staff_client, "kla-2026-nilai.xlsx", buffer.getvalue())
    assert preview.status_code == 200
    result = preview.context["preview"]
    assert result.by_questions and result.problem_rows == []
    assert {(row.number, row.question_code) for row in result.changes} == (
        {("2", "1"), ("21A", "4a")} | {("19", code) for code in
                                       ("2b", "2c", "2d", "2e", "3", "4", "5", "6", "7", "8", "9")})
    assert changed == 11
    page = preview.content.decode()
    assert "13 baris akan berubah" in page
    assert "21A.4a" in page and "Apakah" in page
    assert _snapshot() == before  # the preview wrote nothing

    done = _confirm(staff_client, preview)
    assert done.status_code == 302
    first = _question("2", "1")
    assert (first.score, first.evidence) == (D("3.00"), "Perwal 12/2025 diubah")
    assert _question("2", "2").score == D("1.00")  # exported and imported as it was
    assert (_question("21A", "4a").score, _question("21A", "4a").evidence) == (D("5.50"), "SK Gugus Tugas")
    assert sum(score.score for score in QuestionScore.objects.filter(
        self_assessment__evaluation__year=2026, self_assessment__indicator__code="19")) == D("54.00")
    assert _indicator("19").score == D("51.00")  # capped at the indicator's maximum
    assert _indicator("2").score == D("4.00")
    assert _indicator("21A").score == D("5.50")
    assert _indicator("1").score is None
    record = _question("21A", "4a").history.latest()
    assert record.history_change_reason == "Diimpor dari kla-2026-nilai.xlsx"
    assert _indicator("19").history.latest().history_change_reason == "Diimpor dari kla-2026-nilai.xlsx"


def test_round_trip_csv_with_indonesian_decimals_and_an_empty_cell_left_unchanged(staff_client, evaluation_2026):
    _save("3", {"1a": ("2", "Data Dinsos")})
    exported = staff_client.get(reverse("clusters:evaluation-export", args=[2026, "csv"]))
    table = read_table(exported.content)
    assert len(table.rows) == 274
    rows = []
    for row in table.rows:
        cells = [row["No."], row["No. pertanyaan"], row["Penilaian mandiri"], row["Catatan bukti dukung"]]
        if (cells[0], cells[1]) == ("3", "1a"):
            cells[2:] = ["", ""]  # empty cells: the stored score and note stay
        elif (cells[0], cells[1]) == ("3", "1b"):
            cells[2:] = ["3,5", "Laporan 2025"]
        elif (cells[0], cells[1]) == ("24B", "1"):
            cells[2] = "0,75"
        rows.append(cells)
    response = _upload(staff_client, "kla-2026-nilai.csv", _csv(rows))
    result = response.context["preview"]
    assert result.problem_rows == []
    assert {(row.number, row.question_code): row.new_score for row in result.changes} == {
        ("3", "1b"): D("3.5"), ("24B", "1"): D("0.75")}
    assert _confirm(staff_client, response).status_code == 302
    assert (_question("3", "1a").score, _question("3", "1a").evidence) == (D("2.00"), "Data Dinsos")
    assert (_question("3", "1b").score, _question("3", "1b").evidence) == (D("3.50"), "Laporan 2025")
    assert _indicator("3").score == D("5.50")
    assert _indicator("24B").score == D("0.75")


def test_codes_match_whatever_their_case_and_numbers_typed_as_numbers(staff_client, evaluation_2026):
    data = upload_files.xlsx([HEADER, ["21a", "4A", 2, ""], [2, 1, 1.5, ""]])
    result = _upload(staff_client, "nilai.xlsx", data).context["preview"]
    assert result.problem_rows == []
    assert {(row.number, row.question_code, row.new_score) for row in result.changes} == {
        ("21A", "4a", D("2")), ("2", "1", D("1.5"))}


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (["99", "1", "1"], "Indikator “99” tidak dikenal."),
        (["21", "1", "1"], "Indikator “21” tidak dikenal."),
        (["2", "9", "1"], "Indikator 2 tidak memiliki pertanyaan “9”."),
        (["21A", "2a", "1"], "Indikator 21A tidak memiliki pertanyaan “2a”."),
        (["2", "1", "3,5"], "Paling banyak 3,00 poin: nilai maksimum pertanyaan."),
        (["19", "2a", "3,21"], "Paling banyak 3,20 poin: nilai maksimum pertanyaan."),
        (["2", "1", "-1"], "Nilai tidak boleh negatif."),
        (["2", "1", "0,125"], "Paling banyak dua angka desimal."),
        (["2", "1", "banyak"], "Penilaian mandiri: Bukan angka: “banyak”."),
        (["2", "", "10"], "Indikator 2 dinilai dari pertanyaannya"),
        (["2", "", ""], "Indikator 2 dinilai dari pertanyaannya"),
    ],
)
def test_each_kind_of_bad_row_is_named_beside_its_line_and_nothing_can_be_confirmed(
    staff_client, evaluation_2026, cells, problem
):
    before = _snapshot()
    response = _upload(staff_client, "nilai.csv", _csv([["2", "2", "1", ""], ["21A", "1", "2", ""], cells]))
    result = response.context["preview"]
    [bad] = result.problem_rows
    assert bad.line == 4
    assert problem in " ".join(bad.problems)
    assert len(result.changes) == 2
    page = response.content.decode()
    assert response.context["token"] == "" and 'id="confirm-form"' not in page
    assert 'data-line="4"' in page and "1 baris bermasalah" in page
    assert 'Baris: <a class="alert-link" href="#line-4">4</a>' in page and 'id="line-4"' in page  # found at once
    assert _snapshot() == before


def test_a_score_at_the_questions_maximum_in_indonesian_decimals_is_taken(staff_client, evaluation_2026):
    response = _upload(staff_client, "nilai.csv", _csv([["19", "2a", "3,2"], ["2", "1", "3"]]))
    assert [row.new_score for row in response.context["preview"].changes] == [D("3.2"), D("3")]
    assert _confirm(staff_client, response).status_code == 302
    assert _question("19", "2a").score == D("3.20")
    assert _indicator("19").score == D("3.20")


def test_a_duplicate_question_row_names_the_first_line(staff_client, evaluation_2026):
    response = _upload(staff_client, "nilai.csv", _csv([["2", "1", "1"], ["2", "2", "1"], ["2", "1", "2"]]))
    [bad] = response.context["preview"].problem_rows
    assert (bad.line, bad.problems) == (4, ["Baris ganda: pertanyaan 1 indikator 2 sudah ada di baris 2."])


def test_a_file_without_the_question_column_asks_for_the_questions(staff_client, evaluation_2026):
    """An old-style file (a typed indicator score) never becomes the score of a question-scored indicator."""
    response = _upload(staff_client, "nilai.csv", _csv([["2", "10", ""]], header=("No.", "Penilaian mandiri",
                                                                                  "Catatan bukti dukung")))
    [bad] = response.context["preview"].problem_rows
    assert "Indikator 2 dinilai dari pertanyaannya" in bad.problems[0] and "No. pertanyaan" in bad.problems[0]
    assert response.context["token"] == ""
    assert _indicator("2").score is None


def test_a_question_changed_after_the_preview_refuses_the_whole_import(staff_client, evaluation_2026):
    response = _upload(staff_client, "nilai.csv", _csv([["2", "1", "1"], ["21A", "4a", "2", "catatan"]]))
    _save("21A", {"4a": ("1", "orang lain")})  # someone else, meanwhile
    before = _snapshot()
    done = _confirm(staff_client, response)
    assert done.status_code == 409
    assert "seseorang mengubah pertanyaan 21A.4a setelah pratinjau" in done.content.decode()
    assert _snapshot() == before  # the question of indicator 2 was not saved either
    assert (_question("21A", "4a").score, _question("21A", "4a").evidence) == (D("1.00"), "orang lain")
    assert _indicator("2").score is None


def test_the_stage_closed_after_the_preview_saves_nothing(staff_client, evaluation_2026):
    response = _upload(staff_client, "nilai.csv", _csv([["2", "1", "1"]]))
    Evaluation.objects.filter(year=2026).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)
    done = _confirm(staff_client, response)
    assert done.status_code == 409
    assert "tidak lagi berada pada tahap penilaian mandiri" in done.content.decode()
    assert _question("2", "1").score is None


def test_the_import_page_explains_the_question_columns(staff_client, evaluation_2026):
    page = staff_client.get(reverse("clusters:score-import", args=[2026])).content.decode()
    assert "No. pertanyaan" in page and "dinilai per pertanyaan" in page


def test_a_question_column_filled_for_a_2019_indicator_is_a_problem(staff_client, demo):
    response = _upload(staff_client, "nilai.csv", _csv([["21", "1", "5", ""]]), year=2019)
    [bad] = response.context["preview"].problem_rows
    assert bad.problems == ["Indikator 21 tidak memiliki pertanyaan: kosongkan “No. pertanyaan”."]
    assert SelfAssessment.objects.get(evaluation__year=2019, indicator__number=21).score is None


def test_the_service_saves_questions_of_several_indicators_in_one_transaction(evaluation_2026):
    first, second = _question("2", "1"), _question("19", "1")
    saved = evaluation_question_scores_update(evaluation=evaluation_2026, changes=[
        ScoreChange(pk=first.pk, version=first.version, score=D("2"), evidence="", fields=frozenset({"score"})),
        ScoreChange(pk=second.pk, version=second.version, score=D("4"), evidence="x"),
    ], reason="Diimpor dari uji.csv")
    assert saved == 2
    assert (_indicator("2").score, _indicator("2").version) == (D("2.00"), 2)
    assert (_indicator("19").score, _question("19", "1").evidence) == (D("4.00"), "x")
    assert _indicator("1").version == 1  # untouched indicators are not saved


def test_the_service_refuses_every_question_when_one_changed_meanwhile(evaluation_2026):
    first, second = _question("2", "1"), _question("19", "1")
    _save("19", {"1": ("1", "")})
    with pytest.raises(QuestionScoresChanged) as refused:
        evaluation_question_scores_update(evaluation=evaluation_2026, changes=[
            ScoreChange(pk=first.pk, version=first.version, score=D("2"), evidence=""),
            ScoreChange(pk=second.pk, version=second.version, score=D("4"), evidence=""),
        ])
    assert isinstance(refused.value, EditConflict) and refused.value.pks == {second.pk}
    assert (_question("2", "1").score, _indicator("2").score) == (None, None)


def test_the_service_refuses_a_question_of_another_evaluation(instrument_2024, evaluation_2026):
    evaluation_create(year=2027, instrument=instrument_2024)
    foreign = _question("2", "1", year=2027)
    with pytest.raises(QuestionScoresChanged):
        evaluation_question_scores_update(evaluation=evaluation_2026, changes=[
            ScoreChange(pk=foreign.pk, version=foreign.version, score=D("2"), evidence="")])
    assert _question("2", "1", year=2027).score is None


def test_the_service_refuses_outside_the_self_assessment_stage(evaluation_2026):
    Evaluation.objects.filter(pk=evaluation_2026.pk).update(stage=Evaluation.Stage.FINAL)
    score = _question("2", "1")
    with pytest.raises(StageClosed):
        evaluation_question_scores_update(evaluation=evaluation_2026, changes=[
            ScoreChange(pk=score.pk, version=score.version, score=D("2"), evidence="")])
    assert _question("2", "1").score is None


def test_previewing_all_274_questions_takes_a_fixed_number_of_queries(staff_client, evaluation_2026,
                                                                      django_assert_max_num_queries):
    with translation.override("id"):
        _, template = import_template_table(evaluation_2026)
    rows = [[row[1], row[2], "0", "ada"] for row in template]
    with django_assert_max_num_queries(13):
        response = _upload(staff_client, "nilai.csv", _csv(rows))
    result = response.context["preview"]
    assert len(result.rows) == 274 and result.problem_rows == [] and len(result.changes) == 274
    assert response.content.decode().count("data-changed") == 274
