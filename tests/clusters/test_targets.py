"""The target predicate is the city's, per evaluation: every gap on every page is measured to it."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from clusters.models import Evaluation, Predicate, SelfAssessment
from clusters.selectors import evaluation_summaries, predicate_bands, target_band
from clusters.services import evaluation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def utama_2019(demo):
    Evaluation.objects.filter(year=2019).update(target=Predicate.objects.get(code="utama"))


def test_an_evaluation_aims_at_nindya_unless_its_target_says_otherwise(reference_data):
    evaluation = evaluation_create(year=2026)
    assert evaluation.target.code == Predicate.NINDYA
    bands = predicate_bands()
    assert target_band(evaluation, bands).code == "nindya"
    evaluation.target = Predicate.objects.get(code="utama")
    assert target_band(evaluation, bands).code == "utama"
    evaluation.target = None  # evaluations made before targets were kept
    assert target_band(evaluation, bands).code == "nindya"


def test_summaries_measure_each_year_to_its_own_target(utama_2019):
    summaries = {item.year: item for item in evaluation_summaries()}
    assert summaries[2019].goal.code == "utama"
    assert summaries[2019].summary.gap_to_goal == D("800.01") - D("562.40")
    assert summaries[2018].goal.code == "nindya"
    assert summaries[2018].summary.gap_to_goal == D("700.01") - summaries[2018].summary.final


def test_the_evaluation_page_and_list_show_the_gap_to_the_target_and_the_next_predicate(client, utama_2019,
                                                                                        task_force_user):
    client.force_login(task_force_user)
    detail = client.get(reverse("clusters:evaluation-detail", args=[2019])).content.decode()
    assert "Poin yang masih dibutuhkan untuk Utama" in detail
    assert "237,61" in detail
    assert "Predikat berikutnya, Madya: kurang 37,61 poin" in detail  # 562,40 is Pratama; Madya is above 600
    listing = client.get(reverse("clusters:evaluation-list")).content.decode()
    assert "Poin yang masih dibutuhkan untuk sasaran" in listing
    assert "16,81 <span class=\"small text-body-secondary\">Nindya</span>" in listing  # 2018: 683,20 to Nindya


def test_the_dashboard_draws_the_latest_evaluations_target(client, utama_2019, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "batas bawah Utama" in html
    assert "237,61" in html


def test_the_report_measures_its_year_to_its_target(client, utama_2019, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("dashboard:evaluation-report", args=[2019])).content.decode()
    assert "Poin yang masih dibutuhkan untuk Utama" in html


def test_an_admin_chooses_the_target_when_creating_an_evaluation(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    utama = Predicate.objects.get(code="utama")
    page = client.get(reverse("clusters:evaluation-create"))
    assert 'selected>Nindya' in page.content.decode()
    response = client.post(reverse("clusters:evaluation-create"), {
        "confirm_year": page.context["year"], "instrument": page.context["form"].initial["instrument"],
        "target": utama.pk,
    })
    assert response.status_code == 302
    assert Evaluation.objects.get(year=page.context["year"]).target == utama


def test_the_planner_opens_with_the_evaluations_target(client, utama_2019, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("planner:planner")).content.decode()
    assert "Jalan menuju Utama" in html


def _list_row(html, year):
    row = html[html.index(reverse("clusters:evaluation-detail", args=[year])):]
    return row[:row.index("</tr>")]


def _gap_cell(row):
    cell = row[row.index("data-provisional-gap"):]
    return cell[:cell.index("</td>")]


@pytest.mark.parametrize(
    ("stage", "points", "target", "gap", "label"),
    [
        # Self-assessment only: 562,40 so far, to its own target Utama (above 800).
        (Evaluation.Stage.SELF_ASSESSMENT, None, "utama", "237,61", "Utama (sementara, penilaian mandiri berjalan)"),
        # Verification started, nothing deducted yet: still the self-assessment, labelled for that stage.
        (Evaluation.Stage.ADMIN_VERIFICATION, None, "nindya", "137,61",
         "Nindya (sementara, verifikasi administrasi berjalan)"),
        # Field verification with 4,50 deducted so far: 557,90 to Nindya (above 700).
        (Evaluation.Stage.FIELD_VERIFICATION, "4.5", "nindya", "142,11",
         "Nindya (sementara, verifikasi lapangan berjalan)"),
    ],
)
def test_the_list_shows_an_unfinished_years_provisional_gap_to_its_own_target(
    client, demo, task_force_user, stage, points, target, gap, label
):
    if points is not None:
        row = SelfAssessment.objects.get(evaluation__year=2019, indicator__number=3)
        row.deductions.create(points=D(points), reason="Belum ada MoU dengan media.")
    Evaluation.objects.filter(year=2019).update(stage=stage, target=Predicate.objects.get(code=target))
    client.force_login(task_force_user)
    row = _list_row(client.get(reverse("clusters:evaluation-list")).content.decode(), 2019)
    assert f"{gap} <span" in _gap_cell(row) and label in _gap_cell(row)
    assert "final" not in _gap_cell(row).lower() and "akhir" not in _gap_cell(row)


def test_the_list_labels_only_the_unfinished_years_gap_provisional(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("clusters:evaluation-list")).content.decode()
    assert "sementara" not in _list_row(html, 2018) and "data-provisional-gap" not in _list_row(html, 2018)
    assert html.count("data-provisional-gap") == 1  # 2019 only


def test_the_lists_query_count_stays_flat_with_unfinished_years(client, demo, task_force_user,
                                                                instrument_2024, django_assert_max_num_queries):
    client.force_login(task_force_user)
    client.get(reverse("clusters:evaluation-list"))  # warms the permission cache
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("clusters:evaluation-list"))
    for year in (2026, 2027):
        evaluation_create(year=year, instrument=instrument_2024, target=Predicate.objects.get(code="utama"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("clusters:evaluation-list")).content.decode()
    assert html.count("data-provisional-gap") == 3
    assert "800,01 <span" in _list_row(html, 2027)  # nothing scored yet: the whole way to Utama
