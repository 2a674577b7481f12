"""Plotly figures of the Kelana-Dekela criteria, as plain dicts ({"data": [...], "layout": {...}}).

Built from `dekela.selectors.CoverageOverTime`; drawn by static/js/charts.js like kelurahan's figures.
Texts are translated when the function runs (inside a request).
"""

from __future__ import annotations

from django.utils.formats import get_format
from django.utils.translation import gettext

from dekela.selectors import CoverageOverTime


def over_time_figure(table: CoverageOverTime) -> dict:
    """One line per criterion: the share (%) of the active places meeting it, year by year."""
    years = [year for year, _ in table.years]
    data = []
    for column, criterion in enumerate(table.criteria):
        shares = [row[column] for _, row in table.years]
        data.append({
            "type": "scatter",
            "mode": "lines+markers",
            "name": criterion.short_name,
            "x": years,
            "y": [float(share.percent) if share else None for share in shares],
            "text": [f"{share.covered}/{share.total}" if share else "" for share in shares],
            "hovertemplate": "%{fullData.name}: %{y}% (%{text})<extra></extra>",
        })
    return {
        "data": data,
        "layout": {
            # 1.234,5 in both UI languages (core/formats): Plotly's `separators` is "<decimal><thousands>".
            "separators": f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}",
            "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
            "font": {"family": "system-ui, sans-serif"},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "legend": {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"},
            "xaxis": {"title": {"text": gettext("Year")}, "dtick": 1, "tickformat": "d", "automargin": True},
            "yaxis": {"title": {"text": gettext("Places meeting the criterion (%)")}, "range": [0, 105],
                      "automargin": True},
            "height": 360,
        },
    }
