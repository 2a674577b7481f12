"""Pages of the evaluation: thin views that read through selectors and write through services."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clusters import exports, imports, scoring, selectors, services, verifications
from clusters.forms import (
    DeductionForm,
    EvaluationCreateForm,
    QuestionScoreFormSet,
    SelfAssessmentFormSet,
    StageForm,
    VerifiedScoreFormSet,
)
from clusters.models import Cluster, Evaluation, FieldDeduction, QuestionScore, SelfAssessment
from clusters.selectors import evaluation_summaries
from core.caching import page_cache
from core.conflicts import BAD_REQUEST, CONFLICT, OK, write_refusals
from core.formsets import FORM_NOT_THE_PAGES, formset_is_the_pages, formset_refused, whole_number_or_none
from core.spreadsheets import download
from core.uploads import SpreadsheetUploadForm
from core.versions import EditConflict

# The database's trigger refused the deduction (a score changed meanwhile under the form's check).
DEDUCTIONS_ABOVE_SCORE = gettext_lazy("Nothing was saved: deductions may not exceed the self-assessment score.")


@require_GET
@permission_required("clusters.view_evaluation", raise_exception=True)
def evaluation_list(request):
    """The evaluation years with final score, predicate and stage."""
    return render(request, "clusters/evaluation_list.html", {"summaries": evaluation_summaries()})


@permission_required("clusters.add_evaluation", raise_exception=True)
def evaluation_create(request):
    """Creates next year's evaluation on the chosen instrument, with its indicators, questions and maxima,
    after asking: only a POST confirming the year the page showed creates it (a second click, or a year
    created meanwhile, does not)."""
    year = services.evaluation_next_year(first_year=timezone.localdate().year)
    status = OK
    form = EvaluationCreateForm(request.POST or None)
    if request.method == "POST":
        confirmed = whole_number_or_none(request.POST.get("confirm_year"))
        if confirmed == year and form.is_valid():
            with write_refusals() as refusal:
                evaluation = services.evaluation_create(year=year, instrument=form.cleaned_data["instrument"],
                                                        target=form.cleaned_data["target"])
            if not refusal:
                messages.success(request, _("The %(year)s evaluation was created.") % {"year": evaluation.year})
                return redirect("clusters:evaluation-detail", year=evaluation.year)
            # The same year was created by another request a moment ago: ask about the next one.
            year = services.evaluation_next_year(first_year=year)
            status = refusal.status
        elif confirmed == year:
            status = BAD_REQUEST  # no such instrument: the form says so beside the choice
        else:
            status = BAD_REQUEST if confirmed is None else CONFLICT  # CONFLICT: another year was asked about
    latest = Evaluation.objects.latest_first().first()
    instruments = selectors.instrument_choices(form.fields["instrument"].queryset)
    context = {"year": year, "latest": latest, "form": form, "instruments": instruments,
               "refused": status != OK}
    return render(request, "clusters/evaluation_create.html", context, status=status)


@require_GET
@permission_required("clusters.view_selfassessment", raise_exception=True)
def evaluation_detail(request, year):
    """One evaluation's scores by cluster. The template caches the body per data version, language and
    the permissions it shows links for; the scores are read lazily, only when that cache misses."""
    cached = page_cache(request, "evaluation-detail", domains=("clusters",), vary=(year,),
                        permissions=("clusters.change_evaluation", "clusters.change_selfassessment"))
    evaluation = get_object_or_404(Evaluation.objects.select_related("instrument"), year=year)
    context = {
        "page_cache": cached,
        "evaluation": evaluation,
        "detail": SimpleLazyObject(lambda: selectors.evaluation_detail(evaluation)),
    }
    return render(request, "clusters/evaluation_detail.html", context)


@permission_required("clusters.change_evaluation", raise_exception=True)
def evaluation_stage(request, year):
    """Admins move an evaluation between stages; reopening a final one is recorded with its reason."""
    evaluation = get_object_or_404(Evaluation, year=year)
    form = StageForm(request.POST or None, evaluation=evaluation)
    if request.method == "POST" and form.is_valid():
        services.evaluation_stage_change(
            evaluation=evaluation, stage=form.cleaned_data["stage"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The stage was changed."))
        return redirect("clusters:evaluation-detail", year=year)
    changes = selectors.stage_history(evaluation)
    return render(request, "clusters/evaluation_stage.html", {"evaluation": evaluation, "form": form,
                                                              "changes": changes})


def _user_changed_field(data, prefix, name) -> bool:
    """Whether the submitted `name` differs from the value the form showed (read as the form reads both)."""
    fields = SelfAssessmentFormSet.form.base_fields  # the question form reads both fields the same way
    try:
        return (fields[name].clean(data.get(f"{prefix}-{name}", ""))
                != fields[f"seen_{name}"].clean(data.get(f"{prefix}-seen_{name}", "")))
    except ValidationError:
        return True  # unreadable input is the user's: keep it so they see the error


def _with_conflicts(formset_data, queryset, stale_pks, formset_class=SelfAssessmentFormSet):
    """A formset that keeps the user's input but is based on the rows' current versions, with
    `form.conflict` set to the other person's newest save on each row changed meanwhile."""
    data = formset_data.copy()
    current = {row.pk: row for row in queryset}
    latest = selectors.last_changes(queryset.model, stale_pks)
    for index in range(int(data.get("form-TOTAL_FORMS") or 0)):
        prefix = f"form-{index}"
        pk = int(data.get(f"{prefix}-id") or 0)
        if pk in stale_pks and pk in current:
            row = current[pk]
            # A field the user left alone shows the other person's value, so saving again cannot undo it.
            for name, stored in (("score", row.score), ("evidence", row.evidence)):
                if not _user_changed_field(data, prefix, name):
                    data[f"{prefix}-{name}"] = "" if stored is None else str(stored)
            data[f"{prefix}-version"] = row.version
            data[f"{prefix}-seen_score"] = "" if row.score is None else str(row.score)
            data[f"{prefix}-seen_evidence"] = row.evidence
            data[f"{prefix}-take_theirs"] = ""
    formset = formset_class(data, queryset=queryset)
    formset.is_valid()
    for form in formset.forms:
        if form.instance.pk in stale_pks:
            form.conflict = latest.get(form.instance.pk)
    return formset


