"""The scoring rules, without the database."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from clusters import scoring
from clusters.scoring import Band, IndicatorScore

BANDS = [
    Band("pratama", "Pratama", D("500"), lower_inclusive=True),
    Band("madya", "Madya", D("600")),
    Band("nindya", "Nindya", D("700")),
    Band("utama", "Utama", D("800")),
    Band("kla", "KLA", D("900")),
]
NINDYA = BANDS[2]


@pytest.mark.parametrize(
    ("score", "predicate"),
    [
        ("499.99", None),
        ("0", None),
        ("500.00", "Pratama"),
        ("600.00", "Pratama"),
        ("600.01", "Madya"),
        ("700.00", "Madya"),
        ("700.01", "Nindya"),
        ("800.00", "Nindya"),
        ("800.01", "Utama"),
        ("900.01", "KLA"),
        ("1000", "KLA"),
    ],
)
def test_predicate_for_score_follows_the_band_bounds(score, predicate):
    band = scoring.predicate_for(D(score), BANDS)
    assert (band.name if band else None) == predicate


def test_bands_given_in_any_order_give_the_same_predicate():
    assert scoring.predicate_for(D("650"), list(reversed(BANDS))).name == "Madya"


@pytest.mark.parametrize(
    ("score", "gap"),
    [("700.00", "0.01"), ("700.01", "0.00"), ("750", "0.00"), ("683.20", "16.81"), ("0", "700.01")],
)
def test_gap_to_nindya_is_what_is_still_needed_to_be_above_700(score, gap):
    assert scoring.gap_to(D(score), NINDYA) == D(gap)


def test_gap_to_an_inclusive_band_counts_from_its_bound():
    assert scoring.gap_to(D("499.99"), BANDS[0]) == D("0.01")
    assert scoring.gap_to(D("500.00"), BANDS[0]) == D("0")


@pytest.mark.parametrize(
    ("score", "next_name", "gap"),
    [("499.99", "Pratama", "0.01"), ("600.00", "Madya", "0.01"), ("683.20", "Nindya", "16.81"),
     ("900.00", "KLA", "0.01")],
)
def test_gap_to_next_predicate(score, next_name, gap):
    summary = _summary_at(score)
    assert summary.next_predicate.name == next_name
    assert summary.gap_to_next == D(gap)


def test_no_next_predicate_at_the_top():
    summary = _summary_at("950")
    assert summary.next_predicate is None
    assert summary.gap_to_next is None


def _summary_at(score):
    return scoring.summarize([IndicatorScore(1, "K1", D("1000"), D(score))], BANDS, None)


def _scores():
    return [
        IndicatorScore(1, "KLB", D("30"), D("24.00"), D("14.50")),
        IndicatorScore(2, "KLB", D("40"), D("32.00")),
        IndicatorScore(4, "K1", D("60"), None),
        IndicatorScore(21, "K5", D("55"), D("40.70"), D("26.00")),
    ]


def test_totals_count_unscored_indicators_as_zero():
    scores = _scores()
    assert scoring.total_self_assessment(scores) == D("96.70")
    assert scoring.total_deductions(scores) == D("40.50")
    assert scoring.final_total(scores) == D("56.20")
    assert scoring.maximum_total(scores) == D("185")


def test_indicator_final_and_headroom():
    row = _scores()[0]
    assert row.final == D("9.50")
    assert row.headroom == D("20.50")
    unscored = _scores()[2]
    assert (unscored.final, unscored.headroom, unscored.is_scored) == (D("0"), D("60"), False)


def test_cluster_totals_in_the_given_order_including_empty_clusters():
    totals = scoring.cluster_totals(_scores(), cluster_order=["KLB", "K1", "K2", "K5"])
    assert [t.cluster_code for t in totals] == ["KLB", "K1", "K2", "K5"]
    klb, k1, k2, k5 = totals
    assert (klb.maximum, klb.self_assessment, klb.deductions, klb.final, klb.headroom) == (
        D("70"), D("56.00"), D("14.50"), D("41.50"), D("28.50"))
    assert (k1.scored, k1.indicators, k1.headroom) == (0, 1, D("60"))
    assert (k2.maximum, k2.final, k2.indicators) == (D("0"), D("0"), 0)
    assert k5.final == D("14.70")


def test_maxima_add_up_to_1000_or_not():
    full = [IndicatorScore(n, "K1", D("40")) for n in range(25)]
    assert scoring.summarize(full, BANDS, None).maxima_add_up
    assert not scoring.summarize(full[:-1], BANDS, None).maxima_add_up


def test_summary_of_the_2018_story_is_madya_about_17_points_short_of_nindya():
    scores = [IndicatorScore(1, "K1", D("1000"), D("769.20"), D("86.00"))]
    summary = scoring.summarize(scores, BANDS, NINDYA)
    assert summary.final == D("683.20")
    assert summary.predicate.name == "Madya"
    assert summary.gap_to_goal == D("16.81")
    assert summary.next_predicate.name == "Nindya"
    assert summary.gap_to_next == D("16.81")
    assert summary.maxima_add_up


def test_summary_without_a_goal_has_no_goal_gap():
    summary = scoring.summarize([IndicatorScore(1, "K1", D("10"), D("5"))], BANDS, None)
    assert summary.gap_to_goal is None
    assert summary.predicate is None
    assert not summary.maxima_add_up


def _indicator(number, cluster, maximum, self_score=None, deductions="0"):
    return IndicatorScore(number, cluster, D(maximum), D(self_score) if self_score else None, D(deductions))


def test_headroom_ranking_lists_the_largest_headroom_first_and_breaks_ties_by_number():
    scores = [
        _indicator(1, "KLB", "30", "30"),  # full marks: no headroom, left out
        _indicator(2, "KLB", "40", "30", "5"),  # 15
        _indicator(3, "KLB", "30", "20"),  # 10
        _indicator(4, "K1", "60"),  # not scored: 60
        _indicator(5, "K1", "40", "25"),  # 15
    ]
    ranking = scoring.headroom_ranking(scores, limit=3)
    assert [(s.number, s.headroom) for s in ranking] == [(4, D("60")), (2, D("15")), (5, D("15"))]
    assert [s.number for s in scoring.headroom_ranking(scores)] == [4, 2, 5, 3]


def test_cluster_unclaimed_points_are_the_maximum_minus_the_self_assessment():
    (total,) = scoring.cluster_totals([_indicator(1, "KLB", "30", "20", "4"), _indicator(2, "KLB", "40", "35")])
    assert (total.final, total.deductions, total.unclaimed, total.headroom) == (D("51"), D("4"), D("15"), D("19"))
    assert total.final + total.deductions + total.unclaimed == total.maximum


def test_deductions_compared_lists_indicators_deducted_in_either_year_by_number():
    current = [_indicator(3, "KLB", "30", "25", "14.5"), _indicator(21, "K5", "55", "40", "26"),
               _indicator(4, "K1", "60", "50")]
    previous = [_indicator(3, "KLB", "30", "20", "8"), _indicator(11, "K2", "40", "30", "6"),
                _indicator(21, "K5", "55", "30", "12")]
    changes = scoring.deductions_compared(current, previous)
    assert [(c.number, c.cluster_code, c.previous, c.current) for c in changes] == [
        (3, "KLB", D("8"), D("14.5")), (11, "K2", D("6"), D("0.00")), (21, "K5", D("12"), D("26")),
    ]
    assert changes[2].change == D("14")
    assert scoring.deductions_compared(current, [])[0].previous == D("0.00")


@pytest.mark.parametrize(
    ("score", "deductions", "code"),
    [
        (None, "0", None),
        (None, "2", "required_by_deductions"),
        ("-1", "0", "negative"),
        ("-0", "0", "negative"),
        ("-1", "5", "negative"),  # the first problem only, in the documented order
        ("25.51", "0", "above_maximum"),
        ("10.125", "0", "too_many_decimals"),
        ("10.125", "20", "too_many_decimals"),
        ("4.99", "5", "below_deductions"),
        ("5", "5", None),
        ("25.50", "0", None),
        ("0", "0", None),
    ],
)
def test_score_problem_names_the_first_rule_a_score_breaks(score, deductions, code):
    problem = scoring.score_problem(D(score) if score else None, maximum=D("25.50"), deductions=D(deductions))
    assert (problem.code if problem else None) == code


def test_score_problem_explains_itself_in_indonesian_with_the_numbers_as_typed():
    with translation.override("id"):
        assert scoring.score_problem(D("30"), maximum=D("25.50")).message == (
            "Paling banyak 25,50 poin: nilai maksimum indikator."
        )
        assert scoring.score_problem(D("-1"), maximum=D("25.50")).message == "Nilai tidak boleh negatif."
        assert scoring.score_problem(D("1.005"), maximum=D("25.50")).message == "Paling banyak dua angka desimal."
        assert "4,50" in scoring.score_problem(D("1"), maximum=D("25.50"), deductions=D("4.5")).message
