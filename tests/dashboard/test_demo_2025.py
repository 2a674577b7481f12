"""`load_demo --cycle 2025`: the cycle that ended with the 2025 award, on the 2024 instrument."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from clusters.models import Evaluation, QuestionScore, VerifiedScore
from clusters.selectors import evaluation_summaries
from clusters.verifications import stage_totals
from dashboard import charts, selectors
from dashboard.demo import ALREADY_LOADED, LEFT_OUT
from dashboard.demo_2025 import cycle_2025_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle_2025(demo):
    call_command("load_demo", "--cycle", "2025")


def _summary(year):
    return {item.year: item for item in evaluation_summaries()}[year]


def test_the_2025_cycle_follows_the_published_totals(cycle_2025):
    item = _summary(2025)
    evaluation = item.evaluation
    assert (evaluation.is_sample, evaluation.stage, evaluation.instrument.code) == (True, "final", "kla-2024")
    assert "Data contoh" in evaluation.note
    assert item.summary.self_assessment > D("900")
    totals = {total.stage: total.total for total in stage_totals(evaluation, item.summary.self_assessment)}
    assert totals["admin_verification"] == D("850.59")
    assert item.summary.final == totals["field_verification"]
    assert item.summary.predicate.name == "Nindya" and item.goal.name == "Nindya"
    assert QuestionScore.objects.filter(self_assessment__evaluation=evaluation, score__isnull=True).count() == 0
    # Every reduction carries its reason; the field visit starts with PATBM, as in the 2019 story.
    assert not VerifiedScore.objects.filter(reason="").exists()
    patbm = VerifiedScore.objects.get(stage="field_verification", question_score__question__indicator__code="26",
                                      question_score__question__code="15")
    assert "PATBM" in patbm.reason


def test_the_2017_2019_demo_is_unchanged_by_the_2025_cycle(demo):
    before = {item.year: (item.summary.self_assessment, item.summary.final) for item in evaluation_summaries()}
    cycle_2025_load()
    after = {item.year: (item.summary.self_assessment, item.summary.final) for item in evaluation_summaries()}
    assert {year: after[year] for year in before} == before
    assert before[2018][1] == D("683.20")


def test_loading_the_cycle_again_changes_nothing_and_a_real_database_is_left_alone(cycle_2025, reference_data):
    count = VerifiedScore.objects.count()
    assert cycle_2025_load() == ALREADY_LOADED
    assert VerifiedScore.objects.count() == count
    Evaluation.objects.filter(year=2019).update(is_sample=False)  # a real evaluation
    Evaluation.objects.filter(year=2025).update(year=2030)
    assert cycle_2025_load() == LEFT_OUT
    assert not Evaluation.objects.filter(year=2025).exists()


def test_the_dashboard_marks_the_change_of_instrument_and_compares_indicators_only_within_one(cycle_2025):
    dashboard = selectors.dashboard()
    figures = charts.dashboard_charts(dashboard)
    annotations = [a["text"] for a in figures.years["layout"]["annotations"]]
    assert any("Instrumen KLA 2024" in text for text in annotations)
    # 2025 (2024 instrument) against 2018 (2019-era framework): no indicator is matched on its number.
    assert figures.loss_previous.year == 2018
    assert figures.loss_indicators and all(change.previous == 0 for change, _name in figures.loss_indicators)
    # Groups compare by code across the instruments: Klaster V lost points in both years.
    by_code = {total.cluster_code: previous for _short, total, previous in figures.loss_totals}
    assert by_code["K5"] is not None and by_code["KD"] is None


def test_the_pages_show_the_total_at_each_stage(client, cycle_2025, task_force_user):
    client.force_login(task_force_user)
    detail = client.get(reverse("clusters:evaluation-detail", args=[2025])).content.decode()
    assert 'id="stage-totals"' in detail and "850,59" in detail and "Reviu kementerian" in detail
    report = client.get(reverse("dashboard:evaluation-report", args=[2025]))
    assert report.status_code == 200 and "850,59" in report.content.decode()
    home = client.get(reverse("dashboard:home"))
    assert home.status_code == 200 and "Instrumen baru" in home.content.decode()
    verification = client.get(reverse("clusters:verification-edit", args=[2025, "26"])).content.decode()
    assert "PATBM baru berjalan di sebagian kelurahan." in verification