def _score_formset_save(request, evaluation, formset_class, rows, *, save, saved_message):
    """The save flow of both score pages (a cluster's indicators, an indicator's questions): a posted
    formset that is not the page's is a 400; in the self-assessment stage the rows the user changed are
    saved by `save` all or nothing, else the formset comes back with the conflicts marked or the reason.
    `rows()` reads the page's rows, only when the page is not served from its cache. Returns (formset, status,
    saved)."""
    if request.method != "POST":
        return SimpleLazyObject(lambda: formset_class(queryset=rows())), OK, False
    queryset = rows()
    if not formset_is_the_pages(request.POST, pks=[row.pk for row in queryset]):
        return formset_refused(formset_class(queryset=queryset)), BAD_REQUEST, False
    if not evaluation.is_self_assessment_open:
        return formset_class(queryset=queryset), CONFLICT, False  # the stage is closed: the page says why
    formset = formset_class(request.POST, queryset=queryset)
    if not formset.is_valid():
        return formset, OK, False
    changes = [form.to_change() for form in formset.forms
               if form.user_changed() and not form.cleaned_data["take_theirs"]]
    with write_refusals() as refusal:
        count = save(changes)
    if not refusal:
        messages.success(request, saved_message(count) if count else _("Nothing had changed."))
        return formset, OK, True
    if conflict := refusal.of(EditConflict):
        formset = _with_conflicts(request.POST, rows(), conflict.pks, formset_class)
    elif refusal.of(services.StageClosed):
        evaluation.refresh_from_db()
    else:
        formset._non_form_errors = formset.error_class(
            [_("Nothing was saved: the database refused a value (a deduction may have been recorded "
               "meanwhile). Reload the page and try again.")]
        )
    return formset, refusal.status, False


