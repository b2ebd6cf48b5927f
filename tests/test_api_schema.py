"""The OpenAPI schema: generated without warnings, with the platform's authentication schemes and every v1 path."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse


@pytest.fixture
def schema(tmp_path, db):
    path = tmp_path / "schema.yml"
    # --fail-on-warn: an unresolvable serializer field, authenticator or enum collision fails the build.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_schema_lists_every_v1_endpoint(schema):
    paths = set(schema["paths"])
    for name in ("me", "people", "team", "org-units", "positions", "org-import"):
        assert reverse(f"perf_mgmt:api-v1:{name}") in paths, name


def test_schema_describes_the_platform_authentication(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["jwtAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'A JWT from the LMS, sent as "JWT <token>".',
    }
    assert schemes["sessionAuth"]["in"] == "cookie"
    people = schema["paths"][reverse("perf_mgmt:api-v1:people")]["get"]
    assert {"jwtAuth": []} in people["security"] and {"sessionAuth": []} in people["security"]


def test_enum_names_do_not_collide(schema):
    names = set(schema["components"]["schemas"])
    assert {"PerfMgmtOrgUnitKindEnum", "PerfMgmtImportKindEnum"} <= names
    assert not [name for name in names if name.startswith("Kind")]


# The LMS's REST_FRAMEWORK (openedx/envs/common.py): no DEFAULT_SCHEMA_CLASS, so DRF's own AutoSchema is the default.
LMS_REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "edx_rest_framework_extensions.paginators.DefaultPagination",
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
    "PAGE_SIZE": 10,
    "URL_FORMAT_OVERRIDE": None,
}


def test_the_schema_is_served_under_the_lms_rest_framework_settings(org, client, settings):
    settings.REST_FRAMEWORK = LMS_REST_FRAMEWORK
    client.force_login(org.hr)
    response = client.get(reverse("perf_mgmt:api-schema"))
    assert response.status_code == 200, response.content[:300]
    schema = yaml.safe_load(response.content)
    assert schema["info"]["title"] == "perf-mgmt for Open edX API"
    assert reverse("perf_mgmt:api-v1:people") in schema["paths"]


def test_extend_schema_builds_on_drf_spectaculars_autoschema_whatever_the_default(settings):
    """What the views' decorators make at import time in the LMS, where DRF's AutoSchema is the default."""
    from drf_spectacular.openapi import AutoSchema
    from rest_framework.schemas import openapi as drf_openapi

    from perf_mgmt_plugin.rest_api.openapi import extend_schema

    settings.REST_FRAMEWORK = LMS_REST_FRAMEWORK

    @extend_schema(summary="inner")
    @extend_schema(description="outer")
    def get(request):
        """A view method."""

    schema_class = get.kwargs["schema"]
    assert issubclass(schema_class, AutoSchema)
    assert not issubclass(schema_class, drf_openapi.AutoSchema)
    assert not hasattr(get, "schema")


def test_plugin_settings_install_what_the_docs_page_needs_into_lms_like_settings():
    from types import SimpleNamespace

    from perf_mgmt_plugin.settings import common

    lms = SimpleNamespace(INSTALLED_APPS=["django.contrib.staticfiles", "rest_framework"], REST_FRAMEWORK={})
    apps = lms.INSTALLED_APPS
    common.plugin_settings(lms)
    assert lms.INSTALLED_APPS is apps  # extended in place, as later settings modules share the list
    assert apps[-2:] == ["drf_spectacular", "drf_spectacular_sidecar"]
    assert "PerfMgmtOrgUnitKindEnum" in lms.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]
    common.plugin_settings(lms)
    assert apps.count("drf_spectacular") == 1
