"""The dashboard's figures: valid for plotly, and drawing exactly the scoring functions' numbers."""

from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.utils import translation

from clusters import scoring, selectors
from clusters.models import Evaluation, SelfAssessment
from clusters.services import evaluation_create
from dashboard import charts
from dashboard import selectors as dashboard_selectors

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def demo_charts(demo):
    with translation.override("id"):
        dashboard = dashboard_selectors.dashboard()
        return dashboard, charts.dashboard_charts(dashboard)


def _scores(year):
    return selectors.evaluation_scores(Evaluation.objects.get(year=year))


def _bands():
    return selectors.predicate_bands()


def _codes():
    return ["KLB", "K1", "K2", "K3", "K4", "K5"]


def _floats(values):
    return [float(value) for value in values]


def test_every_demo_figure_is_a_valid_plotly_figure(demo_charts):
    _, built = demo_charts
    assert len(built.figures) == 5
    for figure in built.figures:
        go.Figure(figure)  # raises ValueError on any invalid property


def test_standing_marks_the_2018_self_assessment_and_final_and_the_2019_progress(demo_charts):
    _, built = demo_charts
    bands = _bands()
    summary_2018 = scoring.summarize(_scores(2018), bands, selectors.nindya_band(bands))
    summary_2019 = scoring.summarize(_scores(2019), bands, selectors.nindya_band(bands))
    figure = built.standing
    assert [trace["x"][0] for trace in figure["data"]] == _floats(
        [summary_2018.self_assessment, summary_2018.final, summary_2019.self_assessment]
    ) == [769.2, 683.2, 562.4]
    assert [trace["text"][0] for trace in figure["data"]] == ["769,20", "683,20", "562,40"]


def test_standing_shades_every_predicate_band_and_emphasises_the_nindya_line(demo_charts):
    _, built = demo_charts
    shapes = built.standing["layout"]["shapes"]
    rects = [(shape["x0"], shape["x1"]) for shape in shapes if shape["type"] == "rect"]
    assert rects == [(500.0, 600.0), (600.0, 700.0), (700.0, 800.0), (800.0, 900.0), (900.0, 1000.0)]
    (line,) = [shape for shape in shapes if shape["type"] == "line"]
    assert line["x0"] == line["x1"] == 700.0 and line["line"]["width"] > 1
    assert [note["text"] for note in built.standing["layout"]["annotations"]] == [
        "Pratama", "Madya", "Nindya", "Utama", "KLA"
    ]


def test_standing_band_names_alternate_between_two_rows_so_neighbours_never_touch_on_a_phone(demo_charts):
    _, built = demo_charts
    layout = built.standing["layout"]
    shifts = [note["yshift"] for note in layout["annotations"]]
    assert shifts == [0, charts.BAND_LABEL_ROW, 0, charts.BAND_LABEL_ROW, 0]
    assert layout["margin"]["t"] >= 64 + charts.BAND_LABEL_ROW  # the upper row stays inside the figure


def test_cluster_figure_stacks_final_deducted_and_unclaimed_up_to_each_maximum(demo_charts):
    _, built = demo_charts
    totals = scoring.cluster_totals(_scores(2018), _codes())
    final, deducted, unclaimed = built.clusters["data"]
    assert final["x"] == _floats(t.final for t in totals)
    assert deducted["x"] == _floats(t.deductions for t in totals)
    assert unclaimed["x"] == _floats(t.maximum - t.self_assessment for t in totals)
    assert final["customdata"] == _floats(t.maximum for t in totals)
    assert final["x"][0] == 65.5 and deducted["x"][0] == 14.5  # Kelembagaan: the media MoU
    assert deducted["x"][5] == 50.0  # Klaster V: PATBM and services
    assert final["name"] == "Nilai akhir"


def test_years_figure_has_the_self_assessment_every_year_and_the_final_where_verified(demo_charts):
    _, built = demo_charts
    bands = _bands()
    self_trace, final_trace = built.years["data"]
    assert self_trace["x"] == [2017, 2018, 2019]
    assert self_trace["y"] == _floats(scoring.total_self_assessment(_scores(year)) for year in (2017, 2018, 2019))
    assert final_trace["x"] == [2017, 2018]
    assert final_trace["y"] == _floats(scoring.final_total(_scores(year)) for year in (2017, 2018)) == [560.7, 683.2]
    assert final_trace["text"] == [scoring.predicate_for(D(str(y)), bands).name for y in final_trace["y"]]
    assert final_trace["text"] == ["Pratama", "Madya"]
    assert any(shape["type"] == "line" and shape["y0"] == 700.0 for shape in built.years["layout"]["shapes"])


