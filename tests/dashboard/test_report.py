"""The printable report of one evaluation: real numbers of the demo, empty states, query count."""

import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import formats, timezone, translation

from clusters import scoring, selectors
from clusters.models import Evaluation
from clusters.services import evaluation_create
from dashboard import charts
from dashboard import selectors as dashboard_selectors
from dashboard.demo import DEDUCTIONS
from tests.dashboard.test_dashboard import _grow_ten_times

pytestmark = pytest.mark.django_db

PLOTLY = "vendor/plotly/plotly-basic.min.js"


def _report(client, user, year):
    client.force_login(user)
    response = client.get(reverse("dashboard:evaluation-report", kwargs={"year": year}))
    assert response.status_code == 200
    return response.content.decode()


def _between(html, start, end=None):
    return html[html.index(f'id="{start}"'):html.index(f'id="{end}"') if end else None]


def _points(value: Decimal) -> str:
    """A score as the Indonesian page writes it (683,20)."""
    with translation.override("id"):
        return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def _summary(year):
    evaluation = Evaluation.objects.get(year=year)
    bands = selectors.predicate_bands()
    return scoring.summarize(selectors.evaluation_scores(evaluation), bands, selectors.nindya_band(bands))


def _figure(html, chart_id):
    match = re.search(rf'<script id="{chart_id}-figure" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_2018_report_shows_the_headline_numbers_predicate_and_gap_to_nindya(client, demo, task_force_user):
    expected = _summary(2018)
    assert expected.deductions == sum(Decimal(points) for _, points, _ in DEDUCTIONS[2018]) == Decimal("86")
    html = _report(client, task_force_user, 2018)
    headline = _between(html, "report-headline", "report-clusters")
    assert _points(expected.self_assessment) == "769,20" and "769,20" in headline
    assert "86,00" in headline
    assert _points(expected.final) == "683,20" and "683,20" in headline
    assert expected.predicate.name == "Madya" and "Madya" in headline
    assert _points(expected.gap_to_goal) == "16,81" and "16,81" in headline  # 700,01 − 683,20
    assert "Nindya: kurang 16,81 poin" in headline
    assert 'id="report-no-field-result"' not in html
    assert "Tahap: <strong id=\"report-stage\">Final</strong>" in html


def test_2018_report_lists_every_lost_point_with_the_jurors_reason(client, demo, staff_user):
    html = _report(client, staff_user, 2018)
    losses = _between(html, "report-losses", "report-headroom")
    for number, points, reason in DEDUCTIONS[2018]:
        assert reason in losses, number
        assert _points(Decimal(points)) in losses
    assert "PATBM baru terbentuk di 2 dari 68 kelurahan." in losses and "26,00" in losses
    assert "40,00" in losses  # 2017's total, the field result before
    assert "tahun ini tidak dikurangi" in losses  # indicator 11 lost points in 2017 only
    assert _figure(html, "chart-losses")["data"][-1]["x"][0] == 14.5  # Kelembagaan, 2018


def test_2018_report_charts_stop_at_2018_and_show_headroom_and_patbm_per_kecamatan(client, demo, task_force_user):
    html = _report(client, task_force_user, 2018)
    years = _figure(html, "chart-years")
    assert years["data"][0]["x"] == [2017, 2018]  # not 2019: the report shows the years up to its own
    assert years["data"][1]["text"] == ["Pratama", "Madya"]
    assert "2019" not in _between(html, "report-years", "report-losses")
    clusters = _figure(html, "chart-clusters")
    assert [trace["name"] for trace in clusters["data"]] == ["Nilai akhir", "Dikurangi", "Tidak diklaim"]
    headroom = _between(html, "report-headroom", "report-patbm")
    assert "40,30" in headroom and "Anak korban kekerasan" in headroom
    patbm = _between(html, "report-patbm")
    assert "2 dari 68 kelurahan aktif" in patbm
    assert "Bogor Utara" in patbm and "12,5%" in patbm  # 1 of 8
    kecamatan = _figure(html, "chart-kecamatan")
    assert sum(kecamatan["data"][0]["x"]) == 2 and sum(kecamatan["data"][1]["x"]) == 66
    # Each chart also has a copy drawn at a fixed width for paper, from the same figure.
    for chart in ["chart-clusters", "chart-years", "chart-losses", "chart-headroom", "chart-kecamatan"]:
        assert f'id="{chart}-print" data-figure="{chart}-figure" data-print-width="680"' in html
    assert html.count(PLOTLY) == 1 and "js/report.js" in html and "css/report.css" in html
    assert "<script>" not in html and "style=" not in html


def test_report_footer_carries_the_stage_and_the_date_in_indonesian(client, demo, task_force_user):
    html = _report(client, task_force_user, 2018)
    with translation.override("id"):
        today = timezone.localdate().strftime("%d/%m/%Y")  # issue 14: one date format everywhere
    assert f"Evaluasi KLA 2018 · Tahap: Final · Dicetak {today} pukul" in html
    assert 'data-page-label="Halaman"' in html


def test_2019_report_says_there_is_no_field_result_and_shows_the_self_assessment_so_far(
    client, demo, staff_user
):
    expected = _summary(2019)
    html = _report(client, staff_user, 2019)
    headline = _between(html, "report-summary", "report-clusters")
    assert "Belum ada hasil lapangan" in headline and "17 dari 24 indikator" in headline
    assert _points(expected.self_assessment) == "562,40" and "562,40" in headline
    assert "belum diketahui" in _between(html, "report-final", "report-predicate")  # no final score yet
    assert _points(expected.gap_to_goal) == "137,61" and "137,61" in headline
    assert "Predikat jika tetap seperti ini" in headline and "Pratama" in headline
    assert "Belum ada hasil lapangan untuk 2019" in _between(html, "report-losses", "report-headroom")
    assert 'id="chart-losses"' not in html
    assert _figure(html, "chart-years")["data"][0]["x"] == [2017, 2018, 2019]
    clusters = _figure(html, "chart-clusters")
    assert [trace["name"] for trace in clusters["data"]] == ["Penilaian mandiri", "Tidak diklaim"]
    assert "Tahap: <strong id=\"report-stage\">Penilaian mandiri</strong>" in html


def test_report_of_an_evaluation_without_scores_says_what_to_do(client, reference_data, staff_user):
    evaluation_create(year=2020)
    html = _report(client, staff_user, 2020)
    empty = _between(html, "report-empty", "report-patbm")
    assert "Belum ada nilai penilaian mandiri yang dimasukkan untuk 2020" in empty
    assert reverse("clusters:evaluation-detail", kwargs={"year": 2020}) in empty
    assert 'id="report-headline"' not in html and 'id="chart-clusters"' not in html


def test_report_of_an_unknown_year_is_not_found(client, demo, task_force_user):
    client.force_login(task_force_user)
    assert client.get(reverse("dashboard:evaluation-report", kwargs={"year": 2030})).status_code == 404


def test_evaluation_page_links_to_its_report(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("clusters:evaluation-detail", kwargs={"year": 2018})).content.decode()
    assert reverse("dashboard:evaluation-report", kwargs={"year": 2018}) in html


def test_report_query_count_does_not_grow_with_years_indicators_or_kelurahan(
    client, demo, task_force_user, django_assert_max_num_queries
):
    client.force_login(task_force_user)
    url = reverse("dashboard:evaluation-report", kwargs={"year": 2018})
    # 15 with a cold permission cache: PATBM coverage is counted by SQL aggregates (per kecamatan, per
    # step); no kelurahan row is read (the report once built every kelurahan and showed none: 2 s at 83,000).
    # + the evaluation, read before the cached body (its 404 and the header) and again by the summaries;
    # + the offices' progress (issue 19), which finds no question in a 2019-era evaluation; + whether it has
    # scores, read with the body only (a cached body needs the evaluation alone).
    with django_assert_max_num_queries(19) as small:  # 15 + losses per stage + evaluation + offices + has scores
        client.get(url)
    with django_assert_max_num_queries(6):  # the body from the cache: nothing of the report is read
        client.get(url)
    cache.clear()
    assert not any('"kelurahan_kelurahan"."code"' in query["sql"] for query in small.captured_queries)
    _grow_ten_times()  # a write: the next request misses the cache
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert "2046" not in html  # later years stay out of the 2018 report
    assert "2 dari 680 kelurahan aktif" in html
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("dashboard:evaluation-report", kwargs={"year": 2046})).content.decode()
    assert "2046" in html


