"""Site settings, read from the environment.

Every value comes from an environment variable with a safe default for local
use; a value that cannot be read stops the process at start-up with a message
that names the variable, rather than running with a surprise.
"""

import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap's CSS and JS as static files
    "simple_history",
]
LOCAL_APPS = [
    "commissioning.projects",
    "commissioning.overview",
    "commissioning.benchmark",
    "contracts",
    "committees",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "commissioning.urls"
WSGI_APPLICATION = "commissioning.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commissioning.core.context_processors.roles",
                "commissioning.projects.context_processors.gateway_rules",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL.")

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The app's queries are short; PostgreSQL's JIT compiler costs more than it
    # saves on them (measured by `manage.py benchmark`).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The pickers' widget, installed by npm from package.json (`python3 dev.py`, or
# the Dockerfile's node stage) and served from here as tom-select/...
TOM_SELECT_DIST = BASE_DIR / "node_modules" / "tom-select" / "dist"
if TOM_SELECT_DIST.is_dir():
    STATICFILES_DIRS.append(("tom-select", TOM_SELECT_DIST))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
# Django's, with each <select> written without a template include per option.
FORM_RENDERER = "commissioning.core.renderers.FormRenderer"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: the console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "commissioning@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Domain settings (docs/domain.md: "a setting with a default, never a constant").
# How long before the current end an option must be decided.
OPTION_NOTICE_MONTHS = env_int("OPTION_NOTICE_MONTHS", 6, minimum=0)
PAGE_SIZE = env_int("PAGE_SIZE", 25, minimum=1)
# Committee clocks (docs/domain.md: set by each council's constitution).
AGENDA_CLEAR_WORKING_DAYS = env_int("AGENDA_CLEAR_WORKING_DAYS", 5)
KEY_DECISION_CLEAR_DAYS = env_int("KEY_DECISION_CLEAR_DAYS", 28)
CALL_IN_WORKING_DAYS = env_int("CALL_IN_WORKING_DAYS", 5)
REMINDER_DAYS_AHEAD = env_int("REMINDER_DAYS_AHEAD", 14, minimum=1)
# Open Contracting (OCDS) exports: the contracting process ids start with the
# prefix the council registered with the Open Contracting Partnership. The
# default is a placeholder: set your registered prefix before publishing.
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-xxxxxx-")
if not re.fullmatch(r"ocds-[a-z0-9]{6}-([A-Za-z0-9-]*-)?", OCDS_OCID_PREFIX):
    raise ImproperlyConfigured(
        f"OCDS_OCID_PREFIX must look like ocds-abc123- (a registered prefix and a dash), not {OCDS_OCID_PREFIX!r}."
    )
# Who publishes the OCDS package: the council's name.
OCDS_PUBLISHER_NAME = os.environ.get("OCDS_PUBLISHER_NAME", "Contract register")

# Importing a register (contracts.register_imports). A file with more rows than
# IMPORT_BACKGROUND_ROWS is read for its preview, and saved once confirmed, by a
# background job (below) while its page shows progress.
# The council whose register this is: the lead commissioner of imported rows that name none.
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "")
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 500, minimum=0)

# Background jobs (commissioning/celery.py): Celery, with Redis as the broker.
# REDIS_URL (such as redis://redis:6379/0) serves as the broker and keeps the
# progress of running jobs; CELERY_BROKER_URL, if set, names another broker.
# With neither, every job runs at once in the process that asks for it.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"  # never used: the jobs run at once
# The jobs record what they did in the database; a result store is optional.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = not CELERY_RESULT_BACKEND
# A job is taken off the queue only when it has finished, so one whose worker
# stopped (a deploy, a crash) is handed to another worker; the jobs are written
# to be run twice safely. Each worker process takes one job at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job not finished an hour after a worker took it is handed to another: the
# jobs check whether their work is done (an import "running" is not run again).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(Path(tempfile.gettempdir()) / "commissioning-beat-schedule")
)
# The schedule `celery -A commissioning beat` keeps, in UK time (Europe/London,
# so 06:00 stays 06:00 across the clock changes).
CELERY_BEAT_SCHEDULE = {
    # Imports confirmed or uploaded while the queue could not be reached, and
    # imports whose process stopped (marked failed after STOPPED_AFTER).
    "run-waiting-imports": {"task": "contracts.tasks.run_waiting_imports", "schedule": crontab(minute="*/15")},
    # The check of the figures stored for SQL against the facts; before the reminders.
    "refresh-contracts": {"task": "contracts.tasks.refresh_contracts", "schedule": crontab(hour=5, minute=30)},
    # Each item once: a second run in a day sends nothing.
    "send-reminders": {"task": "commissioning.overview.tasks.send_reminders", "schedule": crontab(hour=6, minute=0)},
}
# A job's progress must be readable by whichever web process serves its page:
# in Redis when there is one (any replica reads it), else in files every web
# process on the machine shares.
# Figures over the whole register (the dashboard, the pipeline, the lists'
# counts and totals) are kept until the register changes
# (commissioning/core/register_cache.py): "figures" keeps them in each process;
# "register" holds the register's state token, which every process must read
# alike, so it is Redis when REDIS_URL is set and a folder of files otherwise.
# REGISTER_CACHE_SECONDS (0 turns keeping off) bounds how long they are kept.
REGISTER_CACHE_SECONDS = env_int("REGISTER_CACHE_SECONDS", 900)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
    "register": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "register"}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get(
                "REGISTER_CACHE_DIR", str(Path(tempfile.gettempdir()) / "commissioning-register-state")
            ),
        }
    ),
    "progress": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "progress"}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get(
                "PROGRESS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "commissioning-progress")
            ),
        }
    ),
}

# --- Issue 10, files and errors: error pages, dropped connections, uploaded files ---
# A 405 from `require_POST` and the like becomes a page with the site's navigation.
MIDDLEWARE += ["commissioning.core.errors.MethodNotAllowedPage"]
# A connection kept between requests (CONN_MAX_AGE) is checked before a request
# reuses it, so one the database or the network dropped is replaced, not shown as a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The site's own table: the create forms already saved (commissioning.core.once).
INSTALLED_APPS += ["commissioning.core"]
# Uploaded documents (commissioning.core.uploads): the largest file accepted, in bytes.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
# Uploaded files are stored through Django's storage API: in MEDIA_ROOT by default,
# or in an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (django-storages;
# credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role).
# Files are never public: the app reads them from storage and sends them to users
# allowed to see their record, so the bucket needs no public access and no URLs are signed.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

# Sign-in and production security (issue 10, part 3: sign-in a council can sign off).
# Repeated failed sign-ins lock out that username from that address (django-axes):
# SIGN_IN_FAILURE_LIMIT failures in a row, then no sign-in for SIGN_IN_LOCKOUT_MINUTES.
# An administrator lifts a lockout in the admin ("Access attempts") or with
# `manage.py axes_reset`.
INSTALLED_APPS += ["axes", "csp"]
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "commissioning.core.middleware.PrivateCacheMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "commissioning.core.signin.lockout_response"
# A session ends this many seconds after sign-in: a working day by default.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60, minimum=60)

# Every page is served from this site only: no inline script, no framing, no
# plugins. Style attributes stay allowed (style-src-attr) because templates set
# computed widths and chart colours in them; <style> elements do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        # Bootstrap draws its icons (menu, close, select arrow) as data: images.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # HTTPS only, behind the proxy that sets X-Forwarded-Proto (above).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
