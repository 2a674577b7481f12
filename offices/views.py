"""Pages of the office accounts. An operator's pages check on the server that the user is an operator and
that the question belongs to its office (another office's question is not found, whatever the URL); the
review and progress pages are DPMPPA's and the task force's, by model permission."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from clusters.models import Evaluation, QuestionScore
from clusters.services import QuestionScoresChanged, StageClosed
from core.caching import page_cache
from core.conflicts import BAD_REQUEST, CONFLICT, DATABASE_REFUSED, OK, write_refusals
from core.formsets import FORM_NOT_THE_PAGES, whole_number_or_none
from core.versions import EditConflict
from evidence import selectors as evidence_selectors
from evidence.forms import DocumentRemoveForm, DocumentTitleForm, DocumentVersionForm, EvidenceUploadForm
from evidence.models import EvidenceDocument
from evidence.services import DocumentRemoved, EvaluationFull
from evidence.views import file_response
from offices import charts, selectors, services
from offices.forms import AnswerForm, ReviewForm
from offices.models import AnswerReview
from planner.models import Office

ANSWER = "offices.answer_office_questions"
VIEW = "offices.view_answerreview"
REVIEW = "offices.change_answerreview"


def _refusal_message(refusal) -> str:
    return refusal.message({
        StageClosed: _("Nothing was saved: answers can be changed during the self-assessment only."),
        services.AnswerApproved: _("Nothing was saved: DPMPPA has approved this answer; it can no longer be "
                                   "changed here."),
        services.NotYourQuestion: _("Nothing was saved: this question is not one of your office's."),
        services.NothingToReview: _("Nothing was saved: the question has no score yet."),
        EditConflict: _("Nothing was saved: someone else changed this answer meanwhile. Its current state is "
                        "shown; try again."),
        EvaluationFull: _("Nothing was saved: the evaluation's evidence would exceed its size limit. Ask the "
                          "administrator."),
        DocumentRemoved: _("Nothing was saved: the document was removed meanwhile."),
    }) or str(DATABASE_REFUSED)


def operator_required(view):
    """The page is an operator's: the role's permission and an operator account of an active office."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        operator = selectors.operator_of(request.user) if request.user.has_perm(ANSWER) else None
        if operator is None or not operator.office.is_active:
            raise PermissionDenied
        request.operator = operator
        return view(request, *args, **kwargs)
    return wrapped


def _bad_request(request):
    return render(request, "offices/bad_request.html", {"refusal": FORM_NOT_THE_PAGES}, status=BAD_REQUEST)


def _evidence_counts(scores) -> dict[int, int]:
    rows = (EvidenceDocument.objects.current().filter(question_score__in=[score.pk for score in scores])
            .values("question_score_id").annotate(n=Count("pk")).values_list("question_score_id", "n"))
    return dict(rows)


@require_GET
@operator_required
def my_questions(request):
    """The operator's questions of the open evaluation, returned answers (with DPMPPA's note) first."""
    office = request.operator.office
    evaluation = selectors.open_evaluation()
    scores = selectors.office_question_scores(evaluation, office) if evaluation else []
    counts = _evidence_counts(scores)
    rows = [(score, selectors.review_of(score), counts.get(score.pk, 0)) for score in scores]
    returned = [row for row in rows if row[1] is not None and row[1].status == AnswerReview.Status.RETURNED]
    tally = selectors.office_progress(evaluation, office) if evaluation else None
    return render(request, "offices/my_questions.html", {
        "office": office, "evaluation": evaluation, "rows": rows, "returned": returned, "tally": tally,
        "without_questions": None if evaluation else selectors.latest_without_questions()})


