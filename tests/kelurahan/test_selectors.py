import datetime as dt

import pytest

from kelurahan.models import Kelurahan, Patbm
from kelurahan.selectors import patbm_coverage

pytestmark = pytest.mark.django_db


def _patbm(code, step):
    sk = {"sk_number": "400/SK/1", "sk_date": dt.date(2019, 1, 1)} if step >= Patbm.Step.TERBENTUK else {}
    return Patbm.objects.create(kelurahan=Kelurahan.objects.get(code=code), step=step, **sk)


def test_patbm_coverage_counts_formed_and_active_patbm_of_active_kelurahan(reference_data):
    _patbm("32.71.01.1001", Patbm.Step.TERBENTUK)
    _patbm("32.71.01.1002", Patbm.Step.AKTIF)
    _patbm("32.71.01.1003", Patbm.Step.TERLATIH)  # trained, not formed yet
    _patbm("32.71.01.1004", Patbm.Step.AKTIF)
    Kelurahan.objects.filter(code="32.71.01.1004").update(is_active=False)  # leaves the count
    coverage = patbm_coverage()
    assert (coverage.covered, coverage.total, coverage.remaining) == (2, 67, 65)


def test_patbm_coverage_is_one_query_and_kept_until_a_kelurahan_write(reference_data, django_assert_num_queries):
    with django_assert_num_queries(2):  # the data version, the count
        assert patbm_coverage().total == 68
    with django_assert_num_queries(1):  # the data version only
        assert patbm_coverage().total == 68
    _patbm("32.71.01.1001", Patbm.Step.AKTIF)
    with django_assert_num_queries(2):
        coverage = patbm_coverage()
    assert (coverage.covered, coverage.total) == (1, 68)
    Kelurahan.objects.filter(code="32.71.01.1002").update(is_active=False)  # no history, still a write
    assert (patbm_coverage().covered, patbm_coverage().total) == (1, 67)


def _steps(kelurahan, *entries):
    """Saves `entries` of (step, step date) for `kelurahan` in this order, each a new history entry."""
    from kelurahan import services

    for step, day in entries:
        current = Patbm.objects.filter(kelurahan=kelurahan).first()
        formed = step >= Patbm.Step.TERBENTUK
        services.patbm_save(kelurahan=kelurahan, step=step, step_date=day, sk_number="SK 1" if formed else "",
                            sk_date=dt.date(2019, 1, 1) if formed else None,
                            version=current.version if current else 0)


def test_the_steps_on_a_day_follow_the_patbm_history(reference_data, django_assert_num_queries):
    from kelurahan.selectors import patbm_steps_on

    first, second, third, untouched = Kelurahan.objects.order_by("code")[:4]
    _steps(first, (2, dt.date(2022, 5, 1)), (5, dt.date(2023, 6, 1)), (3, dt.date(2024, 3, 1)))  # went back
    # A correction dated earlier replaces what the earlier entries said from its date on.
    _steps(second, (3, dt.date(2022, 1, 1)), (6, dt.date(2024, 2, 1)), (4, dt.date(2023, 1, 1)))
    _steps(third, (6, dt.date(2021, 1, 1)))
    Patbm.objects.get(kelurahan=third).delete()  # belum ada from the deletion (today) on
    days = [dt.date(2021, 12, 31), dt.date(2022, 12, 31), dt.date(2023, 12, 31), dt.date(2024, 12, 31),
            dt.date.today()]
    with django_assert_num_queries(2):  # the history for past days, the records for today
        steps = patbm_steps_on(days)
    assert [steps[day].get(first.pk) for day in days] == [1, 2, 5, 3, 3]
    assert [steps[day].get(second.pk) for day in days] == [1, 3, 4, 4, 4]
    assert [steps[day].get(third.pk) for day in days][:4] == [6, 6, 6, 6]
    assert steps[days[-1]].get(third.pk, Patbm.Step.BELUM_ADA) == Patbm.Step.BELUM_ADA
    assert all(untouched.pk not in by_day for by_day in steps.values())
    only = patbm_steps_on([dt.date(2023, 12, 31)], kelurahan_ids=[first.pk])
    assert only == {dt.date(2023, 12, 31): {first.pk: 5}}