def test_dashboard_up_to_a_year_leaves_later_evaluations_out_and_keeps_the_final_before(demo):
    full = dashboard_selectors.dashboard()
    assert [item.year for item in full.evaluations] == [2017, 2018, 2019]
    up_to_2018 = dashboard_selectors.dashboard(up_to_year=2018)
    assert [item.year for item in up_to_2018.evaluations] == [2017, 2018]
    assert up_to_2018.reference.year == 2018 and up_to_2018.previous.year == 2017
    assert up_to_2018.final_before(up_to_2018.summary_for(2017)) is None
    assert full.final_before(full.summary_for(2019)).year == 2018


def test_charts_focused_on_a_year_without_field_result_draw_no_losses(demo):
    board = dashboard_selectors.dashboard()
    home = charts.dashboard_charts(board)
    assert home.focus.year == 2018 and home.losses is not None  # the home page: the latest field result
    with translation.override("en"):
        focused = charts.dashboard_charts(board, focus=board.summary_for(2019))
    assert focused.focus.year == 2019 and focused.losses is None and focused.loss_indicators == []
    assert [trace["name"] for trace in focused.clusters["data"]] == ["Self-assessment", "Not claimed"]


def test_deduction_reasons_are_grouped_by_indicator_in_recorded_order(demo):
    reasons = selectors.deduction_reasons(Evaluation.objects.get(year=2018))
    assert sorted(reasons) == sorted(number for number, _, _ in DEDUCTIONS[2018])
    assert reasons[3] == [selectors.DeductionReason(Decimal("14.50"), DEDUCTIONS[2018][0][2])]


