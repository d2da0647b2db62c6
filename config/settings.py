"""Settings for the immigrant public-safety practices directory.

One module, configured by environment variables (see .env.example and the README). It fails
closed: without DJANGO_DEBUG=1 it refuses to start unless a secret key and allowed hosts are
set, and it is secure by default (HTTPS redirect, HSTS, secure cookies, an enforced
Content-Security-Policy); `manage.py check --deploy` stays silent with the production variables.
"""

import base64
import datetime
import hashlib
import os
import re
import tempfile
from email.headerregistry import Address
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def env_bool(name, default=False):
    """An on/off setting. Anything but the words below stops the start: a typo must never read as "off"."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be {', '.join(TRUE_WORDS)} (on) or {', '.join(FALSE_WORDS)} (off), not {value!r}."
    )


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_seconds(name, default):
    """A positive duration in seconds, fractions allowed (0.25)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is None or not 0 < seconds < 86400:
        raise ImproperlyConfigured(f"{name} must be a number of seconds above 0, not {value!r}.")
    return seconds


def env_addresses(name):
    """E-mail addresses, comma-separated, each "Name <address>" or a bare address."""
    value = os.environ.get(name, "")
    addresses = getaddresses([value]) if value.strip() else []
    for _name, address in addresses:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", address):
            raise ImproperlyConfigured(f"{name} must be e-mail addresses, comma-separated, not {value!r}.")
    return [str(Address(display_name=name, addr_spec=address)) for name, address in addresses]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, or set "
            "DJANGO_DEBUG=1 for local development (make run does this for you)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. Give the site's host names, comma-separated "
            "(for example 'practices.example.org'), or set DJANGO_DEBUG=1 for local development."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS. On by default outside debug mode. Behind a proxy that terminates TLS, set
# DJANGO_SECURE_PROXY_SSL_HEADER=1 so that Django trusts the proxy's X-Forwarded-Proto (the proxy
# must set it on every request, overwriting what a client sent); set DJANGO_SECURE_SSL_REDIRECT=0
# only if the proxy itself redirects plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# /healthz answers load balancers on plain HTTP (it is answered before this setting applies too).
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def csp_hash(source):
    return f"'sha256-{base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()}'"


# Inline attributes in third-party admin pages (django-import-export's export form, the history
# list of django-simple-history), allowed one by one by hash ('unsafe-hashes'): nothing else inline.
ADMIN_INLINE_HANDLERS = ["onSelectToggleChange(event)"]
ADMIN_INLINE_STYLES = ["padding: 0;", "font-weight: bold;", "border-top: 0"]

# Content-Security-Policy, enforced. Everything comes from this site; no inline script or style
# runs unless it carries the per-request nonce (templates: nonce="{{ csp_nonce }}") or is one of
# the attributes above. The admin works under it (tests/test_served.py checks in Chromium).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_HASHES, *map(csp_hash, ADMIN_INLINE_HANDLERS)],
    "style-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_HASHES, *map(csp_hash, ADMIN_INLINE_STYLES)],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "import_export",
    "ninja",
    "axes",
    # The directory's apps, each importing only those above it.
    "curation",
    "sources",
    "departments",
    "statelaw",
    "practices",
    "planning",
    "corrections",
    "maps",
    "compare",
    "opendata",
    "api",
    "pagecache",
    "tools",
]

