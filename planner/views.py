"""Pages of the planner: thin views that read through selectors and write through services."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusters.models import Evaluation, Predicate
from core.caching import page_cache
from core.conflicts import BAD_REQUEST, DATABASE_REFUSED, OK, write_refusals
from core.formsets import formset_is_the_pages, formset_refused, whole_number_or_none
from core.versions import EditConflict
from dekela import selectors as dekela_selectors
from planner import planning, selectors, services
from planner.forms import SAVE, SUGGEST, ActionPlanFormSet, PlannerForm
from planner.models import Office, Scenario, ScenarioItem


def _chosen_evaluation(request, evaluations):
    """The evaluation asked for by `year` (GET or POST), else the default one; 400 for a year that
    is not a number, 404 for one without an evaluation."""
    year = (request.POST.get("year") or request.GET.get("year") or "").strip()
    if not year:
        return selectors.default_evaluation(evaluations)
    if not year.isascii() or not year.isdigit():
        raise BadRequest("year")
    evaluation = next((evaluation for evaluation in evaluations if evaluation.year == int(year)), None)
    if evaluation is None:
        raise Http404
    return evaluation


@permission_required("planner.view_scenario", raise_exception=True)
def planner(request):
    """The path to a predicate: the gap, the suggested set, targets and efforts. A POST saves the
    targets as a named scenario (or, with action=suggest, suggests again), for those who may save."""
    if request.method == "POST" and not request.user.has_perm("planner.add_scenario"):
        raise PermissionDenied
    return _planner_page(request, save=request.POST.get("action") == SAVE)


@require_http_methods(["GET", "POST"])
@permission_required("planner.view_scenario", raise_exception=True)
def planner_suggest(request):
    """Suggests again with the chosen goal and efforts: a what-if, so it writes nothing and every role
    that reads the planner may use it (the task force too). Opened again without the form (the language
    menu, a bookmark), it goes back to the planner."""
    if request.method == "GET":
        query = request.GET.urlencode()
        return redirect(reverse("planner:planner") + (f"?{query}" if query else ""))
    return _planner_page(request, save=False)


_PLANNER_CONTEXT = ("plan", "form", "evaluations", "gains", "criterion_gains")


def _planner_page(request, *, save=False):
    """The planner; as opened (a GET), its body is cached per data version, language, permission and query,
    and the plan is computed only on a miss (a wrong year is refused first, before anything is cached)."""
    if request.method != "GET":
        context, status = _planner_context(request, save=save)
        if isinstance(context, HttpResponseRedirect):
            return context
        return render(request, "planner/planner.html", context, status=status)
    year = request.GET.get("year", "").strip()
    if year and (not year.isascii() or not year.isdigit()):
        raise BadRequest("year")
    cached = page_cache(request, "planner", domains=("clusters", "dekela", "kelurahan", "planner"),
                        permissions=("planner.add_scenario", "planner.change_patbmrule"),
                        vary=sorted(request.GET.lists()))
    # A cached body was rendered for this very query from data of these versions: its year exists.
    if cached.body is None and year and not Evaluation.objects.filter(year=int(year)).exists():
        raise Http404
    state = SimpleLazyObject(lambda: _planner_context(request)[0])
    context = {name: SimpleLazyObject(partial(_context_value, state, name)) for name in _PLANNER_CONTEXT}
    return render(request, "planner/planner.html", {**context, "page_cache": cached})


def _context_value(state, name):
    return state.get(name)


def _planner_context(request, *, save=False):
    """(context, status) of the planner page, or (redirect, None) after a saved scenario."""
    evaluations = selectors.planner_evaluations()
    evaluation = _chosen_evaluation(request, evaluations)
    predicates = list(Predicate.objects.order_by("lower_bound"))
    goal = selectors.goal_choice(request.POST.get("goal") or request.GET.get("goal"), predicates,
                                 default_pk=evaluation.target_id if evaluation is not None else None)
    if evaluation is None or goal is None:
        return {"plan": None}, OK
    plan = selectors.planner(evaluation, goal, predicates=predicates)
    form_kwargs = {"rows": plan.rows, "predicates": predicates, "remaining_kelurahan": plan.coverage.remaining}
    status = OK
    if request.method == "POST":
        data = request.POST.copy()
        data["action"] = SAVE if save else SUGGEST
        form = PlannerForm(data, **form_kwargs)
        if form.is_valid():
            efforts = {n: planning.Effort(e) for n, e in form.efforts().items()}
            if save:
                scenario = services.scenario_create(
                    name=form.cleaned_data["name"], evaluation=evaluation, predicate=form.cleaned_data["goal"],
                    extra_kelurahan=form.cleaned_data["extra_kelurahan"] or 0,
                    items=[services.ItemInput(
                        indicator_id=row.indicator_id, max_points=row.start.max_points, base=row.start.base,
                        recoverable=row.start.recoverable, target=form.cleaned_data[f"target_{row.number}"],
                        effort=efforts[row.number]) for row in plan.rows],
                    rule=plan.rule, covered=plan.coverage.covered, total_kelurahan=plan.coverage.total,
                    user=request.user,
                )
                messages.success(request, _("The scenario “%(name)s” was saved.") % {"name": scenario.name})
                return redirect("planner:scenario-detail", pk=scenario.pk), None
            # Suggest again with the chosen goal and efforts; targets follow the new suggestion.
            plan = selectors.planner(evaluation, form.cleaned_data["goal"], efforts, predicates)
            for row in plan.rows:
                data[f"target_{row.number}"] = number_format(row.suggested_target, decimal_pos=2)
            form = PlannerForm(data, **{**form_kwargs, "rows": plan.rows})
            form.is_valid()
        else:
            status = BAD_REQUEST
    else:
        form = PlannerForm(initial={"goal": goal.code}, **form_kwargs)
    gains = selectors.question_gains(evaluation)
    # Kelana-Dekela questions exist only on an evaluation scored by questions (the 2024 instrument).
    criterion_gains = dekela_selectors.planner_gains(evaluation) if gains is not None else []
    return {"plan": plan, "form": form, "evaluations": evaluations, "gains": gains,
            "criterion_gains": criterion_gains}, status


@require_GET
@permission_required("planner.view_scenario", raise_exception=True)
def scenario_list(request):
    views = selectors.scenario_views(list(selectors.scenarios_for_list()))
    return render(request, "planner/scenario_list.html", {"views": views})


@require_GET
@permission_required("planner.view_scenario", raise_exception=True)
def scenario_detail(request, pk):
    scenario = get_object_or_404(selectors.scenarios_for_list(), pk=pk)
    (view,) = selectors.scenario_views([scenario])
    return render(request, "planner/scenario_detail.html", {"view": view, "scenario": scenario})


@require_GET
@permission_required("planner.view_scenario", raise_exception=True)
def scenario_compare(request):
    """Two or more scenarios side by side: per indicator the targets, then totals and predicates."""
    ids = [whole_number_or_none(pk) for pk in request.GET.getlist("ids")]
    if None in ids:  # not a scenario number (ASCII digits only: "²".isdigit() is True)
        return render(request, "planner/scenario_compare.html", {"views": [], "rows": []}, status=BAD_REQUEST)
    scenarios = list(selectors.scenarios_for_list().filter(pk__in=ids))
    views = selectors.scenario_views(scenarios) if len(scenarios) >= 2 else []
    rows = []
    if views:
        indicators = {item.indicator.number: item for view in views for item in view.items}
        rows = [(indicators[number], [view.target_of(number) for view in views]) for number in sorted(indicators)]
    return render(request, "planner/scenario_compare.html", {"views": views, "rows": rows},
                  status=OK if views or not ids else BAD_REQUEST)


@permission_required("planner.delete_scenario", raise_exception=True)
def scenario_delete(request, pk):
    """Asks first; deletes the scenario (and its action plan) on POST."""
    scenario = get_object_or_404(Scenario, pk=pk)
    if request.method == "POST":
        name = scenario.name
        scenario.delete()
        messages.success(request, _("The scenario “%(name)s” was deleted.") % {"name": name})
        return redirect("planner:scenario-list")
    return render(request, "planner/scenario_delete.html", {"scenario": scenario})


def _action_plan_items(scenario):
    """The items the action plan covers: every improved indicator, and those already in the plan."""
    queryset = (ScenarioItem.objects.filter(scenario=scenario).select_related("indicator", "office")
                .order_by("indicator__number"))
    return queryset.filter(pk__in=[item.pk for item in queryset if item.target != item.base or item.in_plan])


def _action_plan_conflicts(data, queryset, stale_pks, form_kwargs):
    """The user's input kept, on top of the items' current versions, each stale item showing what is
    stored now; saving again replaces it knowingly, or "keep theirs" leaves it."""
    data = data.copy()
    current = {item.pk: item for item in queryset.all()}  # own instances: the forms write the input into theirs
    for index in range(int(data.get("form-TOTAL_FORMS"))):
        pk = int(data.get(f"form-{index}-id"))
        if pk in stale_pks:
            data[f"form-{index}-version"] = current[pk].version
            data[f"form-{index}-take_theirs"] = ""
    formset = ActionPlanFormSet(data, queryset=queryset, form_kwargs=form_kwargs)
    formset.is_valid()
    for form in formset.forms:
        if form.instance.pk in stale_pks:
            form.conflict = current[form.instance.pk]
    return formset


@permission_required("planner.change_scenarioitem", raise_exception=True)
def action_plan_edit(request, pk):
    """Makes a scenario an action plan: per improved indicator the target, office, due date and status,
    saved all or nothing; an item someone else saved since the page was loaded is a conflict (409)."""
    scenario = get_object_or_404(selectors.scenarios_for_list(), pk=pk)
    queryset = _action_plan_items(scenario)
    office_choices = [("", "---------")] + list(Office.objects.filter(is_active=True).values_list("pk", "name"))
    form_kwargs = {"office_choices": office_choices}
    status = OK
    if request.method == "POST" and not formset_is_the_pages(request.POST, pks=[item.pk for item in queryset]):
        formset = formset_refused(ActionPlanFormSet(queryset=queryset, form_kwargs=form_kwargs))
        status = BAD_REQUEST
    elif request.method == "POST":
        formset = ActionPlanFormSet(request.POST, queryset=queryset, form_kwargs=form_kwargs)
        if formset.is_valid():
            with write_refusals() as refusal:
                services.action_plan_save(scenario=scenario, changes=[
                    services.PlanChange(pk=form.instance.pk, target=form.cleaned_data["target"],
                                        office=form.cleaned_data["office"], due_date=form.cleaned_data["due_date"],
                                        status=form.cleaned_data["status"], version=form.cleaned_data["version"])
                    for form in formset.forms if not form.cleaned_data["take_theirs"]
                ], kept=tuple(form.instance.pk for form in formset.forms if form.cleaned_data["take_theirs"]))
            if not refusal:
                messages.success(request, _("The action plan was saved."))
                return redirect("planner:scenario-detail", pk=scenario.pk)
            if conflict := refusal.of(EditConflict):
                formset = _action_plan_conflicts(request.POST, _action_plan_items(scenario), conflict.pks,
                                                 form_kwargs)
            else:
                formset._non_form_errors = formset.error_class([DATABASE_REFUSED])
            status = refusal.status
        else:
            status = BAD_REQUEST
    else:
        formset = ActionPlanFormSet(queryset=queryset, form_kwargs=form_kwargs)
    conflicts = any(form.conflict for form in formset.forms)
    return render(request, "planner/action_plan_edit.html",
                  {"scenario": scenario, "formset": formset, "conflicts": conflicts}, status=status)


@require_GET
@permission_required("planner.view_office", raise_exception=True)
def office_list(request):
    return render(request, "planner/office_list.html", {"offices": selectors.offices_with_counts()})


@require_GET
@permission_required("planner.view_office", raise_exception=True)
def office_detail(request, pk):
    office = get_object_or_404(Office, pk=pk)
    return render(request, "planner/office_detail.html", {"office": office, "items": selectors.office_items(office),
                                                          "indicators": office.indicators.select_related("indicator")})