def _rows(html):
    """Each table row as its cells' text, tags stripped and spaces collapsed."""
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]


def test_2019_report_shows_unscored_clusters_and_indicators_as_not_scored_not_0(client, demo, staff_user):
    html = _report(client, staff_user, 2019)
    clusters = _rows(_between(html, "report-clusters", "report-years"))
    unscored = [row for row in clusters if "belum dinilai" in row]
    assert [row.split(" — ")[0].split()[:2] for row in unscored] == [["Klaster", "IV:"], ["Klaster", "V:"]]
    assert all(row.endswith("— belum dinilai 120,00 —") or row.endswith("— belum dinilai 190,00 —")
               for row in unscored)
    assert not any("0,00 120,00 120,00" in row or "0,00 190,00 190,00" in row for row in clusters)
    headroom = _rows(_between(html, "report-headroom"))
    leading = headroom[1:8]  # after the header row: the seven unscored indicators of Klaster IV and V
    assert sorted(int(row.split(".")[0]) for row in leading) == list(range(18, 25))
    assert all("— belum dinilai" in row and "0,00 " not in row.split(" — ")[1][:12] for row in leading)
    assert leading[0].startswith("21.") and leading[0].endswith("— belum dinilai 55,00 55,00")


def test_the_cached_report_gives_each_request_its_own_time_and_a_new_day_its_own_body(
    client, demo, task_force_user, monkeypatch
):
    """The body is cached; the header and footer print the time of the request, and the body (which says
    the day of its PATBM coverage) is keyed by the day."""
    import datetime as dt
    import re

    from dashboard import views

    client.force_login(task_force_user)
    url = reverse("dashboard:evaluation-report", kwargs={"year": 2018})
    now = timezone.localtime()

    def printed_at(moment):
        monkeypatch.setattr(views.timezone, "localtime", lambda *args: moment)
        monkeypatch.setattr(views.timezone, "localdate", lambda *args: moment.date())
        html = client.get(url).content.decode()
        return re.search(r"Dicetak (\S+) pukul (\d\d[.:]\d\d)", html).groups(), html

    first, _ = printed_at(now.replace(hour=9, minute=15))
    later, html = printed_at(now.replace(hour=14, minute=40))
    assert first[1].replace(".", ":") == "09:15" and later[1].replace(".", ":") == "14:40"
    tomorrow = now + dt.timedelta(days=1)
    (day, _time), html = printed_at(tomorrow.replace(hour=8, minute=0))
    assert day == tomorrow.strftime("%d/%m/%Y")
    assert f"Cakupan PATBM per {day}" in html  # the cached body of yesterday is not served


