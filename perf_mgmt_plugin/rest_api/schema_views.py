"""
The OpenAPI schema and its docs page, as they must work inside the LMS.

The LMS configures neither drf-spectacular (no ``SPECTACULAR_SETTINGS``) nor DRF's schema class, so the views carry
what they need themselves: the schema's title and version, and a docs page served from drf-spectacular-sidecar's
static files (no CDN). ``settings/common.py`` adds ``drf_spectacular`` and ``drf_spectacular_sidecar`` to
``INSTALLED_APPS`` for their templates and static files.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.settings import patched_settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .openapi import extend_schema

#: What the plugin's schema says about itself, whatever the platform's SPECTACULAR_SETTINGS say (or lack).
SCHEMA_SETTINGS = {
    "TITLE": "perf-mgmt for Open edX API",
    "VERSION": "v1",
}

#: The docs page's Swagger UI comes from drf-spectacular-sidecar's static files, never from a CDN.
DOCS_SETTINGS = {"SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR"}


class ApiSchemaView(SpectacularAPIView):
    """The plugin's OpenAPI schema (only its own v1 API)."""

    urlconf = "perf_mgmt_plugin.rest_api.schema_urls"
    custom_settings = SCHEMA_SETTINGS
    schema = AutoSchema()  # as on every v1 view (v1/base.py): the LMS's default schema class is DRF's

    # drf-spectacular decorates its own view's ``get`` with the default schema class of the day it is imported
    # (DRF's, in the LMS); the schema endpoint does not describe itself anyway.
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ApiDocsView(SpectacularSwaggerView):
    """Swagger UI over :class:`ApiSchemaView`."""

    title = SCHEMA_SETTINGS["TITLE"]
    url_name = "perf_mgmt:api-schema"
    schema = AutoSchema()

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with patched_settings(DOCS_SETTINGS):
            return super().get(request, *args, **kwargs)
