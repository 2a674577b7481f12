"""Evidence pages: thin views over `selectors` (reads) and `services` (writes). Files are sent only by
`file_download`, after the permission check, never as public static files."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from clusters import selectors as cluster_selectors
from clusters.models import Evaluation, QuestionScore
from clusters.services import StageClosed
from core.conflicts import BAD_REQUEST, CONFLICT, DATABASE_REFUSED, OK, write_refusals
from core.formsets import FORM_NOT_THE_PAGES, whole_number_or_none
from core.versions import EditConflict
from evidence import exports, selectors, services
from evidence.forms import DocumentRemoveForm, DocumentTitleForm, DocumentVersionForm, EvidenceUploadForm

VIEW = "evidence.view_evidencedocument"
ADD = "evidence.add_evidencedocument"
CHANGE = "evidence.change_evidencedocument"


def _refusal_message(refusal) -> str:
    return refusal.message({
        StageClosed: _("Nothing was saved: evidence can be changed during the self-assessment only."),
        EditConflict: _("Nothing was saved: someone else changed this document meanwhile. Its current state is "
                        "shown; try again."),
        services.DocumentRemoved: _("Nothing was saved: the document was removed meanwhile."),
        services.EvaluationFull: lambda error: _(
            "Nothing was saved: the evaluation's evidence would exceed %(limit)s (%(stored)s stored now). Ask the "
            "administrator to raise EVIDENCE_MAX_EVALUATION_BYTES.") % {
            "limit": filesizeformat(settings.EVIDENCE_MAX_EVALUATION_BYTES), "stored": filesizeformat(error.stored)},
    }) or str(DATABASE_REFUSED)


def _evaluation(year) -> Evaluation:
    return get_object_or_404(Evaluation.objects.select_related("instrument"), year=year)


@require_GET
@permission_required(VIEW, raise_exception=True)
def evidence_overview(request, year):
    """How complete the evaluation's evidence is, per group, indicator and responsible agency."""
    evaluation = _evaluation(year)
    context = {"evaluation": evaluation, "completeness": selectors.completeness(evaluation),
               "can_upload": request.user.has_perm(ADD)}
    return render(request, "evidence/overview.html", context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def evidence_missing(request, year):
    """The answers still without evidence, grouped by indicator, for the task force to print; `?opd=` keeps
    those of one responsible agency (the list handed to that office)."""
    evaluation = _evaluation(year)
    completeness = selectors.completeness(evaluation)
    agencies = completeness.agency_names
    agency = request.GET.get("opd", "")
    agency = agency if agency in agencies else ""  # an unknown name shows the whole list
    return render(request, "evidence/missing.html", {
        "evaluation": evaluation, "completeness": completeness, "missing": completeness.missing_of(agency),
        "agencies": agencies, "agency": agency})


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def indicator_evidence(request, year, code):
    """One indicator's answers with their documents; staff upload files to an answer during the
    self-assessment (a POST names the answer: a question score of this indicator, or none on the
    2019-era framework)."""
    evaluation = _evaluation(year)
    row = cluster_selectors.indicator_self_assessment(evaluation, code)
    if row is None:
        raise Http404
    can_upload = request.user.has_perm(ADD) and evaluation.is_self_assessment_open
    status, failed_answer, form = OK, None, None
    if request.method == "POST":
        if not request.user.has_perm(ADD):
            raise PermissionDenied
        answer_id = request.POST.get("answer", "")
        question_score = None
        if row.scored_by_questions:
            question_score = QuestionScore.objects.filter(
                pk=whole_number_or_none(answer_id) or 0, self_assessment=row).select_related("question").first()
            if question_score is None:
                return _bad_request(request)
        form = EvidenceUploadForm(request.POST, request.FILES)
        failed_answer = question_score.pk if question_score else "indicator"
        if form.is_valid():
            with write_refusals() as refusal:
                documents = services.evidence_add(self_assessment=row, question_score=question_score,
                                                  uploads=form.uploads(), user=request.user)
            if not refusal:
                messages.success(request, ngettext("%(count)s document added.", "%(count)s documents added.",
                                                   len(documents)) % {"count": len(documents)})
                return redirect(reverse("evidence:indicator-evidence", args=[year, row.indicator.code])
                                + f"#{selectors.answer_anchor(question_score)}")
            form.add_error(None, _refusal_message(refusal))
            status = CONFLICT
            evaluation.refresh_from_db()
            can_upload = evaluation.is_self_assessment_open
    answers = selectors.indicator_evidence(row)
    context = {"evaluation": evaluation, "row": row, "indicator": row.indicator, "answers": answers,
               "can_upload": can_upload, "failed_answer": failed_answer, "failed_form": form,
               "empty_form": EvidenceUploadForm(),
               "max_file": settings.EVIDENCE_MAX_FILE_BYTES}
    return render(request, "evidence/indicator.html", context, status=status)


def _bad_request(request):
    """A form that is not the page's (another indicator's answer, a damaged hidden field): nothing saved."""
    return render(request, "evidence/bad_request.html", {"refusal": FORM_NOT_THE_PAGES}, status=BAD_REQUEST)


def _document_page(request, evaluation, document, *, status=OK, version_form=None, title_form=None):
    view = selectors.document_view(document)
    editable = request.user.has_perm(CHANGE) and evaluation.is_self_assessment_open and not document.is_removed
    context = {
        "evaluation": evaluation, "document": document, "view": view, "editable": editable,
        "version_form": version_form or DocumentVersionForm(initial={"version": document.version}),
        "title_form": title_form or DocumentTitleForm(initial={"title": document.title, "version": document.version}),
        "history": selectors.document_history(view),
    }
    return render(request, "evidence/document.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def document_detail(request, year, pk):
    """A document: preview of its current version, every version, and (staff, self-assessment) a new
    version or a new title."""
    evaluation = _evaluation(year)
    document = selectors.evaluation_document(evaluation, pk)
    if document is None:
        raise Http404
    if request.method != "POST":
        return _document_page(request, evaluation, document)
    if not request.user.has_perm(CHANGE):
        raise PermissionDenied
    action = request.POST.get("action")
    if action == "version":
        form = DocumentVersionForm(request.POST, request.FILES)
        forms = {"version_form": form}
        write = lambda: services.evidence_version_add(  # noqa: E731
            document=document, upload=form.cleaned_data["file"], version=form.cleaned_data["version"],
            user=request.user)
        done = _("New version saved; the earlier one stays in the history.")
    elif action == "title":
        form = DocumentTitleForm(request.POST)
        forms = {"title_form": form}
        write = lambda: services.evidence_retitle(  # noqa: E731
            document=document, title=form.cleaned_data["title"], version=form.cleaned_data["version"],
            user=request.user)
        done = _("Title saved.")
    else:
        return _bad_request(request)
    if not form.is_valid():
        if "version" in form.errors:  # a hidden field the page wrote: not the user's to correct
            return _bad_request(request)
        return _document_page(request, evaluation, document, **forms)
    with write_refusals() as refusal:
        write()
    if not refusal:
        messages.success(request, done)
        return redirect("evidence:document", year=year, pk=pk)
    messages.error(request, _refusal_message(refusal))
    evaluation.refresh_from_db()
    document = selectors.evaluation_document(evaluation, pk)
    return _document_page(request, evaluation, document, status=CONFLICT)


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE, raise_exception=True)
def document_remove(request, year, pk):
    """Asks first; removing hides the document from the answer and keeps it, with its versions, in the
    history."""
    evaluation = _evaluation(year)
    document = selectors.evaluation_document(evaluation, pk)
    if document is None:
        raise Http404
    back = (reverse("evidence:indicator-evidence", args=[year, document.self_assessment.indicator.code])
            + f"#{selectors.answer_anchor(document.question_score)}")
    status = OK
    form = DocumentRemoveForm(request.POST or None, initial={"version": document.version})
    if request.method == "POST":
        if not form.is_valid():
            return _bad_request(request)
        with write_refusals() as refusal:
            services.evidence_remove(document=document, version=form.cleaned_data["version"], user=request.user)
        if not refusal:
            messages.success(request, _("“%(title)s” removed from the answer; it stays in the history.")
                             % {"title": document.title})
            return redirect(back)
        messages.error(request, _refusal_message(refusal))
        status = CONFLICT
        evaluation.refresh_from_db()
        document = selectors.evaluation_document(evaluation, pk)
        form = DocumentRemoveForm(initial={"version": document.version})
    context = {"evaluation": evaluation, "document": document, "form": form, "back": back,
               "open": evaluation.is_self_assessment_open and not document.is_removed}
    return render(request, "evidence/document_remove.html", context, status=status)


def _file_headers(response, kind) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    # The file's own policy: nothing in it may run or load anything; only this app may frame it (preview).
    if kind.is_image:
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; frame-ancestors 'self'"
    elif kind.inline:  # PDF: shown by the browser's own viewer
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
    else:
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"


@require_GET
@permission_required(VIEW, raise_exception=True)
@xframe_options_sameorigin
def file_download(request, year, pk):
    """Sends one version's file: PDF and images inline (or as attachment with ?unduh=1), the rest as
    attachments, with the type decided at upload and never sniffed."""
    evaluation = _evaluation(year)
    version = selectors.evaluation_file(evaluation, pk)
    if version is None:
        raise Http404
    return file_response(version, attachment=request.GET.get("unduh") == "1")


def file_response(version, *, attachment: bool = False) -> FileResponse:
    """One version's file with its kind's headers, inline where the kind shows inline (PDF, images) unless
    `attachment`; for every view that sends an evidence file after its own permission check."""
    kind = version.file_kind
    response = FileResponse(version.file.open("rb"), content_type=kind.mime,
                            as_attachment=attachment or not kind.inline, filename=version.download_name)
    _file_headers(response, kind)
    return response


@require_GET
@permission_required(VIEW, raise_exception=True)
def file_thumbnail(request, year, pk):
    evaluation = _evaluation(year)
    version = selectors.evaluation_file(evaluation, pk)
    if version is None or not version.thumbnail:
        raise Http404
    response = FileResponse(version.thumbnail.open("rb"), content_type="image/jpeg")
    _file_headers(response, version.file_kind)
    return response


@require_GET
@permission_required(VIEW, raise_exception=True)
def evidence_zip(request, year):
    """The evaluation's current evidence as one ZIP for the ministry, streamed as it is written."""
    evaluation = _evaluation(year)
    entries = exports.zip_entries(evaluation)
    response = StreamingHttpResponse(exports.zip_stream(evaluation, entries), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="bukti-kla-{evaluation.year}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

