"""Stages labelled honestly: only a final evaluation has a final score and a predicate won; numbers of an
unfinished stage are labelled provisional for that stage, and the last final result stays in view.

The demo: 2017 and 2018 final (2018: 683,20, Madya), 2019 self-assessed 562,40 so far (#3 at 25,50).
"""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from clusters import scoring
from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from clusters.selectors import ResultStatus, field_result_deductions

Stage = Evaluation.Stage


@pytest.mark.parametrize(
    ("stage", "deductions", "final", "field", "label", "changeable"),
    [
        (Stage.SELF_ASSESSMENT, D("0"), False, False, "provisional, self-assessment in progress", scoring.CHANGE_ALL),
        (Stage.ADMIN_VERIFICATION, D("0"), False, False, "provisional, administrative verification in progress",
         scoring.CHANGE_RECOVERABLE),
        (Stage.ADMIN_VERIFICATION, D("2"), False, True, "provisional, administrative verification in progress",
         scoring.CHANGE_RECOVERABLE),
        (Stage.FIELD_VERIFICATION, D("0"), False, True, "provisional, field verification in progress",
         scoring.CHANGE_RECOVERABLE),
        (Stage.FINAL, D("0"), True, True, "", scoring.CHANGE_NONE),
    ],
)
def test_result_status_says_per_stage_what_is_final_and_what_is_provisional(
    stage, deductions, final, field, label, changeable
):
    status = ResultStatus(stage, deductions)
    assert (status.is_final, status.has_field_result, status.changeable) == (final, field, changeable)
    assert status.verification_closed == final
    with translation.override("en"):
        assert status.provisional_label == label


def test_deductions_count_from_the_evaluations_with_a_field_result_only():
    history = field_result_deductions([
        (2021, Stage.FIELD_VERIFICATION, {1: D("0"), 2: D("0")}),  # nothing deducted yet: an empty year
        (2019, Stage.FINAL, {1: D("3"), 2: D("0")}),
        (2022, Stage.ADMIN_VERIFICATION, {1: D("0"), 2: D("1.5")}),  # a deduction recorded: a field result
        (2023, Stage.SELF_ASSESSMENT, {1: D("0")}),
    ])
    assert history == {2019: {1: D("3")}, 2021: {}, 2022: {2: D("1.5")}}
    assert list(history) == [2019, 2021, 2022]


@pytest.fixture
def at_stage(demo):
    """Moves the demo's 2019 evaluation to `stage`, with `points` deducted on #3 (25,50 self-assessed)."""

    def move(stage, points=None):
        evaluation = Evaluation.objects.get(year=2019)
        if points is not None:
            row = SelfAssessment.objects.get(evaluation=evaluation, indicator__number=3)
            FieldDeduction.objects.create(self_assessment=row, points=D(points), reason="Belum ada MoU dengan media.")
        Evaluation.objects.filter(pk=evaluation.pk).update(stage=stage)
        return evaluation

    return move


