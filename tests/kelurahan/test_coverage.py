import datetime as dt
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


def test_step_counts_lists_every_step_in_order_with_zeros():
    assert coverage.step_counts([1, 1, 5, 3]) == {1: 2, 2: 0, 3: 1, 4: 0, 5: 1, 6: 0}


def _events(*rows):
    return [coverage.StepEvent(kelurahan, dt.date.fromisoformat(day), step) for kelurahan, day, step in rows]


def test_coverage_over_time_counts_each_kelurahan_from_the_date_it_was_formed():
    events = _events(
        ("A", "2018-02-12", 2),
        ("A", "2018-07-23", 5),
        ("A", "2018-10-01", 6),
        ("B", "2018-04-02", 3),
        ("B", "2018-12-10", 5),
        ("C", "2019-01-07", 2),
    )
    points = coverage.coverage_over_time(events, active=["A", "B", "C"])
    assert [(p.date.isoformat(), p.covered, p.total) for p in points] == [
        ("2018-07-23", 1, 3),
        ("2018-12-10", 2, 3),
    ]
    assert points[-1].percent == D("66.7")


def test_going_back_a_step_leaves_coverage_from_that_date():
    events = _events(("A", "2018-07-23", 5), ("B", "2018-08-01", 6), ("A", "2019-03-01", 4), ("A", "2019-09-01", 5))
    points = coverage.coverage_over_time(events, active=["A", "B"])
    assert [(p.date.isoformat(), p.covered) for p in points] == [
        ("2018-07-23", 1),
        ("2018-08-01", 2),
        ("2019-03-01", 1),
        ("2019-09-01", 2),
    ]


def test_a_deactivated_kelurahan_leaves_the_denominator_and_takes_its_coverage_along():
    events = _events(("A", "2018-07-23", 5), ("B", "2018-12-10", 6))
    points = coverage.coverage_over_time(events, active=["B", "C"])
    assert [(p.date.isoformat(), p.covered, p.total) for p in points] == [("2018-12-10", 1, 2)]


def test_events_entered_out_of_date_order_are_placed_by_their_step_date():
    # Steps entered late: terbentuk typed in after aktif, with its earlier real date.
    events = _events(("A", "2019-02-01", 2), ("A", "2019-05-01", 6), ("A", "2019-05-01", 6))
    late = _events(("B", "2019-01-01", 2), ("B", "2019-06-01", 5))
    points = coverage.coverage_over_time(events + late, active=["A", "B"])
    assert [(p.date.isoformat(), p.covered) for p in points] == [("2019-05-01", 1), ("2019-06-01", 2)]


def test_a_later_entry_with_an_earlier_date_corrects_what_was_recorded_after_it():
    # Terbentuk was entered for 1 June by mistake; the correction says the kelurahan was only trained on 1 May.
    events = _events(("A", "2019-06-01", 5), ("A", "2019-05-01", 4))
    assert coverage.step_timelines(events) == {"A": [(dt.date(2019, 5, 1), 4)]}
    assert coverage.coverage_over_time(events, active=["A"]) == []


def test_going_back_and_forward_on_the_same_day_is_no_change():
    events = _events(("A", "2018-07-23", 5), ("A", "2019-01-01", 4), ("A", "2019-01-01", 5))
    points = coverage.coverage_over_time(events, active=["A"])
    assert [(p.date.isoformat(), p.covered) for p in points] == [("2018-07-23", 1)]


def test_coverage_over_time_of_nothing_is_an_empty_list():
    assert coverage.coverage_over_time([], active=["A"]) == []
