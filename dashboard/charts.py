"""Plotly figures of the dashboard, built as plain dicts from the scoring functions' output.

Each figure has the shape {"data": [traces], "layout": {...}} that plotly.js draws as is
(static/js/charts.js) and that `plotly.graph_objects.Figure(figure)` accepts (the tests check it).
Plain dicts, not `go.Figure`: building and serialising a Figure costs milliseconds per chart.
Numbers go in as floats (the JSON has no Decimal); the same values fill the tables beside the charts.
Texts are translated here, in the request's language, and numbers follow its separators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from clusters import scoring
from clusters.selectors import ClusterLabel, EvaluationSummary
from dashboard.selectors import Dashboard

# Predicate bands from the lowest up; the goal (Nindya) line is drawn over them.
BAND_COLOURS = ["#fff3bf", "#ffe8cc", "#d3f9d8", "#b2f2bb", "#8ce99a", "#69db7c"]
GOAL_COLOUR = "#2b8a3e"
SELF_COLOUR = "#74c0fc"
FINAL_COLOUR = "#1864ab"
PROGRESS_COLOUR = "#f59f00"
DEDUCTED_COLOUR = "#e8590c"
PREVIOUS_COLOUR = "#ffc078"
UNCLAIMED_COLOUR = "#dee2e6"
HEADROOM_COLOUR = "#2f9e44"
LABEL_LENGTH = 34
BAND_LABEL_ROW = 14  # px between the two rows of band names above the standing chart


def _float(value: Decimal) -> float:
    return float(value)


def _text(value: Decimal) -> str:
    """A score as the page shows it (683,20 in Indonesian)."""
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def _short(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _wrap(text: str, width: int = 18) -> str:
    """An axis label on at most two lines (plotly breaks on <br>), so it leaves room on a phone."""
    if len(text) <= width or " " not in text:
        return text
    cut = text.rfind(" ", 0, width + 1)
    cut = cut if cut > 0 else text.find(" ")
    return text[:cut] + "<br>" + _short(text[cut + 1 :], width)


def _layout(title: str, height: int, **extra) -> dict:
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
                  "pad": {"t": 8}, "font": {"size": 14}},
        "height": height,
        # Room for the title and a legend of up to three rows (on a phone) above the plot.
        "margin": {"l": 8, "r": 8, "t": 100, "b": 8},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
        # Decimal comma and thousands dot in Indonesian, for hover labels and ticks.
        "separators": f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        # Above the plot, under the title: below it, it collides with the axis title on a phone.
        "legend": {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom", "traceorder": "normal"},
        "hovermode": "closest",
    }
    layout.update(extra)
    for axis in ("xaxis", "yaxis"):
        layout.setdefault(axis, {}).setdefault("automargin", True)
    return layout


def _axis_floor(scores: Sequence[Decimal], default: int = 500) -> int:
    """Start the score axis at 500 (the lowest predicate), or lower (a multiple of 100) when a
    score is below 550."""
    if not scores:
        return default
    lowest = min(scores)
    return max(0, min(default, int((lowest - 50) // 100) * 100))


def _band_shapes(bands: Sequence[scoring.Band], goal: scoring.Band | None, *, horizontal: bool) -> list[dict]:
    """Shaded predicate bands and the goal line, along x (`horizontal`) or y."""
    score_ref, span_ref = ("x", "paper") if horizontal else ("y", "paper")
    shapes = []
    for index, (band, upper) in enumerate(scoring.band_upper_bounds(bands)):
        lower, upper = _float(band.lower), _float(upper)
        shape = {"type": "rect", "layer": "below", "line": {"width": 0},
                 "fillcolor": BAND_COLOURS[index % len(BAND_COLOURS)], "opacity": 0.8}
        shape.update(_span(score_ref, span_ref, lower, upper, horizontal))
        shapes.append(shape)
    if goal is not None:
        line = {"type": "line", "layer": "above", "line": {"color": GOAL_COLOUR, "width": 3, "dash": "dash"}}
        line.update(_span(score_ref, span_ref, _float(goal.lower), _float(goal.lower), horizontal))
        shapes.append(line)
    return shapes


def _span(score_ref: str, span_ref: str, lower: float, upper: float, horizontal: bool) -> dict:
    if horizontal:
        return {"xref": score_ref, "yref": span_ref, "x0": lower, "x1": upper, "y0": 0, "y1": 1}
    return {"yref": score_ref, "xref": span_ref, "y0": lower, "y1": upper, "x0": 0, "x1": 1}


def _band_labels(bands: Sequence[scoring.Band], floor: int, *, horizontal: bool) -> list[dict]:
    labels = []
    for band, upper in scoring.band_upper_bounds(bands):
        if upper <= floor:
            continue
        middle = _float((max(band.lower, Decimal(floor)) + upper) / 2)
        if horizontal:
            # Every other name one row higher: on a phone a band is narrower than its name, and side by side
            # the names ran into each other ("PratamaMadyaNindya" at 360 px).
            labels.append({"x": middle, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
                           "yshift": BAND_LABEL_ROW * (len(labels) % 2),
                           "text": band.name, "showarrow": False, "font": {"size": 11, "color": "#495057"}})
        else:
            labels.append({"y": middle, "yref": "y", "x": 1, "xref": "paper", "xanchor": "right",
                           "text": band.name, "showarrow": False, "font": {"size": 12, "color": "#495057"}})
    return labels


@dataclass(frozen=True)
class Marker:
    """One score on the "where we stand" chart."""

    label: str
    score: Decimal
    colour: str
    symbol: str = "circle"


def standing_markers(dashboard: Dashboard) -> list[Marker]:
    """The latest final result (self-assessment and final score) and each later evaluation not
    final yet, labelled as provisional for its stage."""
    markers = []
    reference = dashboard.reference
    if reference is not None:
        markers.append(Marker(_("Self-assessment %(year)s") % {"year": reference.year},
                              reference.summary.self_assessment, SELF_COLOUR))
        markers.append(Marker(_("Final score %(year)s") % {"year": reference.year},
                              reference.summary.final, FINAL_COLOUR, "diamond"))
    for item in dashboard.provisional:
        if item.has_field_result:
            label = _("Score %(year)s (%(status)s)") % {"year": item.year, "status": item.result.provisional_label}
        else:
            label = _("Self-assessment %(year)s (so far)") % {"year": item.year}
        markers.append(Marker(label, item.summary.final, PROGRESS_COLOUR, "square"))
    return markers


def standing_figure(markers: Sequence[Marker], bands: Sequence[scoring.Band], goal: scoring.Band | None) -> dict:
    """Scores as markers on a 0-1000 line over the shaded predicate bands, the goal line emphasised."""
    floor = _axis_floor([marker.score for marker in markers])
    data = [
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": marker.label,
            "x": [_float(marker.score)],
            "y": [_wrap(marker.label)],
            "text": [_text(marker.score)],
            # Beside the marker, on the side with room (the axis ends at 1000).
            "textposition": "middle right" if marker.score < 880 else "middle left",
            "marker": {"size": 16, "color": marker.colour, "symbol": marker.symbol,
                       "line": {"width": 1, "color": "#212529"}},
            "hovertemplate": "%{y}: %{x:,.2f}<extra></extra>",
            "showlegend": False,
            "cliponaxis": False,
        }
        for marker in markers
    ]
    layout = _layout(
        _("Score against the predicate bands"),
        110 + BAND_LABEL_ROW + 58 * max(len(markers), 1),
        xaxis={"range": [floor, 1000], "title": {"text": _("Points (of 1000)")},
               "showgrid": False, "fixedrange": True},
        yaxis={"automargin": True, "fixedrange": True, "type": "category"},
        shapes=_band_shapes(bands, goal, horizontal=True),
        annotations=_band_labels(bands, floor, horizontal=True),
    )
    layout["margin"] = {"l": 8, "r": 16, "t": 64 + BAND_LABEL_ROW, "b": 8}  # no legend; room for two rows of band names
    layout["yaxis"]["range"] = [len(markers) - 0.5, -0.5]
    return {"data": data, "layout": layout}


def cluster_figure(
    clusters: Sequence[ClusterLabel], totals: Sequence[scoring.ClusterTotal], *, year: int, field_result: bool,
    final: bool = True,
) -> dict:
    """Per cluster, stacked to the maximum: final score, points deducted, points not claimed."""
    names = {cluster.code: cluster.short for cluster in clusters}
    labels = [_wrap(names.get(total.cluster_code, total.cluster_code)) for total in totals]
    maxima = [_float(total.maximum) for total in totals]

    def trace(name, values, colour):
        return {
            "type": "bar", "orientation": "h", "name": name, "y": labels, "x": [_float(v) for v in values],
            "marker": {"color": colour}, "customdata": maxima,
            "hovertemplate": "%{y}: %{x:,.2f} (" + _("maximum") + " %{customdata:,.0f})<extra>" + name + "</extra>",
        }

    scored = (_("Final score") if final else _("Provisional score")) if field_result else _("Self-assessment")
    data = [trace(scored, [t.final for t in totals], FINAL_COLOUR)]
    data[0].update(text=[_text(t.final) for t in totals], textposition="inside", insidetextanchor="start")
    if field_result:
        data.append(trace(_("Deducted"), [t.deductions for t in totals], DEDUCTED_COLOUR))
    data.append(trace(_("Not claimed"), [t.unclaimed for t in totals], UNCLAIMED_COLOUR))
    layout = _layout(
        _("%(year)s per cluster, of the maximum") % {"year": year},
        150 + 44 * len(totals),
        barmode="stack",
        xaxis={"title": {"text": _("Points")}, "fixedrange": True, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
    )
    return {"data": data, "layout": layout}


def years_figure(
    evaluations: Sequence[EvaluationSummary], bands: Sequence[scoring.Band], goal: scoring.Band | None
) -> dict:
    """Self-assessment and final score per year over the predicate bands, each final labelled
    with the predicate it reached. Years not final yet have no final point."""
    years = [item.year for item in evaluations]
    verified = [item for item in evaluations if item.is_final]
    data = [
        {
            "type": "scatter", "mode": "lines+markers", "name": _("Self-assessment"),
            # A year nothing has been scored in yet has no point (not a fall to 0).
            "x": years, "y": [_float(item.summary.self_assessment) if item.summary.scored else None
                              for item in evaluations],
            "line": {"color": SELF_COLOUR, "width": 2, "dash": "dot"},
            "marker": {"size": 9, "color": SELF_COLOUR},
            "hovertemplate": "%{x}: %{y:,.2f}<extra>" + _("Self-assessment") + "</extra>",
        }
    ]
    if verified:
        data.append({
            "type": "scatter", "mode": "lines+markers+text", "name": _("Final score"),
            "x": [item.year for item in verified], "y": [_float(item.summary.final) for item in verified],
            "text": [item.summary.predicate.name if item.summary.predicate else "—" for item in verified],
            "textposition": "bottom center",
            "line": {"color": FINAL_COLOUR, "width": 3},
            "marker": {"size": 11, "color": FINAL_COLOUR, "symbol": "diamond"},
            "hovertemplate": "%{x}: %{y:,.2f} (%{text})<extra>" + _("Final score") + "</extra>",
            "cliponaxis": False,
        })
    scores = ([item.summary.self_assessment for item in evaluations if item.summary.scored]
              + [item.summary.final for item in verified])
    floor = _axis_floor(scores)
    layout = _layout(
        _("Score per year"),
        380,
        # Room right of the last year, so its predicate label stays clear of the band names there.
        xaxis={"title": {"text": _("Year")}, "tickformat": "d", "fixedrange": True,
               "tickvals": years if len(years) <= 12 else None,
               "range": [years[0] - 0.5, years[-1] + 0.5 + 0.18 * (years[-1] - years[0] + 1)]},
        yaxis={"title": {"text": _("Points")}, "range": [floor, 1000], "fixedrange": True, "automargin": True},
        shapes=_band_shapes(bands, goal, horizontal=False),
        annotations=_band_labels(bands, floor, horizontal=False),
    )
    for year, name in instrument_changes(evaluations):
        # Totals compare across instruments (both out of 1000); the line says where the questions changed.
        layout["shapes"].append({"type": "line", "xref": "x", "yref": "paper", "x0": year - 0.5, "x1": year - 0.5,
                                 "y0": 0, "y1": 1, "line": {"color": "#6c757d", "width": 1.5, "dash": "dash"}})
        layout["annotations"].append({"xref": "x", "yref": "paper", "x": year - 0.5, "y": 1, "yanchor": "bottom",
                                      "xanchor": "left", "showarrow": False, "font": {"size": 11, "color": "#495057"},
                                      "text": _("New instrument: %(name)s") % {"name": name}})
    if layout["xaxis"]["tickvals"] is None:
        del layout["xaxis"]["tickvals"]
    return {"data": data, "layout": layout}


def instrument_changes(evaluations: Sequence[EvaluationSummary]) -> list[tuple[int, str]]:
    """(year, instrument name) of each evaluation made on another instrument than the one before it."""
    changes = []
    for before, item in zip(evaluations, evaluations[1:], strict=False):
        if item.evaluation.instrument_id != before.evaluation.instrument_id:
            changes.append((item.year, item.evaluation.instrument.name))
    return changes


def losses_figure(
    clusters: Sequence[ClusterLabel],
    current: Sequence[scoring.ClusterTotal],
    previous: Sequence[scoring.ClusterTotal] | None,
    *,
    year: int,
    previous_year: int | None,
) -> dict:
    """Field deductions per cluster: the latest field result beside the one before it."""
    names = {cluster.code: cluster.short for cluster in clusters}

    def trace(totals, label, colour):
        return {
            "type": "bar", "orientation": "h", "name": label,
            "y": [_wrap(names.get(t.cluster_code, t.cluster_code)) for t in totals],
            "x": [_float(t.deductions) for t in totals],
            "text": [_text(t.deductions) for t in totals], "textposition": "auto",
            "marker": {"color": colour},
            "hovertemplate": "%{y}: −%{x:,.2f}<extra>" + label + "</extra>",
        }

    data = []
    if previous is not None and previous_year is not None:
        data.append(trace(previous, str(previous_year), PREVIOUS_COLOUR))
    data.append(trace(current, str(year), DEDUCTED_COLOUR))
    layout = _layout(
        _("Deductions per cluster"),
        150 + (44 if len(data) > 1 else 30) * len(current),
        barmode="group",
        xaxis={"title": {"text": _("Points deducted")}, "fixedrange": True, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
    )
    return {"data": data, "layout": layout}


@dataclass(frozen=True)
class HeadroomRow:
    indicator: scoring.IndicatorScore
    name: str

    @property
    def label(self) -> str:
        return _wrap(f"{self.indicator.label}. {self.name}", 22)


def headroom_figure(rows: Sequence[HeadroomRow], *, year: int) -> dict:
    """The indicators with the most headroom, largest first."""
    data = [{
        "type": "bar", "orientation": "h", "name": _("Points still to gain"),
        "y": [row.label for row in rows], "x": [_float(row.indicator.headroom) for row in rows],
        "text": [_text(row.indicator.headroom) for row in rows], "textposition": "auto",
        "customdata": [[row.name, _float(row.indicator.final), _float(row.indicator.max_points)] for row in rows],
        "marker": {"color": HEADROOM_COLOUR},
        "hovertemplate": "%{customdata[0]}<br>" + _("Final score") + " %{customdata[1]:,.2f} / %{customdata[2]:,.2f}"
        "<extra></extra>",
    }]
    layout = _layout(
        _("Most headroom, %(year)s") % {"year": year},
        120 + 34 * len(rows),
        xaxis={"title": {"text": _("Points still to gain")}, "fixedrange": True, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True, "type": "category"},
        showlegend=False,
        margin={"l": 8, "r": 8, "t": 48, "b": 8},
    )
    return {"data": data, "layout": layout}


@dataclass
class DashboardCharts:
    """The figures of the home page and the values behind them (for the tables beside them).

    A figure is None when there is nothing to draw; the page then says what to do next.
    """

    markers: list[Marker] = field(default_factory=list)
    standing: dict | None = None
    focus: EvaluationSummary | None = None
    cluster_totals: list[scoring.ClusterTotal] = field(default_factory=list)
    clusters: dict | None = None
    years: dict | None = None
    loss_totals: list[tuple[str, scoring.ClusterTotal, scoring.ClusterTotal | None]] = field(default_factory=list)
    loss_indicators: list[tuple[scoring.DeductionChange, str]] = field(default_factory=list)
    loss_previous: EvaluationSummary | None = None  # the final evaluation before, the losses compared with
    loss_comparable: bool = False  # the previous one is on the same instrument: indicators compare by number
    losses: dict | None = None
    headroom_rows: list[HeadroomRow] = field(default_factory=list)
    headroom: dict | None = None

    cluster_names: dict[str, str] = field(default_factory=dict)

    @property
    def cluster_rows(self) -> list[tuple[str, scoring.ClusterTotal]]:
        """Each cluster's full name with its totals, for the table beside the chart."""
        return [(self.cluster_names.get(t.cluster_code, t.cluster_code), t) for t in self.cluster_totals]

    @property
    def figures(self) -> list[dict]:
        return [f for f in (self.standing, self.clusters, self.years, self.losses, self.headroom) if f is not None]


