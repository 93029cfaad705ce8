"""Settings for the test suite: the same stack as the demo, a throwaway database, fast password hashing."""

from oversight.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ADMINS = [("Security", "security@council.example")]
LOGGING = {"version": 1, "disable_existing_loggers": False}
