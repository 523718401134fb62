"""Django settings for owed. Everything a deployment changes comes from the environment."""

from __future__ import annotations

import os

import dj_database_url

from owed import config

BASE_DIR = config.data_dir()
SECRET_KEY = config.secret_key()
DEBUG = os.environ.get("OWED_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("OWED_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "owed.ledger",
    "owed.dunning",
    "owed.law",
    "owed.documents",
    "owed.mail",
    "owed.api",
    "django_htmx",
    "owed.web",
    "owed.portal",
]

# Background work (mail delivery) as Django tasks, queued in the database: `owed worker`
# runs them; several workers may share the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Content-Security-Policy (Django's own middleware): scripts, styles, images and fonts only
# from this site, no inline script or style, no plugins, no framing, forms post here only.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

ROOT_URLCONF = "owed.urls"
WSGI_APPLICATION = "owed.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# The DATABASE_URL schemes owed works with: PostgreSQL (production) and SQLite.
DATABASE_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")

_SQLITE_OPTIONS = {
    # WAL lets the web server read while the daily run writes; IMMEDIATE takes the write
    # lock when a transaction starts, so concurrent writers queue instead of failing
    # half-way with "database is locked".
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return _database_from_url(url)
    config.ensure_data_dir()
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(config.sqlite_path()),
        "OPTIONS": dict(_SQLITE_OPTIONS),
    }


def _database_from_url(url: str) -> dict:
    """DATABASES["default"] for a postgres:// or sqlite:// URL; `ConfigError` otherwise.

    Messages never repeat the URL, which may hold a password.
    """
    supported = (
        "owed works with postgres:// (PostgreSQL, e.g. postgres://USER:PASSWORD@HOST:5432/NAME) "
        "and sqlite:// (e.g. sqlite:////srv/owed/owed.sqlite3)"
    )
    scheme, sep, _ = url.partition("://")
    if not sep or not scheme:
        raise config.ConfigError(f"DATABASE_URL is not a database URL; {supported}")
    if scheme.lower() not in DATABASE_SCHEMES:
        shown = scheme if len(scheme) <= 30 else scheme[:30] + "…"
        raise config.ConfigError(
            f"DATABASE_URL names the database {shown!r}, which owed does not support; {supported}"
        )
    try:
        database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise config.ConfigError(f"DATABASE_URL cannot be read ({exc}); {supported}") from None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {**_SQLITE_OPTIONS, **database.get("OPTIONS", {})}
    return database


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("vi", "Tiếng Việt"), ("fa", "فارسی"), ("th", "ไทย")]
LOCALE_PATHS = [os.path.join(os.path.dirname(__file__), "locale")]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve the admin's static files straight from the installed packages: no collectstatic
# step before `owed serve`.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = str(BASE_DIR / "files")
MEDIA_URL = "files/"

LOGIN_URL = "admin:login"

# Where this site is reached from outside: the portal links in messages start with it.
OWED_BASE_URL = os.environ.get("OWED_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
