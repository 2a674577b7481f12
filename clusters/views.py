from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from clusters.selectors import evaluation_summaries


@permission_required("clusters.view_evaluation", raise_exception=True)
def home(request):
    """Every evaluation with its totals, predicate and gap to Nindya, newest first."""
    return render(request, "clusters/home.html", {"summaries": evaluation_summaries()})
