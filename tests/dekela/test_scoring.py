from decimal import Decimal as D

import pytest
from django.core.exceptions import ImproperlyConfigured

from dekela import scoring


@pytest.mark.parametrize("rule", scoring.RULES)
def test_no_place_meeting_the_criterion_gives_zero_points(rule):
    assert scoring.suggested_points(met=0, total=68, max_points=D("10"), rule=rule) == D("0.00")


@pytest.mark.parametrize("rule", scoring.RULES)
def test_every_place_meeting_the_criterion_gives_the_whole_maximum(rule):
    assert scoring.suggested_points(met=68, total=68, max_points=D("10"), rule=rule) == D("10.00")
    assert scoring.suggested_points(met=6, total=6, max_points=D("1.25"), rule=rule) == D("1.25")


@pytest.mark.parametrize("rule", scoring.RULES)
def test_nothing_to_count_gives_zero_points(rule):
    assert scoring.suggested_points(met=0, total=0, max_points=D("10"), rule=rule) == D("0.00")


def test_proportional_rule_gives_the_maximum_times_the_share_rounded_to_cents():
    # The 2019 demo: 2 of 68 kelurahan with a PATBM formed, question 26.15 worth 10 points.
    assert scoring.suggested_points(met=2, total=68, max_points=D("10")) == D("0.29")
    assert scoring.suggested_points(met=34, total=68, max_points=D("10")) == D("5.00")
    assert scoring.suggested_points(met=67, total=68, max_points=D("10")) == D("9.85")
    assert scoring.suggested_points(met=1, total=3, max_points=D("1.25")) == D("0.42")


def test_quarters_rule_gives_a_quarter_of_the_maximum_per_full_quarter():
    rule = scoring.QUARTERS
    assert scoring.suggested_points(met=16, total=68, max_points=D("10"), rule=rule) == D("0.00")  # 23.5 %
    assert scoring.suggested_points(met=17, total=68, max_points=D("10"), rule=rule) == D("2.50")  # 25 %
    assert scoring.suggested_points(met=67, total=68, max_points=D("10"), rule=rule) == D("7.50")


@pytest.mark.parametrize(("met", "total"), [(-1, 68), (69, 68), (1, -1)])
def test_a_count_that_is_not_a_share_is_refused(met, total):
    with pytest.raises(ValueError):
        scoring.suggested_points(met=met, total=total, max_points=D("10"))


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        scoring.suggested_points(met=1, total=2, max_points=D("10"), rule="official")


def test_gain_from_more_places_stops_at_all_of_them():
    assert scoring.gain_from_more(met=2, total=68, max_points=D("10"), more=1) == D("0.15")
    assert scoring.gain_from_more(met=66, total=68, max_points=D("10"), more=5) == D("10.00") - D("9.71")
    assert scoring.gain_from_more(met=68, total=68, max_points=D("10"), more=1) == D("0")
    assert scoring.more_needed_for_full(met=2, total=68) == 66


def test_the_rule_comes_from_the_setting(settings):
    assert scoring.conversion_rule() == scoring.PROPORTIONAL
    settings.KLA_DEKELA_CONVERSION = scoring.QUARTERS
    assert scoring.conversion_rule() == scoring.QUARTERS
    settings.KLA_DEKELA_CONVERSION = "official"
    with pytest.raises(ImproperlyConfigured):
        scoring.conversion_rule()


@pytest.mark.parametrize(("met", "total", "max_points", "rule", "more"), [
    (0, 68, D("6"), scoring.PROPORTIONAL, 1),  # 0,09 at once
    (67, 68, D("6"), scoring.PROPORTIONAL, 1),  # the last one gives the rest of the maximum
    (0, 68, D("6"), scoring.QUARTERS, 17),  # 17 of 68 is the first full quarter
    (17, 68, D("6"), scoring.QUARTERS, 17),
    (51, 68, D("6"), scoring.QUARTERS, 17),  # from three quarters only all 68 give more
    (0, 80_000, D("6"), scoring.PROPORTIONAL, 67),  # a place is worth 0,000075: 0,01 from 67 places on
    (68, 68, D("6"), scoring.PROPORTIONAL, 0),  # every place meets it
    (0, 0, D("6"), scoring.PROPORTIONAL, 0),  # no place to count
    (3, 68, D("0"), scoring.PROPORTIONAL, 0),  # a question worth nothing
])
def test_more_needed_for_gain_is_the_fewest_more_places_that_raise_the_points(met, total, max_points, rule, more):
    assert scoring.more_needed_for_gain(met=met, total=total, max_points=max_points, rule=rule) == more
    if more:
        now = scoring.suggested_points(met=met, total=total, max_points=max_points, rule=rule)
        assert scoring.suggested_points(met=met + more, total=total, max_points=max_points, rule=rule) > now
        assert scoring.suggested_points(met=met + more - 1, total=total, max_points=max_points, rule=rule) == now
