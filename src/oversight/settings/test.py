"""Settings for the test suite: the same stack as the demo, a throwaway database, fast password hashing."""

import os

from oversight.settings.base import *  # noqa: F403
from oversight.settings.base import POSTGRES_DATABASE

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
if os.environ.get("OVERSIGHT_TEST_DATABASE") == "postgres":  # make test-postgres: tests/postgres.py starts a server
    DATABASES = {"default": {**POSTGRES_DATABASE, "CONN_MAX_AGE": 0}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ADMINS = [("Security", "security@council.example")]
LOGGING = {"version": 1, "disable_existing_loggers": False}