def test_losses_figure_puts_2018_deductions_per_cluster_beside_2017(demo_charts):
    _, built = demo_charts
    previous, current = built.losses["data"]
    assert (previous["name"], current["name"]) == ("2017", "2018")
    assert previous["x"] == _floats(t.deductions for t in scoring.cluster_totals(_scores(2017), _codes()))
    assert current["x"] == _floats(t.deductions for t in scoring.cluster_totals(_scores(2018), _codes()))
    assert sum(current["x"]) == 86.0 and sum(previous["x"]) == 40.0


def test_losses_table_lists_each_deducted_indicator_in_both_years(demo_charts):
    _, built = demo_charts
    rows = {change.number: (change.previous, change.current) for change, _ in built.loss_indicators}
    assert rows[3] == (D("8.00"), D("14.50"))
    assert rows[11] == (D("6.00"), D("0"))
    assert rows[22] == (D("0"), D("9.00"))


def test_headroom_figure_shows_the_ten_indicators_with_most_headroom(demo_charts):
    _, built = demo_charts
    ranking = scoring.headroom_ranking(_scores(2018), 10)
    (trace,) = built.headroom["data"]
    assert trace["x"] == _floats(score.headroom for score in ranking)
    assert len(trace["x"]) == 10 and trace["x"][0] == 40.3
    assert trace["y"][0].startswith("21. ")
    assert [row[1] for row in trace["customdata"]] == _floats(score.final for score in ranking)


def test_layout_texts_follow_the_language_and_numbers_are_written_the_indonesian_way_in_both(demo):
    dashboard = dashboard_selectors.dashboard()
    with translation.override("id"):
        indonesian = charts.dashboard_charts(dashboard)
    with translation.override("en"):
        english = charts.dashboard_charts(dashboard)
    assert indonesian.years["layout"]["xaxis"]["title"]["text"] == "Tahun"
    assert english.years["layout"]["xaxis"]["title"]["text"] == "Year"
    assert indonesian.standing["layout"]["separators"] == ",."
    # Issue 14: the English UI wrote 683.20 beside tables that read 683,20.
    assert english.standing["layout"]["separators"] == ",."
    assert english.standing["data"][1]["text"] == ["683,20"]
    assert english.standing["data"][1]["name"] == "Final score 2018"


def test_only_a_self_assessment_draws_no_losses_and_no_final_line(reference_data):
    evaluation = evaluation_create(year=2019)
    SelfAssessment.objects.filter(evaluation=evaluation, indicator__number=1).update(score=D("25"))
    with translation.override("en"):
        dashboard = dashboard_selectors.dashboard()
        built = charts.dashboard_charts(dashboard)
    assert dashboard.reference is None and dashboard.in_progress.year == 2019
    assert built.losses is None
    assert len(built.years["data"]) == 1
    assert [trace["x"][0] for trace in built.standing["data"]] == [25.0]
    assert [trace["name"] for trace in built.clusters["data"]] == ["Self-assessment", "Not claimed"]
    for figure in built.figures:
        go.Figure(figure)


def test_no_evaluation_means_no_figures(reference_data):
    assert charts.dashboard_charts(dashboard_selectors.dashboard()).figures == []


@pytest.mark.parametrize(
    ("text", "wrapped"),
    [("Klaster I", "Klaster I"), ("Penguatan Kelembagaan", "Penguatan<br>Kelembagaan"),
     ("Self-assessment 2019 (so far)", "Self-assessment<br>2019 (so far)")],
)
def test_long_axis_labels_wrap_on_two_lines(text, wrapped):
    assert charts._wrap(text) == wrapped


@pytest.mark.parametrize(("scores", "floor"), [([D("769.2"), D("562.4")], 500), ([D("430")], 300), ([], 500)])
def test_score_axis_starts_at_500_or_below_the_lowest_score(scores, floor):
    assert charts._axis_floor(scores) == floor
