"""Property-based checks of the scoring rules over many generated scores."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from clusters import scoring
from tests.clusters.test_scoring import BANDS

points = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def indicator_scores(draw):
    maximum = draw(st.decimals(min_value=D("0.01"), max_value=100, places=2))
    self_score = draw(st.none() | st.decimals(min_value=0, max_value=maximum, places=2))
    deductions = draw(st.decimals(min_value=0, max_value=self_score or 0, places=2))
    return scoring.IndicatorScore(
        number=draw(st.integers(1, 40)),
        cluster_code=draw(st.sampled_from(["KLB", "K1", "K2", "K3", "K4", "K5"])),
        max_points=maximum,
        self_score=self_score,
        deductions=deductions,
    )


def _rank(band):
    return -1 if band is None else [b.code for b in BANDS].index(band.code)


@given(points, points)
def test_a_higher_score_never_gets_a_lower_predicate(a, b):
    low, high = sorted([a, b])
    assert _rank(scoring.predicate_for(low, BANDS)) <= _rank(scoring.predicate_for(high, BANDS))


@given(points, st.sampled_from(BANDS))
def test_the_gap_is_exactly_what_enters_the_band(score, band):
    gap = scoring.gap_to(score, band)
    assert gap >= 0
    assert band.admits(score + gap)
    if gap > 0:
        assert not band.admits(score + gap - scoring.STEP)


@given(st.lists(indicator_scores(), max_size=30))
def test_totals_are_consistent(scores):
    assert scoring.final_total(scores) == scoring.total_self_assessment(scores) - scoring.total_deductions(scores)
    clusters = scoring.cluster_totals(scores)
    assert sum((c.final for c in clusters), D(0)) == scoring.final_total(scores)
    assert sum((c.headroom for c in clusters), D(0)) == sum((s.headroom for s in scores), D(0))
    assert all(0 <= s.final <= s.max_points for s in scores)
