"""
URLs of the plugin, mounted by the LMS under ``perf-mgmt/`` (``plugin_app['url_config']``).

Pages live at the top; the REST API under ``api/v1/`` (OEP-49), with its OpenAPI schema and docs under ``api/``.
"""

from django.urls import include, path

from .rest_api.schema_views import ApiDocsView, ApiSchemaView
from .web import urls as web_urls

app_name = "perf_mgmt"

urlpatterns = [
    path("api/v1/", include(("perf_mgmt_plugin.rest_api.v1.urls", "v1"), namespace="api-v1")),
    path("api/schema/", ApiSchemaView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(), name="api-docs"),
    *web_urls.urlpatterns,
]
