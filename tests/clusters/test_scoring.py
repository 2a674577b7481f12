"""The scoring rules, without the database."""

from decimal import Decimal as D

import pytest

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
    assert scoring.next_band(D(score), BANDS).name == next_name
    assert scoring.gap_to_next(D(score), BANDS) == D(gap)


def test_no_next_predicate_at_the_top():
    assert scoring.next_band(D("950"), BANDS) is None
    assert scoring.gap_to_next(D("950"), BANDS) is None


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
    assert scoring.maxima_add_up(full)
    assert not scoring.maxima_add_up(full[:-1])


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
