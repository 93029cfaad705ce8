"""Production: PostgreSQL, secrets only from the environment; refuses to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from oversight.settings.base import *  # noqa: F403

try:
    SECRET_KEY = os.environ["OVERSIGHT_SECRET_KEY"]
    ALLOWED_HOSTS = os.environ["OVERSIGHT_ALLOWED_HOSTS"].split(",")
except KeyError as missing:
    raise ImproperlyConfigured(f"Set the environment variable {missing.args[0]} before starting oversight.") from None

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_SSL_REDIRECT = os.environ.get("OVERSIGHT_SSL_REDIRECT", "1") == "1"
OVERSIGHT_SERVE_STATIC = False
