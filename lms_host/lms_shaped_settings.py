"""
The test settings with the keys that decide whether the plugin's pages, static files and API schema work shaped
like the LMS's (openedx-platform ``openedx/envs/common.py`` and ``lms/envs/common.py``, master, Dec 2026).

The host's own settings are kinder than the LMS's in exactly these places, which is how a page or the API docs could
pass here and fail there:

* ``TEMPLATES``: the LMS's Django engine does not set ``APP_DIRS``; it lists its loaders (the theming loader, then
  edx-mako's ``MakoFilesystemLoader`` and ``MakoAppDirectoriesLoader``, which find Django templates in the folders and
  app directories like Django's own two loaders used here), sets ``debug: False`` and the LMS's context processors
  (those that exist outside the platform). A second engine, ``mako``, exists in the LMS only for its own templates.
* static files: ``STATICFILES_FINDERS`` without ``APP_DIRS``-like luck, and a storage with a manifest
  (``openedx.core.storage.ProductionStorage`` builds on ``ManifestStaticFilesStorage``): with ``DEBUG = False`` a
  ``{% static %}`` name that ``collectstatic`` did not collect raises instead of printing a dead link.
* ``REST_FRAMEWORK``: no ``DEFAULT_SCHEMA_CLASS``, JSON renderer only, page size 10; no ``SPECTACULAR_SETTINGS``;
  neither ``drf_spectacular`` nor its sidecar in ``INSTALLED_APPS`` (the plugin's settings must add them).

Then, as in ``lms/envs/common.py``, the plugins' settings are applied to the result. Used by the "pages and API under
LMS-shaped settings" step of ``make test`` (after ``collectstatic`` into ``PERF_MGMT_STATIC_ROOT``) and by
``tests/lms_shaped/``.
"""

import os

from edx_django_utils.plugins import add_plugins

from .test_settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from .test_settings import INSTALLED_APPS, VAR_DIR
from .test_settings import TEMPLATES as HOST_TEMPLATES

PERF_MGMT_LMS_SHAPED = True
DEBUG = False

INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in ("drf_spectacular", "drf_spectacular_sidecar")]

# openedx/envs/common.py CONTEXT_PROCESSORS, without the two that live in the platform (help_tokens,
# site_configuration's configuration_context).
CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.static",
    "django.contrib.messages.context_processors.messages",
    "django.template.context_processors.i18n",
    "django.contrib.auth.context_processors.auth",
    "django.template.context_processors.csrf",
]
TEMPLATES = [
    {
        "NAME": "django",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": False,
        "DIRS": HOST_TEMPLATES[0]["DIRS"],
        "OPTIONS": {
            "loaders": [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
            "context_processors": CONTEXT_PROCESSORS,
            "debug": False,
        },
    },
]

# openedx/envs/common.py STATICFILES_FINDERS without the platform's theme, XBlock pipeline and pipeline finders.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = os.environ.get("PERF_MGMT_STATIC_ROOT", str(VAR_DIR / "lms_shaped_static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

# openedx/envs/common.py REST_FRAMEWORK, with edx-drf-extensions' classes where the platform names its own
# subclasses of them (DefaultJwtAuthentication, DefaultSessionAuthentication) and without its exception handler.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication",
        "edx_rest_framework_extensions.auth.session.authentication.SessionAuthenticationAllowInactiveUser",
    ],
    "DEFAULT_PAGINATION_CLASS": "edx_rest_framework_extensions.paginators.DefaultPagination",
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
    "PAGE_SIZE": 10,
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_RATES": {
        "user": "60/minute",
        "service_user": "800/minute",
        "registration_validation": "30/minute",
        "high_service_user": "2000/minute",
    },
}
del SPECTACULAR_SETTINGS  # noqa: F821  (the LMS has none)

add_plugins(__name__, "lms.djangoapp", "test")
