"""Logged-in pages and exports are never stored by a browser or proxy cache."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.cache import get_max_age

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def gugus_client(client, demo):
    client.force_login(get_user_model().objects.get(username="gugus"))
    return client


@pytest.mark.parametrize(
    "url",
    [
        reverse("kelurahan:kelurahan-list"),
        reverse("clusters:evaluation-detail", args=[2018]),
        reverse("clusters:evaluation-export", args=[2018, "xlsx"]),
        reverse("kelurahan:patbm-export", args=["csv"]),
    ],
)
def test_a_logged_in_page_or_export_is_private_and_not_stored(gugus_client, url):
    response = gugus_client.get(url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)
    assert "public" not in _directives(response) and get_max_age(response) is None


def test_the_dashboard_served_from_the_server_cache_still_says_no_store(gugus_client):
    first = gugus_client.get(reverse("dashboard:home"))
    second = gugus_client.get(reverse("dashboard:home"))  # the body now comes from the server-side cache
    assert first.status_code == second.status_code == 200
    assert {"private", "no-store"} <= _directives(first)
    assert {"private", "no-store"} <= _directives(second)


def test_a_redirect_right_after_logging_in_is_not_stored(client, staff_user):
    response = client.post(reverse("login"), {"username": "staf-test", "password": "test-password-123"})
    assert response.status_code == 302
    assert {"private", "no-store"} <= _directives(response)

