"""Settings shared by every configuration. Environment values come from ``env``."""

from __future__ import annotations

import dj_database_url
from django.utils.translation import gettext_lazy as _

from stackup.settings import env

BASE_DIR = env.BASE_DIR
DATA_DIR = env.DATA_DIR
PACKAGE_DIR = BASE_DIR / "stackup"

DEBUG = False
SECRET_KEY = env.get("SECRET_KEY", "")
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS")

# Where links that leave the product (emails, printed slips) point to. Production must
# set it (`check --deploy` fails when it is unset or a loopback address); the development
# settings derive it from the address `make run` serves on.
STACKUP_BASE_URL = (env.get("STACKUP_BASE_URL") or "").rstrip("/")
# How long the one-time link that makes the first site administrator works.
STACKUP_FIRST_RUN_LINK_HOURS = env.integer("FIRST_RUN_LINK_HOURS", 24)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "stackup.core",
    "stackup.frameworks",
    "stackup.accounts",
    "stackup.partnerships",
    "stackup.responding",
    "stackup.results",
    "stackup.actions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "stackup.urls"
WSGI_APPLICATION = "stackup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "stackup.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # The Django admin and Django's own e-mails use Django templates.
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

_database_url = env.get("DATABASE_URL")
if not _database_url:
    # The embedded default: one SQLite file in the data folder, shared by
    # `make run` and the `stackup` command.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _database_url = f"sqlite:///{DATA_DIR / 'stackup.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env.integer("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one writer commits; a busy timeout waits
    # for the write lock instead of failing at once under a burst of answers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "partnerships:list"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "build" / "static", PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

SESSION_COOKIE_NAME = "stackup_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "stackup_csrftoken"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_NAME = "stackup_language"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = env.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "Stack Up <stackup@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
}

CSRF_FAILURE_VIEW = "stackup.core.views.csrf_failure"

# --- Sign-in throttling (django-axes) ----------------------------------------
# After AXES_FAILURE_LIMIT wrong passwords for one account from one address,
# that account cannot sign in from that address for AXES_COOLOFF_TIME hours.
# Locking the pair, not the account, means one attacker cannot lock everyone
# out. Unlock early with `stackup axes_reset_username EMAIL`, or by setting a
# new password through the reset link.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as django-axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.integer("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.integer("SIGN_IN_LOCKOUT_HOURS", 1)  # an int is hours
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SIGN_IN_FAILURE_LIMIT and SIGN_IN_LOCKOUT_HOURS must be 1 or more.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "stackup.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "stackup.accounts.throttling.client_ip_address"
AXES_USERNAME_CALLABLE = "stackup.accounts.throttling.client_username"
# Keep failed attempts only while they count; no lasting log of who signed in from where.
AXES_DISABLE_ACCESS_LOG = True
# Failures and lock-outs are warnings; its start-up banner would clutter every command.
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}
# How many proxies that append to X-Forwarded-For stand in front of the app
# (0: use the connection's address). Behind a load balancer every visitor
# would otherwise share its address, and so share a lock-out.
STACKUP_TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0)

# --- Background work: invitation and reminder emails (django-tasks) ----------
# Sending thousands of emails must not hold up a web request: the request
# records a batch and queues a task in the database; a worker sends it
# (`stackup db_worker`, which `make run` starts beside the web server).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
# Each email is tried this many times, waiting EMAIL_RETRY_SECONDS, then twice
# that, between tries, before it is reported as not sent.
STACKUP_EMAIL_ATTEMPTS = env.integer("EMAIL_ATTEMPTS", 3)
STACKUP_EMAIL_RETRY_SECONDS = env.integer("EMAIL_RETRY_SECONDS", 2)
# A batch that has made no progress for this many minutes is shown as stopped,
# with a button to carry on (for example after the worker was restarted).
STACKUP_EMAIL_STALLED_MINUTES = env.integer("EMAIL_STALLED_MINUTES", 10)

# The open link: how many new sets of answers one network address may start in
# an hour (0 switches the limit off). The address itself is never stored.
STACKUP_OPEN_LINK_STARTS_PER_HOUR = env.integer("OPEN_LINK_STARTS_PER_HOUR", 30)

# A cache every process and machine shares (the database), so limits such as
# the open link's hold however many servers run. `stackup createcachetable`
# makes its table; `make run` and the test database do it for you.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "stackup_cache",
    }
}
