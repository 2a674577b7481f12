from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clusters.selectors import evaluation_summaries


@login_required
def home(request):
    """Every evaluation with its totals, predicate and gap to Nindya, newest first."""
    return render(request, "clusters/home.html", {"summaries": evaluation_summaries()})
