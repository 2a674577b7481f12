from decimal import Decimal as D

from clusters.scoring import IndicatorScore, recurring_weaknesses
from planner.planning import Effort, Opportunity, opportunities, suggest


def _item(number, gain, recoverable="0", effort=Effort.MEDIUM):
    return Opportunity(number, "K1", D("10"), D(gain), D(recoverable), effort)


def test_an_indicator_deducted_in_consecutive_evaluations_is_a_recurring_weakness():
    history = {
        2017: {3: D("8"), 21: D("12"), 6: D("6")},
        2018: {3: D("14.5"), 21: D("26"), 13: D("6.5")},
        2019: {13: D("0")},
    }
    assert recurring_weaknesses(history) == {3, 21}


def test_years_without_an_award_do_not_break_consecutiveness():
    assert recurring_weaknesses({2019: {5: D("1")}, 2021: {5: D("2")}}) == {5}


def test_one_bad_year_or_gaps_between_evaluations_are_not_recurring():
    assert recurring_weaknesses({2017: {5: D("1")}, 2018: {}, 2019: {5: D("1")}}) == set()
    assert recurring_weaknesses({}) == set()


def test_opportunities_count_last_years_deductions_as_recoverable_up_to_the_headroom():
    scores = [
        IndicatorScore(3, "KLB", D("30"), D("25.50")),
        IndicatorScore(21, "K5", D("55"), D("50")),
        IndicatorScore(1, "KLB", D("30"), D("30")),  # full marks: nothing to gain
        IndicatorScore(18, "K4", D("40"), None),  # not scored yet: everything to gain
    ]
    result = {o.number: o for o in opportunities(scores, {3: D("14.50"), 21: D("26")}, {21: Effort.LOW})}
    assert set(result) == {3, 21, 18}
    assert (result[3].gain, result[3].recoverable, result[3].effort) == (D("4.50"), D("4.50"), Effort.MEDIUM)
    assert (result[21].gain, result[21].recoverable, result[21].effort) == (D("5"), D("5"), Effort.LOW)
    assert (result[18].current, result[18].gain, result[18].target) == (D("0"), D("40"), D("40"))


def test_opportunities_from_the_final_score_include_the_deductions():
    scores = [IndicatorScore(3, "KLB", D("30"), D("25"), D("10"))]
    (item,) = opportunities(scores, {}, use_final=True)
    assert (item.current, item.gain) == (D("15"), D("15"))


def test_suggestion_prefers_low_effort_then_recoverable_points():
    candidates = [
        _item(1, "10", effort=Effort.HIGH),
        _item(2, "6", recoverable="6"),
        _item(3, "6"),
        _item(4, "5", effort=Effort.LOW),
    ]
    suggestion = suggest(D("10.01"), candidates)
    assert [i.number for i in suggestion.items] == [4, 2]
    assert suggestion.closes_gap
    assert suggestion.total_gain == D("11")


def test_suggestion_drops_items_that_are_not_needed():
    # Low effort first: 1 (2 points) then 2 (20 points) close 15; but 2 alone closes it.
    candidates = [_item(1, "2", effort=Effort.LOW), _item(2, "20")]
    assert [i.number for i in suggest(D("15"), candidates).items] == [2]


def test_a_closed_gap_needs_no_improvement():
    suggestion = suggest(D("0"), [_item(1, "5")])
    assert suggestion.items == [] and suggestion.closes_gap and suggestion.remaining_gap == 0


def test_an_impossible_gap_suggests_everything_and_says_what_remains():
    suggestion = suggest(D("30"), [_item(1, "5"), _item(2, "10")])
    assert not suggestion.closes_gap
    assert [i.number for i in suggestion.items] == [2, 1]
    assert suggestion.remaining_gap == D("15")


def test_ties_resolve_by_indicator_number():
    candidates = [_item(7, "5"), _item(3, "5"), _item(5, "5")]
    assert [i.number for i in suggest(D("10"), candidates).items] == [3, 5]


# --- the starting rule, patbm points, projection ---

from planner.planning import (  # noqa: E402
    SOURCE_CARRIED,
    SOURCE_FINAL,
    SOURCE_NONE,
    SOURCE_SELF,
    patbm_points,
    projected_total,
    start_opportunities,
    starting_points,
)


def test_starting_rule_subtracts_last_years_deductions_from_a_self_assessment_and_carries_finals_forward():
    previous = [
        IndicatorScore(3, "KLB", D("30"), D("24"), D("14.50")),
        IndicatorScore(21, "K5", D("55"), D("40.70"), D("26")),
        IndicatorScore(1, "KLB", D("30"), D("24")),
    ]
    latest = [
        IndicatorScore(3, "KLB", D("30"), D("25.50")),  # self-assessed: minus last year's 14.50
        IndicatorScore(21, "K5", D("55"), None),  # not scored: last year's final carried forward
        IndicatorScore(1, "KLB", D("30"), D("25.50")),  # no deduction last year: as assessed
        IndicatorScore(9, "K2", D("40"), None),  # nothing known
    ]
    starts = {s.number: s for s in starting_points(latest, previous, carry_forward=True)}
    assert (starts[3].base, starts[3].recoverable, starts[3].source) == (D("11.00"), D("14.50"), SOURCE_SELF)
    assert (starts[21].base, starts[21].recoverable, starts[21].source) == (D("14.70"), D("26"), SOURCE_CARRIED)
    assert (starts[1].base, starts[1].recoverable) == (D("25.50"), D("0"))
    assert (starts[9].base, starts[9].recoverable, starts[9].source) == (D("0"), D("0"), SOURCE_NONE)
    assert [o.number for o in start_opportunities(starts.values())] == [3, 21, 1, 9]
    # By default an indicator not scored yet starts at 0: the self-assessment as it stands.
    default = {s.number: s for s in starting_points(latest, previous)}
    assert (default[21].base, default[21].recoverable, default[21].source) == (D("0"), D("0"), SOURCE_NONE)
    assert default[3] == starts[3]


def test_starting_rule_uses_the_final_score_once_the_field_result_is_known():
    latest = [IndicatorScore(3, "KLB", D("30"), D("25"), D("5"))]
    previous = [IndicatorScore(3, "KLB", D("30"), D("25"), D("14"))]
    (start,) = starting_points(latest, previous, latest_has_field_result=True)
    assert (start.base, start.recoverable, start.source) == (D("20"), D("5"), SOURCE_FINAL)


def test_starting_rule_never_goes_below_zero_or_counts_more_recoverable_than_headroom():
    latest = [IndicatorScore(3, "KLB", D("30"), D("4"))]
    (start,) = starting_points(latest, [IndicatorScore(3, "KLB", D("30"), D("20"), D("10"))])
    assert (start.base, start.recoverable) == (D("0"), D("4"))


def test_patbm_points_per_percentage_point_of_added_coverage():
    assert patbm_points(added=17, covered=2, total=68, points_per_percent=D("0.25")) == D("6.25")
    # More kelurahan than remain uncovered count as the remaining ones only.
    assert patbm_points(added=100, covered=2, total=68, points_per_percent=D("0.25")) == D("24.26")
    assert patbm_points(added=5, covered=2, total=0, points_per_percent=D("1")) == D("0")


def test_projection_caps_the_patbm_points_at_the_indicators_maximum():
    targets = {3: D("20"), 21: D("50")}
    maxima = {3: D("30"), 21: D("55")}
    assert projected_total(targets, maxima) == D("70")
    assert projected_total(targets, maxima, bonus_indicator=21, bonus=D("3")) == D("73")
    assert projected_total(targets, maxima, bonus_indicator=21, bonus=D("30")) == D("75")