def test_the_report_lists_every_kecamatan_of_a_city_and_the_lowest_forty_of_a_country():
    from dashboard.selectors import report_kecamatan
    from kelurahan.coverage import Coverage
    from kelurahan.selectors import KecamatanCoverage

    def kecamatan(count, covered_of):
        return [KecamatanCoverage(n, f"32.71.{n:02d}", f"Kecamatan {n}", Coverage(covered_of(n), 10))
                for n in range(1, count + 1)]

    city = report_kecamatan(kecamatan(6, lambda n: n))
    assert [item.code for item in city.kecamatan] == [f"32.71.0{n}" for n in range(1, 7)]  # code order
    assert not city.is_cut and city.total == 6
    exactly = report_kecamatan(kecamatan(40, lambda n: 10))
    assert len(exactly.kecamatan) == 40 and not exactly.is_cut
    country = report_kecamatan(kecamatan(100, lambda n: 10 - n % 11))  # n = 10, 21, ... have 0 of 10
    assert country.is_cut and country.total == 100 and len(country.kecamatan) == 40
    percents = [item.coverage.percent for item in country.kecamatan]
    assert percents == sorted(percents) and percents[0] == 0
    assert [item.pk for item in country.kecamatan[:9]] == [10, 21, 32, 43, 54, 65, 76, 87, 98]  # ties: by code
    shown = {item.pk for item in country.kecamatan}
    assert all(item.coverage.percent >= max(percents) for item in kecamatan(100, lambda n: 10 - n % 11)
               if item.pk not in shown)


def test_a_report_of_more_kecamatan_than_a_page_says_which_it_shows(client, demo, task_force_user, monkeypatch):
    from dashboard import selectors as report_selectors

    monkeypatch.setattr(report_selectors, "REPORT_KECAMATAN", 4)  # Bogor has 6
    monkeypatch.setattr(report_selectors.report_kecamatan, "__defaults__", (4,))
    html = _report(client, task_force_user, 2018)
    assert "4 kecamatan dengan cakupan terendah dari 6" in html
    section = html.split('id="report-patbm"')[1].split("</section>")[0]
    assert section.count('<th scope="row" class="fw-normal">') == 4


def test_a_cached_report_reads_only_its_evaluation(client, demo, task_force_user, django_assert_max_num_queries):
    """Served from its cache, the report reads the session, the user, the data versions and the evaluation for
    its header: whether it has scores is read only with the body."""
    cache.clear()
    first = _report(client, task_force_user, 2018)
    url = reverse("dashboard:evaluation-report", kwargs={"year": 2018})
    with django_assert_max_num_queries(4):
        html = client.get(url).content.decode()
    stage = re.compile(r'id="report-stage">([^<]+)<')
    assert stage.search(html).group(1) == stage.search(first).group(1)
    assert html.count(PLOTLY) == 1 and "683,20" in html
