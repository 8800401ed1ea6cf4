"""attune's settings: one module, read from the environment.

Every value has a development default that needs no service (SQLite and the
filesystem broker under var/). The helpers below refuse a malformed value at
start-up instead of guessing.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    """The variable's value, or None when it is unset or blank (`KEY=` in a .env file)."""
    value = os.getenv(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str) -> str:
    raw = _raw(name)
    return default if raw is None else raw


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _raw(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


VAR_DIR = Path(env_str("ATTUNE_VAR_DIR", str(BASE_DIR / "var"))).resolve()
# Beat keeps its schedule here even when every service is external.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the development key is refused when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin, entered only through attune's sign-in with a second factor.
    "accounts.admin_config.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.mfa",
    "allauth.usersessions",
    "accounts",
    "partners",
    "triggers",
    "checkins",
    "sync",
    "push",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.sessions.SessionTouchMiddleware",
    "attune.middleware.ApiResponseMiddleware",
]

ROOT_URLCONF = "attune.urls"
# The Django admin shows accounts and partnerships, never private text.
ADMIN_ENABLED = env_bool("ADMIN_ENABLED", False)
WSGI_APPLICATION = "attune.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Our wording of the emails django-allauth sends (attune/templates/account/).
        "DIRS": [BASE_DIR / "attune" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "attune.context_processors.support",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'attune.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web, worker and beat processes share the file: wait for locks
    # instead of failing at once, and take the write lock at BEGIN.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Parameters bound by the server, and a statement run five times on a
        # connection prepared there: PostgreSQL then plans it once. Half the
        # database's CPU per read (sync 2.2 -> 1.2 ms, inbox 1.1 -> 0.5 ms:
        # bench/RESULTS.md, "Issue 12, session 6"). Turn it off behind a pooler
        # in transaction mode that does not keep prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits are counted here; share it between processes in production)
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory verification by code is what lets signup answer alike for a taken
# and a new email: both get "check your inbox", and only the inbox tells.
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "ACCOUNT_EMAIL_VERIFICATION", "mandatory", ("mandatory", "optional", "none")
)
# Codes work only when verification is mandatory; otherwise the email carries a link.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = ACCOUNT_EMAIL_VERIFICATION == "mandatory"
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[attune] "
# Changing an email, adding or removing an authenticator and ending sessions
# need a password (or an authenticator) given in the last few minutes: a
# borrowed, unlocked phone must not be enough to take the account over.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("ACCOUNT_REAUTHENTICATION_TIMEOUT", 300)
# Content-free notices to the account's address when its password, an email
# address or an authenticator changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Sign-in by an emailed code stays open when someone else has spent the
# password attempts for an address (the adapter also keys those by client).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# "Send a new code" works (twice per code flow; allauth rate-limits each send).
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"

HEADLESS_ONLY = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "attune"
# WebAuthn needs https, except on a local run served over plain http.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", DEBUG)
# Signed-in devices: allauth lists them with when each was last used. Its own
# middleware would write that on every request; accounts/sessions.py writes it
# at most every few minutes instead, so allauth's middleware is not installed.
USERSESSIONS_TRACK_ACTIVITY = True
# Behind a proxy every request comes from the proxy's address. Say how many
# proxies add themselves to X-Forwarded-For, and the client's address is read
# from it (by allauth: the failed sign-in limit, kept per address and email,
# and the signed-in devices list; by DRF: the per-address rate limits). With
# 0, X-Forwarded-For is ignored, so a client cannot name an address it likes.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# allauth's own OpenAPI specification, at /_allauth/openapi.json (and .yaml).
HEADLESS_SERVE_SPECIFICATION = True
# Its HTML page loads Redoc from a CDN, which our Content-Security-Policy blocks.
HEADLESS_SPECIFICATION_TEMPLATE_NAME = None
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/account/verify-email/{key}",
    "account_reset_password": "/account/password/reset",
    "account_reset_password_from_key": "/account/password/reset/key/{key}",
    "account_signup": "/account/signup",
}

# --- Invitations ----------------------------------------------------------------
INVITATION_TTL = timedelta(hours=env_int("INVITATION_TTL_HOURS", 72))

# --- The stream (sync feed and inbox) -----------------------------------------
# Feed and inbox entries older than this are compacted; a sync cursor from before
# what is kept answers 410 `resync_required`.
STREAM_RETENTION_DAYS = env_int("STREAM_RETENTION_DAYS", 90)
if STREAM_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("STREAM_RETENTION_DAYS must be at least 1.")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Where someone whose partnership has ended can find support (a helpline or a
# page of resources): shown on the ended state, in the ending dialog and in the
# ending email. Empty: no link is shown.
SUPPORT_URL = env_str("SUPPORT_URL", "").strip()
if SUPPORT_URL and not SUPPORT_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("SUPPORT_URL must be an http(s) address, or empty.")

# --- Encryption at rest: comma-separated keys, newest first -------------------
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not DEBUG and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Set FIELD_ENCRYPTION_KEYS: production refuses the key derived from SECRET_KEY."
    )

