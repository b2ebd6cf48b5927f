"""
Settings of the stand-in LMS host.

Plugin apps and plugin settings are added with the same edx_django_utils calls as ``lms/envs/common.py``.
Environment variables:
    PERF_MGMT_DB=mysql        use MariaDB/MySQL at PERF_MGMT_DB_HOST (127.0.0.1:3306, root, no password)
    PERF_MGMT_DB_NAME         database name (default ``perf_mgmt``)
    PERF_MGMT_SQLITE_PATH     SQLite file (default ``var/host.sqlite3``)
    CELERY_BROKER_URL         a real broker (e.g. redis://127.0.0.1:6379/0); tasks run eagerly when unset
    PERF_MGMT_CELERY_QUEUE    the plugin's Celery queue (a worker consuming it, and what enqueues to it, must agree)
    PERF_MGMT_ALLOWED_HOSTS   more host names to serve, comma-separated (``make demo HOST=...`` sets it)
    PERF_MGMT_ROOT_URL        the host's own URL (``make demo`` sets it from HOST and PORT)
"""

import importlib.util
import os
from pathlib import Path

from edx_django_utils.plugins import add_plugins, get_plugin_apps

from .plugins import limit_plugin_discovery

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PERF_MGMT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("PERF_MGMT_SECRET_KEY", "insecure-demo-key-for-the-stand-in-host-only")
DEBUG = os.environ.get("PERF_MGMT_DEBUG", "1") == "1"
# PERF_MGMT_ALLOWED_HOSTS: more host names, comma-separated (`make demo HOST=...` sets it; "*" for HOST=0.0.0.0).
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"] + [
    host for host in os.environ.get("PERF_MGMT_ALLOWED_HOSTS", "").split(",") if host
]

limit_plugin_discovery()


