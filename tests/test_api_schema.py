"""The OpenAPI schema: generated without warnings, with the platform's authentication schemes and every v1 path."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_setup, django_db_blocker):  # noqa: ARG001
    """The schema written by the command, once for the tests reading it (generating and validating it is slow)."""
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    # --fail-on-warn: an unresolvable serializer field, authenticator or enum collision fails the build.
    with django_db_blocker.unblock():
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


# Issue 15: the schema says what the API returns (schemathesis runs over it in tests/test_schemathesis.py)


@pytest.fixture(name="api_schema")
def _api_schema():
    """The generated schema, once for these tests (``schema`` above also validates it, at a cost per test)."""
    from tests.test_schemathesis import openapi  # pylint: disable=import-outside-toplevel

    return openapi()


def _component(api_schema, name):
    return api_schema["components"]["schemas"][name]["properties"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("TemplateSection", "scale"),
        ("Plan", "template"),
        ("OrgUnit", "parent"),
        ("Employee", "manager"),
        ("Employee", "position"),
        ("Employee", "org_unit"),
        ("Objective", "owner_unit"),
        ("Competency", "cluster"),
    ],
)
def test_fields_returned_as_null_are_nullable(api_schema, component, field):
    assert _component(api_schema, component)[field].get("nullable") is True


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "appraisals/surveys/trends/"),
        ("get", "strategy/cascade/"),
        ("get", "people/{id}/chain/"),
        ("get", "people/{id}/gaps/"),
        ("get", "strategy/objectives/{id}/line-of-sight/"),
        ("get", "strategy/objectives/{id}/progress/"),
        ("get", "competencies/taxonomies/"),
        ("get", "appraisals/cycles/{id}/reports/overdue/"),
        ("post", "strategy/objectives/{id}/cascade/"),
    ],
)
def test_views_answering_a_plain_list_are_not_documented_as_paginated(api_schema, method, path):
    responses = api_schema["paths"][f"/perf-mgmt/api/v1/{path}"][method]["responses"]
    success = responses["200"] if "200" in responses else responses["201"]
    body = success["content"]["application/json"]["schema"]
    assert body.get("type") == "array", body


def test_meeting_mode_may_be_blank(api_schema):
    meeting_mode = _component(api_schema, "ReviewParts")["meeting_mode"]
    values = [value for option in meeting_mode.get("oneOf", [meeting_mode]) for value in _enum(api_schema, option)]
    assert "" in values and "in_person" in values


def _enum(api_schema, option):
    if "$ref" in option:
        option = api_schema["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]]
    return option.get("enum", [])


def test_every_operation_documents_its_errors_with_one_schema(api_schema):
    for path, operations in api_schema["paths"].items():
        for method, operation in operations.items():
            codes = {"400", "401", "403", "404"} | ({"409", "412", "413"} if method != "get" else set())
            assert codes <= set(operation["responses"]), (method, path)
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/PerfMgmtError"}
    assert "PerfMgmtError" in api_schema["components"]["schemas"]


def test_path_ids_are_whole_numbers_from_zero(api_schema):
    parameter = api_schema["paths"]["/perf-mgmt/api/v1/people/{id}/"]["get"]["parameters"][0]
    assert parameter["schema"]["minimum"] == 0 and parameter["schema"]["maximum"] == 2**63 - 1


def test_page_size_must_be_a_whole_number(org):
    from rest_framework.test import APIClient  # pylint: disable=import-outside-toplevel

    client = APIClient()
    client.force_authenticate(org.hr)
    people = reverse("perf_mgmt:api-v1:people")
    for bad in ("null", "-5", "0", "1.5", "x"):
        response = client.get(people, {"page_size": bad})
        assert response.status_code == 400 and "page_size" in response.json(), bad
    assert client.get(people, {"page_size": "2"}).json()["num_pages"] >= 1
    assert client.get(people, {"page_size": "5000"}).status_code == 200  # cut to the largest page


def test_template_patch_refuses_a_section_without_a_title(org):
    from rest_framework.test import APIClient  # pylint: disable=import-outside-toplevel

    from perf_mgmt_plugin.appraisals.models import ReviewTemplate  # pylint: disable=import-outside-toplevel

    ReviewTemplate.objects.create(slug="t", name="T")
    client = APIClient()
    client.force_authenticate(org.hr)
    url = reverse("perf_mgmt:api-v1:appraisal-template", kwargs={"slug": "t"})
    response = client.patch(url, {"sections": [{"kind": "questions"}]}, format="json")
    assert response.status_code == 400 and "title" in str(response.json())
    assert client.patch(url, {"name": "Renamed"}, format="json").status_code == 200  # other fields stay optional


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
