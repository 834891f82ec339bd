"""Settings for bookclub, read from environment variables (see .env.example).

DJANGO_ENV=development (the default) gives a safe local setup: SQLite, console
email, DEBUG on. DJANGO_ENV=production turns on every deployment hardening and
refuses to start without a SECRET_KEY.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from bookclub.env import code_digest, env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r}; use development or production.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Part of every cache key and ETag (bookclub/http.py): a deploy starts with a clean slate.
RELEASE = env_str("RELEASE") or code_digest(BASE_DIR)

INSTALLED_APPS = [
    "bookclub.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sites",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "bookclub",
    "bookclub.outbox",
    "catalog",
    "discussions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bookclub.middleware.SecurityHeadersMiddleware",
    "bookclub.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "bookclub.middleware.UserTimezoneMiddleware",
    "bookclub.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "bookclub.urls"
WSGI_APPLICATION = "bookclub.wsgi.application"
SITE_ID = 1

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
                "bookclub.context_processors.site",
            ],
            "builtins": [
                "template_partials.templatetags.partials",
                "django.templatetags.cache",
                "bookclub.templatetags.site_tags",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------
# Redis is a cache, never the only copy: sessions are written to the database too
# (cached_db), and a cache error reads as a miss (IGNORE_EXCEPTIONS), so losing Redis
# costs speed, not sign-ins or answers (bookclub/cache.py explains the versions).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{env_str('CACHE_KEY_PREFIX', 'bookclub')}:{RELEASE}",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": RELEASE,
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts (django-allauth) ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_USERNAME_BLACKLIST = ["admin", "administrator", "staff", "moderator", "bookclub"]
ACCOUNT_ADAPTER = "bookclub.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "bookclub.accounts.forms.LoginForm"}
# Limits live in the shared cache (Redis when REDIS_URL is set), so every app
# process enforces the same counters.
ACCOUNT_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    # A backstop only: the limits that matter are per network and per email domain below.
    "signup": env_str("RATE_LIMIT_SIGNUP", "100/h/ip"),
    "reset_password": env_str("RATE_LIMIT_RESET_PASSWORD", "5/m/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
}
# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP), recovery codes and
# passkeys or security keys (WebAuthn). Once a member turns one on, every log-in asks for it.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# WebAuthn needs HTTPS, except on localhost in development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Active sessions (allauth.usersessions): each member sees theirs and can log the others
# out. Recorded at log-in only: tracking activity would write a row on every page a member
# opens (and needs allauth's middleware, which is therefore left out).
USERSESSIONS_TRACK_ACTIVITY = False
# Completed sign-ups per network address (an IPv6 client's /64) and per email domain:
# "count/seconds,count/seconds": a burst a club signing up together never meets, and a day's.
SIGNUP_RATE_LIMIT_ADDRESS = env_str("SIGNUP_RATE_LIMIT_ADDRESS", "12/600,30/86400")
SIGNUP_RATE_LIMIT_DOMAIN = env_str("SIGNUP_RATE_LIMIT_DOMAIN", "30/600,200/86400")
# Posting (comments, ratings, votes): "count/seconds" per member.
POST_RATE_LIMIT = env_str("POST_RATE_LIMIT", "20/60")

# --- Email ------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "bookclub <noreply@bookclub.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work (Celery) -------------------------------------------------------
# Emails, notification fan-out, reminders and clean-ups run as Celery tasks (bookclub/celery.py).
# Production needs a broker (Redis: CELERY_BROKER_URL, else REDIS_URL) and the worker and
# beat processes (README, "Deploying"); development and tests run every task eagerly, inside
# the process that enqueued it, so `python3 dev.py run` needs only Python.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# Eager outside production, whatever REDIS_URL says: CELERY_TASK_ALWAYS_EAGER=false to try
# a real worker in development.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not PRODUCTION)
if not CELERY_TASK_ALWAYS_EAGER and not CELERY_BROKER_URL:
    raise ImproperlyConfigured(
        "Background work needs a broker: set CELERY_BROKER_URL (or REDIS_URL), or "
        "CELERY_TASK_ALWAYS_EAGER=true to run every task inside the process that enqueues it."
    )
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Emails on a queue of their own: more workers for it go on other machines (`-Q email`).
CELERY_TASK_QUEUES = {"default": {}, "email": {}}
CELERY_TASK_ROUTES = {"outbox.deliver_email": {"queue": "email"}}
# Acknowledged after the task, and given back when its worker dies: the tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}
# A request that enqueues while the broker is down fails fast; the sweepers catch up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TIMEZONE = env_str("TIME_ZONE", "UTC")
# A hung mail server must not hold a delivery (and its row's lock) for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Transient SMTP failures: retried with exponential backoff and jitter, at most this often.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 10)
EMAIL_RETRY_BASE_SECONDS = env_int("EMAIL_RETRY_BASE_SECONDS", 30)
EMAIL_RETRY_MAX_SECONDS = env_int("EMAIL_RETRY_MAX_SECONDS", 3600)
# Work still owed this long after it was due (its message lost with a broker or a killed
# worker) is enqueued again by the sweepers, which beat runs every OUTBOX_SWEEP_SECONDS.
OUTBOX_STALE_SECONDS = env_int("OUTBOX_STALE_SECONDS", 300)
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60)
NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 180)
REVOKED_INVITE_RETENTION_DAYS = env_int("REVOKED_INVITE_RETENTION_DAYS", 30)
SENT_EMAIL_RETENTION_DAYS = env_int("SENT_EMAIL_RETENTION_DAYS", 30)
# The schedule beat keeps (one beat process per deployment), replacing cron.
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "outbox.sweep_outbox", "schedule": OUTBOX_SWEEP_SECONDS},
    "sweep-fan-outs": {"task": "discussions.sweep_fan_outs", "schedule": OUTBOX_SWEEP_SECONDS},
    "meeting-reminders": {"task": "discussions.send_meeting_reminders", "schedule": 15 * 60},
    "read-digests": {"task": "discussions.send_read_digests", "schedule": 3600},
    "prune-notifications": {"task": "discussions.prune_notifications", "schedule": 24 * 3600},
    "prune-invites": {"task": "discussions.prune_revoked_invites", "schedule": 24 * 3600},
    "prune-sent-emails": {"task": "outbox.prune_sent_emails", "schedule": 24 * 3600},
}
# --- end of Background work (Celery) -------------------------------------------------

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests run with DEBUG off but without collectstatic; let whitenoise find files.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=not PRODUCTION)
WHITENOISE_MANIFEST_STRICT = False

# --- Security -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
