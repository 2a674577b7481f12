"""The coverage-over-time count kept between requests (`selectors.coverage_timeline`): recounting only the
kelurahan written since gives exactly the full count, after any sequence of PATBM writes, deletions and
(de)activations; a history that is not the previous one grown is counted in full."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from kelurahan import coverage, selectors, services
from kelurahan.models import Kelurahan, Patbm

pytestmark = pytest.mark.django_db


def _full_points():
    active = Kelurahan.objects.active().values_list("pk", flat=True)
    return coverage.coverage_over_time(selectors.patbm_events(), active=active)


def _write(rng: random.Random, kelurahan: Kelurahan) -> None:
    current = Patbm.objects.filter(kelurahan=kelurahan).first()
    if current is not None and rng.random() < 0.1:
        current.delete()  # the history keeps a deletion entry
        return
    step = rng.choice(list(Patbm.Step.values))
    day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 2000)) if rng.random() < 0.8 else None
    formed = step >= Patbm.Step.TERBENTUK
    services.patbm_save(kelurahan=kelurahan, step=step, step_date=day, sk_number="SK 1" if formed else "",
                        sk_date=dt.date(2019, 1, 1) if formed else None,
                        version=current.version if current else 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recounting_the_touched_kelurahan_gives_the_full_count(demo, seed):
    rng = random.Random(seed)
    kelurahan = list(Kelurahan.objects.order_by("pk"))
    state = selectors.coverage_timeline()
    assert state.points == _full_points()
    for _ in range(12):
        for _ in range(rng.randrange(1, 6)):
            chosen = rng.choice(kelurahan)
            is_active = Kelurahan.objects.get(pk=chosen.pk).is_active
            if rng.random() < 0.1:
                Kelurahan.objects.filter(pk=chosen.pk).update(is_active=not is_active)
            elif is_active:
                _write(rng, chosen)
        state = selectors.coverage_timeline(state)
        assert state.points == _full_points()
        assert state.changes == selectors.coverage_timeline().changes


def test_a_count_of_another_history_is_not_built_upon(demo):
    state = selectors.coverage_timeline()
    wrong = selectors.TimelineState({dt.date(2001, 1, 1): 5}, state.active, state.history)
    kelurahan = Kelurahan.objects.filter(patbm__isnull=True).order_by("pk").first()
    services.patbm_save(kelurahan=kelurahan, step=Patbm.Step.SOSIALISASI, step_date=dt.date(2024, 2, 1), version=0)
    # Same last entry and count, other kelurahan: the fingerprint's sum differs, so it is counted in full.
    forged = selectors.TimelineState(wrong.changes, wrong.active, (state.history[0], state.history[1],
                                                                    state.history[2] + 1, state.history[3]))
    assert selectors.coverage_timeline(forged).points == _full_points()
    # Newer than the history (a restored older backup): counted in full.
    future = selectors.TimelineState(wrong.changes, wrong.active, (10**9, 10**9, 0, state.history[3]))
    assert selectors.coverage_timeline(future).points == _full_points()
    # Same ids, entries and kelurahan, written at another time (a test database written again, a backup
    # restored and written to): counted in full.
    other_time = state.history[3] - dt.timedelta(seconds=1)
    rewritten = selectors.TimelineState(wrong.changes, wrong.active, (*state.history[:3], other_time))
    assert selectors.coverage_timeline(rewritten).points == _full_points()


def test_the_recount_after_a_write_reads_only_the_touched_kelurahan(demo, django_assert_max_num_queries):
    state = selectors.coverage_timeline()
    kelurahan = Kelurahan.objects.filter(patbm__isnull=True).order_by("pk").first()
    services.patbm_save(kelurahan=kelurahan, step=Patbm.Step.AKTIF, step_date=dt.date(2024, 2, 1),
                        sk_number="SK 7", sk_date=dt.date(2024, 1, 20), version=0)
    with django_assert_max_num_queries(5) as queries:
        recounted = selectors.coverage_timeline(state)
    events = [query["sql"] for query in queries.captured_queries if '"kelurahan_id" IN' in query["sql"]]
    assert len(events) == 1  # only the written kelurahan's history is read
    # The active kelurahan did not change: their ids are not read again, only their fingerprint.
    assert not [query for query in queries.captured_queries
                if query["sql"].startswith('SELECT "kelurahan_kelurahan"."id" FROM')]
    assert recounted.active is state.active
    assert recounted.points[-1].covered == state.points[-1].covered + 1 == _full_points()[-1].covered


def test_a_changed_active_set_is_read_again(demo):
    state = selectors.coverage_timeline()
    # Swapped without history (a bulk update): one deactivated, another activated; the count stays.
    first, second = Kelurahan.objects.order_by("pk")[:2]
    Kelurahan.objects.filter(pk=first.pk).update(is_active=False)
    recounted = selectors.coverage_timeline(state)
    assert first.pk not in recounted.active and len(recounted.active) == len(state.active) - 1
    Kelurahan.objects.filter(pk=second.pk).update(is_active=False)
    Kelurahan.objects.filter(pk=first.pk).update(is_active=True)
    again = selectors.coverage_timeline(recounted)
    assert first.pk in again.active and second.pk not in again.active
    assert again.points == _full_points()


def test_the_city_coverage_on_past_days_is_that_of_the_history(demo):
    """`patbm_city_coverage_on` reads the kept count; `patbm_coverage_on` the history itself: the same."""
    selectors.coverage_timeline_forget()
    rng = random.Random(7)
    kelurahan = list(Kelurahan.objects.order_by("pk"))
    days = [dt.date(2018, 12, 31), dt.date(2019, 12, 31), dt.date(2021, 6, 30), dt.date(2024, 12, 31)]
    for _ in range(4):
        for _ in range(5):
            _write(rng, rng.choice(kelurahan))
        Kelurahan.objects.filter(pk=rng.choice(kelurahan).pk).update(is_active=False)
        city = selectors.patbm_city_coverage_on(days)
        by_kecamatan = selectors.patbm_coverage_on(days)
        for day in days:
            expected = (sum(item.covered for item in by_kecamatan[day].values()),
                        sum(item.total for item in by_kecamatan[day].values()))
            assert (city[day].covered, city[day].total) == expected
    today = timezone.localdate()
    assert selectors.patbm_city_coverage_on([today])[today] == selectors.patbm_coverage()