@permission_required("clusters.change_selfassessment", raise_exception=True)
def self_assessment_edit(request, year, cluster):
    """One cluster's self-assessment scores and evidence notes, saved all or nothing. The page as opened (not
    a form sent back) is cached per data version and language; its rows are read only on a miss."""
    cached = page_cache(request, "self-assessment-edit", domains=("clusters",), vary=(year, cluster)) \
        if request.method == "GET" else None
    if cached is not None and cached.body is not None:
        # Rendered from data of these very versions: the evaluation and the cluster exist; nothing to read.
        return render(request, "clusters/self_assessment_edit.html",
                      {"page_cache": cached, "year": year, "cluster_code": cluster})
    evaluation = get_object_or_404(Evaluation, year=year)
    # A cluster of the evaluation's instrument with rows in this evaluation (one query, no page without rows).
    cluster = get_object_or_404(Cluster.objects.filter(indicators__self_assessments__evaluation=evaluation).distinct(),
                                code=cluster, instrument_id=evaluation.instrument_id)
    formset, status, saved = _score_formset_save(
        request, evaluation, SelfAssessmentFormSet, lambda: selectors.cluster_self_assessments(evaluation, cluster),
        save=lambda changes: services.self_assessments_update(evaluation=evaluation, changes=changes),
        saved_message=lambda count: _("%(count)s scores saved.") % {"count": count},
    )
    if saved:
        return redirect(reverse("clusters:evaluation-detail", args=[year]) + f"#cluster-{cluster.code}")
    detail = SimpleLazyObject(lambda: selectors.evaluation_detail(evaluation, with_recurring=False))
    section = SimpleLazyObject(lambda: next(s for s in detail.sections if s.cluster.pk == cluster.pk))
    context = {"detail": detail, "section": section, "cluster": cluster, "formset": formset,
               "evaluation": evaluation, "page_cache": cached, "year": evaluation.year, "cluster_code": cluster.code,
               "conflicts": request.method == "POST" and any(f.conflict for f in formset.forms)}
    return render(request, "clusters/self_assessment_edit.html", context, status=status)


@permission_required("clusters.view_selfassessment", raise_exception=True)
def question_scores_edit(request, year, code):
    """One indicator's questions: a score and an evidence note each, saved all or nothing with the
    indicator's score (their sum, at most the indicator's maximum). Readers see it without the form."""
    can_edit = request.user.has_perm("clusters.change_selfassessment")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    # The page as opened (not a form sent back) is cached; its questions are read only on a miss.
    # The offices' review link on each question shows by its permission (a name, not an import of offices).
    cached = page_cache(request, "question-scores", domains=("clusters",), vary=(year, code),
                        permissions=("clusters.change_selfassessment", "offices.view_answerreview")) \
        if request.method == "GET" else None
    if cached is not None and cached.body is not None:
        # Rendered from data of these very versions: the evaluation and the indicator exist; nothing to read.
        return render(request, "clusters/question_scores_edit.html",
                      {"page_cache": cached, "year": year, "code": code, "can_edit": can_edit})
    evaluation = get_object_or_404(Evaluation, year=year)
    row = selectors.indicator_self_assessment(evaluation, code)
    if row is None or not row.scored_by_questions:
        raise Http404
    formset, status, saved = _score_formset_save(
        request, evaluation, QuestionScoreFormSet, lambda: selectors.question_scores(row),
        save=lambda changes: services.question_scores_update(self_assessment=row, changes=changes),
        saved_message=lambda count: _("%(count)s question scores saved.") % {"count": count},
    )
    if saved:
        return redirect("clusters:question-scores-edit", year=year, code=row.indicator.code)
    if request.method == "POST":
        row = selectors.indicator_self_assessment(evaluation, code)  # the indicator's score as saved now
    context = {"page": SimpleLazyObject(lambda: selectors.question_page(evaluation, row)), "row": row,
               "formset": formset, "evaluation": evaluation, "can_edit": can_edit, "page_cache": cached,
               "year": evaluation.year, "code": row.indicator.code,
               "conflicts": request.method == "POST" and any(f.conflict for f in formset.forms)}
    return render(request, "clusters/question_scores_edit.html", context, status=status)


def _verification_formset(items, stage, data=None):
    initial = []
    for item in items:
        verified = item.verified.get(stage)
        initial.append({"id": item.question_score.pk, "version": verified.version if verified else None,
                        "score": verified.score if verified else None, "reason": verified.reason if verified else ""})
    befores = {item.question_score.pk: item.value_before(stage) for item in items}
    return VerifiedScoreFormSet(data, initial=initial, befores=befores)


