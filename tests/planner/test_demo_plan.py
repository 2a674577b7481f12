"""The starting rule and the suggestion on the demo data (the issue's Done-when)."""

from decimal import Decimal as D

import pytest

from clusters.models import Evaluation, Predicate, SelfAssessment
from planner import planning, selectors


def _plan(goal_code):
    return selectors.planner(Evaluation.objects.get(year=2019), Predicate.objects.get(code=goal_code))


@pytest.mark.django_db
def test_demo_2019_starts_from_the_self_assessment_so_far_minus_2018_deductions(planner_demo):
    plan = _plan("nindya")
    starts = {row.number: row.start for row in plan.rows}
    # Kelembagaan #3: self-assessed 25.50 in 2019, 14.50 deducted in 2018.
    assert (starts[3].base, starts[3].recoverable, starts[3].source) == (D("11.00"), D("14.50"), "self")
    # #21 (PATBM) is not scored yet in 2019: nothing is claimed for it so far.
    assert (starts[21].base, starts[21].recoverable, starts[21].source) == (D("0"), D("0"), "none")
    # 562.40 self-assessed so far - 36.00 deducted in 2018 on #3, #6, #13 and #17 (expected again).
    assert plan.base_total == D("526.40")


@pytest.mark.django_db
def test_towards_nindya_the_suggestion_closes_the_gap_with_kelembagaan_3_and_the_patbm_indicator(planner_demo):
    plan = _plan("nindya")
    assert plan.gap == D("173.61")  # above 700: 700.01 - 526.40
    chosen = [item.number for item in plan.suggestion.items]
    # Recoverable points first (#3: 14.50 deducted in 2018, #17: 10), then the largest gains.
    assert chosen == [3, 17, 21, 22, 23]
    assert plan.suggestion.closes_gap
    assert {row.number for row in plan.rows if row.suggested} == {3, 17, 21, 22, 23}


@pytest.mark.django_db
def test_carrying_last_years_finals_forward_would_already_reach_nindya(planner_demo):
    evaluation = Evaluation.objects.get(year=2019)
    latest = [row.to_score() for row in SelfAssessment.objects.filter(evaluation=evaluation).for_scoring()]
    previous = [row.to_score() for row in SelfAssessment.objects.filter(evaluation__year=2018).for_scoring()]
    starts = planning.starting_points(latest, previous, carry_forward=True)
    # + 94.80 (Klaster IV) and 90.60 (Klaster V): the 2018 finals of the indicators not scored yet.
    assert sum(start.base for start in starts) == D("711.80")
    assert {s.number: s.source for s in starts}[21] == planning.SOURCE_CARRIED


@pytest.mark.django_db
def test_towards_utama_the_suggestion_includes_kelembagaan_3_and_the_patbm_indicator(planner_demo):
    plan = _plan("utama")
    assert plan.gap == D("273.61")
    chosen = [item.number for item in plan.suggestion.items]
    assert {3, 21} <= set(chosen) and len(chosen) == 8
    assert plan.suggestion.closes_gap


@pytest.mark.django_db
def test_recurring_weaknesses_of_the_demo(planner_demo):
    plan = _plan("nindya")
    assert {row.number for row in plan.rows if row.recurring} == {3, 6, 17, 21}
    assert plan.history_years == [2017, 2018]


@pytest.mark.django_db
def test_the_deductions_table_keeps_the_latest_years_and_recurring_weaknesses_count_every_year(
    planner_demo, monkeypatch
):
    monkeypatch.setattr(selectors, "HISTORY_YEARS_SHOWN", 1)
    plan = _plan("nindya")
    assert plan.history_years == [2018] and plan.history_years_hidden == 1
    # Flagged from 2017 and 2018 together, though 2017 is no longer a column.
    assert {row.number for row in plan.rows if row.recurring} == {3, 6, 17, 21}
    assert all(len(row.deductions) == 1 for row in plan.rows)
