"""Wafer's settings: one module, configured through environment variables (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path

from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured

from api.config.env import database_from_url, env_bool, env_int, env_list, env_str, memcached_cache
from api.core.files.storages import file_storage
from api.core.spa_headers import spa_cache_headers

BASE_DIR = Path(__file__).resolve().parent.parent.parent

if not env_bool("WAFER_NO_DOTENV"):
    from dotenv import load_dotenv

    load_dotenv(BASE_DIR / ".env", override=False)  # the real environment wins over .env

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "wafer-insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "api.core",
    "api.accounts",
    "api.research",
    "api.publications",
    "api.feedback",
    "api.events",
    "api.careers",
    "api.changes",
    "api.webhooks",
    "api.reporting",
]

MIDDLEWARE = [
    # Each request starts reading from the read replica, if any, until it writes (api.core.replica).
    "api.core.replica.ReplicaPinningMiddleware",
    "api.core.middleware.ClientIPMiddleware",
    # X-Request-ID on every answer and in the audit trail (a trusted proxy's id is kept).
    "api.core.audit.request_id.RequestIdMiddleware",
    "api.core.middleware.DatabaseUnavailableMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on the SPA's pages and the API docs; above WhiteNoise so index.html gets it.
    "api.core.security_headers.ContentSecurityPolicyMiddleware",
    # Static files (the admin's and the API docs' assets) from the Python process: no CDN and
    # no separate file server needed, on Linux and Windows alike.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Idempotency-Key on POST. Outside sessions and CSRF so it sees the cookies they set; it finds
    # the caller in process_view, after every middleware's request phase (api.core.idempotency).
    "api.core.idempotency.middleware.IdempotencyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "api.config.urls"
WSGI_APPLICATION = "api.config.wsgi.application"
ASGI_APPLICATION = "api.config.asgi.application"

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

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "sqlite:///var/wafer.sqlite3")
DATABASES = {"default": database_from_url(DATABASE_URL, BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A read replica (same URL forms; SQL Server: add ?ApplicationIntent=ReadOnly): reads go there except
# inside transactions and after the request's own writes (api.core.db_routers). Tests mirror the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL, BASE_DIR)
    DATABASES["replica"]["TEST"] = {**DATABASES["replica"].get("TEST", {}), "MIRROR": "default"}
    DATABASE_ROUTERS = ["api.core.db_routers.ReplicaRouter"]

# --- Cache ----------------------------------------------------------------------------------
MEMCACHED_SERVERS = env_list("MEMCACHED_SERVERS")
if MEMCACHED_SERVERS:
    CACHES = {"default": memcached_cache(MEMCACHED_SERVERS)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wafer"}}

# --- Accounts and sessions ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        # Our user has no username/first_name/last_name (the defaults): compare with the fields it has.
        "OPTIONS": {"user_attributes": ("email", "given_name", "family_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "api.core.errors.csrf_failure"
SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
# Lax suits the SPA on the API's origin or on another origin of the same site (app.x.org and
# api.x.org). A SPA on another site entirely needs None, which browsers accept only on Secure cookies.
COOKIE_SAMESITE = env_str("COOKIE_SAMESITE", "Lax")
if COOKIE_SAMESITE not in ("Lax", "Strict", "None"):
    raise ImproperlyConfigured("COOKIE_SAMESITE must be Lax, Strict or None.")
if COOKIE_SAMESITE == "None" and not SECURE:
    raise ImproperlyConfigured("COOKIE_SAMESITE=None needs SECURE_COOKIES=true: browsers drop such cookies otherwise.")
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = COOKIE_SAMESITE

# API tokens (api.core.tokens): hashed, scoped and always expiring.
API_TOKEN_DEFAULT_LIFETIME = timedelta(days=env_int("API_TOKEN_DEFAULT_LIFETIME_DAYS", 90))
API_TOKEN_MAX_LIFETIME = timedelta(days=env_int("API_TOKEN_MAX_LIFETIME_DAYS", 365))
# A POST's Idempotency-Key and the answer it earned are kept this long (api.core.idempotency).
IDEMPOTENCY_TTL_HOURS = env_int("IDEMPOTENCY_TTL_HOURS", 24)

# Cached read answers (api.core.response_cache): how long one is kept; 0 turns the cache off.
# Writes invalidate at once (generation numbers); this only bounds the memory they hold.
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 300)

# The benchmark's instruments (bench/, `make bench`), off by default: `X-Query-Count` on every answer
# (outermost, so it counts the session and auth middleware's queries too), and the ceiling endpoint
# /bench/ceiling/ (api.core.bench_views), routed only when BENCH_ENDPOINTS is on.
QUERY_COUNT_HEADER = env_bool("QUERY_COUNT_HEADER", False)
if QUERY_COUNT_HEADER:
    MIDDLEWARE = ["api.core.query_count.QueryCountMiddleware", *MIDDLEWARE]
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

# --- Cross-origin and proxies ---------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOW_CREDENTIALS = True
# A SPA on another origin sends Idempotency-Key and reads what a replay or a throttle says.
CORS_ALLOW_HEADERS = (*default_cors_headers, "idempotency-key")
CORS_EXPOSE_HEADERS = ["Idempotent-Replayed", "Retry-After", "Location", "Content-Disposition", "X-Request-ID"]
CORS_URLS_REGEX = r"^/api/.*$"
# Peers whose X-Forwarded-For is believed (IPs or CIDR networks); nobody else's is.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# Behind a proxy that always sets X-Forwarded-Proto itself (the farm's HAProxy does, overwriting what a
# client sent), request.is_secure() follows it. Never on when clients can reach Django directly.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Files ----------------------------------------------------------------------------------
# Private uploads: served only through Wafer's access checks, never as static files.
MEDIA_ROOT = BASE_DIR / env_str("MEDIA_ROOT", "var/media")  # relative paths are under the project
MEDIA_URL = None
# How gated files leave Wafer (api.core.files.delivery): stream | x-accel-redirect | x-sendfile.
FILE_DELIVERY = env_str("FILE_DELIVERY", "stream")
FILE_DELIVERY_PREFIX = env_str("FILE_DELIVERY_PREFIX", "/protected-files/")  # nginx internal location
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
# The most publications one citation export may hold (narrower filters beyond it).
CITATION_EXPORT_MAX = env_int("CITATION_EXPORT_MAX", 5000)
# Bigger uploads spill from memory to a temporary file while they are checked.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / env_str("STATIC_ROOT", "var/static")
# Where uploads are kept: filesystem (MEDIA_ROOT) | s3 | azure, the last two shared by several hosts
# (api.core.files.storages). Empty keys leave credentials to the SDK (environment, role, identity).
FILE_STORAGE = env_str("FILE_STORAGE", "filesystem")
STORAGES = {
    "default": file_storage(
        FILE_STORAGE,
        bucket=env_str("FILE_STORAGE_BUCKET"),  # the S3 bucket or Azure container
        endpoint_url=env_str("FILE_STORAGE_ENDPOINT_URL"),  # S3-compatible servers (MinIO, Ceph)
        region=env_str("FILE_STORAGE_REGION"),
        access_key=env_str("FILE_STORAGE_ACCESS_KEY"),  # S3 access key id, or Azure account name
        secret_key=env_str("FILE_STORAGE_SECRET_KEY"),  # S3 secret access key, or Azure account key
        connection_string=env_str("FILE_STORAGE_CONNECTION_STRING"),  # Azure (also Azurite)
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG  # development serves straight from the apps, no collectstatic needed
# The built SPA (`npm run build` in frontend/): WhiteNoise serves its files at the site root, with
# long caching for the hashed assets; api.core.spa answers index.html for the other page paths.
# Only while the build exists: WhiteNoise warns about a missing root (tests turn warnings into errors),
# and api.core.spa then answers a 503 page that says how to build it.
SPA_ROOT = BASE_DIR / env_str("SPA_ROOT", "frontend/dist")
WHITENOISE_ROOT = SPA_ROOT if SPA_ROOT.is_dir() else None
WHITENOISE_ADD_HEADERS_FUNCTION = spa_cache_headers

# --- Background jobs ------------------------------------------------------------------------
# Django's tasks API (the django-tasks backport on 5.2). Jobs are rows in the database that
# `manage.py db_worker` runs (make run and the farm start one); no broker to install.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Careers ----------------------------------------------------------------------------------
# A profile stays visible to companies this many months after the expected graduation; a
# renewal keeps it visible this many months from the day of renewal.
CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION = env_int("CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION", 6)
CAREERS_RENEWAL_MONTHS = env_int("CAREERS_RENEWAL_MONTHS", 12)
CAREERS_CV_MAX_BYTES = env_int("CAREERS_CV_MAX_BYTES", 5 * 1024 * 1024)
CAREERS_RESUME_BOOK_DAYS = env_int("CAREERS_RESUME_BOOK_DAYS", 7)
CAREERS_RESUME_BOOK_MAX_PROFILES = env_int("CAREERS_RESUME_BOOK_MAX_PROFILES", 1000)

# --- Reporting ------------------------------------------------------------------------------
# Seconds a computed report is served from the cache (memcached in production): figures may lag
# by this much. 0 computes every request afresh.
REPORT_CACHE_SECONDS = env_int("REPORT_CACHE_SECONDS", 60)

# --- Webhooks (api.webhooks) -------------------------------------------------------------------
# Endpoint URLs must be https and resolve to public addresses; these two relax that for a receiver
# on the same network (and the tests' receiver on 127.0.0.1). Never on in production unless needed.
WEBHOOK_ALLOW_PRIVATE_URLS = env_bool("WEBHOOK_ALLOW_PRIVATE_URLS", False)
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# A failed attempt is retried after BASE seconds, doubling up to MAX, until MAX_ATTEMPTS attempts
# (the defaults: 1, 2, 4, ... minutes, then every 6 hours; 12 attempts span about 20 hours).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 12)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 60)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 6 * 60 * 60)
# This many deliveries given up in a row (no success between) disable an endpoint.
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 20)

# --- Internationalisation and time ----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # sqlserver.md: database-side local-time truncation ignores DST
USE_I18N = True
USE_TZ = True

# Deliverables are due until the end of their due date in this time zone (api.research.deadlines).
DEADLINE_TIME_ZONE = env_str("DEADLINE_TIME_ZONE", "UTC")

# --- Email (deliverable reminders) ------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wafer@localhost")
# The web address people follow from emails to the SPA.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HSTS: SecurityMiddleware sends it on HTTPS answers only. On by default wherever cookies are Secure (the
# site is HTTPS); 0 turns it off. Preload is a one-way submission to the browsers' lists: opt in.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Redirect http to https in Django. Off by default: the TLS proxy usually redirects, and Django can only
# tell https apart behind a proxy with TRUST_X_FORWARDED_PROTO on (else every request loops). The
# health checks stay reachable over plain http for load balancers that probe that way.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SILENCED_SYSTEM_CHECKS = [
    # W021 (HSTS preload off): preloading cannot be undone quickly, so it stays the operator's choice
    # (SECURE_HSTS_PRELOAD=true); HSTS itself is on.
    "security.W021",
]
# Content-Security-Policy of the HTML answers (the SPA's index.html, the API docs): api.core.security_headers.
# Origins the SPA may fetch from besides its own (an API on another origin); CORS_ALLOWED_ORIGINS are added.
CSP_CONNECT_SRC = env_list("CSP_CONNECT_SRC")

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer first: its WWW-Authenticate header makes unauthenticated requests 401, not 403.
        "api.core.tokens.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.core.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.core.pagination.WaferPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "api.core.filters.WaferFilterBackend",
        "api.core.filters.StrictOrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.core.schema.WaferAutoSchema",
    "EXCEPTION_HANDLER": "api.core.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.core.throttling.AnonThrottle",
        "api.core.throttling.UserThrottle",
        "api.core.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "120/min"),
        "user": os.environ.get("THROTTLE_USER", "600/min"),
        "token": os.environ.get("THROTTLE_TOKEN", "1200/min"),
        "login": os.environ.get("THROTTLE_LOGIN", "10/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Wafer API",
    "DESCRIPTION": (
        "The member web site of a research consortium. Every error has one shape (`Error`). "
        "Lists are paginated (`page`, `page_size`) with a stable order."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io: it would send the schema's address away (and CSP blocks it).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.core.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "api.accounts.models.Organisation.Kind",
        "MembershipTierEnum": "api.accounts.models.Organisation.Tier",
        "RoleEnum": "api.accounts.models.User.Role",
        "TaskStatusEnum": "api.research.models.ResearchTask.Status",
        "DeliverableKindEnum": "api.research.models.Deliverable.Kind",
        "DeliverableStatusEnum": "api.research.models.Deliverable.Status",
        "PublicationKindEnum": "api.publications.models.Publication.Kind",
        "PublicationAccessEnum": "api.publications.models.Publication.Access",
        "PublicationImportFormatEnum": "api.publications.importing.FORMATS",
        "EventKindEnum": "api.events.models.Event.Kind",
        "EventAudienceEnum": "api.events.models.Event.Audience",
        "EventStatusEnum": "api.events.models.Event.Status",
        "RegistrationStatusEnum": "api.events.models.Registration.Status",
        "WebhookEventTypeEnum": "api.webhooks.events.EVENT_TYPES",
        "WebhookEventEnum": "api.webhooks.events.ALL_EVENTS",
        "WebhookDeliveryStatusEnum": "api.webhooks.models.Delivery.Status",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
