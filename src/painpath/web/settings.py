"""Django settings for PainPath, all read from the environment (see ``painpath.web.config``)."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from painpath.web import config

BASE_DIR = Path(__file__).resolve().parent
if "pytest" in sys.modules and "PAINPATH_DATA_DIR" not in os.environ:
    # pytest-django loads these settings before any conftest runs: keep tests off the user's
    # own data folder even when pytest is started directly rather than by scripts/test.
    os.environ["PAINPATH_DATA_DIR"] = tempfile.mkdtemp(prefix="painpath-test-")
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key()
DEBUG = config.env_bool("PAINPATH_DEBUG", False)
ALLOWED_HOSTS = config.env_list("PAINPATH_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "painpath.web",
    "painpath.audit",
    "painpath.clinic",
    "painpath.patients",
    "painpath.checkins",
    "painpath.staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "painpath.web.urls"
WSGI_APPLICATION = "painpath.web.wsgi.application"

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

_DATABASE_URL = config.database_url()
DATABASES = {"default": dj_database_url.parse(_DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, which serialises writers (booking
    # races); WAL lets readers go on while one writer works; 20 s busy timeout before failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not Django's shared-cache in-memory database: shared cache reports
    # "table is locked" at once instead of waiting, so racing-booking tests need a real file.
    # One file per process (pytest-xdist adds its own suffix), so parallel runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"painpath-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"  # UTC inside; each clinic's zone is applied at the edges.
# Texts are marked for translation ({% translate %}, gettext), but only English ships. With one
# language there is nothing to choose, and Django's translation machinery (a thread-local
# look-up per string, ~50 per result page) was a quarter of the result page's CPU (README,
# "Patient web app", benchmark). It switches itself on when a second language is added.
USE_I18N = len(LANGUAGES) > 1
if USE_I18N:  # picks each request's language (after sessions, before CommonMiddleware)
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
                      "django.middleware.locale.LocaleMiddleware")  # fmt: skip
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the apps' static folders too, so tests and `serve` need no build step.
WHITENOISE_USE_FINDERS = True

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}

# --- security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = config.env_bool("PAINPATH_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# "strict-origin": a Referer carries at most the origin, never a path (private links stay
# private). Not "no-referrer": with it Chromium sends "Origin: null" on form posts, which
# Django's CSRF check refuses, so no form could be sent from a real browser.
SECURE_REFERRER_POLICY = "strict-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = config.env_list("PAINPATH_CSRF_TRUSTED_ORIGINS", [])

# A strict Content Security Policy: nothing from third parties, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- email ------------------------------------------------------------------------------------
# File backend by default (messages land in DATA_DIR/mail); SMTP when PAINPATH_EMAIL_HOST is set.
EMAIL_HOST = config.env_list("PAINPATH_EMAIL_HOST", [""])[0]
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(config.env_list("PAINPATH_EMAIL_PORT", ["587"])[0])
    EMAIL_HOST_USER = config.env_list("PAINPATH_EMAIL_USER", [""])[0]
    EMAIL_HOST_PASSWORD = config.env_list("PAINPATH_EMAIL_PASSWORD", [""])[0]
    EMAIL_USE_TLS = config.env_bool("PAINPATH_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = config.env_list("PAINPATH_FROM_EMAIL", ["PainPath <no-reply@localhost>"])[0]

# Absolute links in emails (private result links, cancel links).
PAINPATH_BASE_URL = config.env_list("PAINPATH_BASE_URL", ["http://127.0.0.1:8000"])[0]
# Where check-in escalation alerts go (care plans); empty: the clinic's email, then the sender.
PAINPATH_CLINIC_ALERT_EMAIL = config.env_list("PAINPATH_CLINIC_ALERT_EMAIL", [""])[0]
# The number the emergency result's call button dials (the demo clinic is in the US); the page
# tells people elsewhere to call their local number. Digits, optionally a leading +.
PAINPATH_EMERGENCY_NUMBER = config.env_list("PAINPATH_EMERGENCY_NUMBER", ["911"])[0]
if not re.fullmatch(r"\+?[0-9]{2,15}", PAINPATH_EMERGENCY_NUMBER):
    raise config.ConfigError(
        f"PAINPATH_EMERGENCY_NUMBER={PAINPATH_EMERGENCY_NUMBER!r}: use digits only, e.g. 911"
    )

# --- logging: never log request bodies or health data ---------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Django logs 4xx paths; private links (/r/<token>/, /appointments/<token>/) are redacted.
    "filters": {
        "private_links": {"()": "painpath.audit.logging.RedactPrivateLinks"},
        "no_client_error_tracebacks": {"()": "painpath.web.logfilters.NoTracebackForClientErrors"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["private_links", "no_client_error_tracebacks"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
