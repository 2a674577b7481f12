"""The "who is behind" chart, a plain Plotly dict (drawn by static/js/charts.js) from `selectors.progress`."""

from __future__ import annotations

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from offices.selectors import Progress

APPROVED_COLOUR = "#2f9e44"
WAITING_COLOUR = "#74c0fc"
RETURNED_COLOUR = "#e8590c"
UNANSWERED_COLOUR = "#dee2e6"


def progress_figure(progress: Progress) -> dict:
    """One horizontal stacked bar per office: approved, answered and waiting for review, returned, unanswered
    (the same numbers as the table beside it). The office furthest behind is at the top."""
    offices = list(reversed(progress.offices))
    names = [tally.office.name + (" ⚠" if tally.behind else "") for tally in offices]

    def trace(name, values, colour):
        return {"type": "bar", "orientation": "h", "name": name, "y": names, "x": values,
                "marker": {"color": colour}, "hovertemplate": "%{y}: %{x}<extra>" + name + "</extra>"}

    return {
        "data": [
            trace(_("approved"), [t.approved for t in offices], APPROVED_COLOUR),
            trace(_("answered, not reviewed"), [max(t.answered - t.approved - t.returned, 0) for t in offices],
                  WAITING_COLOUR),
            trace(_("returned"), [t.returned for t in offices], RETURNED_COLOUR),
            trace(_("unanswered"), [t.unanswered for t in offices], UNANSWERED_COLOUR),
        ],
        "layout": {
            "title": {"text": _("Questions per office"), "x": 0, "xanchor": "left", "font": {"size": 14}},
            "barmode": "stack", "height": max(220, 60 + 34 * len(offices)),
            "margin": {"l": 8, "r": 8, "t": 80, "b": 8},
            "separators": f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}",
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "legend": {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom"},
            "xaxis": {"title": {"text": _("questions")}, "automargin": True},
            "yaxis": {"automargin": True},
        },
    }
