import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from kla_tracker.middleware import SessionRefreshMiddleware

pytestmark = pytest.mark.django_db


def _login(client, password):
    return client.post(reverse("login"), {"username": "staf-test", "password": password})


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "wrong")
        assert response.status_code == 200  # the form again, with its error
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in locked.content.decode()

    # Even the right password is refused while locked.
    response = _login(client, "test-password-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_admin_unlock_lets_the_user_in_again(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong")
    assert _login(client, "test-password-123").status_code == 429

    AccessAttempt.objects.filter(username="staf-test").delete()  # what admin › Axes › delete does

    response = _login(client, "test-password-123")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


def test_a_successful_login_resets_the_failure_count(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, "test-password-123").status_code == 302
    client.logout()
    assert _login(client, "wrong").status_code == 200


def test_sessions_expire_after_inactivity():
    assert "kla_tracker.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    # The idle lifetime is restarted at least every few minutes of activity.
    assert 0 < settings.SESSION_REFRESH_SECONDS <= settings.SESSION_COOKIE_AGE // 10


def _session_row(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def _age_session(client, *, refreshed_seconds_ago, expires_in):
    """Pretends the session was last refreshed a while ago and expires soon."""
    row = _session_row(client)
    data = row.get_decoded()
    data[SessionRefreshMiddleware.KEY] = int(time.time()) - refreshed_seconds_ago
    row.session_data = SessionStore().encode(data)
    row.expire_date = timezone.now() + dt.timedelta(seconds=expires_in)
    row.save()
    return row.expire_date


def test_a_request_after_the_refresh_interval_restarts_the_idle_lifetime(client, staff_user):
    client.force_login(staff_user)
    old_expiry = _age_session(client, refreshed_seconds_ago=settings.SESSION_REFRESH_SECONDS + 1, expires_in=600)

    assert client.get(reverse("clusters:evaluation-list")).status_code == 200

    new_expiry = _session_row(client).expire_date
    assert new_expiry > old_expiry
    assert new_expiry >= timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_requests_within_the_refresh_interval_do_not_write_the_session(
    client, staff_user, django_assert_max_num_queries
):
    client.force_login(staff_user)
    client.get(reverse("clusters:evaluation-list"))  # refreshed now
    expiry = _session_row(client).expire_date
    with django_assert_max_num_queries(20) as queries:
        assert client.get(reverse("clusters:evaluation-list")).status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]
              and not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert _session_row(client).expire_date == expiry


def test_an_idle_session_expires_and_sends_the_user_to_the_login(client, staff_user):
    client.force_login(staff_user)
    _age_session(client, refreshed_seconds_ago=settings.SESSION_COOKIE_AGE, expires_in=-1)

    response = client.get(reverse("clusters:evaluation-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_requests_create_no_session(client):
    client.get(reverse("login"))
    assert Session.objects.count() == 0


def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
