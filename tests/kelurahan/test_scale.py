"""The kelurahan list and the coverage page with many kecamatan: SQL aggregates equal the per-row
rules, kecamatan are paged, filters stay small, cached numbers follow every write."""

import datetime as dt
import random
import re

import pytest
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from kelurahan import coverage, selectors
from kelurahan.forms import KECAMATAN_SELECT_LIMIT
from kelurahan.models import Kecamatan, Kelurahan, Patbm

pytestmark = pytest.mark.django_db

KECAMATAN = 60  # more than the dropdown limit and two pages of kecamatan
PER_KECAMATAN = 5


@pytest.fixture
def many_kecamatan(demo):
    """60 more kecamatan of 5 kelurahan (some inactive), random PATBM steps (some none), with history;
    plus a kecamatan whose only kelurahan is inactive."""
    rng = random.Random(9)
    kecamatan = Kecamatan.objects.bulk_create(
        Kecamatan(code=f"33.{1 + n // 90:02d}.{1 + n % 90:02d}", name=f"Uji {n:03d}") for n in range(KECAMATAN)
    )
    kelurahan = Kelurahan.objects.bulk_create(
        Kelurahan(code=f"{kec.code}.{1001 + i}", name=f"Kel {kec.code}.{1001 + i}", kecamatan=kec,
                  is_active=rng.random() > 0.1)
        for kec in kecamatan
        for i in range(PER_KECAMATAN)
    )
    steps = [(row, rng.choice([None, 1, 2, 3, 4, 5, 6])) for row in kelurahan]
    bulk_create_with_history(
        [
            Patbm(kelurahan=row, step=step, step_date=dt.date(2019, 1 + i % 12, 1 + i % 28),
                  sk_number="400/uji" if step >= 5 else "", sk_date=dt.date(2019, 1, 1) if step >= 5 else None)
            for i, (row, step) in enumerate(steps)
            if step is not None
        ],
        Patbm,
    )
    lonely = Kecamatan.objects.create(code="34.01.01", name="Sepi")
    Kelurahan.objects.create(code="34.01.01.1001", name="Sepi Satu", kecamatan=lonely, is_active=False)


def _old_report():
    """The coverage as computed before, row by row in Python, from every active kelurahan."""
    rows = list(Kelurahan.objects.active().with_patbm_step().order_by("kecamatan__code", "code"))
    steps = [row.patbm_step for row in rows]
    return {
        "headline": coverage.coverage(steps),
        "by_kecamatan": coverage.coverage_by_group((row.kecamatan.name, row.patbm_step) for row in rows),
        "pipeline": coverage.step_counts(steps),
        "timeline": coverage.coverage_over_time(selectors.patbm_events(), active=[row.pk for row in rows]),
    }


def test_sql_aggregates_equal_the_per_row_computation(many_kecamatan):
    old = _old_report()
    totals = selectors.coverage_totals()
    assert totals.headline == old["headline"]
    assert {item.name: item.coverage for item in totals.kecamatan} == old["by_kecamatan"]
    assert [item.name for item in totals.kecamatan] == list(old["by_kecamatan"])  # same order (by code)
    assert totals.pipeline == old["pipeline"]
    assert totals.timeline == old["timeline"]
    assert "Sepi" not in old["by_kecamatan"]  # no active kelurahan: not a row of the table
    assert totals.headline.total == Kelurahan.objects.filter(is_active=True).count()


def test_sql_aggregates_equal_the_per_row_computation_on_the_demo(demo):
    old = _old_report()
    totals = selectors.coverage_totals()
    assert (totals.headline, totals.pipeline, totals.timeline) == (old["headline"], old["pipeline"], old["timeline"])
    assert {item.name: item.coverage for item in totals.kecamatan} == old["by_kecamatan"]


def test_coverage_page_pages_the_kecamatan_and_counts_every_one(client, many_kecamatan, task_force_user):
    client.force_login(task_force_user)
    url = reverse("kelurahan:coverage")
    first = client.get(url)
    report = first.context["report"]
    html = first.content.decode()
    active = Kelurahan.objects.filter(is_active=True).count()
    assert report.headline.total == active
    assert f'data-testid="coverage-count">{report.headline.covered} dari {active}<' in html
    assert len(report.by_kecamatan) == selectors.KECAMATAN_PER_PAGE
    assert "Kecamatan 1–25 dari 66," in html  # 6 of Bogor + 60 made up (the lonely one has no active kelurahan)
    # The treemap and the still-without lists hold this page's kecamatan only.
    assert {row.kecamatan_name for row in report.rows} == set(report.by_kecamatan)
    assert "?page=2" in html

    last = client.get(url, {"page": 3})
    assert len(last.context["report"].by_kecamatan) == 66 - 50
    assert "Kecamatan 51–66 dari 66," in last.content.decode()
    assert last.context["report"].headline.total == active


