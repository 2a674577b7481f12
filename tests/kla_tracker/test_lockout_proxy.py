"""Log-in lockouts behind the reverse proxy: the pair (username, client address) is locked, where the
client's address comes from X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies vouch for it."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from kla_tracker.proxies import client_ip

pytestmark = pytest.mark.django_db

OUTSIDER, ADMIN_DESK = "203.0.113.5", "198.51.100.7"


def _login(client, password, forwarded_for):
    # The proxy connects from 127.0.0.1 and appends the address it saw to X-Forwarded-For.
    return client.post(
        reverse("login"),
        {"username": "admin-test", "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_an_outsider_behind_the_proxy_cannot_lock_out_the_admin_elsewhere(client, admin_user_role, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", OUTSIDER)
    assert _login(client, "test-password-123", OUTSIDER).status_code == 429  # the outsider's pair is locked
    assert AccessAttempt.objects.get().ip_address == OUTSIDER

    response = _login(client, "test-password-123", ADMIN_DESK)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user_role.pk)


def test_an_address_written_by_the_client_itself_is_not_trusted(client, admin_user_role, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The outsider sends its own X-Forwarded-For naming the admin's desk; the proxy appends the real one.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", f"{ADMIN_DESK}, {OUTSIDER}")
    assert _login(client, "test-password-123", ADMIN_DESK).status_code == 302


def test_without_a_trusted_proxy_a_spoofed_header_is_ignored(client, admin_user_role, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", f"192.0.2.{number}")  # a new made-up address on every try
    assert _login(client, "test-password-123", "192.0.2.99").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.1.1.1, 203.0.113.5", "203.0.113.5"),
        (2, "1.1.1.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.1"),  # fewer entries than proxies: not from the proxies
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_client_ip_takes_the_entry_the_outermost_trusted_proxy_wrote(count, header, expected, settings):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected


def test_axes_uses_the_proxy_aware_address():
    assert settings.AXES_CLIENT_IP_CALLABLE == "kla_tracker.proxies.client_ip"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
