"""Issue 14, section 1: every number field of every form reads `3,5` = `3.5` = `3,50`, shows `49,20`,
and refuses what is not one number with a message beside the field; dates are dd/mm/yyyy (or ISO)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from clusters.forms import DeductionForm, SelfAssessmentForm
from clusters.models import Predicate, SelfAssessment
from clusters.services import evaluation_create
from core.loading import LoadReport
from kelurahan.forms import PatbmForm
from kelurahan.models import Kelurahan, Patbm
from planner import selectors
from planner.forms import ActionItemForm, PlannerForm
from planner.models import Office, PatbmRule, Scenario, ScenarioItem
from planner.services import planner_defaults_load

pytestmark = pytest.mark.django_db

SPELLINGS = [("3,5", Decimal("3.5")), ("3.5", Decimal("3.5")), ("30,50", Decimal("30.5")), ("30.50", Decimal("30.5"))]
BAD = [("1.000,5", "separators"), ("3,5,0", "separators"), ("abc", "not_a_number"), ("3,5a", "not_a_number"),
       ("1,000", "ambiguous")]
SEPARATORS_ID = "Pakai satu pemisah desimal dan tanpa pemisah ribuan, misalnya 1000,5."


def _inputs(html: str) -> list[str]:
    return re.findall(r"<input[^>]*>", html)


@pytest.fixture
def row(reference_data):
    evaluation = evaluation_create(year=2019)
    # Indicator 4: 60 points at most, so 30,50 fits.
    SelfAssessment.objects.filter(evaluation=evaluation, indicator__number=4).update(score=Decimal("40.00"))
    return SelfAssessment.objects.with_deductions().get(evaluation=evaluation, indicator__number=4)


def _score_form(row, score, **extra):
    data = {"version": row.version, "seen_score": "", "seen_evidence": "", "score": score, "evidence": "", **extra}
    return SelfAssessmentForm(data, instance=row)


# Scores ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "value"), SPELLINGS)
def test_a_score_reads_a_comma_and_a_point_alike(row, typed, value):
    form = _score_form(row, typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["score"] == value


@pytest.mark.parametrize(("typed", "code"), BAD)
def test_a_score_that_is_not_one_number_is_refused_in_indonesian(row, typed, code):
    with translation.override("id"):
        form = _score_form(row, typed)
        assert not form.is_valid() and form.has_error("score", code)
        if code == "separators":
            assert form.errors["score"] == [SEPARATORS_ID]


def test_the_score_form_shows_the_indonesian_spelling_and_round_trips_the_loaded_score(row):
    row.score = Decimal("3.50")
    html = str(SelfAssessmentForm(instance=row))
    assert 'type="number"' not in html
    score, seen = (next(i for i in _inputs(html) if f'name="{name}"' in i) for name in ("score", "seen_score"))
    assert 'type="text"' in score and 'inputmode="decimal"' in score and 'value="3,50"' in score
    assert 'type="hidden"' in seen and 'value="3,50"' in seen
    # Sent back as rendered, the row counts as unchanged (so it is not written over someone else's save).
    form = _score_form(row, "3,50", seen_score="3,50")
    assert form.is_valid(), form.errors
    assert not form.user_changed()
    typed_with_a_point = _score_form(row, "3.5", seen_score="3,50")
    assert typed_with_a_point.is_valid() and not typed_with_a_point.user_changed()
    assert _score_form(row, "3,6", seen_score="3,50").is_valid()


def test_a_score_above_the_maximum_names_it_the_indonesian_way(row):
    with translation.override("en"):
        form = _score_form(row, "61")
        assert not form.is_valid()
        assert "60,00" in form.errors["score"][0]


# Deductions -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "value"), SPELLINGS)
def test_a_deduction_reads_a_comma_and_a_point_alike(row, typed, value):
    form = DeductionForm({"points": typed, "reason": "Bukti kurang."}, self_assessment=row)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["points"] == value


@pytest.mark.parametrize(("typed", "code"), BAD)
def test_a_deduction_that_is_not_one_number_is_refused(row, typed, code):
    with translation.override("id"):
        form = DeductionForm({"points": typed, "reason": "Bukti kurang."}, self_assessment=row)
        assert not form.is_valid() and form.has_error("points", code)


def test_the_deduction_field_is_a_text_input_and_its_limit_reads_the_indonesian_way(row):
    html = str(DeductionForm(self_assessment=row)["points"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and "min=" not in html
    with translation.override("en"):
        form = DeductionForm({"points": "40,5", "reason": "x"}, self_assessment=row)
        assert not form.is_valid() and "40,00" in form.errors["points"][0]


# Planner ----------------------------------------------------------------------------------------------

@pytest.fixture
def planner_form_factory(demo):
    planner_defaults_load(report=LoadReport())
    predicates = list(Predicate.objects.order_by("lower_bound"))
    plan = selectors.planner(selectors.latest_evaluation(), selectors.goal_choice(None, predicates),
                             predicates=predicates)

    def build(**data):
        values = {"goal": plan.goal.code, "extra_kelurahan": "0", "name": "", "action": "suggest",
                  **{f"target_{r.number}": str(r.start.base) for r in plan.rows},
                  **{f"effort_{r.number}": str(ScenarioItem.Effort.MEDIUM) for r in plan.rows}, **data}
        return PlannerForm(values, rows=plan.rows, predicates=predicates,
                           remaining_kelurahan=plan.coverage.remaining), plan

    return build


@pytest.mark.parametrize(("typed", "value"), SPELLINGS)
def test_a_planner_target_reads_a_comma_and_a_point_alike(planner_form_factory, typed, value):
    _, plan = planner_form_factory()
    number = max(plan.rows, key=lambda r: r.start.max_points).number  # room for 30,50
    form, _ = planner_form_factory(**{f"target_{number}": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data[f"target_{number}"] == value


@pytest.mark.parametrize(("typed", "code"), BAD)
def test_a_planner_target_that_is_not_one_number_is_refused(planner_form_factory, typed, code):
    _, plan = planner_form_factory()
    number = plan.rows[0].number
    form, _ = planner_form_factory(**{f"target_{number}": typed})
    assert not form.is_valid() and form.has_error(f"target_{number}", code)


def test_a_planner_target_above_its_maximum_names_the_maximum_the_indonesian_way(planner_form_factory):
    _, plan = planner_form_factory()
    row = plan.rows[0]
    with translation.override("en"):
        form, _ = planner_form_factory(**{f"target_{row.number}": "999"})
        assert not form.is_valid()
        maximum = f"{row.start.max_points:.2f}".replace(".", ",")  # e.g. 30,00, not 30.00
        assert form.errors[f"target_{row.number}"] == [f"Ensure this value is less than or equal to {maximum}."]


@pytest.mark.parametrize(("typed", "valid"), [("3", True), ("3,0", True), ("3,5", False), ("1.000", False),
                                              ("drei", False)])
def test_the_assumed_patbm_count_is_a_whole_number_by_the_same_rule(planner_form_factory, typed, valid):
    form, _ = planner_form_factory(extra_kelurahan=typed)
    assert form.is_valid() is valid, form.errors
    if valid:
        assert form.cleaned_data["extra_kelurahan"] == 3


def test_the_planner_renders_text_inputs_with_indonesian_values(planner_form_factory):
    form, plan = planner_form_factory()
    html = str(form["extra_kelurahan"]) + "".join(str(form[f"target_{r.number}"]) for r in plan.rows)
    assert 'type="number"' not in html and 'inputmode="numeric"' in html
    with translation.override("en"):
        unbound = PlannerForm(rows=plan.rows, predicates=form.predicates.values(),
                              remaining_kelurahan=plan.coverage.remaining)
        row = plan.rows[0]
        assert f'value="{row.suggested_target:.2f}"'.replace(".", ",") in str(unbound[f"target_{row.number}"])
        assert "." not in dict(unbound.fields["goal"].choices)[Predicate.NINDYA]


# Action plan ------------------------------------------------------------------------------------------

@pytest.fixture
def item(reference_data):
    evaluation = evaluation_create(year=2019)
    scenario = Scenario.objects.create(name="Uji", evaluation=evaluation,
                                       predicate=Predicate.objects.get(code=Predicate.NINDYA), is_action_plan=True)
    office = Office.objects.create(name="Dinas Uji")
    indicator = SelfAssessment.objects.filter(evaluation=evaluation).select_related("indicator").first().indicator
    return ScenarioItem.objects.create(scenario=scenario, indicator=indicator, max_points=Decimal("35"),
                                       base=Decimal("0"), target=Decimal("10")), office


def _item_form(item, **data):
    instance, office = item
    values = {"target": "10", "office": office.pk, "due_date": "30/06/2019", "status": "berjalan",
              "version": instance.version, **data}
    return ActionItemForm(values, instance=instance)


@pytest.mark.parametrize(("typed", "value"), SPELLINGS)
def test_an_action_plan_target_reads_a_comma_and_a_point_alike(item, typed, value):
    form = _item_form(item, target=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["target"] == value


@pytest.mark.parametrize(("typed", "code"), BAD)
def test_an_action_plan_target_that_is_not_one_number_is_refused(item, typed, code):
    form = _item_form(item, target=typed)
    assert not form.is_valid() and form.has_error("target", code)


@pytest.mark.parametrize("typed", ["01/07/2019", "1/7/2019", "2019-07-01"])
def test_a_due_date_is_day_first_or_iso_in_both_languages(item, typed, settings):
    for language in ("id", "en"):
        with translation.override(language):
            form = _item_form(item, due_date=typed)
            assert form.is_valid(), form.errors
            assert form.cleaned_data["due_date"] == dt.date(2019, 7, 1)  # 1 July, never 7 January


@pytest.mark.parametrize("typed", ["07/31/2019", "31-07-2019", "2019/07/31", "31 Juli 2019", "tomorrow"])
def test_a_due_date_month_first_or_otherwise_unclear_is_refused_in_indonesian(item, typed):
    with translation.override("id"):
        form = _item_form(item, due_date=typed)
        assert not form.is_valid()
        assert form.errors["due_date"] == ["Ketik tanggal sebagai hh/bb/tttt, misalnya 31/03/2027."]


def test_the_action_plan_form_shows_the_indonesian_target_and_a_day_first_date(item):
    instance, _ = item
    instance.target, instance.due_date = Decimal("12.5"), dt.date(2019, 7, 1)
    with translation.override("en"):
        html = str(ActionItemForm(instance=instance))
    target, due = (next(i for i in _inputs(html) if f'name="{name}"' in i) for name in ("target", "due_date"))
    assert 'value="12,50"' in target and 'type="text"' in target
    assert 'value="01/07/2019"' in due and 'type="text"' in due and 'placeholder="dd/mm/yyyy"' in due


# PATBM --------------------------------------------------------------------------------------------------

def _patbm_form(**data):
    values = {"step": Patbm.Step.TERBENTUK, "step_date": "01/07/2019", "sk_number": "400/1", "sk_date": "01/07/2019",
              "activist_count": "12", "note": "", **data}
    return PatbmForm(values, instance=Patbm(kelurahan=Kelurahan.objects.get(code="32.71.01.1001")))


@pytest.mark.parametrize(("typed", "valid"), [("12", True), ("12,0", True), (" 12 ", True), ("12,5", False),
                                              ("1.000", False), ("1.000,5", False), ("dua belas", False)])
def test_the_activist_count_is_a_whole_number_by_the_same_rule(reference_data, typed, valid):
    form = _patbm_form(activist_count=typed)
    assert form.is_valid() is valid, form.errors
    if valid:
        assert form.cleaned_data["activist_count"] == 12


def test_patbm_dates_are_day_first_and_shown_day_first(reference_data):
    with translation.override("en"):
        form = _patbm_form(step_date="01/07/2019", sk_date="2019-07-02")
        assert form.is_valid(), form.errors
        assert (form.cleaned_data["step_date"], form.cleaned_data["sk_date"]) == (dt.date(2019, 7, 1),
                                                                                   dt.date(2019, 7, 2))
        saved = form.save()
        html = str(PatbmForm(instance=saved))
    assert 'type="date"' not in html and 'type="number"' not in html
    assert 'value="01/07/2019"' in html and 'value="02/07/2019"' in html
    with translation.override("id"):
        form = _patbm_form(sk_date="07/31/2019")
        assert not form.is_valid() and form.has_error("sk_date", "invalid")


# Admin ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "value"), [("0,35", Decimal("0.35")), ("0.35", Decimal("0.35")),
                                              ("3,5", Decimal("3.5")), ("3.50", Decimal("3.5"))])
def test_the_admin_renders_text_number_inputs_and_saves_a_comma(client, admin_user_role, typed, value):
    planner_defaults_load(report=LoadReport())
    rule = PatbmRule.objects.get()
    client.force_login(admin_user_role)
    url = reverse("admin:planner_patbmrule_change", args=[rule.pk])
    html = client.get(url).content.decode()
    field = next(i for i in _inputs(html) if 'name="points_per_percent"' in i)
    assert 'type="text"' in field and 'inputmode="decimal"' in field and 'value="0,25"' in field
    response = client.post(url, {"indicator": rule.indicator_id, "points_per_percent": typed, "note": ""})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.points_per_percent == value


def test_the_admin_refuses_two_separators_beside_the_field(client, admin_user_role):
    planner_defaults_load(report=LoadReport())
    rule = PatbmRule.objects.get()
    client.force_login(admin_user_role)
    url = reverse("admin:planner_patbmrule_change", args=[rule.pk])
    response = client.post(url, {"indicator": rule.indicator_id, "points_per_percent": "1.000,5", "note": ""})
    assert response.status_code == 200
    assert SEPARATORS_ID in response.content.decode()
    rule.refresh_from_db()
    assert rule.points_per_percent == Decimal("0.25")


def test_the_patbm_rule_names_its_points_the_indonesian_way(reference_data):
    planner_defaults_load(report=LoadReport())
    with translation.override("en"):
        assert str(PatbmRule.objects.get()).startswith("0,25 points per percentage point")


def test_a_deduction_names_its_points_the_indonesian_way(row):
    from clusters.models import FieldDeduction

    assert str(FieldDeduction(self_assessment=row, points=Decimal("8"), reason="x")).endswith(": −8,00")


def test_the_admin_history_writes_changed_numbers_the_indonesian_way(client, admin_user_role, row):
    for score in (Decimal("10.00"), Decimal("12.50")):
        row.score = score
        row.save()
    client.force_login(admin_user_role)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("admin:clusters_selfassessment_history", args=[row.pk])).content.decode()
    assert re.search(r"10,00\s*&nbsp;&rarr;&nbsp;&nbsp;12,50", html), "the change as 10,00 → 12,50"
    assert "12.50" not in html


def test_a_predicate_names_its_bound_the_indonesian_way(reference_data, client):
    """The saved scenario page and the admin's goal choices showed "Nindya (> 700.00)"."""
    from clusters.models import Predicate

    assert str(Predicate.objects.get(code="nindya")) == "Nindya (> 700,00)"
    assert str(Predicate.objects.get(code="pratama")) == "Pratama (≥ 500,00)"