def test_coverage_on_a_day_counts_active_kelurahan_per_kecamatan(reference_data, django_assert_num_queries):
    from kelurahan.selectors import patbm_coverage_on

    first, second = Kelurahan.objects.order_by("code")[:2]
    _steps(first, (5, dt.date(2023, 6, 1)))
    _steps(second, (6, dt.date(2022, 6, 1)))
    Kelurahan.objects.filter(pk=second.pk).update(is_active=False)
    days = [dt.date(2022, 12, 31), dt.date(2023, 12, 31)]
    with django_assert_num_queries(2):
        result = patbm_coverage_on(days)
    assert sum(item.total for item in result[days[0]].values()) == 67
    assert sum(item.covered for item in result[days[0]].values()) == 0
    assert result[days[1]][first.kecamatan_id].covered == 1
    assert sum(item.covered for item in result[days[1]].values()) == 1


def test_coverage_today_and_later_comes_from_the_records_and_equals_the_history(
    reference_data, django_assert_num_queries
):
    """Today (the current year's end is capped to it) is counted from the PATBM records without reading the
    history; it is the same count the history gives, including a correction entered later with an earlier
    date, a deletion and a deactivated kelurahan."""
    from django.utils import timezone

    from kelurahan.selectors import patbm_coverage_on, patbm_steps_on

    first, second, third, fourth = Kelurahan.objects.order_by("code")[:4]
    _steps(first, (5, dt.date(2023, 6, 1)), (3, dt.date(2022, 1, 1)))  # corrected later to an earlier date
    _steps(second, (6, dt.date(2022, 6, 1)))
    _steps(third, (5, dt.date(2024, 6, 1)))
    _steps(fourth, (6, dt.date(2021, 6, 1)))
    Patbm.objects.get(kelurahan=third).delete()
    Kelurahan.objects.filter(pk=fourth.pk).update(is_active=False)
    today = timezone.localdate()
    with django_assert_num_queries(1):
        now = patbm_coverage_on([today, today + dt.timedelta(days=400)])
    steps = patbm_steps_on([today])[today]
    active = Kelurahan.objects.active()
    from_history = sum(steps.get(pk, 1) >= 5 for pk in active.values_list("pk", flat=True))
    assert sum(item.covered for item in now[today].values()) == from_history == 1
    assert sum(item.total for item in now[today].values()) == active.count() == 67
    assert now[today][second.kecamatan_id].covered == 1
    yesterday = today - dt.timedelta(days=1)
    with django_assert_num_queries(3):
        both = patbm_coverage_on([yesterday, today])
    assert both[today] == now[today]
    # Yesterday, read from the history: the PATBM deleted today still counted.
    assert sum(item.covered for item in both[yesterday].values()) == 2


def test_the_steps_today_are_the_records_and_equal_the_history(reference_data, django_assert_num_queries):
    from django.utils import timezone

    from kelurahan.selectors import patbm_steps_on

    first, second, third = Kelurahan.objects.order_by("code")[:3]
    _steps(first, (2, dt.date(2022, 5, 1)), (5, dt.date(2023, 6, 1)), (3, dt.date(2024, 3, 1)))
    _steps(second, (3, dt.date(2022, 1, 1)), (6, dt.date(2024, 2, 1)), (4, dt.date(2023, 1, 1)))
    _steps(third, (6, dt.date(2021, 1, 1)))
    Patbm.objects.get(kelurahan=third).delete()
    today = timezone.localdate()
    with django_assert_num_queries(1):
        now = patbm_steps_on([today])[today]
    assert now == {first.pk: 3, second.pk: 4}
    # The same as the history says for a day when nothing has changed since (the deletion was today).
    tomorrow_from_history = {
        kelurahan: step for kelurahan, step in patbm_steps_on([today - dt.timedelta(days=1)]).popitem()[1].items()
        if kelurahan != third.pk
    }
    assert tomorrow_from_history == now
    assert patbm_steps_on([today], kelurahan_ids=[second.pk]) == {today: {second.pk: 4}}