@permission_required("clusters.view_fielddeduction", raise_exception=True)
def verification_edit(request, year, code):
    """An indicator's questions in the verification stages: each stage's score and the reason for every
    reduction. In the evaluation's current verification stage staff enter that stage's scores; the
    indicator's loss per stage follows. Everyone who reads deductions sees the scores stage by stage."""
    can_edit = request.user.has_perm("clusters.add_fielddeduction")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    evaluation = get_object_or_404(Evaluation, year=year)
    row = selectors.indicator_self_assessment(evaluation, code)
    if row is None or not row.scored_by_questions:
        raise Http404
    items = verifications.question_verifications(row)
    stage = evaluation.stage if evaluation.is_deduction_open else None
    formset, status, conflict = None, OK, False
    if stage is not None:
        formset = _verification_formset(items, stage)
        if request.method == "POST":
            if not formset_is_the_pages(request.POST, pks=[i.question_score.pk for i in items], whole_fields=()):
                formset, status = formset_refused(formset), BAD_REQUEST
            else:
                formset = _verification_formset(items, stage, request.POST)
                if formset.is_valid():
                    changes = [verifications.VerificationChange(form.cleaned_data["id"], form.cleaned_data["score"],
                                                                form.cleaned_data["reason"] or "",
                                                                form.cleaned_data["version"])
                               for form in formset.forms if form.has_changed()]
                    with write_refusals() as refusal:
                        saved = verifications.verified_scores_update(self_assessment=row, changes=changes)
                    if not refusal:
                        messages.success(request, _("%(count)s verified scores saved.") % {"count": saved}
                                         if saved else _("Nothing had changed."))
                        return redirect("clusters:verification-edit", year=year, code=row.indicator.code)
                    conflict = bool(refusal.of(EditConflict))
                    if not conflict:
                        formset._non_form_errors = formset.error_class([_(
                            "Nothing was saved: the database refused a value. Reload the page and try again.")])
                    status = refusal.status
    elif request.method == "POST":
        status = CONFLICT  # no verification stage is open: the page says why
    row = selectors.indicator_self_assessment(evaluation, code)
    if conflict:
        # The other person's scores are shown; the user's input stays, based on the current versions.
        items = verifications.question_verifications(row)
        current = {item.question_score.pk: item.verified.get(stage) for item in items}
        data = request.POST.copy()
        for index in range(int(data.get("form-TOTAL_FORMS") or 0)):
            verified = current.get(int(data.get(f"form-{index}-id") or 0))
            data[f"form-{index}-version"] = verified.version if verified else ""
        formset = _verification_formset(items, stage, data)
        formset.is_valid()
    forms_by_pk = {int(form["id"].value()): form for form in formset.forms} if formset else {}
    indicator_scores = scoring.indicator_stage_scores([item.stages for item in items], row.max_points,
                                                      verifications.STAGES)
    context = {"page": selectors.question_page(evaluation, row), "row": row, "evaluation": evaluation,
               "items": [(item, forms_by_pk.get(item.question_score.pk)) for item in items],
               "formset": formset, "stage": stage, "stages": verifications.STAGES, "can_edit": can_edit and stage,
               "indicator_scores": indicator_scores,
               "stage_labels": dict(Evaluation.Stage.choices), "conflict": conflict}
    return render(request, "clusters/verification_edit.html", context, status=status)


def _self_assessment(year, number):
    return get_object_or_404(
        SelfAssessment.objects.select_related("evaluation", "indicator__cluster"),
        evaluation__year=year, indicator__number=number,
    )


@permission_required("clusters.view_fielddeduction", raise_exception=True)
def deduction_list(request, year, number):
    """An indicator's field deductions, with a form to add one (staff, verification stages)."""
    row = _self_assessment(year, number)
    # An indicator with questions loses points through its questions' verified scores, not typed deductions.
    can_add = request.user.has_perm("clusters.add_fielddeduction") and not row.scored_by_questions
    form = DeductionForm(self_assessment=row) if can_add else None
    status = OK
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        form = DeductionForm(request.POST, self_assessment=row)
        if form.is_valid():
            with write_refusals() as refusal:
                services.deduction_create(
                    self_assessment=row, points=form.cleaned_data["points"], reason=form.cleaned_data["reason"]
                )
            if not refusal:
                messages.success(request, _("The deduction was recorded."))
                return redirect("clusters:deduction-list", year=year, number=number)
            if refusal.of(IntegrityError):
                form.add_error("points", DEDUCTIONS_ABOVE_SCORE)
            status = refusal.status
    deductions = row.deductions.all()
    return render(request, "clusters/deduction_list.html",
                  {"row": row, "deductions": deductions, "form": form, "evaluation": row.evaluation}, status=status)


