from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusters.models import Evaluation
from clusters.services import QuestionScoresChanged, StageClosed
from core.caching import page_cache
from core.conflicts import DATABASE_REFUSED, WriteRefused, write_refusals
from core.imports import ImportRefused, TokenInvalid
from core.spreadsheets import download
from core.uploads import SpreadsheetUploadForm
from core.versions import EditConflict
from dekela import charts, imports, scoring, selectors, services
from dekela.exports import matrix_table
from dekela.forms import CriteriaRowForm, MatrixFilterForm
from dekela.models import Criterion, CriterionEvidence
from evidence.forms import EvidenceUploadForm
from evidence.views import file_response
from kelurahan.models import Kecamatan, Kelurahan

SCOPES = {Criterion.Scope.KELURAHAN: "dekela:matrix", Criterion.Scope.KECAMATAN: "dekela:kecamatan-matrix"}


def _year(year: int) -> int:
    """A year criteria can be recorded for: up to this year, or a later one that already has an evaluation."""
    if year not in selectors.YEARS or (year > timezone.localdate().year
                                       and not Evaluation.objects.filter(year=year).exists()):
        raise Http404
    return year


_MATRIX_CONTEXT = ("matrix", "filter_form", "query_string", "page_obj", "paginator", "is_paginated")


@require_GET
@permission_required("dekela.view_criterionstatus", raise_exception=True)
def matrix(request, year, scope):
    """Kelurahan (grouped by kecamatan, paged by kecamatan) or kecamatan by criteria for one year, each cell
    met / not met / unknown, filterable, with totals per kecamatan and for the city. Staff edit a row.
    Without a year (the links of the navigation, the dashboard and the kelurahan list), the latest
    evaluation's year (`selectors.default_year`).

    The body is cached (`{% page_body %}`) per data version of the criteria and the kelurahan, language,
    edit permission, year, scope and filters; the matrix is read only on a miss. A row is saved on its own
    page (`row_edit`), which is never cached, and its save changes the "dekela" version at once."""
    year = selectors.default_year() if year is None else _year(year)
    today = timezone.localdate()
    cached = page_cache(request, "dekela-matrix", domains=("dekela", "kelurahan"),
                        permissions=("dekela.change_criterionstatus",),
                        # The PATBM column of this year (or a later one) reads today's steps.
                        vary=(year, scope, sorted(request.GET.lists()), today if year >= today.year else ""))
    state = SimpleLazyObject(lambda: _matrix_context(request, year, scope))
    context = {name: SimpleLazyObject(partial(_context_value, state, name)) for name in _MATRIX_CONTEXT}
    return render(request, "dekela/matrix.html", {
        **context, "page_cache": cached, "year": year, "scope": scope,
        "can_edit": cached.can["change_criterionstatus"],
        "other_years": [other for other in (year - 1, year + 1) if other in selectors.YEARS],
        "is_kelurahan": scope == Criterion.Scope.KELURAHAN,
    })


def _context_value(state, name):
    return state[name]


