"""Benchmark settings: the production settings, a benchmark database, a query-count header
and a trivial view for the framework's own limit. Never used in production."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "b" * 40)
os.environ.setdefault("SECURE_HTTPS", "0")  # plain HTTP on 127.0.0.1
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from kla_tracker.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
STATIC_ROOT = BASE_DIR / "bench" / "staticfiles"  # noqa: F405
AXES_ENABLED = False  # many logins from one address would trip the throttle
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
