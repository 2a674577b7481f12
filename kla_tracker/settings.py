"""KLA Tracker settings.

Everything that differs between a laptop and the office server is read from the environment
(see `.env.example`). Unset, the app runs for development: SQLite in the project folder.
With DEBUG off it refuses to start until a real SECRET_KEY is given.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value for production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "SECRET_KEY looks like a placeholder or is shorter than 40 characters. "
        "Set a long random SECRET_KEY for production."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The office's name changed (DPMPPA in 2019, DP3A later): a setting, not a constant.
OFFICE_NAME = os.environ.get("OFFICE_NAME", "DPMPPA Kota Bogor")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "core",
    "clusters",
    "dashboard",
    "dekela",
    "evidence",
    "kelurahan",
    "planner",
    "offices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed when the browser asks (below WhiteNoise, whose files are precompressed). Django's
    # gzip at a faster level; it pads each response against BREACH, and CSRF tokens are masked per request.
    "kla_tracker.middleware.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kla_tracker.middleware.SessionRefreshMiddleware",
    "kla_tracker.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A cached page body's CSRF slot gets this request's token (core/templatetags/page_body.py).
    "kla_tracker.middleware.CsrfSlotMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logged-in pages and exports: Cache-Control: private, no-store.
    "kla_tracker.middleware.PrivateNoStoreMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kla_tracker.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kla_tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kla_tracker.context_processors.office",
            ],
        },
    },
]

WSGI_APPLICATION = "kla_tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent editors on SQLite: a write transaction that starts as a read and later needs the write
    # lock is refused at once ("database is locked"). IMMEDIATE takes the write lock when the transaction
    # begins, so writers queue (up to `timeout` seconds); WAL lets pages be read while someone saves.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "core.backends.CachedPermissionsBackend",  # Django's model backend, permissions cached per auth version
]
# Log-in throttling: after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is locked for AXES_COOLOFF_MINUTES; an admin unlocks it early in admin › Axes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address half of that pair. Behind the reverse proxy every request comes from 127.0.0.1, so the
# client's address is read from X-Forwarded-For, but only as far as TRUSTED_PROXY_COUNT proxies (that
# many entries from the right) vouch for it; 0 (no proxy) uses REMOTE_ADDR and ignores the header.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is the number of reverse proxies in front: 0 or more.")
AXES_CLIENT_IP_CALLABLE = "kla_tracker.proxies.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
# Day-first dates and a decimal comma in both UI languages (English would switch to m/d/Y and 700.00).
FORMAT_MODULE_PATH = ["core.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Bootstrap and plotly.js come from npm (package.json); only the files we serve are exposed.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS += [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    # The "basic" partial bundle (scatter, bar, pie) of the plotly.js that plotly.py 7.1 targets.
    ("vendor/plotly", NODE_MODULES / "plotly.js-basic-dist-min"),
    # The full bundle, only for pages that need a trace the basic one lacks (the PATBM treemap).
    ("vendor/plotly-full", NODE_MODULES / "plotly.js-dist-min"),
]
# Uploaded evidence lives under MEDIA_ROOT, outside the project's static files, and is never served as a
# public file: a permission-checked view sends it (no MEDIA_URL route exists).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
FILE_UPLOAD_PERMISSIONS = 0o640
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # A folder on disk (MEDIA_ROOT) by default; S3-compatible object storage with EVIDENCE_S3_BUCKET (below).
    "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Production hardening; HTTPS settings assume a TLS-terminating reverse proxy in front.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
# Only the app's own scripts and styles. plotly.js adds one empty <style> element and fills it
# through the CSSOM (which CSP does not restrict): the hash below is that of the empty string.
PLOTLY_EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
# The full plotly.js 4.1.1 bundle (coverage page only) injects MapLibre's fixed stylesheet when it
# loads; this is its hash. A plotly upgrade changes it: the CSP browser test then fails.
PLOTLY_FULL_MAPLIBRE_STYLE_HASH = "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, PLOTLY_EMPTY_STYLE_HASH, PLOTLY_FULL_MAPLIBRE_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
# Inactivity expiry: the age counts from the last request, give or take SESSION_REFRESH_SECONDS
# (the session is re-saved at most that often, not on every request; see SessionRefreshMiddleware).
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "300"))

# A local-memory cache in each worker process. Everything cached is keyed by the database's data
# version (clusters.models.DataVersion), so a worker never serves figures older than the data and
# workers need not share a cache or tell each other about writes.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 200},
    }
}

# `manage.py backup` writes here when given a bare file name (or none). Outside the project folder,
# so a backup (it holds password hashes) is never served, committed or deleted with the code.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or Path.home() / "kla-backups")

# Spreadsheet imports: the largest upload in bytes and the most data rows read from it.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "500"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Kelana-Dekela: how a share of kelurahan (kecamatan) meeting a criterion becomes a question's points
# (dekela.scoring). The ministry has not published its conversion: "proportional" (default) or "quarters".
KLA_DEKELA_CONVERSION = os.environ.get("KLA_DEKELA_CONVERSION", "proportional")

# Evidence uploads: the largest file, and the most bytes one evaluation may hold (every version counts).
EVIDENCE_MAX_FILE_BYTES = int(os.environ.get("EVIDENCE_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_MAX_EVALUATION_BYTES = int(os.environ.get("EVIDENCE_MAX_EVALUATION_BYTES", str(2 * 1024 ** 3)))
# For an office that runs more than one server: evidence in an S3-compatible bucket (needs
# `pip install django-storages[s3]`; see README, Evidence storage). Files stay private: no public ACL, and
# the app still sends them through its own permission-checked view.
if os.environ.get("EVIDENCE_S3_BUCKET"):
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["EVIDENCE_S3_BUCKET"],
            "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("EVIDENCE_S3_REGION") or None,
            "access_key": os.environ.get("EVIDENCE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("EVIDENCE_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

# Notifications of the office accounts (an answer returned to an office, an office that has answered
# everything): sent only where an email server is configured; the console in development.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kla-tracker@localhost")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:  # no server configured: nothing is sent
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
