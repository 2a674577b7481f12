from decimal import Decimal as D

from kelurahan import coverage


def test_a_kelurahan_counts_as_covered_from_terbentuk():
    assert [coverage.is_covered(step) for step in range(1, 7)] == [False] * 4 + [True, True]


def test_coverage_of_the_2019_situation_is_2_of_68():
    result = coverage.coverage([6, 5] + [1] * 60 + [2, 3, 4, 4, 3, 2])
    assert (result.covered, result.total, result.remaining) == (2, 68, 66)
    assert result.percent == D("2.9")


def test_coverage_of_nothing_is_zero_not_an_error():
    result = coverage.coverage([])
    assert (result.covered, result.total, result.percent) == (0, 0, D("0.0"))


def test_full_coverage_is_100_percent():
    assert coverage.coverage([5, 6, 6]).percent == D("100.0")


def test_coverage_by_group_keeps_first_seen_order():
    result = coverage.coverage_by_group([("Bogor Utara", 5), ("Bogor Barat", 1), ("Bogor Utara", 1)])
    assert list(result) == ["Bogor Utara", "Bogor Barat"]
    assert (result["Bogor Utara"].covered, result["Bogor Utara"].total) == (1, 2)
    assert result["Bogor Barat"].percent == D("0.0")
