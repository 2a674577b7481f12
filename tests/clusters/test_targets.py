"""The target predicate is the city's, per evaluation: every gap on every page is measured to it."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from clusters.models import Evaluation, Predicate
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
