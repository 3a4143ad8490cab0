"""Settings read from the environment so one build runs the demo, the tests and production."""

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("CREDITDESK_HOME", BASE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("CREDITDESK_VAR", PROJECT_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no switch the way operators write it."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = env_bool("CREDITDESK_PRODUCTION", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)


def load_secret_key() -> str:
    """Production must be given its key; the demo keeps a generated one under var/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when CREDITDESK_PRODUCTION is on")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = load_secret_key()


def load_audit_key(environ: Mapping[str, str], production: bool, key_file: Path) -> str:
    """The audit chain's HMAC key stays out of the database; production must be given it, the demo keeps one."""
    key = environ.get("CREDITDESK_AUDIT_KEY")
    if key:
        return key
    if production:
        raise RuntimeError("CREDITDESK_AUDIT_KEY must be set when CREDITDESK_PRODUCTION is on")
    with contextlib.suppress(FileExistsError), \
            os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as new_key:
        new_key.write(secrets.token_urlsafe(50))
    key = key_file.read_text().strip()
    if not key:
        raise RuntimeError(f"{key_file} is empty: an empty key would let anyone recompute the audit chain")
    return key


CREDITDESK_AUDIT_KEY = load_audit_key(os.environ, PRODUCTION, VAR_DIR / "audit_key")
CREDITDESK_AUDIT_HEAD_LOG = Path(os.environ.get("CREDITDESK_AUDIT_HEAD_LOG", VAR_DIR / "audit-head.log"))

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "creditdesk.core",
    "creditdesk.accounts",
    "creditdesk.audit",
    "creditdesk.currencies",
    "creditdesk.imports",
    "creditdesk.customers",
    "creditdesk.receivables",
    "creditdesk.limits",
    "creditdesk.assessment",
    "creditdesk.collections",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "creditdesk.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "creditdesk.urls"
WSGI_APPLICATION = "creditdesk.wsgi.application"

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
                "creditdesk.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'creditdesk.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

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

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True



def email_settings(url: str) -> dict[str, object]:
    """Turn EMAIL_URL (smtp://user:password@host:port?tls=1 or console://) into Django's settings."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "127.0.0.1",
        "EMAIL_PORT": parts.port or 25,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
        "EMAIL_USE_SSL": parts.scheme == "smtps",
    }


globals().update(email_settings(os.environ.get("EMAIL_URL", "smtp://127.0.0.1:25")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "creditdesk@localhost")

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

CREDITDESK_FUNCTIONAL_CURRENCY = os.environ.get("CREDITDESK_FUNCTIONAL_CURRENCY", "CNY")
CREDITDESK_OVERDUE_TOLERANCE_DAYS = int(os.environ.get("CREDITDESK_OVERDUE_TOLERANCE_DAYS", "30"))
CREDITDESK_OVERDUE_TOLERANCE_AMOUNT = os.environ.get("CREDITDESK_OVERDUE_TOLERANCE_AMOUNT", "0")
CREDITDESK_WATCH_SHARE = os.environ.get("CREDITDESK_WATCH_SHARE", "0.9")
# days an expired standard limit still stands while it is reviewed; 0: an expired limit leaves no credit at all
CREDITDESK_EXPIRED_LIMIT_GRACE_DAYS = int(os.environ.get("CREDITDESK_EXPIRED_LIMIT_GRACE_DAYS", "0"))
CREDITDESK_AGING_CUTOFFS = tuple(int(days) for days in os.environ.get(
    "CREDITDESK_AGING_CUTOFFS", "30,60,90,180,365").split(","))
CREDITDESK_MAX_UPLOAD_BYTES = int(os.environ.get("CREDITDESK_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = CREDITDESK_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# imports: the largest file (an XLSX unpacked), the most rows and the longest cell one import may have (Excel's
# own cell limit), and the size past which the file is checked and written by `creditdesk db_worker` instead of
# in the request; the defaults take the million-line invoice feed of bench/import.py
CREDITDESK_IMPORT_MAX_BYTES = int(os.environ.get("CREDITDESK_IMPORT_MAX_BYTES", str(128 * 1024 * 1024)))
CREDITDESK_IMPORT_MAX_ROWS = int(os.environ.get("CREDITDESK_IMPORT_MAX_ROWS", "1000000"))
CREDITDESK_IMPORT_MAX_CELL_CHARS = int(os.environ.get("CREDITDESK_IMPORT_MAX_CELL_CHARS", "32767"))
CREDITDESK_IMPORT_BACKGROUND_BYTES = int(os.environ.get("CREDITDESK_IMPORT_BACKGROUND_BYTES", str(1024 * 1024)))

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
