"""The home page as a dashboard: headline, six blocks, empty states, query count."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import Cluster, Evaluation, FieldDeduction, Indicator, SelfAssessment
from clusters.services import evaluation_create
from kelurahan.models import Kecamatan, Kelurahan, Patbm

pytestmark = pytest.mark.django_db

CHARTS = ["chart-standing", "chart-clusters", "chart-years", "chart-losses", "chart-headroom"]
PLOTLY = "vendor/plotly/plotly-basic.min.js"


def _page(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    return response.content.decode()


def _figure(html, chart_id):
    match = re.search(rf'<script id="{chart_id}-figure" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_demo_headline_shows_2018_madya_with_the_gap_to_nindya_and_2019_progress(client, demo, task_force_user):
    html = _page(client, task_force_user)
    headline = html[html.index('id="headline-result"'):html.index('id="block-standing"')]
    assert "Nilai akhir 2018" in headline and "683,20" in headline and "Madya" in headline
    assert "16,81" in headline  # points still needed for Nindya (> 700)
    assert "Penilaian mandiri 2019, sedang berjalan" in headline
    assert "562,40" in headline and "17 dari 24 indikator" in headline
    assert "2 / 68" in headline  # PATBM formed in 2 of 68 kelurahan


def test_demo_page_has_all_six_blocks_each_chart_with_its_figure_and_plotly_once(client, demo, staff_user):
    html = _page(client, staff_user)
    for block in ["headline-patbm", "block-standing", "block-clusters", "block-years", "block-losses",
                  "block-headroom"]:
        assert f'id="{block}"' in html
    for chart in CHARTS:
        assert f'id="{chart}"' in html
        assert set(_figure(html, chart)) == {"data", "layout"}
    assert html.count(PLOTLY) == 1
    assert "<script>" not in html  # no inline script: figures are JSON data, drawn by charts.js


def test_each_chart_has_a_table_with_its_numbers(client, demo, task_force_user):
    html = _page(client, task_force_user)
    standing = html[html.index('id="block-standing"'):html.index('id="block-clusters"')]
    assert all(number in standing for number in ["769,20", "683,20", "562,40"])
    clusters = html[html.index('id="block-clusters"'):html.index('id="block-years"')]
    assert "Klaster V: Perlindungan Khusus" in clusters and "90,60" in clusters and "99,40" in clusters
    losses = html[html.index('id="block-losses"'):html.index('id="block-headroom"')]
    assert "14,50" in losses and "50,00" in losses and "Per indikator" in losses
    headroom = html[html.index('id="block-headroom"'):]
    assert "40,30" in headroom and "Anak korban kekerasan" in headroom


def test_without_evaluations_the_page_says_what_to_do_and_loads_no_plotly(client, task_force_user):
    html = _page(client, task_force_user)
    assert "Belum ada evaluasi" in html
    assert PLOTLY not in html
    assert 'id="headline-patbm"' in html


def test_with_only_a_self_assessment_the_losses_block_says_what_comes_next(client, reference_data, staff_user):
    evaluation = evaluation_create(year=2019)
    SelfAssessment.objects.filter(evaluation=evaluation, indicator__number__lte=3).update(score=Decimal("20"))
    html = _page(client, staff_user)
    assert "Belum ada hasil lapangan" in html
    assert 'id="chart-losses"' not in html
    assert "60,00" in html  # the self-assessment so far, labelled as such
    assert "Penilaian mandiri 2019, sedang berjalan" in html
    assert PLOTLY in html


def test_a_new_deduction_shows_on_the_very_next_page_load(client, demo, task_force_user):
    before = _figure(_page(client, task_force_user), "chart-standing")
    row = SelfAssessment.objects.get(evaluation__year=2018, indicator__number=1)
    FieldDeduction.objects.create(self_assessment=row, points=Decimal("3.20"), reason="Perwal belum diundangkan.")
    html = _page(client, task_force_user)
    after = _figure(html, "chart-standing")
    assert before["data"][1]["x"] == [683.2]
    assert after["data"][1]["x"] == [680.0]
    assert "20,01" in html  # the new gap to Nindya


def test_english_dashboard_translates_the_page_and_the_chart_texts(client, demo, task_force_user):
    client.force_login(task_force_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("dashboard:home")).content.decode()
    # Issue 14: numbers stay Indonesian (683,20) in English too, as the tables and fields write them.
    assert "Final score 2018" in html and "683,20" in html and "683.20" not in html
    assert _figure(html, "chart-years")["layout"]["xaxis"]["title"]["text"] == "Year"


def test_dashboard_refuses_a_user_without_a_role(client, demo, django_user_model):
    client.force_login(django_user_model.objects.create_user("no-role", password="x"))
    assert client.get(reverse("dashboard:home")).status_code == 403


def _grow_ten_times():
    """Ten times the demo: 10x the indicators, 10x the years, 10x the kelurahan (with PATBM)."""
    clusters = list(Cluster.objects.filter(instrument__code="kla-2019"))
    Indicator.objects.bulk_create([
        Indicator(number=number, code=str(number), cluster=clusters[number % len(clusters)],
                  instrument=clusters[0].instrument, name=f"Indikator {number}", max_points=Decimal("4"))
        for number in range(25, 241)
    ])
    for year in range(2020, 2047):
        evaluation = evaluation_create(year=year)
        evaluation.stage = Evaluation.Stage.FINAL
        evaluation.save()
        SelfAssessment.objects.filter(evaluation=evaluation).update(score=Decimal("1"))
        row = SelfAssessment.objects.filter(evaluation=evaluation).first()
        FieldDeduction.objects.create(self_assessment=row, points=Decimal("0.5"), reason="x")
    kecamatan = Kecamatan.objects.create(code="32.71.07", name="Uji")
    kelurahan = Kelurahan.objects.bulk_create([
        Kelurahan(code=f"32.71.07.{number:04d}", name=f"Kel {number}", kecamatan=kecamatan)
        for number in range(1, 613)
    ])
    Patbm.objects.bulk_create([Patbm(kelurahan=k, step=Patbm.Step.SOSIALISASI) for k in kelurahan])


def test_dashboard_query_count_does_not_grow_with_years_indicators_or_kelurahan(
    client, demo, task_force_user, django_assert_max_num_queries
):
    client.force_login(task_force_user)
    # 13: one more than before, the data version that keys the cached dashboard.
    # 14: one more than before evidence, the share of answers with evidence of the open year.
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("dashboard:home"))
    _grow_ten_times()
    assert Evaluation.objects.count() == 30 and Kelurahan.objects.count() == 680
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("dashboard:home")).content.decode()
    assert "2046" in html and "2 / 680" in html