def test_coverage_page_finds_a_kecamatan_by_name_or_code(client, many_kecamatan, task_force_user):
    client.force_login(task_force_user)
    url = reverse("kelurahan:coverage")
    by_name = client.get(url, {"kecamatan": "uji 04"}).context["report"]
    assert sorted(by_name.by_kecamatan) == [f"Uji {n:03d}" for n in range(40, 50)]
    by_code = client.get(url, {"kecamatan": "32.71"}).context["report"]
    assert len(by_code.by_kecamatan) == 6
    html = client.get(url, {"kecamatan": "tidak-ada"}).content.decode()
    assert "Tidak ada kecamatan yang cocok" in html


def test_a_city_sees_every_kecamatan_on_one_page_without_paging(client, demo, task_force_user):
    client.force_login(task_force_user)
    response = client.get(reverse("kelurahan:coverage"))
    assert len(response.context["report"].by_kecamatan) == 6
    assert 'data-testid="kecamatan-range"' not in response.content.decode()


def test_kelurahan_list_filters_kecamatan_by_text_beyond_the_dropdown_limit(client, many_kecamatan, task_force_user):
    assert Kecamatan.objects.count() > KECAMATAN_SELECT_LIMIT
    client.force_login(task_force_user)
    url = reverse("kelurahan:kelurahan-list")
    html = client.get(url).content.decode()
    kecamatan_field = re.search(r'<(select|input)[^>]*name="kecamatan"', html)
    assert kecamatan_field.group(1) == "input"
    assert html.count("<option") < 20  # only the step and status choices
    by_name = client.get(url, {"kecamatan": "Uji 007"}).context
    assert by_name["paginator"].count == Kelurahan.objects.filter(kecamatan__name="Uji 007", is_active=True).count()
    by_code = client.get(url, {"kecamatan": "32.71.03", "status": "all"}).context
    assert {k.kecamatan.code for k in by_code["object_list"]} == {"32.71.03"}


def test_kelurahan_list_keeps_the_dropdown_for_a_city(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("kelurahan:kelurahan-list")).content.decode()
    assert re.search(r'<select[^>]*name="kecamatan"', html)
    assert "Bogor Timur</option>" in html


@pytest.mark.parametrize("page", ["list", "coverage"])
def test_query_count_is_the_same_with_many_kecamatan(
    client, request, demo, task_force_user, django_assert_max_num_queries, page
):
    url = reverse({"list": "kelurahan:kelurahan-list", "coverage": "kelurahan:coverage"}[page])
    client.force_login(task_force_user)
    client.get(reverse("clusters:evaluation-list"))  # the session refresh after the login happens here
    # Both requests miss the caches (the data version differs): everything is computed, the coverage
    # timeline from the whole history (its cached count is emptied too).
    selectors.coverage_timeline_forget()
    with django_assert_max_num_queries(15) as small:
        assert client.get(url).status_code == 200
    request.getfixturevalue("many_kecamatan")
    selectors.coverage_timeline_forget()
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    # Served from the caches: fewer queries, still the same at both sizes.
    with django_assert_max_num_queries(len(small.captured_queries) - 1):
        assert client.get(url).status_code == 200


def test_cached_counts_follow_every_write(client, demo, task_force_user):
    client.force_login(task_force_user)
    list_url, coverage_url = reverse("kelurahan:kelurahan-list"), reverse("kelurahan:coverage")
    assert client.get(list_url).context["paginator"].count == 68
    assert "2 dari 68" in client.get(coverage_url).content.decode()

    kelurahan = Kelurahan.objects.filter(patbm__isnull=True).order_by("code").first()
    Kelurahan.objects.filter(pk=kelurahan.pk).update(is_active=False)  # bulk: no signals
    assert client.get(list_url).context["paginator"].count == 67
    assert "2 dari 67" in client.get(coverage_url).content.decode()

    other = Kelurahan.objects.filter(patbm__isnull=True, is_active=True).order_by("code").first()
    Patbm.objects.create(kelurahan=other, step=Patbm.Step.AKTIF, step_date=dt.date(2020, 1, 1),
                         sk_number="400/uji", sk_date=dt.date(2020, 1, 1))
    html = client.get(coverage_url).content.decode()
    assert "3 dari 67" in html
    assert client.get(list_url, {"step": Patbm.Step.AKTIF}).context["paginator"].count == 2