def _sample_xblock_templates():
    spec = importlib.util.find_spec("sample_xblocks")
    return [Path(spec.origin).parent / "basic" / "templates"] if spec and spec.origin else []


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # edx-completion and the waffle switch that turns its tracking on (on in the host: see courses migration 0004).
    "waffle",
    "completion",
    # The LMS's event tracker (edx-completion and others emit tracking events through it); here to a logger.
    "eventtracking.django.apps.EventTrackingConfig",
    # openedx-core's content tagging (taxonomies, tags, object tags), as the LMS and Studio install it.
    "openedx_tagging",
    "djpyfs",
    "workbench",
    "lms_host.courses",
]
# lane errors: edx-ace, configured as the LMS configures it (openedx/core/djangoapps/ace_common/settings/common.py):
# email through Django's mail backend; the LMS's one policy (bulk_email_optout) is the platform's own, so none here.
# (The LMS also installs push_notifications for edx-ace's push channel; the host sends no push notifications, so its
# models -- device tokens -- stay out; edx-ace logs once that it could not load that channel.)
INSTALLED_APPS.append("edx_ace")
# The host's mail: written as files in var/mail (read them there), not sent; PERF_MGMT_EMAIL_BACKEND picks another
# backend (e.g. django.core.mail.backends.smtp.EmailBackend with the EMAIL_* settings). Tests use Django's outbox.
EMAIL_BACKEND = os.environ.get("PERF_MGMT_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
ACE_ENABLED_CHANNELS = ["django_email"]
ACE_ENABLED_POLICIES = []
ACE_CHANNEL_DEFAULT_EMAIL = "django_email"
ACE_CHANNEL_TRANSACTIONAL_EMAIL = "django_email"
ACE_CHANNEL_SAILTHRU_DEBUG = True
ACE_CHANNEL_SAILTHRU_TEMPLATE_NAME = None
ACE_CHANNEL_SAILTHRU_API_KEY = None
ACE_CHANNEL_SAILTHRU_API_SECRET = None
# As in lms/envs/common.py:
INSTALLED_APPS.extend(get_plugin_apps("lms.djangoapp"))

EVENT_TRACKING_ENABLED = True
EVENT_TRACKING_BACKENDS = {
    "logger": {"ENGINE": "eventtracking.backends.logger.LoggerBackend", "OPTIONS": {"name": "tracking"}},
}

MIDDLEWARE = [
    # As in the LMS (first in its list): the request cache (waffle switches, access contexts...) lives one request.
    "edx_django_utils.cache.middleware.RequestCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # As in the LMS: the request user for code without a request (the XBlock user service on workbench pages).
    "crum.CurrentRequestUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "lms_host.urls"
WSGI_APPLICATION = "lms_host.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The sample XBlocks of xblock-sdk (vertical_demo, sequence_demo...) load their templates by bare name,
        # from a folder the workbench's own settings list; so does the host.
        "DIRS": [BASE_DIR / "lms_host" / "templates", *_sample_xblock_templates()],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.static",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if os.environ.get("PERF_MGMT_DB") == "mysql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("PERF_MGMT_DB_NAME", "perf_mgmt"),
            "USER": os.environ.get("PERF_MGMT_DB_USER", "root"),
            "PASSWORD": os.environ.get("PERF_MGMT_DB_PASSWORD", ""),
            "HOST": os.environ.get("PERF_MGMT_DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("PERF_MGMT_DB_PORT", "3306"),
            # What Open edX runs: utf8mb4 everywhere.
            # PERF_MGMT_DB_ISOLATION (e.g. "repeatable read", MariaDB's default and what production runs; the
            # concurrency burst uses it): else Django's backend default, read committed.
            "OPTIONS": {
                "charset": "utf8mb4",
                **(
                    {"isolation_level": os.environ["PERF_MGMT_DB_ISOLATION"]}
                    if os.environ.get("PERF_MGMT_DB_ISOLATION")
                    else {}
                ),
            },
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("PERF_MGMT_SQLITE_PATH", str(VAR_DIR / "host.sqlite3")),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
AUTH_PASSWORD_VALIDATORS = []
# As the LMS (EdxRateLimitedAllowAllUsersModelBackend): accounts not activated yet can sign in.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.AllowAllUsersModelBackend"]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/perf-mgmt/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("fr", "French"), ("es-419", "Spanish (Latin America)")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# REST framework as the LMS configures it (authentication classes come from edx-drf-extensions in the views).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "edx_rest_framework_extensions.paginators.DefaultPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "perf-mgmt for Open edX API",
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
JWT_AUTH = {
    "JWT_ISSUERS": [{"ISSUER": "http://127.0.0.1:8000/oauth2", "SECRET_KEY": SECRET_KEY, "AUDIENCE": "lms-key"}],
    "JWT_ISSUER": "http://127.0.0.1:8000/oauth2",
    "JWT_AUDIENCE": "lms-key",
    "JWT_SECRET_KEY": SECRET_KEY,
    "JWT_ALGORITHM": "HS256",
    "JWT_PUBLIC_SIGNING_JWK_SET": None,
    "JWT_AUTH_COOKIE_HEADER_PAYLOAD": "edx-jwt-cookie-header-payload",
    "JWT_AUTH_COOKIE_SIGNATURE": "edx-jwt-cookie-signature",
}

# Celery: the LMS has its own Celery app; the host makes one (lms_host.celery) and runs tasks eagerly unless a
# broker is given, as a developer's devstack would.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = "CELERY_BROKER_URL" not in os.environ
CELERY_TASK_EAGER_PROPAGATES = True
PERF_MGMT_CELERY_QUEUE = os.environ.get("PERF_MGMT_CELERY_QUEUE") or None

# xblock-sdk workbench, the XBlock runtime of this host.
WORKBENCH = {
    "reset_state_on_restart": False,
    # The LMS-shaped user service (lms_host/xblock_services.py) instead of the workbench's ?student= one.
    "services": {"user": "lms_host.xblock_services.HostUserService"},
}
DJFS = {"type": "osfs", "directory_root": str(VAR_DIR / "djpyfs"), "url_root": "/static/djpyfs"}
EXCLUDED_XBLOCKS = {
    "allscopes_demo",
    "attempts_scoreboard_demo",
    "equality_demo",
    "filethumbs",
    "helloworld_demo",
    "html_demo",
    "problem_demo",
    "sidebar_demo",
    "slider_demo",
    "textinput_demo",
    "thumbs",
    "view_counter_demo",
}

# Which backend the plugin uses to reach "the platform": the host's own models.
PERF_MGMT_PLATFORM_BACKEND = "lms_host.courses.backend.HostPlatformBackend"
# Where the demo is served (`make demo` sets it from HOST and PORT): links in emails point there.
LMS_ROOT_URL = os.environ.get("PERF_MGMT_ROOT_URL", "http://127.0.0.1:8000").rstrip("/")
PERF_MGMT_LOGOUT_URL = "/logout/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"perf_mgmt_plugin": {"level": "INFO"}},
}

# As in lms/envs/common.py (settings type "common"); test and production types are added by their modules.
add_plugins(__name__, "lms.djangoapp", os.environ.get("PERF_MGMT_SETTINGS_TYPE", "common"))

# lane guide: uploaded files (the modules' job aids) in the host's own storage; served only through the plugin's
# counted, access-checked download view, never as a public URL.
MEDIA_ROOT = os.environ.get("PERF_MGMT_MEDIA_ROOT", str(VAR_DIR / "media"))
