"""
The REST API against its own OpenAPI schema, with schemathesis (issue 15): every operation of the schema, as a
learner, a manager and an HR admin, with the checks on -- no server error, responses (status codes, content types and
bodies) as the schema documents them. The seed and the number of examples per operation are fixed, so the run is
repeatable and takes about a minute or two on two cores.
"""

import copy
import functools
import os

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# On MariaDB every call after the first answers 500 with "An error occurred in the current transaction" inside the
# test's own transaction (seen 2 Dec 2026, not yet explained: no statement fails before it). The run is the SQLite
# step's, as the issue asks; the MariaDB step runs the rest of the suite.
pytestmark = pytest.mark.skipif(
    os.environ.get("PERF_MGMT_DB") == "mysql", reason="schemathesis runs in the SQLite step (MariaDB: see comment)"
)

#: Examples generated per operation and persona, and the seed: fixed, so every run sends the same requests.
MAX_EXAMPLES = 3
SEED = 20261202
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@functools.cache
def openapi():
    """The API's OpenAPI schema as the LMS serves it (generated once per test run)."""
    generator = SchemaGenerator(urlconf="perf_mgmt_plugin.rest_api.schema_urls")
    return generator.get_schema(request=None, public=True)


def _session_headers(user):
    """A signed-in session with its CSRF token, as a browser sends them (the API's session authentication)."""
    client = Client()
    client.force_login(user)
    token = "a" * 32
    return {"X-CSRFToken": token}, {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}


def _test_of(operation, session, failures, calls):
    """A hypothesis test sending ``operation``'s generated cases and recording what fails the checks."""

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.seed(SEED)
    @hypothesis.given(case=operation.as_strategy())
    def check(case):
        headers, cookies = session
        response = case.call(headers=headers, cookies=cookies)
        calls.append((operation.label, response.status_code))
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}"[:2000])
            raise

    return check


def run_schemathesis(user):
    """Every operation of the schema as ``user``: ``(failures, calls)``."""
    schema = schemathesis.openapi.from_dict(copy.deepcopy(openapi()))
    schema.app = get_wsgi_application()
    session = _session_headers(user)
    failures, calls = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        before = len(failures)
        try:
            _test_of(operation, session, failures, calls)()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 -- hypothesis re-raises the first failing case: reported below
            if len(failures) == before:  # not a check's failure: the test itself broke
                failures.append(f"{operation.label}: {exc!r}"[:2000])
    return failures, calls


@pytest.mark.slow  # hundreds of generated requests per persona
@pytest.mark.parametrize("persona", ["learner", "manager", "hr"])
def test_api_conforms_to_its_schema(org, persona):
    user = {"learner": org.alice.user, "manager": org.manager.user, "hr": org.hr}[persona]
    failures, calls = run_schemathesis(user)
    assert len({label for label, _status in calls}) >= 100  # every operation was called
    assert not failures, "\n\n".join(failures)
