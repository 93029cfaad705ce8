"""Settings shared by every deployment. The embedded default: SQLite under OVERSIGHT_HOME (./var)."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
HOME = Path(os.environ.get("OVERSIGHT_HOME", "var")).resolve()
# What oversight writes (the data directory, its database, the casework store, the demo's passwords, exports)
# is readable by the account that runs it alone: it holds personal and unpublished data.
os.umask(0o077)

SECRET_KEY = os.environ.get("OVERSIGHT_SECRET_KEY", "insecure-key-for-the-embedded-demo-only")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # Django's own widget templates, found by the project's template settings below
    "oversight.accounts",
    "oversight.performance",
    "oversight.improvement",
    "oversight.benchmarks",
    "oversight.casework",
    "oversight.committee",
    "oversight.api",
    "oversight.onboarding",
]

MIDDLEWARE = [
    "oversight.middleware.RequestSizeMiddleware",
    "oversight.api.middleware.ProblemMiddleware",  # in front of the NUL check, to answer the API's as problems
    "oversight.middleware.NulCharacterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oversight.accounts.access.AccessMiddleware",
    "oversight.accounts.sessions.SessionRefreshMiddleware",
    "oversight.middleware.DatabaseErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oversight.accounts.access.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "oversight.urls"
WSGI_APPLICATION = "oversight.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oversight.accounts.context.access",
            ],
        },
    },
]

# Form widgets are drawn with the project's templates, so oversight's own widgets (the date input) live beside them.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": HOME / "oversight.sqlite3",
        "OPTIONS": {
            # Write-ahead logging lets pages read while an import writes; a writer takes the write lock when its
            # transaction begins (not half-way through, when waiting can no longer help), and waits for another
            # writer for up to 30 seconds (OVERSIGHT_DATABASE_TIMEOUT).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("OVERSIGHT_DATABASE_TIMEOUT", "30")),
        },
    }
}
# PostgreSQL, for a council's servers (docs/deploy.md): the libpq variables say where it is.
POSTGRES_DATABASE = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": os.environ.get("PGDATABASE", "oversight"),
    "USER": os.environ.get("PGUSER", ""),
    "PASSWORD": os.environ.get("PGPASSWORD", ""),
    "HOST": os.environ.get("PGHOST", ""),
    "PORT": os.environ.get("PGPORT", ""),
    # Each request keeps its connection for a minute rather than opening one (a few milliseconds on PostgreSQL);
    # a connection the server closed in the meantime is noticed before use.
    "CONN_MAX_AGE": int(os.environ.get("OVERSIGHT_DATABASE_CONNECTION_SECONDS", "60")),
    "CONN_HEALTH_CHECKS": True,
}
if os.environ.get("OVERSIGHT_DATABASE") == "postgres":
    DATABASES["default"] = POSTGRES_DATABASE

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"

EMAIL_SUBJECT_PREFIX = "[oversight] "
LOGIN_URL = "/accounts/sign-in/"
LOGIN_REDIRECT_URL = "/"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after 30 minutes without a request, and when the browser closes. A session's expiry is moved on at
# most once every OVERSIGHT_SESSION_REFRESH_SECONDS rather than written on every request, so that reading a page
# never waits for a writer; an idle session therefore ends between 25 and 30 minutes after its last request.
SESSION_ENGINE = "oversight.accounts.sessions"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
OVERSIGHT_SESSION_REFRESH_SECONDS = 5 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# Lock an account from an address for this many minutes after this many failed sign-ins from there within that
# time; refuse an address for every account after OVERSIGHT_ADDRESS_FAILURES; alert when sign-ins fail for
# OVERSIGHT_SPRAY_ACCOUNTS different accounts within that time.
OVERSIGHT_LOCKOUT_FAILURES = 5
OVERSIGHT_LOCKOUT_MINUTES = 15
OVERSIGHT_ADDRESS_FAILURES = 20
OVERSIGHT_SPRAY_ACCOUNTS = 10
# The reverse proxies in front of oversight, by address (comma-separated): failed sign-ins through them are counted
# by the client address they forward in X-Forwarded-For (docs/deploy.md).
OVERSIGHT_TRUSTED_PROXIES = [
    address.strip() for address in os.environ.get("OVERSIGHT_TRUSTED_PROXIES", "").split(",") if address.strip()
]
ADMINS = (
    [("Security contact", os.environ["OVERSIGHT_SECURITY_EMAIL"])] if "OVERSIGHT_SECURITY_EMAIL" in os.environ else []
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "oversight.security": {"handlers": ["console"], "level": "WARNING"},
        "oversight.database": {"handlers": ["console"], "level": "WARNING"},
    },
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Largest import file accepted, in bytes.
OVERSIGHT_MAX_IMPORT_BYTES = 10 * 1024 * 1024
# The largest request body: a few import files at once, with room for the form around them.
OVERSIGHT_MAX_REQUEST_BYTES = 5 * OVERSIGHT_MAX_IMPORT_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = OVERSIGHT_MAX_IMPORT_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = OVERSIGHT_MAX_IMPORT_BYTES

STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# The embedded server serves static files itself; production settings turn this off.
OVERSIGHT_SERVE_STATIC = True

# The case-level store (DuckDB) that `oversight casework load` writes and the drill-through pages read.
OVERSIGHT_CASEWORK_STORE = Path(os.environ.get("OVERSIGHT_CASEWORK_STORE", HOME / "casework.duckdb")).resolve()
# Where the start page's uploads wait for the job that loads them (removed when it ends).
OVERSIGHT_UPLOADS = Path(os.environ.get("OVERSIGHT_UPLOADS", HOME / "uploads")).resolve()
# The start page may pseudonymise with the published development key when no key is set: only the demo, whose
# store holds synthetic children alone, turns this on.
OVERSIGHT_DEVELOPMENT_KEY_ALLOWED = False

# The day the reporting calendar is worked out for (YYYY-MM-DD); unset, today. The demo sets a day in its own
# year, so that its calendar reads as it did in October 2011 rather than fifteen years late.
OVERSIGHT_TODAY = os.environ.get("OVERSIGHT_TODAY", "")

# The published series (benchmarks' code) that hold DfE's adoption scorecard measures, where a council imported
# them under codes other than the measure cards' own (adoption_a1, adoption_a2, adoption_a10).
OVERSIGHT_ADOPTION_SERIES: dict[str, str] = {}

# Requests a minute an API token may make (counted in the token's row, so across every process) before it is told
# to wait (429, with Retry-After).
OVERSIGHT_API_REQUESTS_PER_MINUTE = int(os.environ.get("OVERSIGHT_API_REQUESTS_PER_MINUTE", "120"))

# The service's own council, by its ONS code (E06000049): the council of every user without a membership and of
# every scorecard that names none (ADR 26). Left empty, the service is a single council, as before memberships.
OVERSIGHT_COUNCIL = os.environ.get("OVERSIGHT_COUNCIL", "")
# The council's name, at the head of every committee report.
OVERSIGHT_COUNCIL_NAME = os.environ.get("OVERSIGHT_COUNCIL_NAME", "The council")
# The council's committee report template (name, logo, wording, numbered sections): a TOML file, see
# committee/template.py; without it, the standard template of the seeds' cover reports.
OVERSIGHT_REPORT_TEMPLATE = Path(os.environ.get("OVERSIGHT_REPORT_TEMPLATE", HOME / "report-template.toml")).resolve()
