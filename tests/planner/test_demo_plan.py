"""The starting rule and the suggestion on the demo data (the issue's Done-when)."""

from decimal import Decimal as D

import pytest

from clusters.models import Evaluation, Predicate
from planner import selectors


def _plan(goal_code):
    return selectors.planner(Evaluation.objects.get(year=2019), Predicate.objects.get(code=goal_code))


@pytest.mark.django_db
def test_demo_2019_starts_from_self_assessment_minus_2018_deductions_and_carried_finals(planner_demo):
    plan = _plan("nindya")
    starts = {row.number: row.start for row in plan.rows}
    # Kelembagaan #3: self-assessed 25.50 in 2019, 14.50 deducted in 2018.
    assert (starts[3].base, starts[3].recoverable, starts[3].source) == (D("11.00"), D("14.50"), "self")
    # #21 (PATBM) is not scored yet in 2019: its 2018 final (40.70 - 26) is carried forward.
    assert (starts[21].base, starts[21].recoverable, starts[21].source) == (D("14.70"), D("26.00"), "carried")
    # 562.40 self-assessed - 36.00 expected deductions + 94.80 (Klaster IV) + 90.60 (Klaster V) carried.
    assert plan.base_total == D("711.80")


@pytest.mark.django_db
def test_with_the_demo_as_it_is_the_starting_point_already_reaches_nindya(planner_demo):
    plan = _plan("nindya")
    assert plan.gap == D("0")
    assert plan.suggestion.items == []


@pytest.mark.django_db
def test_towards_utama_the_suggestion_includes_kelembagaan_3_and_the_patbm_indicator(planner_demo):
    plan = _plan("utama")
    assert plan.gap == D("88.21")
    chosen = [item.number for item in plan.suggestion.items]
    assert chosen == [21, 3, 17, 22]
    assert plan.suggestion.closes_gap
    assert {row.number for row in plan.rows if row.suggested} == {21, 3, 17, 22}


@pytest.mark.django_db
def test_recurring_weaknesses_of_the_demo(planner_demo):
    plan = _plan("nindya")
    assert {row.number for row in plan.rows if row.recurring} == {3, 6, 17, 21}
    assert plan.history_years == [2017, 2018]
