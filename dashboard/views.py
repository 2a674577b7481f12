"""The home page and the printable report: thin views over the dashboard's selectors and charts."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from clusters.models import Evaluation
from clusters.selectors import deduction_reasons, verification_overview
from core.caching import page_cache, render_page
from dashboard import charts, selectors
from evidence.selectors import evidence_shares
from kelurahan import charts as kelurahan_charts
from kelurahan.selectors import coverage_totals, patbm_coverage
from offices import charts as office_charts
from offices import selectors as office_selectors


@require_GET
def home(request):
    """The dashboard: the latest result, the gap to Nindya, five charts and PATBM coverage. An office's
    operator, who reads none of it, is sent to its questions.

    The template caches its body per data version, language and the permissions it shows links for;
    the figures are computed lazily, only when that cache misses. The whole page is kept per user too
    (`render_page`): the page read most is one cache read.
    """
    if not request.user.has_perm("clusters.view_evaluation"):
        if request.user.has_perm("offices.answer_office_questions"):
            return redirect("offices:my-questions")
        raise PermissionDenied
    cached = page_cache(request, "dashboard", domains=("clusters", "kelurahan", "evidence"),
                        permissions=("clusters.add_evaluation", "clusters.add_fielddeduction", "kelurahan.view_patbm",
                                     "dekela.view_criterionstatus"))
    dashboard = SimpleLazyObject(selectors.dashboard)
    return render_page(
        request,
        "dashboard/home.html",
        {
            "page_cache": cached,
            "dashboard": dashboard,
            "summaries": SimpleLazyObject(lambda: list(reversed(dashboard.evaluations))),
            "charts": SimpleLazyObject(lambda: charts.dashboard_charts(dashboard)),
            "coverage": SimpleLazyObject(lambda: patbm_coverage(cached.version_of("kelurahan"))),
            # While a self-assessment is open: the share of its answers with evidence, by year.
            "evidence_shares": SimpleLazyObject(lambda: _evidence_shares(dashboard)),
        },
        cached,
    )


def _evidence_shares(dashboard) -> dict:
    """{year: share of answers with evidence} for the years whose self-assessment is open (one query, none
    when no year is open)."""
    open_years = {item.evaluation.pk: item.year for item in dashboard.provisional
                  if item.evaluation.is_self_assessment_open}
    if not open_years:
        return {}
    return {open_years[pk]: share for pk, share in evidence_shares(open_years).items()}


@require_GET
@permission_required("clusters.view_evaluation", raise_exception=True)
def evaluation_report(request, year):
    """A printable report of one evaluation for the task force's coordination meeting: the
    dashboard as it stood for that year, the evaluation's losses with the jurors' reasons, and
    PATBM coverage per kecamatan today. Its body is cached per data version, language, permission and
    day (it says the date); the header and footer give the time of each request."""
    cached = page_cache(request, "evaluation-report", domains=("clusters", "evidence", "kelurahan", "offices"),
                        permissions=("clusters.change_selfassessment",), vary=(year, timezone.localdate()))
    evaluation = get_object_or_404(Evaluation.objects.select_related("instrument"), year=year)
    report = SimpleLazyObject(lambda: _report(evaluation))
    # Read only inside the cached body, like the report itself.
    has_scores = SimpleLazyObject(lambda: evaluation.self_assessments.filter(score__isnull=False).exists())
    # Read apart from the rest: before any answer the offices' progress is what the task force needs most.
    offices = SimpleLazyObject(lambda: _offices_report(evaluation))
    context = {"evaluation": evaluation, "page_cache": cached, "report": report, "has_scores": has_scores,
               "offices_report": offices, "generated_at": timezone.localtime()}
    return render(request, "dashboard/evaluation_report.html", context)


def _report(evaluation) -> dict:
    """What the report's body shows, read only when its cache misses."""
    dashboard = selectors.dashboard(up_to_year=evaluation.year)
    item = dashboard.summary_for(evaluation.year)
    coverage = coverage_totals(timeline=False)  # counted by the database: no kelurahan is read
    shown = selectors.report_kecamatan(coverage.kecamatan)
    report_charts = charts.dashboard_charts(dashboard, focus=item)
    reasons = deduction_reasons(evaluation) if item.has_field_result else {}
    return {
        "dashboard": dashboard,
        "item": item,
        "charts": report_charts,
        # Each indicator that lost points (this year or in the field result before) with the jurors' reasons.
        "loss_rows": [(change, name, reasons.get(change.number, [])) for change, name in report_charts.loss_indicators],
        "coverage": coverage,
        "report_kecamatan": shown,
        "kecamatan_figure": kelurahan_charts.kecamatan_figure(
            {item.name: item.coverage for item in shown.kecamatan}) if shown.kecamatan else None,
        "verification": verification_overview(evaluation, item.summary.self_assessment),
    }


def _offices_report(evaluation) -> dict:
    """Issue 19: how far each office is with its questions (none on the 2019-era framework), shown on the
    report with or without self-assessment scores; read only when its cache misses."""
    progress = office_selectors.progress(evaluation)
    return {"progress": progress,
            "figure": office_charts.progress_figure(progress) if progress.offices else None}