MIDDLEWARE = [
    # First: answers /healthz before host checks, HTTPS redirects, sessions or anything else.
    "config.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise serves static files; its docs ask for it directly after SecurityMiddleware.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Turns "the database is unreachable" into the styled 503 page instead of a 500.
    "config.middleware.DatabaseUnavailableMiddleware",
    # Answers anonymous visitors from the page cache before sessions, CSRF and auth (pagecache/).
    "pagecache.middleware.PublicPageCacheMiddleware",
    # Inside the page cache, so that cached pages are stored compressed: once per render, not per
    # visit. Nothing below it rewrites response bodies. (Its BREACH mitigation and Django's
    # masked CSRF tokens cover the pages that hold a token; cached pages hold none.)
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records the signed-in user on every history entry; needs the user, so after authentication.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its page (status 429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Every wait on PostgreSQL is bounded, so a database that stops answering gives visitors the 503 page
# within seconds instead of hanging every worker (config/postgresql/ and config/db_waits.py).
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 3)
# Web requests only (commands such as migrate may run longer statements): the server cancels a
# statement after this long, and the worker gives up one second later if no answer came at all.
DATABASE_STATEMENT_TIMEOUT = env_seconds("DATABASE_STATEMENT_TIMEOUT", 5)
# The server ends a web worker's session that sits this long inside a transaction without a statement.
DATABASE_IDLE_IN_TRANSACTION_TIMEOUT = env_seconds("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", 30)
# Reusing a kept connection first checks it with a query bounded by this many seconds; so is /healthz,
# and the page cache's read of the content version.
DATABASE_HEALTH_CHECK_TIMEOUT = env_seconds("DATABASE_HEALTH_CHECK_TIMEOUT", 1.5)
# TCP: data the server's machine does not acknowledge for this long breaks the connection (Linux).
DATABASE_TCP_USER_TIMEOUT = env_seconds("DATABASE_TCP_USER_TIMEOUT", 10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL backend with bounded waits (see config/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    database_options = DATABASES["default"].setdefault("OPTIONS", {})
    # Give up on an unreachable server quickly: the visitor gets the 503 page, not a hung worker.
    database_options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    # A silent network (a host gone, a cable cut) is noticed by the kernel within seconds.
    database_options.setdefault("keepalives", 1)
    database_options.setdefault("keepalives_idle", 5)
    database_options.setdefault("keepalives_interval", 2)
    database_options.setdefault("keepalives_count", 3)
    database_options.setdefault("tcp_user_timeout", int(DATABASE_TCP_USER_TIMEOUT * 1000))
    if env_bool("DATABASE_POOL"):
        # psycopg's pool instead of one persistent connection per worker (Django requires
        # CONN_MAX_AGE = 0 with it). Each gunicorn worker process holds its own pool.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        database_options["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 5),
            "max_idle": 300,
        }
        from psycopg_pool import ConnectionPool

        database_options["pool"]["check"] = ConnectionPool.check_connection


def cache_from_url(url):
    """CACHES["default"] from DJANGO_CACHE_URL: locmem:// (default), redis://host:port/db, or dummy://."""
    scheme = urlsplit(url).scheme
    if scheme in ("", "locmem"):
        # One cache per worker process; still correct across workers (see pagecache/).
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_CACHE_MAX_ENTRIES", 1000)},
        }
    if scheme in ("redis", "rediss", "unix"):
        # Shared by every worker and server; needs the redis package (in requirements.txt). A Redis that
        # is down or stops answering is a cache that misses, after a short wait (config/cache.py).
        timeout = env_seconds("DJANGO_CACHE_SOCKET_TIMEOUT", 0.25)
        return {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": url,
            # Lets two sites (staging and production, say) share one Redis without reading each other's pages.
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "").strip(),
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"DJANGO_CACHE_URL must start with locmem://, redis:// or dummy://, not {url!r}.")


CACHES = {"default": cache_from_url(os.environ.get("DJANGO_CACHE_URL", "").strip())}
# Public pages are cached for anonymous visitors and invalidated by every write to the directory
# (pagecache/). DJANGO_PAGE_CACHE=0 turns it off, e.g. to measure pages as rendered.
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 60 * 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/New_York"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Open data: where `manage.py release_dataset` writes the dataset releases that /data/ offers (on several
# servers, a shared folder, or run the command on each), and the site's public address for the
# links inside a release (the site's pages use the address they were asked for).
DATA_RELEASES_DIR = Path(os.environ.get("DJANGO_DATA_RELEASES_DIR") or BASE_DIR / "releases")
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")

# Curation: a practice not reviewed for this many days shows under "needs review" in the admin.
REVIEW_MAX_AGE_DAYS = env_int("REVIEW_MAX_AGE_DAYS", 365)
if REVIEW_MAX_AGE_DAYS < 1:
    raise ImproperlyConfigured(f"REVIEW_MAX_AGE_DAYS must be at least 1, not {REVIEW_MAX_AGE_DAYS}.")

# The public correction form takes at most this many suggestions an hour, from everyone together,
# and at most CORRECTIONS_PER_CLIENT from one client (told apart by a keyed hash of its address).
CORRECTIONS_PER_HOUR = env_int("DJANGO_CORRECTIONS_PER_HOUR", 30)
CORRECTIONS_PER_CLIENT = env_int("DJANGO_CORRECTIONS_PER_CLIENT", 5)

