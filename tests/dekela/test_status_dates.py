"""A status's date lies in its year or up to 20 years before it, never before 2000 (form and database)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from dekela.forms import date_range
from dekela.models import CriterionStatus
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def _row_url(kelurahan, year=2025):
    return reverse("dekela:row-edit", kwargs={"year": year, "pk": kelurahan.pk})


def test_the_range_of_a_year_is_its_year_and_twenty_before_it_not_before_2000():
    assert date_range(2025) == (dt.date(2005, 1, 1), dt.date(2025, 12, 31))
    assert date_range(2010) == (dt.date(2000, 1, 1), dt.date(2010, 12, 31))


@pytest.mark.parametrize(("day", "code_text"), [
    ("01/01/1900", "sebelum 01/01/2005"),
    ("31/12/2004", "sebelum 01/01/2005"),
    ("01/01/2026", "setelah akhir tahun 2025"),
])
def test_a_date_outside_the_years_range_is_refused_beside_the_field(client, staff_user, forum_anak, every_kelurahan,
                                                                     day, code_text, settings):
    client.force_login(staff_user)
    kelurahan = every_kelurahan[0]
    data = form_data(client.get(_row_url(kelurahan)))
    data.update({f"status_{forum_anak.pk}": "met", f"date_{forum_anak.pk}": day})
    response = client.post(_row_url(kelurahan), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid-feedback" in html
    assert code_text in html
    assert not CriterionStatus.objects.exists()


@pytest.mark.parametrize("day", ["01/01/2005", "31/12/2025", "15/06/2019"])
def test_a_date_at_the_edges_of_the_range_is_saved(client, staff_user, forum_anak, every_kelurahan, day):
    client.force_login(staff_user)
    kelurahan = every_kelurahan[0]
    data = form_data(client.get(_row_url(kelurahan)))
    data.update({f"status_{forum_anak.pk}": "met", f"date_{forum_anak.pk}": day})
    assert client.post(_row_url(kelurahan), data).status_code == 302
    day, month, year = map(int, day.split("/"))
    assert CriterionStatus.objects.get().date == dt.date(year, month, day)


def test_the_form_says_the_range_in_its_help_text(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    html = client.get(_row_url(every_kelurahan[0])).content.decode()
    assert "Dari 01/01/2005 sampai 31/12/2025" in html


@pytest.mark.parametrize("day", [dt.date(1900, 1, 1), dt.date(1999, 12, 31), dt.date(2004, 12, 31),
                                 dt.date(2026, 1, 1)])
def test_the_database_refuses_a_date_outside_the_years_range(forum_anak, every_kelurahan, day):
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[0], year=2025, status="met",
                                       date=day)


def test_the_database_takes_a_date_in_the_range_or_none(forum_anak, every_kelurahan):
    for place, year, day in [(0, 2025, dt.date(2005, 1, 1)), (1, 2025, dt.date(2025, 12, 31)),
                             (2, 2010, dt.date(2000, 1, 1)), (3, 2025, None)]:
        CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[place], year=year, date=day)
    assert CriterionStatus.objects.count() == 4


def test_the_current_years_range_ends_today_in_the_help_text(client, staff_user, forum_anak, every_kelurahan):
    """31 December of the current year is in the future: the hint offers up to today, as the form accepts."""
    from django.utils import formats, timezone

    today = timezone.localdate()
    client.force_login(staff_user)
    html = client.get(_row_url(every_kelurahan[0], year=today.year)).content.decode()
    assert f"sampai {formats.date_format(today, 'SHORT_DATE_FORMAT')}" in html
    assert f"sampai 31/12/{today.year}" not in html or today == dt.date(today.year, 12, 31)


def test_a_row_saved_unchanged_says_nothing_had_changed(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    kelurahan = every_kelurahan[0]
    data = form_data(client.get(_row_url(kelurahan)))
    data.update({f"status_{forum_anak.pk}": "met", f"date_{forum_anak.pk}": "15/06/2019"})
    assert client.post(_row_url(kelurahan), data).status_code == 302
    again = form_data(client.get(_row_url(kelurahan)))
    response = client.post(_row_url(kelurahan), again, follow=True)
    html = response.content.decode()
    assert "Tidak ada perubahan." in html and "0 kriteria" not in html
    assert CriterionStatus.objects.get().version == 1
