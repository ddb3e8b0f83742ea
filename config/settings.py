"""Settings for the directory. Every difference between machines is an environment variable."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "simple_history",
    "import_export",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "regions",
    "directory",
    "referrals",
    "commissioning",
    "editorial",
    "opendata",
    "twofactor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor sign-in: django-otp marks a session verified; staff who are not are sent to verify or enrol.
    "django_otp.middleware.OTPMiddleware",
    "twofactor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records who made each change in the history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Locks an account out after repeated failed logins; last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A persistent connection is checked before each request reuses it, so a
        # worker whose connection died (database restart, failover) reconnects
        # instead of serving an error.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool("DATABASE_JIT"):
    # Short OLTP queries: PostgreSQL's JIT compiles a plan as soon as its estimated cost is high
    # (a search over 10,000 services), adding ~100-400 ms to a 60 ms query. DATABASE_JIT=1 keeps it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if not DEBUG and "DATABASE_URL" not in os.environ:
    # The SQLite default is for development only: production names its database.
    raise ImproperlyConfigured("Set DATABASE_URL (or DJANGO_DEBUG=1 for local development).")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every process: limits (report a problem) count across all workers
# and servers only when they share it. REDIS_URL (e.g. redis://127.0.0.1:6379/0)
# selects Redis; without it each process has its own memory cache (development).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "directory"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How many reverse proxies in front of the app add to X-Forwarded-For. With 0 (the
# default) the address is the one that connected and X-Forwarded-For is ignored, so
# it cannot be forged; with 1, the address the proxy saw (the right-most entry).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT is the number of proxies: 0 or more.")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login protection (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username, or from one address, further logins are refused for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DJANGO_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "editorial/locked_out.html"
# Lockouts are cleared with `manage.py axes_reset_username NAME`; axes' own admin
# pages are read-only and would be the only admin pages that cannot add.
AXES_ENABLE_ADMIN = False
# The client address for lockouts, the same function the report-a-problem limit uses.
AXES_CLIENT_IP_CALLABLE = "editorial.network.client_address"
# Lockouts live in the database (axes' default handler), so every process sees them.
# Successful logins are not recorded (lockout does not need them), and failed
# attempts are deleted by `manage.py purge_login_records` after this many days.
AXES_DISABLE_ACCESS_LOG = True
LOGIN_RECORD_DAYS = int(os.environ.get("DJANGO_LOGIN_RECORD_DAYS", "30"))

# Two-factor sign-in (django-otp): every staff account adds an authenticator app (TOTP)
# and gets ten single-use recovery codes. A lost phone: `manage.py reset_two_factor NAME`.
OTP_TOTP_ISSUER = "Perpetrator services directory"
# A superuser can remove a device in admin but never read its secret or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# A claim whose newest evidence is this many months old or more is shown as "Not confirmed since …".
EVIDENCE_STALE_MONTHS = int(os.environ.get("DJANGO_EVIDENCE_STALE_MONTHS", "24"))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("cy", _("Cymraeg"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Nothing lasts on a shared device: the language cookie ends with the browser session
# (Django's default age), is sent only to this site and is not readable by scripts.
LANGUAGE_COOKIE_AGE = None
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# The CSRF cookie (set only on pages with a form: the matcher, report a problem, admin)
# also ends with the browser session instead of lasting a year.
CSRF_COOKIE_AGE = None
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# crispy-forms-gds picks a widget's GOV.UK class by its class name: the cached area select is a Select.
CRISPY_CLASS_CONVERTERS = {"cachedareaselect": "govuk-select"}

# Content-Security-Policy: everything from our own origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
# Device features no page needs, refused on every response (Permissions-Policy header).
PERMISSIONS_POLICY = [
    "accelerometer",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Admin sessions expire after DJANGO_SESSION_COOKIE_AGE seconds without a request
# (saved on every request, so the age is an idle timeout) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(60 * 60 * 2)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Editorial: an entry not verified for this many months shows as needing review.
EDITORIAL_REVIEW_AFTER_MONTHS = int(os.environ.get("DJANGO_REVIEW_AFTER_MONTHS", "12"))
# The public "report a problem" form: at most this many reports per window (seconds)
# from one source; the source is kept only as a keyed hash in the cache.
EDITORIAL_REPORT_LIMIT = int(os.environ.get("DJANGO_REPORT_LIMIT", "5"))
EDITORIAL_REPORT_WINDOW = int(os.environ.get("DJANGO_REPORT_WINDOW", str(60 * 10)))

# Bulk import and export (django-import-export): imports run in one transaction
# and roll back whole if any row fails validation.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Exported cells that a spreadsheet would run as a formula are quoted (see directory/csv_safe.py).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Open data: the read-only Open Referral UK API (Django REST Framework). Public and
# keyless, so throttled per client address through the default cache.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"open_data": os.environ.get("DJANGO_OPEN_DATA_RATE", "120/minute")},
    "UNAUTHENTICATED_USER": None,
    # "format" is the search page's filter (one-to-one, group...), not a renderer choice.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Perpetrator services directory: Open Referral UK 3.0 API",
    "DESCRIPTION": (
        "Read-only, public, no key. Services a practitioner in the directory's areas can refer to, "
        "in the Open Referral UK 3.0 profile, with the directory's dimensions as taxonomies."
    ),
    "VERSION": "3.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/oruk",
    # The document lists the areas, risk levels and routes the filters accept, so building it
    # needs the database; tests/api and schemathesis check it instead of `check --deploy`.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "opendata.schemas.add_components"],
}
# The address published as each entry's assurer (never an editor's own); omitted when blank.
OPEN_DATA_CONTACT_EMAIL = os.environ.get("DJANGO_OPEN_DATA_CONTACT_EMAIL", "")
# The licence the directory's own data is published under (the quotes remain their publishers').
OPEN_DATA_LICENCE = {
    "name": os.environ.get("DJANGO_OPEN_DATA_LICENCE_NAME", "OGL-UK-3.0"),
    "title": os.environ.get("DJANGO_OPEN_DATA_LICENCE_TITLE", "Open Government Licence v3.0"),
    "path": os.environ.get(
        "DJANGO_OPEN_DATA_LICENCE_URL",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load-balancer probes ask over plain http inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Benchmarks only (bench/run.py): DJANGO_BENCH_VIEWS=1 adds /bench/bare/, a view rendering the
# empty base.html, the yardstick each page is measured against. Never set in production.
BENCH_VIEWS = env_bool("DJANGO_BENCH_VIEWS")
