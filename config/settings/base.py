"""Settings shared by every environment. Everything deployment-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The data directory holds the embedded SQLite database, the generated secret key and the file cache.
DATA_DIR = Path(os.environ.get("CASEWORK_DATA_DIR") or Path.cwd() / "var").resolve()

DEMO_MODE = env_bool("CASEWORK_DEMO")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "casework.core",
    "casework.accounts",
    "casework.audit",
    "casework.schools",
    "casework.students",
    "casework.seed",
    "casework.rules",
    "casework.calendars",
    "casework.attendance",
    "casework.discipline",
    "casework.grades",
    "casework.programs",
    "casework.imports",
    "casework.indicators",
    "casework.reports",
    "casework.cases",
    "casework.referrals",
    "casework.plans",
    "casework.contacts",
    "casework.tasks",
    "casework.documents",
    "casework.jobs",
    "casework.caseloads",
    "casework.enforcement",
    "casework.letters",
    "casework.mailings",
    "casework.hearings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casework.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "casework.core.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "casework" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casework.core.context_processors.shell",
            ],
        },
    },
]
# Every form's fields know the ids their aria-describedby names (help_id, error_id): casework/core/forms.py.
FORM_RENDERER = "casework.core.forms.FormRenderer"


def database_config() -> dict:
    """PostgreSQL when DATABASE_URL is set, otherwise SQLite (WAL) in the data directory."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "casework.sqlite3",
        # WAL lets readers work while a writer commits; IMMEDIATE avoids lock-upgrade deadlocks.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
            ),
        },
    }


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed logins: after LOGIN_FAILURE_LIMIT failures for a username or an address within
# LOGIN_FAILURE_WINDOW seconds, further attempts are refused until the window passes.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))
# Behind a TLS proxy: trust its X-Forwarded-Proto and take the client address from X-Forwarded-For.
BEHIND_PROXY = env_bool("CASEWORK_BEHIND_PROXY")

# A file cache works across the server's worker processes (login throttling must see every worker).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CASEWORK_CACHE_DIR") or str(DATA_DIR / "cache"),
    }
}

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Flash messages can name a task, a student or a family's reason: keep them server-side, not in a cookie
# (Django's default stores them in a signed but readable cookie).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Static files are served by WhiteNoise straight from the apps (no collectstatic step, works offline).
# Set STATIC_ROOT only to collect them for a proxy to serve.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "casework.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "casework.core.api_settings.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "casework.core.api_settings.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Casework API",
    "DESCRIPTION": "Pupil Personnel Services case management. Every endpoint applies the same "
    "permission policy as the web pages; records outside your scope answer 404.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "casework.cases.choices.CaseStatus",
        "PlanStatusEnum": "casework.plans.choices.PlanStatus",
        "ReferralStatusEnum": "casework.referrals.choices.ReferralStatus",
        "TaskStatusEnum": "casework.tasks.choices.TaskStatus",
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "casework@localhost")

# Logs carry ids only: request paths hold internal ids, never names, and query strings are not logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"strip_query": {"()": "casework.core.logging.StripQueryStringFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["strip_query"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},  # fpdf2 subsets fonts into each PDF: ~30 INFO lines a document
        # runserver's request log has its own handler by default; route it through the filter too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Students whose enrollment ended within this many days stay in their school's scope, so a PPW can
# still work the case of a child who withdrew or stopped attending.
SCOPE_RECENT_EXIT_DAYS = int(os.environ.get("CASEWORK_SCOPE_RECENT_EXIT_DAYS", "365"))

# Import page: the largest upload accepted (all files of one import together), checked while the
# upload streams in; uploads are held under DATA_DIR/imports/<run id>/, outside any web root, only
# until their run ends (imports/uploads.py); a daily sweep at this hour removes any a dead run left.
CASEWORK_UPLOAD_SWEEP_HOUR = int(os.environ.get("CASEWORK_UPLOAD_SWEEP_HOUR", "3"))
# The nightly full indicators recompute: after the night's SIS import, before the ladder.
CASEWORK_RECOMPUTE_HOUR = int(os.environ.get("CASEWORK_RECOMPUTE_HOUR", "4"))
CASEWORK_IMPORT_MAX_BYTES = int(os.environ.get("CASEWORK_IMPORT_MAX_BYTES", str(2 * 1024**3)))
# The import guide page (/imports/guide/) serves this file, the one copy of the columns' rules: in a clone
# (installed editable, as `uv sync` does) the repository's docs/imports.md. Another install points it there.
CASEWORK_IMPORT_GUIDE = Path(os.environ.get("CASEWORK_IMPORT_GUIDE") or BASE_DIR / "docs" / "imports.md")
# Run imports and recomputes in the request instead of a background thread (tests: in-memory SQLite
# is not shared across threads).
CASEWORK_IMPORTS_INLINE = env_bool("CASEWORK_IMPORTS_INLINE")

# Background jobs (casework worker). Demo mode runs them in a thread of the web process instead.
CASEWORK_JOBS_INLINE = env_bool("CASEWORK_JOBS_INLINE", default=DEMO_MODE)
# The daily reminder digest is queued once a day from this hour (local time); links in it use BASE_URL.
CASEWORK_DIGEST_HOUR = int(os.environ.get("CASEWORK_DIGEST_HOUR", "6"))
# The escalation ladder is evaluated (steps made due, with tasks) once a day from this hour (local time):
# after the night's attendance import and recompute, before the digest.
CASEWORK_LADDER_HOUR = int(os.environ.get("CASEWORK_LADDER_HOUR", "5"))
CASEWORK_BASE_URL = os.environ.get("CASEWORK_BASE_URL", "http://127.0.0.1:8000")

# Case documents: stored outside any web root (default DATA_DIR/documents), served only through the
# permission-checked download view.
CASEWORK_DOCUMENTS_DIR = os.environ.get("CASEWORK_DOCUMENTS_DIR") or None
CASEWORK_DOCUMENT_MAX_MB = float(os.environ.get("CASEWORK_DOCUMENT_MAX_MB", "10"))
