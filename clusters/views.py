from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from clusters import charts, selectors
from kelurahan.selectors import patbm_coverage


def _url_if_exists(name: str) -> str | None:
    # The PATBM pages come with another issue; link to them once they exist.
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@permission_required("clusters.view_evaluation", raise_exception=True)
def home(request):
    """The dashboard: the latest result, the gap to Nindya, five charts and PATBM coverage."""
    dashboard = selectors.dashboard()
    return render(
        request,
        "clusters/home.html",
        {
            "dashboard": dashboard,
            "summaries": list(reversed(dashboard.evaluations)),
            "charts": charts.dashboard_charts(dashboard),
            "coverage": patbm_coverage(),
            "coverage_url": _url_if_exists("kelurahan:coverage"),
        },
    )