def _deduction(year, pk):
    return get_object_or_404(
        FieldDeduction.objects.select_related("self_assessment__evaluation", "self_assessment__indicator__cluster"),
        pk=pk, self_assessment__evaluation__year=year, from_questions=False,  # those follow the question scores
    )


@permission_required("clusters.change_fielddeduction", raise_exception=True)
def deduction_edit(request, year, pk):
    deduction = _deduction(year, pk)
    row = deduction.self_assessment
    form = DeductionForm(instance=deduction, self_assessment=row)
    status, conflict = OK, None
    if request.method == "POST":
        form = DeductionForm(request.POST, instance=FieldDeduction.objects.get(pk=pk), self_assessment=row)
        if whole_number_or_none(request.POST.get("version")) is None:
            form = DeductionForm(instance=deduction, self_assessment=row)
            return render(request, "clusters/deduction_edit.html",
                          {"row": row, "deduction": deduction, "form": form, "conflict": None,
                           "evaluation": row.evaluation, "refusal": FORM_NOT_THE_PAGES}, status=BAD_REQUEST)
        if form.is_valid():
            with write_refusals() as refusal:
                services.deduction_update(deduction=_deduction(year, pk), version=form.cleaned_data["version"] or 0,
                                          points=form.cleaned_data["points"], reason=form.cleaned_data["reason"])
            if not refusal:
                messages.success(request, _("The deduction was changed."))
                return redirect("clusters:deduction-list", year=year, number=row.indicator.number)
            if refusal.of(EditConflict):
                conflict, form = _deduction_conflict(request.POST, year, pk, row)
            elif refusal.of(IntegrityError):
                form.add_error("points", DEDUCTIONS_ABOVE_SCORE)
            status = refusal.status
    return render(request, "clusters/deduction_edit.html",
                  {"row": row, "deduction": deduction, "form": form, "conflict": conflict,
                   "evaluation": row.evaluation}, status=status)


def _deduction_conflict(data, year, pk, row):
    """The user's input on top of the deduction's current version, and the other person's save."""
    current = _deduction(year, pk)
    data = data.copy()
    data["version"] = current.version
    form = DeductionForm(data, instance=current, self_assessment=row)
    form.is_valid()
    return selectors.last_changes(FieldDeduction, [pk]).get(pk), form


@permission_required("clusters.delete_fielddeduction", raise_exception=True)
def deduction_delete(request, year, pk):
    """Asks first; removes the deduction only if nobody changed it since the question was shown."""
    deduction = _deduction(year, pk)
    row = deduction.self_assessment
    status, changed_meanwhile = OK, False
    if request.method == "POST":
        version = whole_number_or_none(request.POST.get("version"))
        if version is None:
            return render(request, "clusters/deduction_delete.html",
                          {"row": row, "deduction": deduction, "evaluation": row.evaluation,
                           "refusal": FORM_NOT_THE_PAGES}, status=BAD_REQUEST)
        with write_refusals() as refusal:
            services.deduction_delete(deduction=deduction, version=version)
        if not refusal:
            messages.success(request, _("The deduction was removed."))
            return redirect("clusters:deduction-list", year=year, number=row.indicator.number)
        if refusal.of(EditConflict):
            deduction.refresh_from_db()
            changed_meanwhile = True
        status = refusal.status
    return render(request, "clusters/deduction_delete.html",
                  {"row": row, "deduction": deduction, "evaluation": row.evaluation,
                   "changed_meanwhile": changed_meanwhile}, status=status)


@require_GET
@permission_required("clusters.view_selfassessment", raise_exception=True)
def indicator_history(request, year, number):
    """Every change to the indicator's score, evidence and deductions, newest first."""
    row = _self_assessment(year, number)
    return render(request, "clusters/indicator_history.html",
                  {"row": row, "evaluation": row.evaluation, "changes": selectors.indicator_history(row)})


