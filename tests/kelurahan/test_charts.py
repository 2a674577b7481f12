import datetime as dt

import plotly.graph_objects as go
import pytest
from django.utils import translation

from kelurahan import charts, coverage
from kelurahan.selectors import KelurahanStep, coverage_report

ROWS = [
    KelurahanStep(1, "32.71.01.1001", "Batu Tulis", "32.71.01", "Bogor Selatan", 1),
    KelurahanStep(2, "32.71.01.1007", "Mulyaharja", "32.71.01", "Bogor Selatan", 6),
    KelurahanStep(3, "32.71.05.1005", "Ciluar", "32.71.05", "Bogor Utara", 5),
    KelurahanStep(4, "32.71.05.1001", "Bantarjati", "32.71.05", "Bogor Utara", 2),
    KelurahanStep(5, "32.71.05.1002", "Tegal Gundil", "32.71.05", "Bogor Utara", 4),
]


def test_kecamatan_bars_show_covered_and_remaining_as_the_coverage_function_counts_them():
    by_kecamatan = coverage.coverage_by_group((row.kecamatan_name, row.step) for row in ROWS)
    figure = go.Figure(charts.kecamatan_figure(by_kecamatan))
    covered, remaining = figure.data
    assert list(covered.y) == ["Bogor Selatan", "Bogor Utara"]
    assert list(covered.x) == [by_kecamatan[name].covered for name in covered.y] == [1, 1]
    assert list(remaining.x) == [by_kecamatan[name].remaining for name in remaining.y] == [1, 2]
    assert figure.layout.barmode == "stack"


def test_timeline_is_a_step_line_to_today_with_the_target_as_a_line():
    events = [coverage.StepEvent(2, dt.date(2018, 7, 23), 5), coverage.StepEvent(3, dt.date(2018, 12, 10), 5)]
    points = coverage.coverage_over_time(events, active=[row.pk for row in ROWS])
    figure = go.Figure(charts.timeline_figure(points, total=5, today=dt.date(2019, 3, 15)))
    covered, target = figure.data
    assert list(covered.x) == ["2018-07-23", "2018-12-10", "2019-03-15"]
    assert list(covered.y) == [p.covered for p in points] + [points[-1].covered] == [1, 2, 2]
    assert covered.line.shape == "hv"
    assert list(target.y) == [5, 5] and list(target.x) == ["2018-07-23", "2019-03-15"]
    assert figure.layout.xaxis.hoverformat == figure.layout.xaxis.tickformat == "%d/%m/%Y"  # day first


def test_pipeline_bars_follow_the_step_counts():
    counts = coverage.step_counts(row.step for row in ROWS)
    with translation.override("id"):
        figure = go.Figure(charts.pipeline_figure(counts))
    bars = figure.data[0]
    assert list(bars.y) == list(counts.values()) == [1, 1, 0, 1, 1, 1]
    assert list(bars.x)[0] == "belum ada" and list(bars.x)[-1] == "aktif"
    assert figure.layout.separators == ",."
    with translation.override("en"):  # issue 14: the English UI too writes 2,9 and 1.234
        assert charts.pipeline_figure(counts)["layout"]["separators"] == ",."


def test_treemap_nests_kelurahan_in_kecamatan_coloured_by_step():
    figure = go.Figure(charts.treemap_figure(ROWS))
    treemap = figure.data[0]
    assert treemap.type == "treemap"
    values = dict(zip(treemap.ids, treemap.values, strict=True))
    assert values["root"] == 5 and values["kec-32.71.01"] == 2 and values["kec-32.71.05"] == 3
    parents = dict(zip(treemap.ids, treemap.parents, strict=True))
    assert parents["kel-32.71.05.1005"] == "kec-32.71.05" and parents["kec-32.71.05"] == "root"
    colors = dict(zip(treemap.ids, treemap.marker.colors, strict=True))
    assert colors["kel-32.71.01.1007"] == charts.STEP_COLORS[6]
    assert colors["kel-32.71.01.1001"] == charts.STEP_COLORS[1]


@pytest.mark.django_db
def test_every_coverage_page_figure_of_the_demo_is_a_valid_plotly_figure(demo):
    report = coverage_report()
    figures = [
        charts.kecamatan_figure(report.by_kecamatan),
        charts.timeline_figure(report.timeline, report.headline.total, dt.date(2019, 3, 15)),
        charts.pipeline_figure(report.pipeline),
        charts.treemap_figure(report.rows),
    ]
    for figure in figures:
        go.Figure(figure)
    assert sum(figures[0]["data"][0]["x"]) == report.headline.covered == 2
    assert sum(figures[0]["data"][1]["x"]) == report.headline.remaining == 66
    assert figures[1]["data"][0]["y"][-1] == 2 and figures[1]["data"][1]["y"] == [68, 68]
    assert sum(figures[2]["data"][0]["y"]) == 68
    assert figures[3]["data"][0]["values"][0] == 68


def test_an_empty_timeline_still_makes_a_valid_figure():
    go.Figure(charts.timeline_figure([], total=68, today=dt.date(2019, 3, 15)))


def test_step_colours_of_the_stylesheet_match_the_charts():
    """The legend and badges (CSS classes, no inline styles under the CSP) use the charts' colours."""
    import re
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    for step, color in charts.STEP_COLORS.items():
        assert re.search(rf"\.step-{step} \{{ background-color: {color};", css), step
