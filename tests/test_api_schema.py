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