def dashboard_charts(
    dashboard: Dashboard, headroom_limit: int = 10, *, focus: EvaluationSummary | None = None
) -> DashboardCharts:
    """Every figure of the home page from the dashboard's scores (nothing read from the database).

    `focus` is the evaluation the cluster, losses and headroom figures are about: by default the
    latest final evaluation, or the latest when none is final (the home page); a report passes
    its own evaluation. Losses are drawn only when the focus has a field result, against the final
    result before it.
    """
    charts = DashboardCharts()
    if not dashboard.evaluations:
        return charts
    codes = [cluster.code for cluster in dashboard.clusters]
    short = {cluster.code: cluster.short for cluster in dashboard.clusters}

    charts.cluster_names = {cluster.code: cluster.name for cluster in dashboard.clusters}
    charts.markers = standing_markers(dashboard)
    charts.standing = standing_figure(charts.markers, dashboard.bands, dashboard.goal)

    # By cluster and headroom: the latest final result, else the latest evaluation (labelled provisional).
    focus = focus or dashboard.reference or dashboard.latest
    charts.focus = focus
    charts.cluster_totals = scoring.cluster_totals(focus.scores, codes)
    charts.clusters = cluster_figure(
        dashboard.clusters, charts.cluster_totals, year=focus.year, field_result=focus.has_field_result,
        final=focus.is_final,
    )
    charts.years = years_figure(dashboard.evaluations, dashboard.bands, dashboard.goal)

    reference = focus if focus.has_field_result else None
    previous = dashboard.final_before(reference) if reference is not None else None
    if reference is not None:
        charts.loss_previous = previous
        current_totals = charts.cluster_totals
        # A group the previous evaluation's instrument did not have (Kelana-Dekela before 2024) has nothing to compare.
        previous_totals = ([total for total in scoring.cluster_totals(previous.scores, codes) if total.indicators]
                           if previous else None)
        previous_by_code = {total.cluster_code: total for total in previous_totals or ()}
        charts.loss_totals = [
            (short.get(total.cluster_code, total.cluster_code), total, previous_by_code.get(total.cluster_code))
            for total in current_totals
        ]
        # Indicators compare by number within one instrument only (its numbering is its own).
        comparable = previous if previous and previous.evaluation.instrument_id == reference.evaluation.instrument_id \
            else None
        charts.loss_comparable = comparable is not None
        changes = scoring.deductions_compared(reference.scores, comparable.scores if comparable else [])
        charts.loss_indicators = [
            (change, dashboard.indicator_name(reference, change.number)
             or (dashboard.indicator_name(comparable, change.number) if comparable else ""))
            for change in changes
        ]
        charts.losses = losses_figure(
            dashboard.clusters, current_totals, previous_totals,
            year=reference.year, previous_year=previous.year if previous else None,
        )

    charts.headroom_rows = [
        HeadroomRow(score, dashboard.indicator_name(focus, score.number))
        for score in scoring.headroom_ranking(focus.scores, headroom_limit)
    ]
    if charts.headroom_rows:
        charts.headroom = headroom_figure(charts.headroom_rows, year=focus.year)
    return charts