def _matrix_context(request, year, scope) -> dict:
    criteria = list(Criterion.objects.for_scope(scope))
    filter_form = MatrixFilterForm(request.GET or None, criteria=criteria)
    # A filter in error (a status without its criterion) is left out and named at the top of the page;
    # the others still apply.
    filter_form.is_valid()
    filters = getattr(filter_form, "cleaned_data", {})
    result = selectors.matrix(
        year=year, scope=scope, kecamatan_id=filter_form.kecamatan_id() if filters else None,
        criterion_id=filters.get("criterion"), status=filters.get("status") or "", page=request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    return {"matrix": result, "filter_form": filter_form, "query_string": query.urlencode(),
            "page_obj": result.page, "paginator": result.page.paginator, "is_paginated": result.is_paged}


@permission_required("dekela.change_criterionstatus", raise_exception=True)
def row_edit(request, year, pk, scope):
    """One matrix row (a kelurahan or kecamatan in one year): every recorded criterion's status, date and
    note, saved at once; a row saved meanwhile by someone else is a 409 with the user's input kept."""
    year = _year(year)
    if scope == Criterion.Scope.KELURAHAN:
        place = get_object_or_404(Kelurahan.objects.select_related("kecamatan"), pk=pk)
        where = {"kelurahan": place}
    else:
        place = get_object_or_404(Kecamatan, pk=pk)
        where = {"kecamatan": place}
    back = f"{reverse(SCOPES[scope], args=[year])}?kecamatan={place.kecamatan_id if scope == 'kelurahan' else place.pk}"
    if not place.is_active:
        messages.error(request, _("%(place)s is inactive: its criteria cannot be changed.") % {"place": place})
        return redirect(back)
    criteria = [criterion for criterion in Criterion.objects.for_scope(scope) if criterion.is_recorded]
    statuses = selectors.row_statuses(year=year, criteria=criteria, **where)
    form = CriteriaRowForm(request.POST or None, criteria=criteria, statuses=statuses, year=year)
    status = 200
    if request.method == "POST":
        if not form.is_valid() and form.has_bad_version:
            return HttpResponseBadRequest(_("This form was changed outside its page. Reload the page."))
        if form.is_valid():
            with write_refusals() as refusal:
                count = services.criterion_statuses_save(year=year, changes=form.changes(), **where)
            if not refusal:
                saved = _("%(count)s criteria of %(place)s saved for %(year)s.") % {
                    "count": count, "place": place, "year": year}
                messages.success(request, saved if count else _("Nothing had changed."))
                return redirect(back)
            if refusal.of(EditConflict):
                form = _conflict_form(request.POST, criteria, year, where, refusal.error.pks)
            else:
                form.add_error(None, refusal.message({WriteRefused: str, IntegrityError: _(
                    "Someone else recorded these criteria at the same moment. Reload the page and save again.")}))
            status = refusal.status
    return render(request, "dekela/row_form.html", {
        "form": form, "place": place, "year": year, "scope": scope, "cancel_url": back,
        "evidence_counts": selectors.evidence_counts(year=year, **where),
        "patbm_criteria": [c for c in Criterion.objects.for_scope(scope) if not c.is_recorded],
    }, status=status)


def _conflict_form(data, criteria, year, where, pks) -> CriteriaRowForm:
    """The user's input kept, on the versions saved meanwhile, naming the criteria someone else changed."""
    statuses = selectors.row_statuses(year=year, criteria=criteria, **where)
    data = data.copy()
    for criterion in criteria:
        stored = statuses.get(criterion.pk)
        data[f"version_{criterion.pk}"] = str(stored.version) if stored else ""
    form = CriteriaRowForm(data, criteria=criteria, statuses=statuses, year=year)
    form.is_valid()
    changed = ", ".join(f"{c.short_name} ({statuses[c.pk].get_status_display() if c.pk in statuses else '—'})"
                        for c in criteria if c.pk in pks)
    form.add_error(None, _("Someone else saved these criteria while you were editing: %(criteria)s. Your input is "
                           "kept below: save again to replace their entry, or cancel to keep it.")
                   % {"criteria": changed})
    return form


@require_GET
@permission_required("dekela.view_criterionstatus", raise_exception=True)
@permission_required("clusters.view_selfassessment", raise_exception=True)
def suggestions(request, year):
    """The Kelana-Dekela questions of one evaluation: the share of kelurahan (kecamatan) meeting each
    criterion, the points it would give under the conversion rule, and a button to take them."""
    evaluation = get_object_or_404(Evaluation.objects.select_related("instrument"), year=year)
    return render(request, "dekela/suggestions.html", {
        "evaluation": evaluation, "suggestions": selectors.suggestions(evaluation), "rule": scoring.conversion_rule(),
        "can_take": evaluation.is_self_assessment_open and request.user.has_perm("clusters.change_selfassessment"),
    })


@require_POST
@permission_required("clusters.change_selfassessment", raise_exception=True)
def suggestion_take(request, year):
    """Writes one question's suggested points as its self-assessment score (through the clusters' service)."""
    evaluation = get_object_or_404(Evaluation, year=year)
    try:
        pk, version = int(request.POST.get("question_score", "")), int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponseBadRequest(_("This form was changed outside its page. Reload the page."))
    if request.POST.get("confirm") != "1":
        # A score already entered is replaced only once the user has seen it and its note (asked first).
        item = selectors.suggestion_for(evaluation, pk)
        if item is not None and item.question_score.score is not None and item.question_score.version == version:
            return render(request, "dekela/suggestion_confirm.html",
                          {"evaluation": evaluation, "item": item, "version": version})
    with write_refusals() as refusal:
        points = services.suggestion_take(evaluation=evaluation, question_score_pk=pk, version=version)
    if not refusal:
        messages.success(request, _("The suggested %(points)s points were taken.")
                         % {"points": number_format(points, 2)})
        return redirect("dekela:suggestions", year=year)
    message = refusal.message({
        QuestionScoresChanged: _("Someone else saved this question's score meanwhile: check it below and take the "
                                 "suggestion again if it still applies."),
        StageClosed: _("Scores can be changed only during the self-assessment stage."),
        WriteRefused: str,
        IntegrityError: DATABASE_REFUSED,
    })
    if isinstance(refusal.error, services.NoSuggestion):
        return HttpResponseBadRequest(message)
    return render(request, "dekela/suggestions.html", {
        "evaluation": evaluation, "suggestions": selectors.suggestions(evaluation), "rule": scoring.conversion_rule(),
        "can_take": evaluation.is_self_assessment_open, "error": message,
    }, status=refusal.status)



@require_GET
@permission_required("dekela.view_criterionstatus", raise_exception=True)
def matrix_export(request, year, scope, fmt):
    """The matrix of one year (every active place, each criterion's status) as XLSX or CSV."""
    year = _year(year)
    header, rows = matrix_table(year=year, scope=scope)
    return download(header, rows, file_stem=f"kriteria-{scope}-{year}", fmt=fmt, sheet_title=str(year))


@require_GET
@permission_required("dekela.view_criterionstatus", raise_exception=True)
def coverage_over_time(request):
    """Each criterion's share of active kelurahan (and kecamatan) meeting it, year by year."""
    tables = [selectors.coverage_over_time(Criterion.Scope.KELURAHAN),
              selectors.coverage_over_time(Criterion.Scope.KECAMATAN)]
    return render(request, "dekela/coverage.html", {
        "tables": [(table, charts.over_time_figure(table)) for table in tables],
    })


@permission_required("dekela.change_criterionstatus", raise_exception=True)
def matrix_import(request, year, scope):
    """Upload the matrix of one year (e.g. the exported one, edited); answers with a preview, writes nothing."""
    year = _year(year)
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    preview, token = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            preview = imports.matrix_preview(table=form.cleaned_data["table"], year=year, scope=scope,
                                             file_name=Path(form.cleaned_data["file"].name).name)
        except ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            token = imports.preview_token(preview) if preview.can_confirm else ""
    return render(request, "dekela/matrix_import.html", {
        "form": form, "preview": preview, "token": token, "year": year, "scope": scope})


@require_POST
@permission_required("dekela.change_criterionstatus", raise_exception=True)
def matrix_import_confirm(request, year, scope):
    """Applies a previewed matrix import: every row or none; refuses rows changed since the preview."""
    year = _year(year)
    with write_refusals(TokenInvalid) as refusal:
        file_name, saved = imports.matrix_import(token=request.POST.get("token", ""), year=year, scope=scope)
    if not refusal:
        messages.success(request, _("%(count)s rows imported from %(file)s.") % {"count": saved, "file": file_name})
        return redirect(SCOPES[scope], year=year)
    reason = refusal.message({
        TokenInvalid: _("Nothing was saved: the preview has expired or is not valid. Upload the file again."),
        imports.MatrixImportRefused: lambda refused: _(
            "Nothing was saved: the criteria of %(places)s changed after the preview. Upload the file again to see "
            "the current values.") % {"places": ", ".join(map(str, refused.places))},
    })
    return render(request, "dekela/matrix_import.html", {
        "form": SpreadsheetUploadForm(), "preview": None, "token": "", "refusal": reason, "year": year,
        "scope": scope}, status=refusal.status)


def _place(scope: str, pk: int):
    """The kelurahan or kecamatan of a row, and the keyword that names it to the selectors and services."""
    if scope == Criterion.Scope.KELURAHAN:
        place = get_object_or_404(Kelurahan.objects.select_related("kecamatan"), pk=pk)
        return place, {"kelurahan": place}
    place = get_object_or_404(Kecamatan, pk=pk)
    return place, {"kecamatan": place}


@require_http_methods(["GET", "POST"])
@permission_required("dekela.view_criterionstatus", raise_exception=True)
def criterion_evidence(request, year, pk, criterion_pk, scope):
    """The evidence documents of one criterion of one kelurahan (kecamatan) in one year: listed and downloaded
    by every role that reads the matrix; staff upload more (checked and stored as the questions' evidence).
    Nothing is deleted: a newer document is added beside the older ones."""
    year = _year(year)
    place, where = _place(scope, pk)
    criterion = get_object_or_404(Criterion.objects.for_scope(scope), pk=criterion_pk)
    may_upload = request.user.has_perm("dekela.change_criterionstatus")
    form, status = EvidenceUploadForm(), 200
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        form = EvidenceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            with write_refusals() as refusal:
                added = services.criterion_evidence_add(criterion=criterion, year=year, uploads=form.uploads(),
                                                        user=request.user, **where)
            if not refusal:
                messages.success(request, ngettext("%(count)s document added.", "%(count)s documents added.",
                                                   len(added)) % {"count": len(added)})
                return redirect(request.path)
            form.add_error(None, refusal.message({WriteRefused: str, IntegrityError: DATABASE_REFUSED}))
            status = refusal.status
    return render(request, "dekela/criterion_evidence.html", {
        "year": year, "scope": scope, "place": place, "criterion": criterion,
        "status": selectors.row_statuses(year=year, criteria=[criterion], **where).get(criterion.pk),
        "documents": CriterionEvidence.objects.of(criterion=criterion, year=year, **where),
        "form": form, "can_upload": may_upload and place.is_active, "max_file": settings.EVIDENCE_MAX_FILE_BYTES,
        "back": reverse("dekela:row-edit" if scope == Criterion.Scope.KELURAHAN else "dekela:kecamatan-row-edit",
                        args=[year, place.pk]) if may_upload else reverse(SCOPES[scope], args=[year]),
    }, status=status)


@require_GET
@permission_required("dekela.view_criterionstatus", raise_exception=True)
@xframe_options_sameorigin
def criterion_evidence_file(request, year, pk):
    """Sends one criterion evidence document with the evidence app's headers (PDF and images inline unless
    ?unduh=1)."""
    document = get_object_or_404(CriterionEvidence, pk=pk, year=year)
    return file_response(document, attachment=request.GET.get("unduh") == "1")
