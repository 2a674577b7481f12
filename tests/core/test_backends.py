"""Each user's permissions are cached between requests per version of the auth tables: the second
request reads none, and any change of role, group or account shows on the very next request."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.urls import reverse

from core import roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _permission_queries(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if "auth_permission" in query["sql"]]


def test_the_second_request_reads_no_permission(client, demo, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    url = reverse("clusters:evaluation-list")
    with django_assert_max_num_queries(50) as first:
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(50) as second:
        assert client.get(url).status_code == 200
    assert len(_permission_queries(first)) == 2  # the user's own and the groups'
    assert _permission_queries(second) == []


def test_a_role_taken_away_shows_on_the_next_request(client, demo, staff_user):
    client.force_login(staff_user)
    url = reverse("clusters:self-assessment-edit", kwargs={"year": 2019, "cluster": "K1"})
    assert client.get(url).status_code == 200
    staff_user.groups.remove(Group.objects.get(name=roles.STAFF))
    assert client.get(url).status_code == 403


def test_a_permission_taken_from_the_group_shows_on_the_next_request(client, demo, staff_user):
    client.force_login(staff_user)
    url = reverse("clusters:self-assessment-edit", kwargs={"year": 2019, "cluster": "K1"})
    assert client.get(url).status_code == 200
    Group.objects.get(name=roles.STAFF).permissions.remove(Permission.objects.get(codename="change_selfassessment"))
    assert client.get(url).status_code == 403
    roles.roles_ensure()  # puts it back
    assert client.get(url).status_code == 200


def test_a_permission_given_to_the_user_shows_on_the_next_request(client, demo, task_force_user):
    client.force_login(task_force_user)
    url = reverse("clusters:self-assessment-edit", kwargs={"year": 2019, "cluster": "K1"})
    assert client.get(url).status_code == 403
    task_force_user.user_permissions.add(Permission.objects.get(codename="change_selfassessment"))
    assert client.get(url).status_code == 200


def test_a_deactivated_account_has_no_permission(client, demo, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("clusters:evaluation-list")).status_code == 200
    User.objects.filter(pk=staff_user.pk).update(is_active=False)
    assert client.get(reverse("clusters:evaluation-list")).status_code != 200
