"""Settings: SQLite in var/ by default; everything site-specific comes from the environment."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap as xstatic_bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("WUXING_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.strip() else default


def postgres_binding_options(threshold: str | None) -> dict:
    """The PostgreSQL connection options for DB_PREPARE_THRESHOLD: unset, 5; a count ≥ 0; or `off`."""
    value = (threshold or "").strip().lower()
    if value == "off":
        return {}
    if not value:
        return {"server_side_binding": True, "prepare_threshold": 5}
    if not value.isdigit():
        raise ImproperlyConfigured(f"DB_PREPARE_THRESHOLD must be a whole number of runs or 'off', not {threshold!r}")
    return {"server_side_binding": True, "prepare_threshold": int(value)}


DEV_SECRET_KEY = "dev-insecure-wuxing-key-change-me"
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
WUXING_DEMO = env_bool("WUXING_DEMO", False)
TESTING = "pytest" in sys.modules or env_bool("WUXING_TESTING")


ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
if TESTING:
    ALLOWED_HOSTS += ["testserver"]

# The project's own apps in layer order, bottom to top (docs/architecture.md; checked by import-linter). This is
# the one registry: INSTALLED_APPS, the URLs, the API router, the demo loader, the menu and the access tests
# read it. A new domain app is added to WUXING_DOMAIN_APPS and nowhere else.
WUXING_FOUNDATION_APPS = ("wuxing.core", "wuxing.api", "wuxing.org", "wuxing.standards", "wuxing.campaigns")
WUXING_DOMAIN_APPS = (
    "wuxing.targets",
    "wuxing.deliberations",
    "wuxing.plans",
    "wuxing.checklists",
    "wuxing.liaison",
    "wuxing.showcase",
    "wuxing.rhythm",
    "wuxing.supervision",
    "wuxing.rating",
    "wuxing.participation",
)
WUXING_TOP_APP = "wuxing.portal"
WUXING_APPS = (*WUXING_FOUNDATION_APPS, *WUXING_DOMAIN_APPS, WUXING_TOP_APP)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tasks_db",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    *WUXING_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wuxing.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wuxing.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wuxing.core.middleware.RefusalMessageMiddleware",
    "wuxing.core.middleware.IdleSessionMiddleware",
    "wuxing.core.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "wuxing.config.urls"
WSGI_APPLICATION = "wuxing.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "wuxing.core.context_processors.csrf",
                "django.contrib.messages.context_processors.messages",
                "wuxing.portal.context_processors.navigation",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'wuxing.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while a writer commits; busy timeout avoids "database is locked" under gunicorn.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A read replica of the PostgreSQL primary (docs/deploy.md). Only the report pages opt in to read from it
# (wuxing.core.routers.replica_reads); every write, and every read inside a transaction, stays on the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    )
    # Tests read the test database through it; nothing is ever migrated or created on a replica.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["wuxing.core.routers.ReplicaRouter"]
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound by the server, and a statement a connection has run DB_PREPARE_THRESHOLD times prepared
        # there (psycopg's automatic preparation): PostgreSQL no longer parses and plans it each time, which for a
        # page's small reads took longer than running them (docs/scale.md). `off` binds on the client and prepares
        # nothing, as behind a transaction-pooling PgBouncer older than 1.21 (a prepared statement lives in one
        # server connection).
        _database.setdefault("OPTIONS", {}).update(postgres_binding_options(os.environ.get("DB_PREPARE_THRESHOLD")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = ["wuxing.core.auth.LockoutRoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "wuxing.core.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Written only when changed: the idle rule moves its stamp (and the expiry) at most once a minute (core.middleware).
SESSION_SAVE_EVERY_REQUEST = False
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# ISO dates first in every date input (wuxing/formats/zh_Hans); the rest of the locale as Django has it.
FORMAT_MODULE_PATH = ["wuxing.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_DIRS.append(("vendor/bootstrap", xstatic_bootstrap.BASE_DIR))
# Apache ECharts, from the npm registry at install time (`make install` copies it here); only chart pages load it.
ECHARTS_DIR = PROJECT_DIR / "build" / "vendor" / "echarts"
if ECHARTS_DIR.is_dir():
    STATICFILES_DIRS.append(("vendor/echarts", ECHARTS_DIR))
# The SVG sprite of the Bootstrap Icons the pages use (`make install` assembles it from the npm package).
ICONS_DIR = PROJECT_DIR / "build" / "vendor" / "icons"
if ICONS_DIR.is_dir():
    STATICFILES_DIRS.append(("vendor/icons", ICONS_DIR))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"


def env_first(*names: str, default: str = "") -> str:
    """The first of the environment variables that is set and not empty."""
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return default


# Evidence and export files on S3-compatible object storage (MinIO, Ceph, a cloud's OSS) when a bucket is named;
# local files under MEDIA_ROOT otherwise. Files are never public: every download goes through a view that checks
# the user's scope, and is streamed through the app, or (WUXING_S3_PRESIGNED=1) redirected to a URL signed for
# WUXING_S3_URL_SECONDS after that check (docs/deploy.md).
WUXING_S3_BUCKET = env_first("WUXING_S3_BUCKET", "AWS_STORAGE_BUCKET_NAME")
WUXING_S3_PRESIGNED = env_bool("WUXING_S3_PRESIGNED", False)
WUXING_S3_URL_SECONDS = env_int("WUXING_S3_URL_SECONDS", 60)
if WUXING_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": WUXING_S3_BUCKET,
            "endpoint_url": env_first("WUXING_S3_ENDPOINT_URL", "AWS_S3_ENDPOINT_URL") or None,
            "access_key": env_first("WUXING_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_first("WUXING_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY") or None,
            "region_name": env_first("WUXING_S3_REGION", "AWS_S3_REGION_NAME", "AWS_DEFAULT_REGION") or None,
            "location": env_first("WUXING_S3_PREFIX", "AWS_LOCATION"),
            "addressing_style": env_first("WUXING_S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": WUXING_S3_URL_SECONDS,
            # Stored names are random already; never replace an existing object.
            "file_overwrite": False,
        },
    }

# Cache and sessions: in Redis when REDIS_URL is set, so that several app servers share them (the sign-in address
# limit counts failures across all of them, a session signed in on one server is known to the others); else the
# process's memory for the cache and the database for sessions, which is all one server (`make run`) needs.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("WUXING_CACHE_PREFIX", "wuxing"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "wuxing",
            # One entry per office for the summaries across offices (portal.summary_cache): a province has ~2,500.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Reminders by e-mail (rhythm.delivery) go through the default mailer: an SMTP server on this machine unless
# configured. Declared as Django's MAILERS (the setting that replaces EMAIL_BACKEND and has no default from Django
# 2028 on); tests replace every mailer with the in-memory one.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}

TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
    }
}

REST_FRAMEWORK = {
    # Token first, so an anonymous call is answered 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wuxing.core.auth.ExpiringTokenAuthentication",
        "wuxing.api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # `limit` capped, `offset` range-checked; JSON bodies bounded in size and depth (wuxing.api.parsers).
    "DEFAULT_PAGINATION_CLASS": "wuxing.api.pagination.BoundedLimitOffsetPagination",
    "DEFAULT_PARSER_CLASSES": [
        "wuxing.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 100,
    # Lists filter with the same FilterSet as their page and export (`filterset_class` on the viewset); the
    # backend skips a FilterSet none of whose filters the query names.
    "DEFAULT_FILTER_BACKENDS": ["wuxing.api.filters.FilterBackend"],
    "EXCEPTION_HANDLER": "wuxing.api.exceptions.exception_handler",
}
# API tokens: hashed, 8 idle hours, 7 days at most (R18); revoked on lock-out, password or role change.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("WUXING_TOKEN_IDLE_HOURS", 8)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=env_int("WUXING_TOKEN_MAX_DAYS", 7)),
    "AUTH_HEADER_PREFIX": "Token",
}
# Failed sign-ins per client address (login page and token endpoint together) within the window, in seconds.
# What each app server keeps in its own memory of the figures and page parts kept under an office's version, before
# asking the shared cache (core.fragments.KeptValues): never stale, since the version is read for each request.
WUXING_KEPT_BYTES = env_int("WUXING_KEPT_MB", 32) * 1024 * 1024
WUXING_SIGN_IN_ADDRESS_LIMIT = env_int("WUXING_SIGN_IN_ADDRESS_LIMIT", 20)
WUXING_SIGN_IN_ADDRESS_WINDOW = 600
# The page an account with an initial password is sent to until it chooses its own.
WUXING_PASSWORD_CHANGE_URL = "org:my_account"
SPECTACULAR_SETTINGS = {
    "TITLE": "Wuxing API",
    "DESCRIPTION": "五星支部创建管理平台 REST API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and its browser are for signed-in users (session or token), like the API itself.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind"; name each choice set after its meaning.
    "ENUM_NAME_OVERRIDES": {
        "ItemKindEnum": "wuxing.checklists.choices.ItemKind",
        "ActivityKindEnum": "wuxing.liaison.choices.ActivityKind",
        "BranchKindEnum": "wuxing.org.choices.BranchKind",
        "CampaignStatusEnum": "wuxing.campaigns.choices.CampaignStatus",
        "StepEnum": "wuxing.deliberations.choices.Step",
        "RatingStepEnum": "wuxing.rating.choices.Step",
        "RatingDecisionEnum": "wuxing.rating.choices.Decision",
        "ObjectionDecisionEnum": "wuxing.rating.choices.ObjectionDecision",
    },
}

# Account policy defaults (SPEC R18); the system administrator can change them in the app.
WUXING_FAILED_LOGIN_LIMIT = int(os.environ.get("WUXING_FAILED_LOGIN_LIMIT", "5"))
WUXING_LOCKOUT_MINUTES = int(os.environ.get("WUXING_LOCKOUT_MINUTES", "30"))
WUXING_IDLE_MINUTES = int(os.environ.get("WUXING_IDLE_MINUTES", "30"))
WUXING_AUDIT_RETENTION_DAYS = 180
WUXING_DEMO_PASSWORD = "Wuxing-demo-2026"
# Lists up to this many rows download at once; longer ones run as an export task with a status page.
# Evidence uploads: images (JPEG, PNG, WebP) and PDFs up to this size; checked by content, never by name.
WUXING_UPLOAD_MAX_MB = int(os.environ.get("WUXING_UPLOAD_MAX_MB", "10"))
# An uploaded map (GeoJSON boundaries of a unit's branches or offices) is refused above this size.
WUXING_BOUNDARY_MAX_MB = int(os.environ.get("WUXING_BOUNDARY_MAX_MB", "5"))
# Images larger than this many pixels are refused (decompression bombs); stored images are scaled to fit this edge.
WUXING_UPLOAD_MAX_PIXELS = int(os.environ.get("WUXING_UPLOAD_MAX_PIXELS", "25000000"))
WUXING_IMAGE_MAX_EDGE = 2560
WUXING_THUMBNAIL_EDGE = 320
WUXING_SYNC_EXPORT_ROWS = int(os.environ.get("WUXING_SYNC_EXPORT_ROWS", "2000"))
# The public problem form (supervision) takes at most this many reports a day from one address.
WUXING_PUBLIC_REPORTS_PER_DAY = env_int("WUXING_PUBLIC_REPORTS_PER_DAY", 10)

# Request bodies: form fields and JSON up to this many bytes (files are bounded by WUXING_UPLOAD_MAX_MB);
# JSON nested at most wuxing.api.parsers.MAX_DEPTH deep.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("WUXING_BODY_MAX_BYTES", str(2_621_440)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
CSRF_FAILURE_VIEW = "wuxing.api.errors.csrf_failure"

# Behind a reverse proxy (docs/deployment.md): the origins a browser posts from, the header carrying the original
# scheme, and the proxies whose X-Forwarded-For is believed (addresses or networks; empty: none, use the peer).
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
_proxy_ssl_header = os.environ.get("WUXING_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    (f"HTTP_{_proxy_ssl_header.upper().replace('-', '_')}", "https") if _proxy_ssl_header else None
)
WUXING_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("WUXING_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Client errors (403, 404, CSRF, suspicious requests) log one line; only server errors carry a traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_client_errors": {"()": "wuxing.core.logfilters.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