# How many reverse proxies in front of gunicorn append the address they saw to X-Forwarded-For
# (1 for the nginx of the README); 0 when clients connect to gunicorn directly. Per-client limits
# (sign-in, corrections) read the client's address through it (config/clients.py).
TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", 0)

# Admin sign-in throttling (django-axes): after SIGNIN_FAILURE_LIMIT failed sign-ins for one account,
# or from one client, further attempts are refused without checking the password until
# SIGNIN_LOCKOUT_MINUTES have passed or a superuser unlocks (admin: Axes › Access attempts, or
# `manage.py axes_reset_username NAME`). Failed attempts are kept, with their address, only that long.
AXES_FAILURE_LIMIT = env_int("DJANGO_SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DJANGO_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "config.clients.client_address"
AXES_LOCKOUT_CALLABLE = "config.signin.locked_out"
AXES_RESET_ON_SUCCESS = True
# Successful sign-ins are not logged with addresses; the history and admin log record who changed what.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out attempt is refused before any password hashing.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Spreadsheet imports (curation/spreadsheets.py, curation/imports.py): files larger than this are refused
# before they are read, XLSX files whose parts unpack to more than IMPORT_MAX_UNPACKED_MB before they are
# parsed, and sheets with more rows or columns than these.
IMPORT_MAX_UPLOAD_MB = env_int("DJANGO_IMPORT_MAX_UPLOAD_MB", 5)
IMPORT_MAX_UNPACKED_MB = env_int("DJANGO_IMPORT_MAX_UNPACKED_MB", 20)
IMPORT_MAX_ROWS = env_int("DJANGO_IMPORT_MAX_ROWS", 2000)
IMPORT_MAX_COLUMNS = 100
# Where previews keep uploaded files until they are confirmed or cancelled (a folder of their own).
IMPORT_TMP_DIR = Path(os.environ.get("DJANGO_IMPORT_TMP_DIR") or Path(tempfile.gettempdir()) / "practices-imports")

# Spreadsheet imports run in one transaction: a file with any bad row changes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True


# Errors (a 500, anything logged at ERROR) are mailed to these addresses, when set, through the SMTP
# server below; sending waits at most DJANGO_EMAIL_TIMEOUT, and a failure to send never fails the request.
ADMINS = env_addresses("DJANGO_ADMINS")
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "").strip() or "root@localhost"
EMAIL_SUBJECT_PREFIX = "[Practices directory] "
if env_bool("DJANGO_EMAIL_STARTTLS") and env_bool("DJANGO_EMAIL_SSL"):
    raise ImproperlyConfigured("Set DJANGO_EMAIL_STARTTLS or DJANGO_EMAIL_SSL, not both.")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("DJANGO_EMAIL_HOST", "").strip() or "localhost",
            "port": env_int("DJANGO_EMAIL_PORT", 25),
            "username": os.environ.get("DJANGO_EMAIL_USER", ""),
            "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("DJANGO_EMAIL_STARTTLS"),
            "use_ssl": env_bool("DJANGO_EMAIL_SSL"),
            "timeout": env_seconds("DJANGO_EMAIL_TIMEOUT", 5),
        },
    }
}

# To the console (standard error, like gunicorn's error log), for the process manager to collect. Each
# line carries the request's id from nginx (config/log.py), as nginx's and gunicorn's access lines do.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.log.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "not_service_unavailable": {"()": "config.log.NotServiceUnavailable"},
    },
    "formatters": {
        "plain": {
            "()": "config.log.UtcFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s request=%(request_id)s: %(message)s",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
        # Does nothing while ADMINS is empty.
        "mail_admins": {
            "class": "config.log.AdminEmail",
            "level": "ERROR",
            "filters": ["require_debug_false", "not_service_unavailable"],
        },
    },
    # Every error is mailed too: Django's (500s above all) and the site's own.
    "root": {"handlers": ["console", "mail_admins"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Without Django's default handlers for it (its own mail_admins would send each error twice).
        "django": {"handlers": [], "level": "INFO"},
        # A request for a host the site does not serve (bots try many): on the console, not by mail.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
        # django-axes logs every sign-in at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
    },
}
