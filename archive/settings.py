"""Settings for the Arabic news archive, read from the environment.

Every value has a safe default for a single machine; see README "Settings" for the
variables.  ``ARCHIVE_DATA_DIR`` holds everything the archive writes: the SQLite
database, the Whoosh index and uploaded media.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.")


DEBUG = env_bool("DJANGO_DEBUG", False)

DATA_DIR = Path(os.environ.get("ARCHIVE_DATA_DIR") or BASE_DIR / "data").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# ARCHIVE_PRODUCTION=1 is a public deployment behind HTTPS: the secret key must
# come from the environment there.  A local run keeps a random key of its own
# in the data directory, so no key is ever written in the code.
PRODUCTION = env_bool("ARCHIVE_PRODUCTION", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. A production server does not start without it: "
            "set it to a long random string, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    _key_file = DATA_DIR / "secret_key"
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when ARCHIVE_PRODUCTION=1.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "archive.apps.ArchiveConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "haystack",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "archive.middleware.ContentSecurityPolicyMiddleware",
    "archive.middleware.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "archive.middleware.ArabicFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "archive.throttle.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "archive.sqlite3",
            "OPTIONS": {
                # WAL lets readers go on while one importer writes; the busy timeout
                # makes concurrent writers wait instead of failing at once.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=30000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }

# The login throttle's counts (archive/throttle.py) must be shared by every gunicorn
# worker: a file-based cache in the data directory does that on one machine.
# Rendered results and article pages (the parts that cost: hits, facets, timeline, related
# articles) are kept under a key that holds the index version and the code version
# (archive/views.py _page_cache), so neither a change to the archive nor a new release is
# ever hidden. They are kept in the data directory, so that a page one worker rendered is
# served by every worker (in each worker's memory, each page was computed once per
# worker). Each entry is about 40 KB; ARCHIVE_PAGE_CACHE=off turns the cache off.
_PAGE_CACHE_ENTRIES = int(os.environ.get("ARCHIVE_PAGE_CACHE_ENTRIES", "2000"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "throttle"),
    },
    "pages": (
        {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        if os.environ.get("ARCHIVE_PAGE_CACHE", "on").lower() in ("off", "0", "false", "no")
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache" / "pages"),
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": _PAGE_CACHE_ENTRIES, "CULL_FREQUENCY": 4},
        }
    ),
    # For pages whose version cannot be known (a search cluster's index): nothing is kept.
    "uncached": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
ARCHIVE_LOGIN_THROTTLE_CACHE = "throttle"
# Behind a proxy, the header that carries the client's address (e.g. HTTP_X_REAL_IP);
# empty means REMOTE_ADDR.
ARCHIVE_CLIENT_IP_HEADER = os.environ.get("ARCHIVE_CLIENT_IP_HEADER", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "archive" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("ARCHIVE_STATIC_ROOT") or DATA_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The manifest storage needs `collectstatic`; tests and development serve the
# source files directly through whitenoise's finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "ARCHIVE_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": os.environ.get("ARCHIVE_SEARCH_ENGINE", "archive.search.backend.ArchiveWhooshEngine"),
        "PATH": str(Path(os.environ.get("ARCHIVE_INDEX_DIR") or DATA_DIR / "whoosh_index")),
        "URL": os.environ.get("ARCHIVE_ELASTICSEARCH_URL", ""),
        "INDEX_NAME": os.environ.get("ARCHIVE_ELASTICSEARCH_INDEX", "archive"),
        "INCLUDE_SPELLING": True,
    },
}
HAYSTACK_SIGNAL_PROCESSOR = "archive.search.signals.ArticleSignalProcessor"
# Fewer, larger commits: each is a new Whoosh segment to merge.
HAYSTACK_BATCH_SIZE = 5000
# How long a writer waits for the index lock before leaving its update queued.
ARCHIVE_INDEX_LOCK_TIMEOUT = float(os.environ.get("ARCHIVE_INDEX_LOCK_TIMEOUT") or 20)
ARCHIVE_INDEX_WRITER_MB = env_int("ARCHIVE_INDEX_WRITER_MB", 256)
# import_articles indexes in a helper process (a second core) once this many articles
# have changed; 0 keeps all indexing in the importing process.
ARCHIVE_INDEX_ALONGSIDE_AFTER = env_int("ARCHIVE_INDEX_ALONGSIDE_AFTER", 1000)
# Per-process memory for posting lists and scores kept between searches.
ARCHIVE_SEARCH_CACHE_MB = env_int("ARCHIVE_SEARCH_CACHE_MB", 64)

# Importer and upload limits, in bytes unless said otherwise.
ARCHIVE_UPLOAD_MAX_BYTES = env_int("ARCHIVE_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
ARCHIVE_ZIP_MAX_UNCOMPRESSED_BYTES = env_int("ARCHIVE_ZIP_MAX_UNCOMPRESSED_BYTES", 2 * 1024**3)
ARCHIVE_ZIP_MAX_FILES = env_int("ARCHIVE_ZIP_MAX_FILES", 100_000)
ARCHIVE_IMPORT_MAX_LINE_BYTES = env_int("ARCHIVE_IMPORT_MAX_LINE_BYTES", 20 * 1024 * 1024)
ARCHIVE_EXPORT_MAX_ROWS = env_int("ARCHIVE_EXPORT_MAX_ROWS", 50_000)
ARCHIVE_PAGE_SIZE_MAX = env_int("ARCHIVE_PAGE_SIZE_MAX", 100)
ARCHIVE_PAGE_SIZE_DEFAULT = 20
ARCHIVE_QUERY_MAX_CHARS = env_int("ARCHIVE_QUERY_MAX_CHARS", 5000)

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

LOGIN_URL = "admin:login"

# Security: these hold for every run; the HTTPS-only ones switch on in production
# (behind a TLS-terminating proxy) so that a plain local run on http still works.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION or env_bool("ARCHIVE_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("ARCHIVE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("ARCHIVE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ARCHIVE_LOG_LEVEL", "WARNING")},
}
