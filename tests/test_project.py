"""Project-wide checks: settings from the environment, migrations, reference files, language."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
SHARED_DOMAIN = ROOT.parent / "shared" / "domain"


def _manage(*args, **env):
    inherited = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in inherited}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_without_secret_key_refuses_to_start_and_says_what_to_set():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_placeholder_secret_key():
    result = _manage("check", DEBUG="0", SECRET_KEY="django-insecure-changeme")
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="a-real-production-key-" + "k" * 40, ALLOWED_HOSTS="kla.example.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "a-real-production-key-" + "k" * 40, "ALLOWED_HOSTS": "kla.example.go.id"}


@pytest.mark.parametrize(
    ("env", "backend"),
    [({**PRODUCTION, "EMAIL_HOST": "smtp.example.go.id"}, "smtp"),
     ({"DEBUG": "1", "EMAIL_HOST": ""}, "console"),
     ({**PRODUCTION, "EMAIL_HOST": ""}, "dummy")],
)
def test_the_office_notifications_go_out_only_where_an_email_server_is_configured(env, backend):
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"django.core.mail.backends.{backend}.EmailBackend"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    ("repo_copy", "shared_name"),
    [("clusters/data/kla_indicators.csv", "kla_indicators.csv"),
     ("kelurahan/data/kota_bogor_wilayah.csv", "kota_bogor_wilayah.csv")],
)
def test_reference_files_match_the_shared_domain_data(repo_copy, shared_name):
    shared = SHARED_DOMAIN / shared_name
    if not shared.exists():
        pytest.skip("shared/domain is not next to this checkout")
    assert (ROOT / repo_copy).read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_login_page_speaks_indonesian_by_default_and_english_on_request(client):
    # A browser set to English still gets Indonesian until the user picks English.
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in html
    assert "Masuk" in html and "Sandi" in html

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "Password" in html


@pytest.mark.parametrize(
    "catalogue", ["locale", "core/locale", "clusters/locale", "dashboard/locale", "dekela/locale", "evidence/locale",
                  "kelurahan/locale", "offices/locale", "planner/locale"]
)
def test_every_ui_text_is_translated_and_the_compiled_catalogue_is_current(catalogue):
    import polib

    po = polib.pofile(str(ROOT / catalogue / "id/LC_MESSAGES/django.po"))
    mo = polib.mofile(str(ROOT / catalogue / "id/LC_MESSAGES/django.mo"))
    assert [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()] == []
    compiled = {entry.msgid: entry.msgstr for entry in mo if entry.msgid}
    assert compiled == {entry.msgid: entry.msgstr for entry in po.translated_entries()}, "run `make messages`"
