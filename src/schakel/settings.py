"""Django settings for Schakel.

Everything that differs between a laptop and production comes from environment variables,
parsed strictly (see ``schakel.core.env``). With no variables set, Schakel runs locally on a
SQLite file under ``var/``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from schakel.core.env import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env.text("SCHAKEL_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env.flag("DEBUG", False)
SECRET_KEY = env.text("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value in production, "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.items("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.text("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for the project's form renderer below
    "django_otp",
    "django_tasks",
    "django_tasks_db",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "schakel.core",
    "schakel.accounts",
    "schakel.audit",
    "schakel.directory",
    "schakel.patients",
    "schakel.work",
    "schakel.pathways",
    "schakel.proms",
    "schakel.mdo",
    "schakel.messaging",
    "schakel.handovers",
    "schakel.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "schakel.core.request_cache.RequestCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "schakel.core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "schakel.accounts.idle.IdleTimeoutMiddleware",
    "schakel.core.middleware.RejectNulMiddleware",
    "schakel.accounts.locale.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "schakel.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "schakel.core.middleware.FriendlyErrorsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

# Everything is served by Schakel itself: no script, style, font or image from another host,
# no inline script or style (django-csp writes the header).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

ROOT_URLCONF = "schakel.urls"
# Forms render through the project's templates, so Schakel can word Django's widgets (e.g. the
# empty choice) in its own language; the select is written in Python (schakel.core.renderer).
FORM_RENDERER = "schakel.core.renderer.FormRenderer"
WSGI_APPLICATION = "schakel.wsgi.application"

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
                "schakel.core.context_processors.navigation",
            ],
            # The date filters (datum, datumtijd) in every template without a {% load %}.
            "builtins": ["schakel.core.templatetags.schakel"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite by default, tuned for several processes at once: WAL lets readers work while one
# writer writes, the busy timeout makes a second writer wait instead of failing, and IMMEDIATE
# transactions take the write lock up front so read-then-write blocks (the audit hash chain)
# cannot interleave.
DATABASE_URL = env.text("DATABASE_URL", "")
if DATABASE_URL:
    try:
        _database = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from None
    if _database.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured(
            "DATABASE_URL must point to PostgreSQL (postgres://...) or SQLite (sqlite:///...)."
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "schakel.sqlite3")}
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    _database["TEST"] = {"NAME": None}  # in-memory test databases
if _database["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, so that psycopg prepares a statement the second time a
    # connection runs it and PostgreSQL keeps its plan: a page's queries are the same on every
    # request, and planning them (joins of up to nine tables through the access rules) took
    # as long as running them. Measured in-process on the pathway page at 50,000 pathways: its
    # SQL 33 -> 15 ms per request. Connections live a minute (conn_max_age), so do
    # their prepared statements; psycopg keeps at most a hundred per connection. Options in
    # DATABASE_URL (sslmode, ...) are kept and win.
    _database["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 2,
        **_database.get("OPTIONS", {}),
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "work:today"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes first: it refuses a login attempt that is locked out before the password counts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Two factors are required for every user. Only a local development machine may relax this,
# and only explicitly: the demo started by `make run` sets it.
SCHAKEL_TWO_FACTOR_OPTIONAL = env.flag("SCHAKEL_TWO_FACTOR_OPTIONAL", False)
if SCHAKEL_TWO_FACTOR_OPTIONAL and not DEBUG:
    raise ImproperlyConfigured(
        "SCHAKEL_TWO_FACTOR_OPTIONAL is only allowed together with DEBUG=1 (the local demo); "
        "production always requires two factors."
    )
OTP_TOTP_ISSUER = "Schakel"

# Failed logins (django-axes): after SCHAKEL_LOGIN_MAX_FAILURES for one e-mail address from
# one client, that pair waits SCHAKEL_LOGIN_LOCKOUT_MINUTES (others cannot lock someone out
# from elsewhere); one client address may fail SCHAKEL_LOGIN_ADDRESS_MAX_FAILURES times in
# that period over all addresses. Unknown and locked accounts get the same answer, and a
# locked user can unlock with their second factor.
SCHAKEL_LOGIN_MAX_FAILURES = env.number("SCHAKEL_LOGIN_MAX_FAILURES", 5, minimum=1)
SCHAKEL_LOGIN_LOCKOUT_MINUTES = env.number("SCHAKEL_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
SCHAKEL_LOGIN_ADDRESS_MAX_FAILURES = env.number("SCHAKEL_LOGIN_ADDRESS_MAX_FAILURES", 30, minimum=1)
AXES_FAILURE_LIMIT = SCHAKEL_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=SCHAKEL_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "schakel.accounts.forms.login_name"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "schakel.audit.actions.client_address"
AXES_LOCKOUT_CALLABLE = "schakel.accounts.views.locked_out"
AXES_VERBOSE = False

# Idle timeout: a request after this many idle minutes is logged out (accounts/idle.py). The
# session is saved only when it changed or the minute of the last activity moved on, and its
# own expiry is a minute longer than the timeout, so that check is what ends it.
SCHAKEL_SESSION_IDLE_MINUTES = env.number("SCHAKEL_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = (SCHAKEL_SESSION_IDLE_MINUTES + 1) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.number("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.flag("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The access log: the key of its hash chain (default: derived from SECRET_KEY; never stored
# in the database), and where the seals of its head are written (outside the database).
SCHAKEL_AUDIT_KEY = env.text("SCHAKEL_AUDIT_KEY", "")
SCHAKEL_AUDIT_SEAL_FILE = Path(
    env.text("SCHAKEL_AUDIT_SEAL_FILE", str(VAR_DIR / "audit-seals.jsonl"))
)
# Tests flush tables with TRUNCATE; everywhere else the database refuses it on the log.
SCHAKEL_AUDIT_TRUNCATE_GUARD = True

# How many reverse proxies stand before Schakel; the access log takes the client's address
# from X-Forwarded-For accordingly (0: use the connection's address).
SCHAKEL_TRUSTED_PROXIES = env.number("SCHAKEL_TRUSTED_PROXIES", 0, minimum=0)

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "schakel_language"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.text("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploaded files (handover attachments): never served as static files, only through the
# access helper of what they belong to.
MEDIA_ROOT = Path(env.text("SCHAKEL_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -----------------------------------------------------------------------------------
# Without an SMTP host, a local development machine prints e-mail to the console.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not env.text("EMAIL_HOST", "")
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env.text("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env.number("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.text("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.text("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "Schakel <noreply@schakel.invalid>")

# --- Directory --------------------------------------------------------------------------------
# An entry not verified for this many days appears on the coordinator's worklist.
SCHAKEL_DIRECTORY_STALE_DAYS = env.number("SCHAKEL_DIRECTORY_STALE_DAYS", 183, minimum=1)

# --- Background jobs ------------------------------------------------------------------------
# Jobs wait in the database; `schakel worker` runs them (any number of workers).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# (job, every N seconds): enqueued once per period by whichever worker comes first.
# An answered question the asker leaves open closes by itself after this many days.
SCHAKEL_QUESTION_AUTOCLOSE_DAYS = env.number("SCHAKEL_QUESTION_AUTOCLOSE_DAYS", 14, minimum=1)

SCHAKEL_PERIODIC_JOBS: list[tuple[str, int]] = [
    (
        "schakel.work.jobs.evaluate_all_signals",
        env.number("SCHAKEL_SIGNAL_MINUTES", 15, minimum=1) * 60,
    ),
    (
        "schakel.work.jobs.send_notification_emails_job",
        env.number("SCHAKEL_EMAIL_CHECK_MINUTES", 5, minimum=1) * 60,
    ),
    ("schakel.mdo.jobs.plan_series_meetings", 24 * 60 * 60),
    ("schakel.handovers.jobs.plan_consultation_sessions", 24 * 60 * 60),
    ("schakel.messaging.jobs.close_answered_questions", 60 * 60),
    # Entries a request's end did not chain (written by jobs, or lost a race for the lock).
    ("schakel.audit.jobs.chain_access_log", 60),
    (
        "schakel.audit.jobs.seal_access_log",
        env.number("SCHAKEL_AUDIT_SEAL_MINUTES", 60, minimum=1) * 60,
    ),
    ("schakel.proms.jobs.send_scheduled_questionnaires", 60 * 60),
]

# A job still running this long after it started lost its worker: another takes it up.
SCHAKEL_JOB_TIMEOUT_SECONDS = env.number("SCHAKEL_JOB_TIMEOUT_MINUTES", 30, minimum=1) * 60

# Notification e-mail: at most one per user per this many minutes.
SCHAKEL_NOTIFICATION_EMAIL_MINUTES = env.number("SCHAKEL_NOTIFICATION_EMAIL_MINUTES", 60, minimum=1)

# --- MDO ------------------------------------------------------------------------------------
# How far ahead a series' meetings are planned (so cases can be put on their agendas).
SCHAKEL_MDO_WEEKS_AHEAD = env.number("SCHAKEL_MDO_WEEKS_AHEAD", 8, minimum=1)

# --- Questionnaires -------------------------------------------------------------------------
# How long a patient's personal link works; after this many days unanswered, one reminder.
SCHAKEL_PROM_LINK_DAYS = env.number("SCHAKEL_PROM_LINK_DAYS", 14, minimum=1)
SCHAKEL_PROM_REMINDER_DAYS = env.number("SCHAKEL_PROM_REMINDER_DAYS", 5, minimum=1)
# Failed link attempts per client per 15 minutes before further attempts are refused.
SCHAKEL_PROM_LINK_ATTEMPTS = env.number("SCHAKEL_PROM_LINK_ATTEMPTS", 10, minimum=1)

# --- Patients -----------------------------------------------------------------------------
# How long a break-the-glass access lasts.
SCHAKEL_EMERGENCY_ACCESS_HOURS = env.number("SCHAKEL_EMERGENCY_ACCESS_HOURS", 24, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
    # django-axes reports every failed login at INFO; the access log already has them.
    "loggers": {"axes": {"level": "WARNING"}},
}