# --- Web Push (push/) ----------------------------------------------------------
# VAPID keys as base64url (push/vapid.py); the public key is what browsers are given.
# Required when DEBUG is off; a local run makes a pair once, kept in ATTUNE_VAR_DIR.
from push import vapid as _vapid  # noqa: E402  (plain key helpers, no Django import)

VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", "")
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY", "")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "" if not DEBUG else "mailto:noreply@localhost")
if not DEBUG and not (VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY and VAPID_SUBJECT):
    raise ImproperlyConfigured(
        "Set VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY and VAPID_SUBJECT: push needs keys of "
        "its own in production (python -m push.vapid makes a pair)."
    )
if not VAPID_PRIVATE_KEY:
    VAPID_PRIVATE_KEY = _vapid.local_private_key(VAR_DIR / "vapid-private-key")
try:
    _vapid_public = _vapid.public_key_of(VAPID_PRIVATE_KEY)
except ValueError:
    raise ImproperlyConfigured(
        "VAPID_PRIVATE_KEY must be a P-256 private key: 32 bytes in base64url."
    ) from None
if VAPID_PUBLIC_KEY and VAPID_PUBLIC_KEY.rstrip("=") != _vapid_public:
    raise ImproperlyConfigured("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY.")
VAPID_PUBLIC_KEY = _vapid_public
if not VAPID_SUBJECT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured("VAPID_SUBJECT must be a mailto: (or https:) address.")
# Tests and local runs point subscriptions at a push service on this machine;
# production refuses any endpoint that is not public https (push/endpoints.py).
PUSH_ALLOW_LOCAL_ENDPOINTS = env_bool("PUSH_ALLOW_LOCAL_ENDPOINTS", False)

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "attune.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["attune.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "attune.api.pagination.CursorPage",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "attune.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # OPTIONS would describe forms for a browsable API we do not serve: 405.
    "DEFAULT_METADATA_CLASS": None,
    # DRF trusts all of X-Forwarded-For when this is None (see TRUSTED_PROXY_COUNT).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "invitations": env_str("RATE_LIMIT_INVITATIONS", "20/hour"),
        "invitation_accept": env_str("RATE_LIMIT_INVITATION_ACCEPT", "20/hour"),
        "invitation_preview": env_str("RATE_LIMIT_INVITATION_PREVIEW", "60/hour"),
        "questions": env_str("RATE_LIMIT_QUESTIONS", "60/hour"),
        "responses": env_str("RATE_LIMIT_RESPONSES", "60/hour"),
        "push_subscriptions": env_str("RATE_LIMIT_PUSH_SUBSCRIPTIONS", "60/hour"),
        # An email's links (reminder snooze/skip, unsubscribe), per person or address.
        "reminder_link": env_str("RATE_LIMIT_EMAIL_LINKS", "60/hour"),
        "email_unsubscribe": env_str("RATE_LIMIT_EMAIL_LINKS", "60/hour"),
        "password_check": "5/min",  # as allauth's change_password: 5/m/user
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "attune API",
    "DESCRIPTION": (
        "Partners pair up by invitation, share triggers and boundaries only by "
        "explicit, revocable consent, and answer gentle check-ins. Authenticate "
        "through django-allauth headless at /_allauth/app/v1/ (X-Session-Token) or "
        "/_allauth/browser/v1/ (session cookie and CSRF)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "attune.api.schema.add_error_responses",
    ],
    # Served from our own static files: the docs work with no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_FILESYSTEM_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "out"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "out"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("out", "processed", "control"):
        (CELERY_FILESYSTEM_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fixup closes the database connection after every task unless
# this is set; attune/celery.py closes broken or old ones instead, as Django does
# around each request, so a worker keeps one connection (CONN_MAX_AGE).
CELERY_DB_REUSE_MAX = 1_000_000
# A task still running when the broker connection drops finishes; its message
# comes back and finds its prompts claimed or sent. Cancelling it could cut a
# send off between the mail system and the record of it.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One static entry, the dispatcher: per-person schedules live in our tables. Each
# run also sweeps unsent reminders and hands out due notification emails.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "dispatch-checkins": {
        "task": "checkins.tasks.dispatch_checkins",
        "schedule": float(env_int("DISPATCH_INTERVAL_SECONDS", 60)),
    },
}

# --- Email --------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "attune <noreply@localhost>")

# --- Internationalisation and static files ------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Security -----------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sessions (the app's X-Session-Token is a session key) are read from the cache
# and written through to the database: one query less on every API request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# A session ends after this long unused (accounts/sessions.py renews it while used).
SESSION_COOKIE_AGE = int(timedelta(days=env_int("SESSION_IDLE_DAYS", 60)).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# --- Logging: never private text; request bodies are not logged ---------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
