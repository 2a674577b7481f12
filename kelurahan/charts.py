"""Plotly figures of PATBM coverage, as plain dicts ({"data": [...], "layout": {...}}).

Built from the values in `kelurahan.coverage` / `kelurahan.selectors.CoverageReport`; drawn by
static/js/charts.js. Texts are translated when the function runs (inside a request).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.formats import get_format
from django.utils.translation import gettext

from kelurahan import coverage
from kelurahan.models import Patbm

# One colour per step: greys and ambers before terbentuk, greens from it on (covered).
STEP_COLORS = {1: "#ced4da", 2: "#ffe08a", 3: "#fdb44b", 4: "#f08c2e", 5: "#52b788", 6: "#1b7a4a"}
COVERED_COLOR, UNCOVERED_COLOR, TARGET_COLOR, NEUTRAL_COLOR = "#1b7a4a", "#ced4da", "#0d6efd", "#f1f3f5"


def _layout(**extra) -> dict:
    # 1.234,5 in both UI languages (core/formats): Plotly's `separators` is "<decimal><thousands>".
    layout = {
        "separators": f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}",
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "font": {"family": "system-ui, sans-serif"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
    }
    layout.update(extra)
    return layout


def kecamatan_figure(by_kecamatan: dict[str, coverage.Coverage]) -> dict:
    """Stacked horizontal bars per kecamatan: covered, then still without a PATBM (total = bar length)."""
    names = list(by_kecamatan)
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": gettext("Covered"),
                "y": names,
                "x": [by_kecamatan[name].covered for name in names],
                "marker": {"color": COVERED_COLOR},
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": gettext("Still without PATBM"),
                "y": names,
                "x": [by_kecamatan[name].remaining for name in names],
                "marker": {"color": UNCOVERED_COLOR},
            },
        ],
        "layout": _layout(
            barmode="stack",
            xaxis={"title": {"text": gettext("Kelurahan")}, "dtick": 2, "automargin": True},
            yaxis={"autorange": "reversed", "automargin": True},
            height=320,
        ),
    }


def timeline_figure(points: Sequence[coverage.CoveragePoint], total: int, today: dt.date) -> dict:
    """Cumulative covered kelurahan by date as a step line up to `today`, with the target as a line."""
    dates = [point.date.isoformat() for point in points]
    covered = [point.covered for point in points]
    if points and points[-1].date < today:
        dates.append(today.isoformat())
        covered.append(points[-1].covered)
    start = dates[0] if dates else today.isoformat()
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "line": {"shape": "hv", "color": COVERED_COLOR, "width": 3},
                "name": gettext("Kelurahan covered"),
                "x": dates,
                "y": covered,
            },
            {
                "type": "scatter",
                "mode": "lines",
                "line": {"dash": "dash", "color": TARGET_COLOR},
                "name": gettext("Target: every active kelurahan"),
                "x": [start, today.isoformat()],
                "y": [total, total],
            },
        ],
        "layout": _layout(
            # Day first on the axis and in the hover, as everywhere else (Plotly would write "Mar 31, 2027").
            xaxis={"type": "date", "automargin": True, "tickformat": "%d/%m/%Y", "hoverformat": "%d/%m/%Y"},
            yaxis={"title": {"text": gettext("Kelurahan")}, "rangemode": "tozero", "automargin": True},
            height=320,
        ),
    }


def pipeline_figure(counts: dict[int, int]) -> dict:
    """Bars: how many kelurahan stand at each step, in step order."""
    steps = list(counts)
    return {
        "data": [
            {
                "type": "bar",
                "x": [str(Patbm.Step(step).label) for step in steps],
                "y": [counts[step] for step in steps],
                "marker": {"color": [STEP_COLORS[step] for step in steps]},
                "text": [counts[step] for step in steps],
                "textposition": "auto",
                "name": gettext("Kelurahan"),
            }
        ],
        "layout": _layout(
            xaxis={"automargin": True},
            yaxis={"title": {"text": gettext("Kelurahan")}, "automargin": True},
            showlegend=False,
            height=320,
        ),
    }


def treemap_figure(rows: Sequence) -> dict:
    """Treemap city -> kecamatan -> kelurahan, each kelurahan coloured by its step.

    `rows` have `code`, `name`, `kecamatan_code`, `kecamatan_name` and `step` (e.g. `KelurahanStep`),
    ordered by kecamatan. Every kelurahan weighs 1, so a kecamatan's area is its kelurahan count.
    """
    root = gettext("All kelurahan")
    ids, labels, parents, values, colors, steps = ["root"], [root], [""], [len(rows)], [NEUTRAL_COLOR], [""]
    kecamatan_index: dict[str, int] = {}
    for row in rows:
        if row.kecamatan_code not in kecamatan_index:
            kecamatan_index[row.kecamatan_code] = len(ids)
            ids.append(f"kec-{row.kecamatan_code}")
            labels.append(row.kecamatan_name)
            parents.append("root")
            values.append(0)
            colors.append(NEUTRAL_COLOR)
            steps.append("")
        values[kecamatan_index[row.kecamatan_code]] += 1
        ids.append(f"kel-{row.code}")
        labels.append(row.name)
        parents.append(f"kec-{row.kecamatan_code}")
        values.append(1)
        colors.append(STEP_COLORS[row.step])
        steps.append(str(Patbm.Step(row.step).label))
    return {
        "data": [
            {
                "type": "treemap",
                "ids": ids,
                "labels": labels,
                "parents": parents,
                "values": values,
                "branchvalues": "total",
                "customdata": steps,
                "marker": {"colors": colors},
                "texttemplate": "%{label}<br>%{customdata}",
                "hovertemplate": "%{label}<br>%{customdata}<extra></extra>",
                "maxdepth": 3,
            }
        ],
        "layout": _layout(height=520),
    }
