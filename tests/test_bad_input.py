"""
Bad and huge input found by attacking the demo (issue 15), each a 500 before: now a clear 400 or 413 with a JSON
body over REST, a form error on the pages, a CommandError on the command line, and nothing written.
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from perf_mgmt_plugin.core import limits
from perf_mgmt_plugin.org.models import ImportJob, OrgUnit
from perf_mgmt_plugin.rest_api.v1.parsers import MAX_DEPTH
from perf_mgmt_plugin.strategy import services as strategy_services
from perf_mgmt_plugin.strategy.models import Objective
from tests.appraisals.test_rest_api import client_for as api
from tests.appraisals.test_rest_api import url as rest

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once")

TOO_BIG = 2**63


def _post_raw(client, path, text):
    return client.post(path, text, content_type="application/json")


def test_a_lone_surrogate_in_an_import_is_a_400_and_leaves_no_broken_job(org):
    hr = api(org.hr)
    body = '{"kind": "org_units", "dry_run": false, "rows": [{"code": "\\ud800", "name": "x"}]}'
    response = _post_raw(hr, rest("org-import"), body)
    assert response.status_code == 400 and "not valid Unicode" in response.json()["rows"][0]
    assert not ImportJob.objects.exists() and not OrgUnit.objects.filter(name="x").exists()
    # The same as a .json upload on the page.
    upload = SimpleUploadedFile("units.json", b'[{"code": "\\ud800", "name": "x"}]')
    page = APIClient()
    page.force_login(org.hr)
    answer = page.post(reverse("perf_mgmt:org-import"), {"kind": "org_units", "file": upload})
    assert answer.status_code == 200 and "not valid Unicode" in answer.content.decode()
    assert not ImportJob.objects.exists()


def test_integers_beyond_64_bits_are_a_400(org, strategy):  # noqa: F811
    from perf_mgmt_plugin.development import services as development

    plan = development.create_plan(org.manager.user, org.alice)
    manager = api(org.manager.user)
    hr = api(org.hr)
    cascade = _post_raw(hr, rest("objective-cascade", pk=strategy.team.pk), json.dumps({"owners": [TOO_BIG]}))
    approve = _post_raw(manager, rest("plan-items-approve", pk=plan.pk), json.dumps({"items": [TOO_BIG]}))
    negative = _post_raw(manager, rest("plan-items-approve", pk=plan.pk), json.dumps({"items": [-TOO_BIG - 1]}))
    for response in (cascade, approve, negative):
        assert response.status_code == 400 and "out of range" in response.json()["detail"], response.content


def test_deeply_nested_json_is_a_400(org):
    manager = api(org.manager.user)
    path = rest("appraisal-person-notes", pk=org.alice.pk)
    deep = _post_raw(manager, path, '{"body": ' + "[" * 1000 + "]" * 1000 + "}")
    assert deep.status_code == 400 and "nested deeper" in deep.json()["detail"]
    just_too_deep = _post_raw(manager, path, '{"body": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}")
    assert just_too_deep.status_code == 400
    assert _post_raw(manager, path, '{"body": "fine", "tag": "recognition"}').status_code == 201


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity"])
def test_non_finite_numbers_are_a_400(org, strategy, number):  # noqa: F811
    alice = api(org.alice.user)
    response = _post_raw(alice, rest("objective-progress", pk=strategy.alice_task.pk), '{"value": %s}' % number)
    assert response.status_code == 400 and "detail" in response.json()


def test_huge_weights_and_values_are_refused_and_progress_stays_a_number(org, strategy):  # noqa: F811
    hr = api(org.hr)
    for field, value in (("weight", 1e308), ("weight", 1001), ("target_value", 1e300), ("start_value", -1e13)):
        response = hr.patch(rest("objective", pk=strategy.alice_task.pk), {field: value}, format="json")
        assert response.status_code == 400, (field, response.content)
    with pytest.raises(strategy_services.StrategyError):
        strategy_services.update_objective(org.hr, strategy.bob_task, weight=float("inf"))
    huge = {"value": 1e300}
    assert (
        api(org.alice.user).post(rest("objective-progress", pk=strategy.alice_task.pk), huge, format="json").status_code
        == 400
    )
    # Sibling weights at the bound still roll up to a number, and later updates work.
    strategy_services.update_objective(org.hr, strategy.alice_task, weight=limits.MAX_WEIGHT)
    strategy_services.update_objective(org.hr, strategy.bob_task, weight=limits.MAX_WEIGHT)
    ok = api(org.alice.user).post(rest("objective-progress", pk=strategy.alice_task.pk), {"value": 3}, format="json")
    assert ok.status_code == 200, ok.content
    for objective in Objective.objects.all():
        assert objective.progress == objective.progress  # not NaN


def test_an_oversize_json_body_is_a_json_413(org, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    manager = api(org.manager.user)
    response = _post_raw(manager, rest("appraisal-person-notes", pk=org.alice.pk), json.dumps({"body": "x" * 2000}))
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in response.json()["detail"]


@override_settings(PERF_MGMT_IMPORT_MAX_BYTES=1000)
def test_imports_above_the_ceiling_are_refused_on_every_entry_point(org, tmp_path):
    csv_text = "code,name\n" + "".join(f"U{i},Unit {i}\n" for i in range(200))
    assert len(csv_text) > 1000
    hr = api(org.hr)
    rest_upload = hr.post(rest("org-import"), {"kind": "org_units", "file": io.BytesIO(csv_text.encode())})
    assert rest_upload.status_code == 413 and "PERF_MGMT_IMPORT_MAX_BYTES" in rest_upload.json()["detail"]
    framework = hr.post(rest("framework-import"), {"file": SimpleUploadedFile("f.csv", csv_text.encode())})
    assert framework.status_code == 413
    page = APIClient()
    page.force_login(org.hr)
    answer = page.post(
        reverse("perf_mgmt:org-import"), {"kind": "org_units", "file": SimpleUploadedFile("u.csv", csv_text.encode())}
    )
    assert answer.status_code == 200 and "PERF_MGMT_IMPORT_MAX_BYTES" in answer.content.decode()
    path = tmp_path / "units.csv"
    path.write_text(csv_text)
    with pytest.raises(CommandError, match="PERF_MGMT_IMPORT_MAX_BYTES"):
        call_command("import_org_chart", str(path), "--kind", "org_units")
    assert not ImportJob.objects.exists() and not OrgUnit.objects.filter(code="U1").exists()
    # Under the ceiling, the same entry point imports.
    small = "code,name\nU1,Unit 1\n"
    ok = hr.post(rest("org-import"), {"kind": "org_units", "file": SimpleUploadedFile("u.csv", small.encode())})
    assert ok.status_code == 200, ok.content


def test_integers_beyond_64_bits_in_forms_and_queries_are_a_400(org, strategy):  # noqa: F811
    """Outside JSON (a form body, a query parameter) the database's overflow is answered 400 too."""
    from perf_mgmt_plugin.development import services as development

    plan = development.create_plan(org.manager.user, org.alice)
    manager = api(org.manager.user)
    form = manager.post(rest("plan-items-approve", pk=plan.pk), {"items": [str(TOO_BIG)]}, format="multipart")
    assert form.status_code == 400 and form["Content-Type"] == "application/json", form.content
    query = api(org.hr).get(rest("gap-audit-cell"), {"by": "org_unit", "row": str(TOO_BIG), "competency": "1"})
    assert query.status_code in (400, 200), query.content