@require_http_methods(["GET", "POST"])
@operator_required
def answer(request, year, pk):
    """One question of the operator's office: score, note and evidence files during the self-assessment;
    read-only once DPMPPA approved it."""
    office = request.operator.office
    evaluation = get_object_or_404(Evaluation, year=year)
    score = selectors.office_question_score(evaluation, office, pk)
    if score is None:
        raise Http404
    status = OK
    form, upload_form = None, None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "answer":
            form = AnswerForm(request.POST, question_score=score)
            if not form.is_valid() and ("version" in form.errors or "seen_score" in form.errors):
                return _bad_request(request)
            if form.is_valid():
                fields = form.changed_fields()
                if not fields:
                    messages.info(request, _("Nothing had changed."))
                    return redirect("offices:answer", year=year, pk=pk)
                data = form.cleaned_data
                with write_refusals() as refusal:
                    services.operator_answer_save(
                        operator=request.operator, question_score=score, version=data["version"],
                        score=data["score"], evidence=data["evidence"], fields=fields,
                        seen_score=data["seen_score"], seen_evidence=data["seen_evidence"] or "", user=request.user)
                if not refusal:
                    messages.success(request, _("Answer saved; DPMPPA will review it."))
                    return redirect("offices:answer", year=year, pk=pk)
                if refusal.of(QuestionScoresChanged):
                    form = None  # the other person's answer is shown
                messages.error(request, _refusal_message(refusal))
                status = CONFLICT
        elif action == "evidence":
            upload_form = EvidenceUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                with write_refusals() as refusal:
                    documents = services.operator_evidence_add(
                        operator=request.operator, question_score=score, uploads=upload_form.uploads(),
                        user=request.user)
                if not refusal:
                    messages.success(request, ngettext("%(count)s document added.", "%(count)s documents added.",
                                                       len(documents)) % {"count": len(documents)})
                    return redirect("offices:answer", year=year, pk=pk)
                upload_form.add_error(None, _refusal_message(refusal))
                status = CONFLICT
        else:
            return _bad_request(request)
        evaluation.refresh_from_db()
        score = selectors.office_question_score(evaluation, office, pk)
    review = selectors.review_of(score)
    editable = evaluation.is_self_assessment_open and not (
        review is not None and review.status == AnswerReview.Status.APPROVED)
    documents = evidence_selectors.documents_with_versions(
        EvidenceDocument.objects.current().filter(question_score=score).order_by("created_at", "pk"))
    context = {
        "evaluation": evaluation, "office": office, "score": score, "review": review, "editable": editable,
        "form": form or AnswerForm(question_score=score), "upload_form": upload_form or EvidenceUploadForm(),
        "documents": documents, "offices": selectors.offices_of(score), "history": selectors.review_history(score),
        "max_file": settings.EVIDENCE_MAX_FILE_BYTES,
    }
    return render(request, "offices/answer.html", context, status=status)


@require_GET
@operator_required
def operator_file(request, year, pk):
    """A file of one of the operator's office's questions (no other: not found)."""
    evaluation = get_object_or_404(Evaluation, year=year)
    version = evidence_selectors.evaluation_file(evaluation, pk)
    if version is None or version.document.question_score_id is None or selectors.office_question_score(
            evaluation, request.operator.office, version.document.question_score_id) is None:
        raise Http404
    return file_response(version, attachment=request.GET.get("unduh") == "1")


def _operator_document_or_404(request, evaluation, pk):
    """Document `pk` of `evaluation` on a question of the operator's office (not found otherwise: another
    office's document, another year's, an indicator's document, or one already removed)."""
    document = evidence_selectors.evaluation_document(evaluation, pk)
    if (document is None or document.is_removed or document.question_score_id is None
            or selectors.office_question_score(evaluation, request.operator.office,
                                               document.question_score_id) is None):
        raise Http404
    return document


@require_http_methods(["GET", "POST"])
@operator_required
def operator_document(request, year, pk):
    """A document of one of the operator's office's questions: its versions, and during the self-assessment,
    while DPMPPA has not approved the answer, a new title, a new version or its removal (all through
    `evidence.services`; nothing is deleted, every version stays in the history)."""
    evaluation = get_object_or_404(Evaluation, year=year)
    document = _operator_document_or_404(request, evaluation, pk)
    score = document.question_score
    status = OK
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        common = {"operator": request.operator, "document": document, "user": request.user}
        if action == "title":
            form = forms["title_form"] = DocumentTitleForm(request.POST)
            write = lambda: services.operator_document_retitle(  # noqa: E731
                title=form.cleaned_data["title"], version=form.cleaned_data["version"], **common)
            done = _("Title saved.")
        elif action == "version":
            form = forms["version_form"] = DocumentVersionForm(request.POST, request.FILES)
            write = lambda: services.operator_document_version_add(  # noqa: E731
                upload=form.cleaned_data["file"], version=form.cleaned_data["version"], **common)
            done = _("New version saved; the earlier one stays in the history.")
        elif action == "remove":
            form = DocumentRemoveForm(request.POST)
            write = lambda: services.operator_document_remove(  # noqa: E731
                version=form.cleaned_data["version"], **common)
            done = _("“%(title)s” removed from the answer; it stays in the history.") % {"title": document.title}
        else:
            return _bad_request(request)
        if not form.is_valid():
            if "version" in form.errors:  # a hidden field the page wrote: not the user's to correct
                return _bad_request(request)
        else:
            with write_refusals() as refusal:
                write()
            if not refusal:
                messages.success(request, done)
                if action == "remove":
                    return redirect("offices:answer", year=year, pk=score.pk)
                return redirect("offices:document", year=year, pk=pk)
            messages.error(request, _refusal_message(refusal))
            status = CONFLICT
            forms = {}
            evaluation.refresh_from_db()
            document = evidence_selectors.evaluation_document(evaluation, pk)
            if document.is_removed:
                return redirect("offices:answer", year=year, pk=score.pk)
    review = selectors.review_of(score)
    editable = evaluation.is_self_assessment_open and not (
        review is not None and review.status == AnswerReview.Status.APPROVED)
    view = evidence_selectors.document_view(document)
    context = {
        "evaluation": evaluation, "office": request.operator.office, "score": score, "document": document,
        "view": view, "editable": editable, "review": review,
        "version_form": forms.get("version_form") or DocumentVersionForm(initial={"version": document.version}),
        "title_form": forms.get("title_form") or DocumentTitleForm(
            initial={"title": document.title, "version": document.version}),
        "remove_form": DocumentRemoveForm(initial={"version": document.version}),
        "history": evidence_selectors.document_history(view),
    }
    return render(request, "offices/document.html", context, status=status)