def _get(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def _between(html, start, end):
    return html[html.index(start):html.index(end)]


def _headline(html):
    return _between(html, 'class="row g-3 mb-3 dashboard-headline"', 'id="block-standing"')


# --- dashboard -------------------------------------------------------------------------------------------


def test_dashboard_in_field_verification_keeps_2018_final_and_labels_2019_provisional(client, at_stage,
                                                                                      task_force_user):
    at_stage(Stage.FIELD_VERIFICATION, "4.5")
    headline = _headline(_get(client, task_force_user, "dashboard:home"))
    final = _between(headline, 'id="headline-result"', 'id="headline-progress-2019"')
    assert "Nilai akhir 2018" in final and "683,20" in final and "Madya" in final
    assert "Nilai akhir 2019" not in headline
    provisional = headline[headline.index('id="headline-progress-2019"'):]
    assert "Nilai 2019 (sementara, verifikasi lapangan berjalan)" in provisional
    assert "557,90" in provisional  # 562,40 - 4,50 deducted so far
    assert "Penilaian mandiri 562,40 dikurangi 4,50 yang sudah dikurangi" in provisional
    assert "Predikat jika tetap begini (sementara): <strong>Pratama</strong>" in provisional


def test_dashboard_in_self_assessment_says_the_predicate_only_as_provisional(client, demo, task_force_user):
    headline = _headline(_get(client, task_force_user, "dashboard:home"))
    assert "Nilai akhir 2018" in headline and "683,20" in headline
    provisional = headline[headline.index('id="headline-progress-2019"'):]
    assert "Penilaian mandiri 2019, sedang berjalan" in provisional and "562,40" in provisional
    assert "Predikat jika tetap begini (sementara): <strong>Pratama</strong>" in provisional


def test_dashboard_in_administrative_verification_labels_the_self_assessment_for_that_stage(
    client, at_stage, task_force_user
):
    at_stage(Stage.ADMIN_VERIFICATION)
    html = _get(client, task_force_user, "dashboard:home")
    headline = _headline(html)
    assert "Penilaian mandiri 2019 (sementara, verifikasi administrasi berjalan)" in headline
    assert "562,40" in headline and "Nilai akhir 2018" in headline
    years = _between(html, 'id="block-years"', 'id="block-losses"')
    assert "belum ada hasil lapangan (sementara, verifikasi administrasi berjalan)" in years


def test_dashboard_once_2019_is_final_shows_it_as_the_final_result_and_nothing_provisional(
    client, at_stage, task_force_user
):
    at_stage(Stage.FINAL, "4.5")
    html = _get(client, task_force_user, "dashboard:home")
    headline = _headline(html)
    assert "Nilai akhir 2019" in headline and "557,90" in headline and "Pratama" in headline
    assert "sementara" not in headline and "headline-progress" not in headline


def test_dashboard_year_table_marks_the_unfinished_year_provisional(client, at_stage, task_force_user):
    at_stage(Stage.FIELD_VERIFICATION, "4.5")
    years = _between(_get(client, task_force_user, "dashboard:home"), 'id="block-years"', 'id="block-losses"')
    row_2019 = years[years.index('<th scope="row">2019'):]
    row_2019 = row_2019[:row_2019.index("</tr>")]
    assert "557,90" in row_2019 and "sementara" in row_2019
    assert "Pratama jika tetap begini (sementara, verifikasi lapangan berjalan)" in row_2019
    # The column holding it is not headed "final" either (it holds final and provisional years).
    header = years[years.index("<thead>"):years.index("</thead>")]
    assert "Nilai akhir" not in header and "Nilai (akhir atau sementara)" in header


def test_report_year_table_heads_its_score_column_final_or_provisional(client, at_stage, task_force_user):
    at_stage(Stage.FIELD_VERIFICATION, "4.5")
    html = _get(client, task_force_user, "dashboard:evaluation-report", 2019)
    tables = [part[:part.index("</thead>")] for part in html.split("<thead>")[1:]]
    assert not any("Nilai akhir" in header for header in tables)


# --- evaluation page and list ------------------------------------------------------------------------------


def _summary(html):
    """The headline cards of the evaluation page, with the notice above them."""
    return html[html.index('id="stage"'):html.index('id="spreadsheets"')]


@pytest.mark.parametrize(
    ("stage", "points", "status", "score"),
    [
        (Stage.SELF_ASSESSMENT, None, "sementara, penilaian mandiri berjalan", "562,40"),
        (Stage.ADMIN_VERIFICATION, None, "sementara, verifikasi administrasi berjalan", "562,40"),
        (Stage.FIELD_VERIFICATION, "4.5", "sementara, verifikasi lapangan berjalan", "557,90"),
    ],
)
def test_evaluation_page_of_an_unfinished_stage_labels_its_score_and_predicate_provisional(
    client, at_stage, task_force_user, stage, points, status, score
):
    at_stage(stage, points)
    summary = _summary(_get(client, task_force_user, "clusters:evaluation-detail", 2019))
    assert f"Semua angka di bawah ini {status}" in summary
    cards = summary[summary.index('id="summary"'):]
    assert "Nilai sementara" in cards and score in cards
    assert "Predikat jika tetap seperti ini" in cards
    assert "Nilai akhir" not in cards


def test_evaluation_page_of_a_final_evaluation_says_final_score_and_predicate(client, demo, task_force_user):
    summary = _summary(_get(client, task_force_user, "clusters:evaluation-detail", 2018))
    assert "Nilai akhir" in summary and "683,20" in summary and "Madya" in summary
    assert "summary-provisional" not in summary and "sementara" not in summary


def test_list_labels_a_year_in_field_verification_provisional_beside_the_final_years(client, at_stage,
                                                                                    task_force_user):
    at_stage(Stage.FIELD_VERIFICATION, "4.5")
    html = _get(client, task_force_user, "clusters:evaluation-list")
    row_2019 = html[html.index(reverse("clusters:evaluation-detail", args=[2019])):]
    row_2019 = row_2019[:row_2019.index("</tr>")]
    assert "557,90" in row_2019
    assert "sementara, verifikasi lapangan berjalan" in row_2019 and "Pratama jika tetap begini" in row_2019
    row_2018 = html[html.index(reverse("clusters:evaluation-detail", args=[2018])):]
    row_2018 = row_2018[:row_2018.index("</tr>")]
    assert "683,20" in row_2018 and "Madya" in row_2018 and "sementara" not in row_2018


# --- report --------------------------------------------------------------------------------------------------


def _loss_row(html, number):
    table = html[html.index('id="report-loss-table"'):]
    row = table[table.index(f'<th scope="row" class="fw-normal">{number}. '):]
    return row[:row.index("</tr>")]


def test_report_in_field_verification_never_calls_an_indicator_not_deducted(client, at_stage, task_force_user):
    at_stage(Stage.FIELD_VERIFICATION, "4.5")
    html = _get(client, task_force_user, "dashboard:evaluation-report", 2019)
    assert "tahun ini tidak dikurangi" not in html
    # #21 lost 26 points in 2018; the jurors' 2019 verdict on it is not entered yet.
    assert "belum ada pengurangan tercatat (verifikasi berjalan)" in _loss_row(html, 21)
    assert "Belum ada MoU dengan media." in _loss_row(html, 3)
    notice = _between(html, 'id="report-provisional"', 'id="report-headline"')
    assert "sementara, verifikasi lapangan berjalan" in notice
    headline = _between(html, 'id="report-headline"', 'id="report-clusters"')
    assert "Nilai (sementara, verifikasi lapangan berjalan)" in headline and "557,90" in headline
    assert "Predikat jika tetap seperti ini" in headline and "Nilai akhir" not in headline
    assert "Sejauh ini 4,50 poin dikurangi pada 2019" in html


def test_report_of_a_final_evaluation_says_not_deducted_this_year(client, demo, task_force_user):
    html = _get(client, task_force_user, "dashboard:evaluation-report", 2018)
    # #11 lost 6 points in 2017 and nothing in the final 2018 result.
    assert "tahun ini tidak dikurangi" in _loss_row(html, 11)
    headline = _between(html, 'id="report-summary"', 'id="report-clusters"')
    assert "Nilai akhir" in headline and "683,20" in headline and "sementara" not in headline
    assert "report-provisional" not in html


def test_report_in_self_assessment_labels_the_numbers_as_the_self_assessment_so_far(client, demo,
                                                                                   task_force_user):
    html = _get(client, task_force_user, "dashboard:evaluation-report", 2019)
    headline = _between(html, 'id="report-headline"', 'id="report-clusters"')
    assert "562,40" in headline and "belum diketahui" in headline  # the final score
    assert "Predikat jika tetap seperti ini" in headline and "tahun ini tidak dikurangi" not in html
