"""Production: PostgreSQL, secrets only from the environment; refuses to start without them, or with weak ones."""

import os

from django.core.exceptions import ImproperlyConfigured

from oversight.settings.base import *  # noqa: F403
from oversight.settings.base import MIDDLEWARE

try:
    SECRET_KEY = os.environ["OVERSIGHT_SECRET_KEY"]
    ALLOWED_HOSTS = [host.strip() for host in os.environ["OVERSIGHT_ALLOWED_HOSTS"].split(",") if host.strip()]
except KeyError as missing:
    raise ImproperlyConfigured(f"Set the environment variable {missing.args[0]} before starting oversight.") from None
# Django's own deployment check only warns about these; a production server does not start with them.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "OVERSIGHT_SECRET_KEY is too weak: use at least 50 random characters, for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "OVERSIGHT_ALLOWED_HOSTS names no host: give the host names oversight is served as, separated by commas."
    )

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_SSL_REDIRECT = os.environ.get("OVERSIGHT_SSL_REDIRECT", "1") == "1"
# Behind a reverse proxy that ends TLS, the proxy says in this header that the request came over HTTPS (and must
# remove the header from what clients send). Set OVERSIGHT_PROXY_SSL_HEADER to '' when no proxy is in front.
_PROXY_HEADER = os.environ.get("OVERSIGHT_PROXY_SSL_HEADER", "X-Forwarded-Proto")
if _PROXY_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_HEADER.upper().replace("-", "_"), "https")
OVERSIGHT_SERVE_STATIC = False
# `oversight serve` serves the static files (the admin's included) from where each app keeps them, through WhiteNoise
# just after the security middleware: every app server has them in its own installed package, so there is no
# collected folder to build, share or keep in step on upgrades.
_SECURITY = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [*MIDDLEWARE[:_SECURITY], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[_SECURITY:]]
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # type: ignore[assignment]  # no collected folder (WhiteNoise warns of one missing)
