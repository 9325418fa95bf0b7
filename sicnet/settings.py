"""SICNet settings: one file, driven by environment variables.

With DEBUG off every secret must come from the environment and be strong; start-up stops
with a clear message otherwise (see ``_require_production_secrets``).
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.env import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("SICNET_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The demo allows demo users to skip MFA; it can never be on without DEBUG.
DEMO_MODE = DEBUG and env_bool("SICNET_DEMO", True)

# Development-only fallbacks. They are refused when DEBUG is off.
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production-0123456789abcdef"
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZC0="  # 32 bytes, urlsafe base64
_DEV_HASH_KEY = "dev-only-identifier-hash-key-not-for-production"
_DEV_ANCHOR_KEY = "dev-only-audit-anchor-key-not-for-production"

SECRET_KEY = env("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
# Comma-separated Fernet keys, newest first: the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [_DEV_FIELD_KEY] if DEBUG else [])
# Key for keyed hashes of identifiers (repeat callers, client addresses).
IDENTIFIER_HASH_KEY = env("IDENTIFIER_HASH_KEY", _DEV_HASH_KEY if DEBUG else "")
# Signs the audit chains' newest links and their checkpoints (audit/anchor.py). The database never
# holds it, so whoever can rewrite the database cannot sign a rewritten chain.
AUDIT_ANCHOR_KEY = env("AUDIT_ANCHOR_KEY", _DEV_ANCHOR_KEY if DEBUG else "")


def _require_production_secrets() -> None:
    from core.crypto import validate_fernet_keys

    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak: use at least 50 random characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    if not FIELD_ENCRYPTION_KEYS or _DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be set when DEBUG is off: comma-separated Fernet keys "
            '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())").'
        )
    validate_fernet_keys(FIELD_ENCRYPTION_KEYS)
    if not IDENTIFIER_HASH_KEY or IDENTIFIER_HASH_KEY == _DEV_HASH_KEY or len(IDENTIFIER_HASH_KEY) < 32:
        raise ImproperlyConfigured(
            "IDENTIFIER_HASH_KEY must be set to at least 32 random characters when DEBUG is off."
        )
    if not AUDIT_ANCHOR_KEY or AUDIT_ANCHOR_KEY == _DEV_ANCHOR_KEY or len(AUDIT_ANCHOR_KEY) < 32:
        raise ImproperlyConfigured(
            "AUDIT_ANCHOR_KEY must be set to at least 32 random characters when DEBUG is off "
            "(a key the database does not hold: it signs the audit chains)."
        )


if not DEBUG:
    _require_production_secrets()

# The address people use, for absolute links in emails.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "network",
    "audit",
    "notify",
    "hashes",
    "hotline",
    "helpline",
    "referrals",
    "nrm",
    "legal",
    "public",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "public.middleware.BodyLimitMiddleware",  # before the CSRF check, the first to read a body
    "django.middleware.common.CommonMiddleware",
    "core.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sicnet.urls"
# The network the tests' canonical users work in (core.testing.SicnetTestCase).
SICNET_TEST_NETWORK = "network.testing.build_test_network"
WSGI_APPLICATION = "sicnet.wsgi.application"
ASGI_APPLICATION = "sicnet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shell",
                "notify.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: SQLite under var/ by default (the demo), PostgreSQL in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sicnet.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Django turns psycopg's prepared statements off (prepare_threshold None), which makes
    # core.db.fetch_prepared's prepare=True a no-op. With a threshold no statement reaches, only the
    # few statements asked for by name are prepared; Django's own cursors bind on the client and are
    # never prepared. (Behind PgBouncer, use version 1.21 or later with max_prepared_statements.)
    # Those statements are written for one plan whatever their values (a submission's statement
    # would otherwise be planned again on every run: PostgreSQL's guess prefers a custom plan).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["prepare_threshold"] = 2**31 - 1
    options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in protection.
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(env("LOGIN_LOCKOUT_MINUTES", "15"))
API_TOKEN_MAX_DAYS = int(env("API_TOKEN_MAX_DAYS", "365"))

# Sessions expire after this many idle seconds (every request renews them).
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG

# Security headers. The CSP and Permissions-Policy are set by core.middleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes from the load balancer come over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Public reporting: per-client rate limit, the offline GeoIP file (optional), the "leave" target.
HOTLINE_REPORTS_PER_WINDOW = int(env("HOTLINE_REPORTS_PER_WINDOW", "10"))
HOTLINE_REPORT_WINDOW_SECONDS = int(env("HOTLINE_REPORT_WINDOW_SECONDS", "600"))
HOTLINE_GEOIP_DATABASE = env("HOTLINE_GEOIP_DATABASE", "")  # MaxMind-format country file; needs geoip2
HOTLINE_LEAVE_URL = env("HOTLINE_LEAVE_URL", "https://www.wikipedia.org/")
# A public report waiting longer than this to be attached: the queue says so, /readyz reports "lagging".
HOTLINE_ATTACH_LAG_SECONDS = int(env("HOTLINE_ATTACH_LAG_SECONDS", "120"))
# Files an analyst hashes are read in memory only, up to this size.
HASHES_MAX_UPLOAD_BYTES = int(env("HASHES_MAX_UPLOAD_BYTES", str(32 * 1024 * 1024)))
# Webhook addresses: https to public addresses only, unless these allow it. Unset (None), they
# follow DEBUG as it is when the address is checked (tests run with DEBUG off). The former names
# REFERRALS_WEBHOOK_ALLOW_* are still read when the new ones are unset.
NOTIFY_WEBHOOK_ALLOW_HTTP = env_bool("NOTIFY_WEBHOOK_ALLOW_HTTP", env_bool("REFERRALS_WEBHOOK_ALLOW_HTTP", None))
NOTIFY_WEBHOOK_ALLOW_PRIVATE = env_bool(
    "NOTIFY_WEBHOOK_ALLOW_PRIVATE", env_bool("REFERRALS_WEBHOOK_ALLOW_PRIVATE", None)
)
# PDQ: a match is a Hamming distance of at most this many bits; unset, the PDQ standard's
# (hashes.matching.PDQ_MAX_DISTANCE, 31, the widest the in-memory index answers; beyond it every
# entry is compared).
_PDQ_DISTANCE = env("HASHES_PDQ_MAX_DISTANCE")
HASHES_PDQ_MAX_DISTANCE = int(_PDQ_DISTANCE) if _PDQ_DISTANCE else None
# Hash list files imported from the page (kept compressed in the database until imported).
HASHES_MAX_IMPORT_BYTES = int(env("HASHES_MAX_IMPORT_BYTES", str(200 * 1024 * 1024)))
# PDQ index snapshots (manage.py pdq_snapshot); every process matches a change at most this long after its commit.
PDQ_SNAPSHOT_DIR = Path(env("PDQ_SNAPSHOT_DIR", str(VAR_DIR / "pdq")))
# Where manage.py audit_checkpoint appends the signed checkpoints of the audit chains: meant to be
# another volume, which the database's host and superuser cannot write.
AUDIT_CHECKPOINT_DIR = Path(env("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints")))
PDQ_SYNC_SECONDS = float(env("PDQ_SYNC_SECONDS", "0.5"))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(256 * 1024)))
# A multipart body sent to the API (an NRM evidence PDF, at most 10 MiB, and its envelope).
API_UPLOAD_MAX_BYTES = int(env("API_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024 + 64 * 1024)))

# Languages: the seven interface languages of the network.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("sq", _("Albanian")),
    ("mk", _("Macedonian")),
    ("sr", _("Serbian (Cyrillic)")),
    ("sr-latn", _("Serbian (Latin)")),
    ("bs", _("Bosnian")),
    ("hr", _("Croatian")),
]
# Languages without an interface translation fall back to the nearest one.
LANGUAGE_FALLBACKS = {"cnr": "sr-latn", "me": "sr-latn"}
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", "Europe/Belgrade")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploaded files (NRM evidence PDFs). Never served directly: no MEDIA_URL route exists.
MEDIA_ROOT = Path(env("SICNET_MEDIA_ROOT", str(VAR_DIR / "media")))
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

# Email: console in development; SMTP configured by the environment in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "SICNet <no-reply@sicnet.invalid>")

# Background tasks: rows in the database, so a queued task is as durable as its cause.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# security.W003 looks for Django's own CSRF middleware by name; ours subclasses it (core/csrf.py)
# and core.checks.csrf_middleware_installed verifies it is in place instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
