"""Safar settings: one module, driven by the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's .env never overrides variables already set in the environment.
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# Outside development the key must be given: it signs sessions, password-reset and
# email-confirmation links, so a key from the repository would let anyone forge them.
SECRET_KEY = (
    env("SECRET_KEY", default="django-insecure-local-only-" + "x" * 40)
    if DEBUG
    else env("SECRET_KEY")
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DEFAULT_CURRENCY = env("DEFAULT_CURRENCY", default="USD")
REDIS_URL = env("REDIS_URL", default="")
# The site's own address, for links in emails (confirmation, unsubscribe, price alerts).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Days a referral code (/r/<code>/) and an affiliate click (/go/<partner>/) are remembered.
AFFILIATE_COOKIE_DAYS = env.int("AFFILIATE_COOKIE_DAYS", default=30)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_countries",
    "phonenumber_field",
    "django_htmx",
    "csp",
    # Safar
    "core",
    "accounts",
    "flights",
    "bookings",
    "payments",
    "notifications",
    "b2c",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.RejectUndecodableFormsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: the embedded SQLite file by default, PostgreSQL (or another) through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'safar.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache, sessions and Celery broker: Redis when REDIS_URL is set, in-process otherwise.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Sessions expire when idle: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "b2c:dashboard"

# django-allauth
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env(
    "ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory"
)
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Safar] "
# Failed logins per (account, address) pair are django-axes' job; allauth keeps only a
# short per-address limit against credential stuffing across many accounts.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}

# django-axes: lock a (login, address) pair, never an account for everyone, and let it cool off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.throttling.login_identifier"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"

# Reverse proxies in front of the app: decides which X-Forwarded-For entry is the client.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT

# Internationalisation
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("bn", _("Bengali")),
    ("ur", _("Urdu")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files ship with the project and are served by whitenoise.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Files that must never have a public URL (support attachments): served by permission-checked
# views only.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
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

# Email: the console in development; a real server must be given otherwise (reset and
# confirmation links must not end up in logs). EMAIL_URL=smtp+tls://user:pass@host:587
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://") if DEBUG else env.email_url("EMAIL_URL")
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Safar <no-reply@safar.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Staff who get operational alerts (a refund the gateway keeps refusing, server errors).
ADMINS = [("Safar staff", address) for address in env.list("ADMIN_EMAILS", default=[])]
EMAIL_SUBJECT_PREFIX = "[Safar] "

# Security headers. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER via PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe health over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Uploads and request bodies: refuse oversized payloads before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# User images (core.images): bytes and decoded pixels accepted per upload (decompression bombs),
# longest side kept after re-encoding, and thumbnail size.
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
IMAGE_MAX_SIDE = env.int("IMAGE_MAX_SIDE", default=2560)
IMAGE_THUMB_SIDE = env.int("IMAGE_THUMB_SIDE", default=480)

# REST API
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate challenge makes unauthenticated calls 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {"auth_token": "20/min", "flight_search": "120/min"},
    # Without it DRF trusts any X-Forwarded-For a client sends, and throttles are bypassed.
    "NUM_PROXIES": PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safar API",
    "DESCRIPTION": "The customer API of Safar, for the mobile apps and partners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "PriceAlertStateEnum": "b2c.models.alerts.PriceAlert.State",
        "ReviewStatusEnum": "b2c.models.reviews.Review.Status",
        "StoryCommentStatusEnum": "b2c.models.social.StoryComment.Status",
    },
}

# Celery: eager in the quickstart (no REDIS_URL), a real worker through Redis otherwise.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "expire-unpaid-holds": {"task": "bookings.tasks.expire_holds", "schedule": 60.0},
    "complete-flown-trips": {"task": "bookings.tasks.complete_trips", "schedule": 900.0},
    "relay-outbox": {"task": "notifications.tasks.outbox_relay", "schedule": 60.0},
    "reconcile-payments": {"task": "payments.tasks.reconcile", "schedule": 300.0},
    "retry-refunds": {"task": "payments.tasks.retry_refunds", "schedule": 300.0},
    "refresh-exchange-rates": {
        "task": "payments.tasks.exchange_rates_refresh_task",
        "schedule": 24 * 60 * 60.0,
    },
    "expire-loyalty-points": {"task": "b2c.tasks.loyalty.expire_points", "schedule": 86400.0},
    "review-loyalty-tiers": {"task": "b2c.tasks.loyalty.review_tiers", "schedule": 86400.0},
    "expire-customer-rewards": {
        "task": "b2c.tasks.loyalty.expire_customer_rewards",
        "schedule": 86400.0,
    },
    "check-price-alerts": {"task": "b2c.tasks.alerts.check_price_alerts", "schedule": 1800.0},
    "close-resolved-tickets": {
        "task": "b2c.tasks.support.close_resolved_tickets",
        "schedule": 86400.0,
    },
    "send-travel-reminders": {
        "task": "b2c.tasks.travel_alerts.send_travel_reminders",
        "schedule": 300.0,
    },
}

# Open price alerts (b2c.PriceAlert) a customer, or a visitor's email, may have at once.
PRICE_ALERTS_PER_CUSTOMER = env.int("PRICE_ALERTS_PER_CUSTOMER", default=20)

# Reviews (b2c.services.reviews): the author may edit a review for REVIEW_EDIT_DAYS after writing
# it; the automatic check holds for staff a text shorter than REVIEW_MIN_LENGTH characters, one
# with a link, or one with a word of REVIEW_BLOCKED_WORDS (whole words, any case).
REVIEW_EDIT_DAYS = env.int("REVIEW_EDIT_DAYS", default=30)
REVIEW_MIN_LENGTH = env.int("REVIEW_MIN_LENGTH", default=30)
REVIEW_BLOCKED_WORDS = env.list(
    "REVIEW_BLOCKED_WORDS",
    default=["viagra", "cialis", "casino", "porn", "bitcoin", "forex", "escort", "buy followers"],
)

# Help desk (b2c.services.support): hours to the first answer and to the resolution per priority;
# a resolved ticket may be reopened by the customer's reply for SUPPORT_REOPEN_DAYS, then the
# nightly job closes it; attachments (images or PDFs) per message and their size in bytes.
SUPPORT_SLA = {
    "urgent": (1, 8),
    "high": (4, 24),
    "normal": (24, 72),
    "low": (48, 120),
}
SUPPORT_REOPEN_DAYS = env.int("SUPPORT_REOPEN_DAYS", default=7)
SUPPORT_ATTACHMENT_MAX_BYTES = env.int("SUPPORT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
SUPPORT_ATTACHMENTS_PER_MESSAGE = env.int("SUPPORT_ATTACHMENTS_PER_MESSAGE", default=5)

# Hours before a flight's departure that online check-in opens: the first travel reminder
# (b2c.services.travel_alerts); the others go 24 and 3 hours before.
CHECK_IN_OPENS_HOURS = env.int("CHECK_IN_OPENS_HOURS", default=48)

# Who answers flight searches (flights.search.Supplier): the embedded inventory by default.
FLIGHT_SUPPLIER = env("FLIGHT_SUPPLIER", default="flights.search.LocalInventorySupplier")

# Seconds an identical search answer is served again (flights/search_cache.py); 0 turns it off.
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=60)

# The card gateway (payments.gateway.Gateway): the embedded sandbox by default.
PAYMENT_GATEWAY = env("PAYMENT_GATEWAY", default="payments.gateway.SandboxGateway")

# Where exchange rates come from (payments.fx.RateProvider): the reference file shipped in
# payments/data by default.
EXCHANGE_RATE_PROVIDER = env("EXCHANGE_RATE_PROVIDER", default="payments.fx.FileRateProvider")

PHONENUMBER_DEFAULT_FORMAT = "E164"
PHONENUMBER_DB_FORMAT = "E164"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