@require_GET
@permission_required("clusters.view_selfassessment", raise_exception=True)
def evaluation_export(request, year, fmt):
    """The evaluation's score table (one row per indicator) as XLSX or CSV, columns in the active language."""
    evaluation = get_object_or_404(Evaluation, year=year)
    header, rows = exports.evaluation_score_table(evaluation)
    return download(header, rows, file_stem=f"kla-{year}-nilai", fmt=fmt, sheet_title=f"KLA {year}")


@require_GET
@permission_required("clusters.view_selfassessment", raise_exception=True)
def score_import_template(request, year):
    """A blank XLSX import template with the evaluation's indicator rows filled in."""
    evaluation = get_object_or_404(Evaluation, year=year)
    header, rows = exports.import_template_table(evaluation)
    return download(header, rows, file_stem=f"kla-{year}-templat-impor", fmt="xlsx", sheet_title=f"KLA {year}")


@permission_required("clusters.change_selfassessment", raise_exception=True)
def score_import(request, year):
    """Upload a spreadsheet of self-assessment scores; answers with a preview, writes nothing."""
    evaluation = get_object_or_404(Evaluation, year=year)
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    preview, token = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = imports.scores_preview(
                evaluation=evaluation, table=form.cleaned_data["table"], file_name=Path(upload.name).name
            )
        except imports.ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            if preview.can_confirm:
                token = imports.preview_token(preview)
    by_questions = preview.by_questions if preview else selectors.is_scored_by_questions(evaluation)
    return render(request, "clusters/score_import.html", {"evaluation": evaluation, "form": form, "preview": preview,
                                                          "token": token, "by_questions": by_questions})


@require_POST
@permission_required("clusters.change_selfassessment", raise_exception=True)
def score_import_confirm(request, year):
    """Applies a previewed import: every row or none; refuses rows changed since the preview."""
    evaluation = get_object_or_404(Evaluation, year=year)
    with write_refusals(imports.TokenInvalid) as refusal:
        confirmed = imports.token_read(request.POST.get("token", ""), evaluation=evaluation)
        saved = imports.scores_import(evaluation=evaluation, confirmed=confirmed)
    if refusal:
        if refusal.of(services.StageClosed):
            evaluation.refresh_from_db()
        reason = refusal.message({
            imports.TokenInvalid: _("Nothing was saved: the preview has expired or is not valid. Upload the file "
                                    "again."),
            services.QuestionScoresChanged: lambda conflict: _(
                "Nothing was saved: someone changed question(s) %(questions)s after the preview. Upload the file "
                "again to see the current values.") % {"questions": _question_codes(conflict.pks)},
            EditConflict: lambda conflict: _(
                "Nothing was saved: someone changed indicator(s) %(numbers)s after the preview. Upload the file "
                "again to see the current values.") % {"numbers": _indicator_numbers(conflict.pks)},
            services.StageClosed: _("Nothing was saved: the evaluation is no longer in the self-assessment stage."),
            IntegrityError: _("Nothing was saved: the database refused a value (a deduction may have been "
                              "recorded meanwhile). Upload the file again."),
        })
        return render(request, "clusters/score_import.html",
                      {"evaluation": evaluation, "form": SpreadsheetUploadForm(), "preview": None, "token": "",
                       "refusal": reason, "by_questions": selectors.is_scored_by_questions(evaluation)},
                      status=refusal.status)
    messages.success(request, _("%(count)s rows imported from %(file)s.") % {"count": saved,
                                                                            "file": confirmed.file_name})
    return redirect("clusters:evaluation-detail", year=year)


def _indicator_numbers(pks) -> str:
    """The numbers of the indicators whose self-assessments are `pks`, as their instrument writes them
    (7, 21A), in the instrument's order, as the refusal names them."""
    codes = SelfAssessment.objects.filter(pk__in=pks).order_by("indicator__number").values_list("indicator__code",
                                                                                               flat=True)
    return ", ".join(codes)


def _question_codes(pks) -> str:
    """The questions whose scores are `pks`, as "indicator.question" (21A.2a), as the refusal names them."""
    scores = QuestionScore.objects.filter(pk__in=pks).select_related("question__indicator").order_by(
        "question__indicator__number", "question__order")
    return ", ".join(str(score.question) for score in scores)
