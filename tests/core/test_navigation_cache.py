"""The navigation of every page is cached per user, auth-table version, language and page: a role
change, a renamed user or another language shows on the next request, and each form in it carries the
request's own CSRF token."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _navigation(client, url=None):
    html = client.get(url or reverse("dashboard:home")).content.decode()
    return html[html.index("<nav"):html.index("</nav>")]


def test_a_role_change_shows_in_the_navigation_at_once(client, demo, staff_user):
    client.force_login(staff_user)
    evaluations = reverse("clusters:evaluation-list")
    assert f'href="{evaluations}"' in _navigation(client) and reverse("admin:index") not in _navigation(client)
    staff_user.is_staff = True
    staff_user.save()
    assert reverse("admin:index") in _navigation(client)
    staff_user.groups.clear()  # no role left: the page is refused and its navigation offers nothing
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 403
    html = response.content.decode()
    assert f'href="{evaluations}"' not in html[html.index("<nav"):html.index("</nav>")]


def test_a_renamed_user_and_another_language_show_at_once(client, demo, staff_user):
    client.force_login(staff_user)
    assert "Keluar" in _navigation(client)
    staff_user.first_name, staff_user.last_name = "Siti", "Rahma"
    staff_user.save()
    assert "Siti Rahma" in _navigation(client)
    client.cookies["django_language"] = "en"
    english = _navigation(client)
    assert "Log out" in english and "Keluar" not in english


def test_the_current_page_is_marked_in_a_cached_navigation(client, demo, staff_user):
    client.force_login(staff_user)
    home = _navigation(client)
    planner = _navigation(client, reverse("planner:planner"))
    assert re.search(r'href="/"[^>]*aria-current="page"', home)
    assert not re.search(r'href="/"[^>]*aria-current', planner)
    assert re.search(rf'href="{reverse("planner:planner")}"[^>]*aria-current="page"', planner)


def test_each_request_gets_its_own_csrf_token_in_the_cached_logout_form(client, demo, staff_user):
    client.force_login(staff_user)
    tokens = set()
    for _ in range(2):
        navigation = _navigation(client)
        assert "csrf-slot" not in navigation
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', navigation).group(1))
    assert len(tokens) == 2  # masked per request, never one user's token kept in the cache
    response = client.post(reverse("logout"))
    assert response.status_code == 302


def test_two_users_never_share_a_navigation(client, demo, staff_user, task_force_user):
    client.force_login(staff_user)
    staff = _navigation(client)
    client.force_login(task_force_user)
    task_force = _navigation(client)
    assert staff_user.username in staff and task_force_user.username not in staff
    assert task_force_user.username in task_force and staff_user.username not in task_force
