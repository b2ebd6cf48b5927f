"""The URLconf the OpenAPI schema is generated from: only the API, under its public prefix."""

from django.urls import include, path

urlpatterns = [
    path("perf-mgmt/api/v1/", include(("perf_mgmt_plugin.rest_api.v1.urls", "v1"), namespace="api-v1")),
]
