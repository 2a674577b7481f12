"""The planner's "N more kelurahan with <criterion> would give X points": the plain rule and its read."""

from decimal import Decimal as D

import pytest

from dekela import scoring, selectors
from dekela.models import Criterion, CriterionStatus
from kelurahan.models import Kelurahan

TEN = D("10")


def test_the_step_is_a_tenth_of_the_places_at_least_one():
    assert [scoring.planner_step(total) for total in (0, 1, 6, 10, 68, 680)] == [1, 1, 1, 1, 7, 68]


def test_with_none_covered_seven_more_of_68_give_their_share():
    [gain] = scoring.biggest_gains([scoring.GainCandidate("patbm", 0, 68, TEN)])
    assert (gain.key, gain.more, gain.points) == ("patbm", 7, D("1.03"))  # 10 × 7/68 = 1,029…


def test_with_all_68_covered_there_is_nothing_to_gain():
    assert scoring.biggest_gains([scoring.GainCandidate("patbm", 68, 68, TEN)]) == []


def test_near_the_top_only_the_places_left_count_and_the_gain_reaches_the_maximum():
    [gain] = scoring.biggest_gains([scoring.GainCandidate("patbm", 65, 68, TEN)])
    assert (gain.more, gain.points) == (3, D("10.00") - D("9.56"))


def test_no_place_to_count_gains_nothing():
    assert scoring.biggest_gains([scoring.GainCandidate("x", 0, 0, TEN)]) == []


def test_the_biggest_gains_come_first_and_the_list_is_cut():
    candidates = [scoring.GainCandidate(name, 0, 68, D(points)) for name, points in
                  [("a", "4"), ("b", "10"), ("c", "6"), ("d", "1"), ("e", "5"), ("f", "4")]]
    gains = scoring.biggest_gains(candidates, limit=3)
    assert [(gain.key, gain.points) for gain in gains] == [("b", D("1.03")), ("c", D("0.62")), ("e", D("0.51"))]


def test_the_gain_is_the_difference_of_the_rounded_suggestions():
    [gain] = scoring.biggest_gains([scoring.GainCandidate("x", 2, 68, D("6"))], step=1)
    assert gain.points == scoring.suggested_points(met=3, total=68, max_points=D("6")) - scoring.suggested_points(
        met=2, total=68, max_points=D("6")) == D("0.08")


@pytest.mark.django_db
def test_a_deactivated_kelurahan_is_not_counted(evaluation_2025, forum_anak, every_kelurahan):
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[0], year=2025, status="met")
    Kelurahan.objects.filter(pk=every_kelurahan[0].pk).update(is_active=False)
    gains = {gain.key.criterion.code: gain for gain in selectors.planner_gains(evaluation_2025, limit=50)}
    forum = gains["KEL-FORUM-ANAK"]
    assert (forum.met, forum.total, forum.more) == (0, 67, 7)
    assert forum.points == scoring.suggested_points(met=7, total=67, max_points=D("4"))


@pytest.mark.django_db
def test_the_planner_gains_of_the_demo_put_patbm_first(evaluation_2025):
    gains = selectors.planner_gains(evaluation_2025)
    assert len(gains) == 5
    first = gains[0]
    assert (first.key.criterion.code, first.met, first.total, first.more, first.points) == (
        "KEL-PATBM", 2, 68, 7, D("1.32") - D("0.29"))
    assert all(gain.key.criterion.scope in (Criterion.Scope.KELURAHAN, Criterion.Scope.KECAMATAN) for gain in gains)
