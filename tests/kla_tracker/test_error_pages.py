"""403, 404, 500 and CSRF failure pages: in Indonesian, with the navigation for a logged-in user,
with DEBUG off (as in production); and the log-in error in plain Indonesian."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject

from core.views import server_error
from kla_tracker.urls import urlpatterns as project_urlpatterns

NAV = 'id="main-nav"'


def _boom(request):
    raise RuntimeError("a bug")


# A URLconf with a view that fails, for the 500 page; the project's handler as the root's.
urlpatterns = [path("rusak/", _boom), *project_urlpatterns]
handler500 = "core.views.server_error"


def _text(response):
    return response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_403_is_in_indonesian_with_the_navigation(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("kelurahan:kecamatan-create"))  # admins only
    assert response.status_code == 403
    body = _text(response)
    assert "Akses ditolak" in body and "hubungi administrator" in body
    assert "Forbidden" not in body
    assert NAV in body and reverse("clusters:evaluation-list") in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_is_in_indonesian_with_the_navigation(client, task_force_user):
    client.force_login(task_force_user)
    for url in ("/halaman-yang-tidak-ada/", reverse("clusters:evaluation-detail", kwargs={"year": 1999})):
        response = client.get(url)
        assert response.status_code == 404, url
        body = _text(response)
        assert "Halaman tidak ditemukan" in body and "Not Found" not in body
        assert NAV in body


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_500_is_in_indonesian_with_the_navigation(client, staff_user):
    client.force_login(staff_user)
    client.raise_request_exception = False
    response = client.get("/rusak/")
    assert response.status_code == 500
    body = _text(response)
    assert "Terjadi kesalahan di server" in body and "Server Error" not in body
    assert NAV in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_500_renders_without_the_request_when_the_request_itself_fails():
    """The error may be the database or the session: reading the user then fails again."""
    request = RequestFactory().get("/")

    def broken_user():
        raise RuntimeError("database is down")

    request.user = SimpleLazyObject(broken_user)
    response = server_error(request)
    assert response.status_code == 500
    body = _text(response)
    assert "Terjadi kesalahan di server" in body
    assert NAV not in body  # no user to show it to


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_500_for_an_anonymous_visitor_has_no_navigation():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = server_error(request)
    assert response.status_code == 500 and "Terjadi kesalahan di server" in _text(response)
    assert NAV not in _text(response)


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_csrf_failure_is_in_indonesian_with_the_navigation(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(reverse("planner:planner"), {"goal": "nindya"})  # no CSRF token
    assert response.status_code == 403
    body = _text(response)
    assert "Formulir sudah kedaluwarsa" in body and "CSRF verification failed" not in body
    assert NAV in body


@pytest.mark.django_db
def test_wrong_password_says_so_in_plain_indonesian(client, staff_user):
    response = client.post(reverse("login"), {"username": staff_user.username, "password": "salah"})
    assert response.status_code == 200
    body = _text(response)
    assert "Nama pengguna atau kata sandi salah" in body
    assert "nama pengguna nama pengguna" not in body.lower()
    # The right password still logs in through the same form.
    response = client.post(reverse("login"), {"username": staff_user.username, "password": "test-password-123"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_wrong_password_in_the_administration_says_so_in_plain_indonesian(client, admin_user_role):
    response = client.post(reverse("admin:login"), {"username": admin_user_role.username, "password": "salah"})
    assert response.status_code == 200
    body = _text(response)
    assert "Nama pengguna atau kata sandi salah" in body
    assert "nama pengguna nama pengguna" not in body.lower()


@pytest.mark.django_db
def test_a_get_to_a_post_only_address_gets_a_page_in_indonesian_with_the_navigation(client, staff_user):
    """The import confirmation opened again (after switching the language on its page, or from the
    history) was an empty 405 that Chromium showed as its own English error page."""
    client.force_login(staff_user)
    response = client.get(reverse("kelurahan:patbm-import-confirm"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "Halaman ini hanya menjawab formulir" in html
    assert NAV in html


@pytest.mark.django_db
def test_suggest_again_opened_without_its_form_goes_back_to_the_planner(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("planner:planner-suggest") + "?year=2019")
    assert (response.status_code, response.url) == (302, reverse("planner:planner") + "?year=2019")
