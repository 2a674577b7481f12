from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from clusters import charts, selectors
from kelurahan.selectors import patbm_coverage


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
        },
    )
