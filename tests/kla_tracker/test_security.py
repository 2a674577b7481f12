import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

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
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
