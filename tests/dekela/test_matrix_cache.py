"""The matrix page's body is cached like the other read pages, and a change shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dekela.models import CriterionStatus
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def _queries(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return response, len(queries)


def test_the_second_request_reads_the_cached_body_with_fewer_queries(client, task_force_user, forum_anak,
                                                                      every_kelurahan):
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[0], year=2025, status="met")
    client.force_login(task_force_user)
    url = reverse("dekela:matrix", kwargs={"year": 2025})
    first, first_count = _queries(client, url)
    second, second_count = _queries(client, url)
    assert second_count < first_count
    assert second_count <= 6  # session, user, permissions, data versions: no criteria, kelurahan or statuses
    body = first.content.decode()
    assert body[body.index('<table'):body.index('</table>')] in second.content.decode()  # the same cells
    assert "1/68" in second.content.decode()


def test_a_saved_row_shows_at_once_on_the_cached_matrix(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    url = reverse("dekela:matrix", kwargs={"year": 2025})
    assert "1/68" not in client.get(url).content.decode()
    row_url = reverse("dekela:row-edit", kwargs={"year": 2025, "pk": every_kelurahan[0].pk})
    data = form_data(client.get(row_url))
    data[f"status_{forum_anak.pk}"] = "met"
    assert client.post(row_url, data).status_code == 302
    html = client.get(url).content.decode()
    assert "1/68" in html


def test_a_row_with_errors_is_rendered_afresh_and_the_matrix_stays_as_stored(client, staff_user, forum_anak,
                                                                             every_kelurahan):
    client.force_login(staff_user)
    url = reverse("dekela:matrix", kwargs={"year": 2025})
    client.get(url)
    row_url = reverse("dekela:row-edit", kwargs={"year": 2025, "pk": every_kelurahan[0].pk})
    data = form_data(client.get(row_url))
    data.update({f"status_{forum_anak.pk}": "met", f"note_{forum_anak.pk}": "catatan pertama",
                 f"date_{forum_anak.pk}": "01/01/1900"})
    first = client.post(row_url, data).content.decode()
    data[f"note_{forum_anak.pk}"] = "catatan kedua"
    second = client.post(row_url, data).content.decode()
    assert "catatan pertama" in first and "catatan kedua" in second and "catatan pertama" not in second
    assert not CriterionStatus.objects.exists()
    assert "1/68" not in client.get(url).content.decode()


def test_the_cached_body_depends_on_the_permission_and_the_filters(client, task_force_user, staff_user, forum_anak,
                                                                   every_kelurahan):
    url = reverse("dekela:matrix", kwargs={"year": 2025})
    edit = reverse("dekela:row-edit", kwargs={"year": 2025, "pk": every_kelurahan[0].pk})
    client.force_login(task_force_user)
    assert edit not in client.get(url).content.decode()
    client.force_login(staff_user)
    assert edit in client.get(url).content.decode()
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[1], year=2025, status="met")
    filtered = client.get(url, {"criterion": forum_anak.pk, "status": "met"}).content.decode()
    assert every_kelurahan[1].name in filtered
    assert f">{every_kelurahan[0].name}<" not in filtered