def _office_id(request) -> int | None:
    """The office chosen by `?kantor=` (None when none or not an id)."""
    chosen = whole_number_or_none(request.GET.get("kantor", ""))
    return chosen if chosen and chosen < 2 ** 31 else None


def _evaluation(year) -> Evaluation:
    return get_object_or_404(Evaluation, year=year)


@require_GET
@permission_required(VIEW, raise_exception=True)
def review_list(request, year):
    """An office's answers to review (`?kantor=<office id>`), or the offices to choose from."""
    evaluation = _evaluation(year)
    progress = selectors.progress(evaluation)
    chosen = _office_id(request)
    office = Office.objects.filter(pk=chosen, is_active=True).first() if chosen else None
    rows = []
    if office is not None:
        scores = selectors.office_question_scores(evaluation, office)
        counts = _evidence_counts(scores)
        rows = [(score, selectors.review_of(score), counts.get(score.pk, 0)) for score in scores]
    return render(request, "offices/review_list.html", {
        "evaluation": evaluation, "progress": progress, "office": office, "rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def review(request, year, pk):
    """One answer: DPMPPA approves it or returns it with a note (during the self-assessment)."""
    evaluation = _evaluation(year)
    score = get_object_or_404(QuestionScore.objects.select_related("question", "self_assessment__indicator"),
                              pk=pk, self_assessment__evaluation=evaluation)
    can_review = request.user.has_perm(REVIEW)
    status = OK
    review_row = selectors.review_of(score)
    form = None
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        form = ReviewForm(request.POST)
        if not form.is_valid() and ("version" in form.errors or "action" in form.errors):
            return _bad_request(request)
        if form.is_valid():
            approve = form.cleaned_data["action"] == ReviewForm.APPROVE
            with write_refusals() as refusal:
                services.answer_review(question_score=score, approve=approve, note=form.cleaned_data["note"],
                                       version=form.cleaned_data["version"], user=request.user)
            if not refusal:
                messages.success(request, _("Answer approved.") if approve else _("Answer returned to the office."))
                office = _office_id(request)
                back = reverse("offices:review-list", args=[year])
                return redirect(f"{back}?kantor={office}" if office else reverse("offices:review", args=[year, pk]))
            messages.error(request, _refusal_message(refusal))
            status = CONFLICT
            evaluation.refresh_from_db()
            score.refresh_from_db()
            review_row = AnswerReview.objects.filter(question_score=score).first()
            form = None
    documents = evidence_selectors.documents_with_versions(
        EvidenceDocument.objects.current().filter(question_score=score).order_by("created_at", "pk"))
    context = {
        "evaluation": evaluation, "score": score, "review": review_row, "documents": documents,
        "offices": selectors.offices_of(score), "history": selectors.review_history(score),
        "can_review": can_review and evaluation.is_self_assessment_open and score.score is not None,
        "form": form or ReviewForm(initial={"version": review_row.version if review_row else 0}),
        "office_id": _office_id(request) or "",
    }
    return render(request, "offices/review.html", context, status=status)


@require_GET
@permission_required(VIEW, raise_exception=True)
def progress(request, year):
    """Who is behind: per office, questions assigned, answered, with evidence, approved, returned and the points
    at stake in the unanswered ones, as a chart and a table with the same numbers. The body is cached per data
    version of what it shows (scores, evidence, reviews and deadlines, offices), language, permission and day;
    the numbers are read only when that cache misses, so a write shows at once."""
    today = timezone.localdate()  # whether the deadline has passed changes with the day
    cached = page_cache(request, "offices-progress", domains=("clusters", "evidence", "offices", "planner"),
                        permissions=(VIEW,), vary=(year, today))
    evaluation = get_object_or_404(Evaluation.objects.select_related("instrument"), year=year)
    return render(request, "offices/progress.html", {
        "evaluation": evaluation, "page_cache": cached,
        "body": SimpleLazyObject(lambda: _progress_body(evaluation, today))})


def _progress_body(evaluation, today) -> dict:
    """What the progress page's body shows, read only when its cache misses."""
    result = selectors.progress(evaluation, today=today)
    return {"progress": result, "figure": charts.progress_figure(result) if result.offices else None}
