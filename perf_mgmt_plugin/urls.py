"""
URLs of the plugin, mounted by the LMS under ``perf-mgmt/`` (``plugin_app['url_config']``).

Pages live at the top; the REST API under ``api/v1/`` (OEP-49), with its OpenAPI schema and docs under ``api/``.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .web import urls as web_urls

app_name = "perf_mgmt"

urlpatterns = [
    path("api/v1/", include(("perf_mgmt_plugin.rest_api.v1.urls", "v1"), namespace="api-v1")),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="perf_mgmt_plugin.rest_api.schema_urls"), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="perf_mgmt:api-schema"), name="api-docs"),
    *web_urls.urlpatterns,
]
