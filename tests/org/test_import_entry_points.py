"""
The org chart import's entry points -- REST API, HR page, management command, Celery task -- and its jobs
(progress, kept rows, retirement). The import itself is tested in test_importer; here, that each adapter calls it
the same way, enforces the permission and reports errors with their line numbers.
"""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lms_host.celery import app as celery_app
from perf_mgmt_plugin import api, tasks
from perf_mgmt_plugin.org import importer
from perf_mgmt_plugin.org.models import Employee, ImportJob, OrgUnit

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("org_once"),
]

User = get_user_model()
API_URL = "/perf-mgmt/api/v1/org-import/"
PAGE_URL = "/perf-mgmt/org-import/"


@pytest.fixture(autouse=True)
def eager_celery(monkeypatch):
    """Tasks run in the test process, whatever broker the environment names."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", True)


@pytest.fixture
def hr_api(org):
    client = APIClient()
    client.force_login(org.hr)
    return client


def people_csv(org, *extra):
    lines = [
        "employee_number,username,email,first_name,last_name,org_unit,manager",
        "N1,newbie,newbie@example.com,New,Bie,PLAT," + org.manager.employee_number,
        f"{org.alice.employee_number},alice,,,,SALES,{org.seller.employee_number}",
        *extra,
    ]
    return ("\n".join(lines) + "\n").encode()


def people_json(org):
    return [
        {"employee_number": "N1", "username": "newbie", "email": "newbie@example.com", "manager": "", "active": True},
        {"employee_number": org.alice.employee_number, "username": "alice", "org_unit": "SALES"},
    ]


# ---------------------------------------------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------------------------------------------


def test_api_json_dry_run_answers_the_result_and_writes_nothing(org, hr_api):
    response = hr_api.post(
        API_URL, {"kind": "employees", "rows": people_json(org), "create_users": True}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["dry_run"] is True and data["status"] == "succeeded"
    result = data["result"]
    assert (result["ok"], result["applied"], result["created"], result["updated"]) == (True, False, 1, 1)
    assert {row["key"]: row["action"] for row in result["rows"]} == {
        "N1": "created",
        org.alice.employee_number: "updated",
    }
    assert not User.objects.filter(username="newbie").exists()
    job = ImportJob.objects.get(pk=data["id"])
    assert (job.user, job.origin, job.payload) == (org.hr, "api", None)


def test_api_json_apply_with_a_bad_row_writes_nothing_and_lists_errors(org, hr_api):
    rows = people_json(org) + [
        {"employee_number": "N3", "username": "n3", "email": "n3@example.com", "manager": "GONE"}
    ]
    response = hr_api.post(API_URL, {"rows": rows, "dry_run": False, "create_users": True}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "failed" and data["result"]["applied"] is False
    assert [(e["line"], e["code"]) for e in data["errors"]] == [(3, "unknown_manager")]
    assert not User.objects.filter(username="newbie").exists()


def test_api_csv_upload_applies(org, hr_api):
    upload = SimpleUploadedFile("people.csv", people_csv(org), content_type="text/csv")
    response = hr_api.post(
        API_URL, {"file": upload, "kind": "employees", "dry_run": "false", "create_users": "true"}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["result"]["applied"] is True
    assert Employee.objects.get(employee_number="N1").manager_id == org.manager.pk
    assert Employee.objects.get(pk=org.alice.pk).org_unit == org.sales
    assert ImportJob.objects.get().source_name == "people.csv"


def test_api_large_input_runs_as_a_task_and_reports_progress(org, hr_api, settings, django_capture_on_commit_callbacks):
    settings.PERF_MGMT_IMPORT_ASYNC_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_api.post(
            API_URL, {"rows": people_json(org), "dry_run": False, "create_users": True}, format="json"
        )
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["status"] == "pending" and data["total_rows"] == 2
    assert data["status_url"].endswith(f"/perf-mgmt/api/v1/org-import/{data['id']}/")
    status = hr_api.get(data["status_url"]).json()
    assert status["status"] == "succeeded" and status["processed_rows"] == 2
    assert (status["result"]["created"], status["result"]["updated"], status["result"]["applied"]) == (1, 1, True)
    assert User.objects.filter(username="newbie").exists()
    assert ImportJob.objects.get(pk=data["id"]).payload is None  # the uploaded rows are gone once the job ended


def test_api_refuses_unreadable_input(org, hr_api):
    assert hr_api.post(API_URL, {"rows": []}, format="json").status_code == 400
    assert hr_api.post(API_URL, {"rows": [{"code": "A"}], "kind": "galaxies"}, format="json").status_code == 400
    upload = SimpleUploadedFile("people.csv", b"\xff\xfe\x00", content_type="text/csv")
    response = hr_api.post(API_URL, {"file": upload}, format="multipart")
    assert response.status_code == 400 and "UTF-8" in response.json()["file"][0]
    assert not ImportJob.objects.exists()


def test_api_permission(org):
    client = APIClient()
    assert client.post(API_URL, {"rows": people_json(org)}, format="json").status_code in (401, 403)
    job = importer.create_job("employees", people_json(org), user=org.hr)
    assert client.get(f"{API_URL}{job.pk}/").status_code in (401, 403)
    for user in (org.outsider, org.manager.user, org.hr_eng):  # HR admins limited to some units cannot import either
        client.force_login(user)
        assert client.post(API_URL, {"rows": people_json(org)}, format="json").status_code == 403
        assert client.get(f"{API_URL}{job.pk}/").status_code == 403
    client.force_login(org.hr)
    assert client.get(f"{API_URL}{job.pk + 100}/").status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Celery task and jobs
# ---------------------------------------------------------------------------------------------------------------


def test_task_runs_a_pending_job_once(org):
    job = importer.create_job("employees", people_json(org), user=org.hr, dry_run=False, create_users=True, keep=True)
    tasks.run_org_import.delay(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.payload is None and job.result["created"] == 1
    assert Employee.history.filter(history_user=org.hr).count() == 2
    finished_at, history = job.finished_at, Employee.history.count()
    tasks.run_org_import(job.pk)  # a duplicated or retried message
    job.refresh_from_db()
    assert job.finished_at == finished_at and Employee.history.count() == history
    tasks.run_org_import(job.pk + 100)  # a job that does not exist: nothing to do


def test_a_failing_job_ends_failed_and_drops_its_rows(org, monkeypatch):
    job = importer.create_job("employees", people_json(org), user=org.hr, dry_run=False, keep=True)

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(importer, "run_import", explode)
    tasks.run_org_import(job.pk)
    job.refresh_from_db()
    assert (job.status, job.payload, job.errors[0]["message"]) == ("failed", None, "database went away")


def test_progress_is_reported_while_validating_and_writing(org, monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 1)
    calls = []
    importer.import_employees(
        importer.rows_from_json(people_json(org)),
        dry_run=False,
        create_users=True,
        progress=lambda phase, done, total: calls.append((phase, done, total)),
    )
    assert ("validating", 1, 2) in calls and ("validating", 2, 2) in calls
    assert calls[-1] == ("writing", 2, 2)


def test_live_progress_of_a_running_job_comes_from_the_cache(org):
    job = importer.create_job("employees", people_json(org), user=org.hr)
    assert importer.job_progress(job) == ("", 0, 2)
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    job.refresh_from_db()
    cache.set(importer._progress_key(job.pk), ("writing", 1))
    assert importer.job_progress(job) == ("writing", 1, 2)


def test_expired_previews_lose_their_rows(org):
    job = importer.create_job("employees", people_json(org), user=org.hr, origin="page", create_users=True, keep=True)
    importer.execute_job(job)
    job.refresh_from_db()
    assert job.payload is not None  # kept for "Apply"
    ImportJob.objects.filter(pk=job.pk).update(created=timezone.now() - importer.PREVIEW_TTL - timedelta(minutes=1))
    assert importer.discard_expired_previews() == 1
    job.refresh_from_db()
    assert job.payload is None


def test_a_job_whose_worker_died_is_failed_on_the_next_upload(org, settings):
    settings.PERF_MGMT_IMPORT_TIMEOUT_MINUTES = 30
    dead = importer.create_job("employees", people_json(org), user=org.hr, keep=True)
    alive = importer.create_job("employees", people_json(org), user=org.hr, keep=True)
    long_ago = timezone.now() - timedelta(minutes=31)
    ImportJob.objects.filter(pk=dead.pk).update(status="running", started_at=long_ago)
    ImportJob.objects.filter(pk=alive.pk).update(status="running", started_at=timezone.now() - timedelta(minutes=29))

    importer.create_job("employees", people_json(org), user=org.hr)

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.payload, [e["code"] for e in dead.errors]) == ("failed", None, ["stalled"])
    assert "Nothing was changed" in dead.errors[0]["message"] and dead.finished_at is not None
    assert alive.status == "running" and alive.payload is not None
    assert importer.execute_job(dead) is None  # a failed job is never run again


# ---------------------------------------------------------------------------------------------------------------
# Management command
# ---------------------------------------------------------------------------------------------------------------


def run_command(*args):
    out, err = StringIO(), StringIO()
    call_command("import_org_chart", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_dry_run_prints_the_diff_and_writes_nothing(org, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(people_csv(org))
    out, _err = run_command(str(path), "--dry-run", "--create-users")
    assert "nothing was written" in out
    assert "created 1, updated 1, unchanged 0" in out
    assert f"line 3 {org.alice.employee_number} updated: org_unit: PLAT -> SALES" in out
    assert not User.objects.filter(username="newbie").exists()


def test_command_applies_as_a_user_and_is_idempotent(org, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(people_csv(org))
    out, _err = run_command(str(path), "--create-users", "--as-user", "hr")
    assert "Imported employees" in out and "users created 1" in out
    assert Employee.history.filter(id=org.alice.pk).first().history_user == org.hr
    out, _err = run_command(str(path), "--create-users", "--as-user", "hr")
    assert "created 0, updated 0, unchanged 2" in out


def test_command_errors_have_line_numbers_and_a_non_zero_exit(org, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(people_csv(org, "N3,nobody,,,,,NOPE"))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="3 error"):
        call_command("import_org_chart", str(path), stdout=out, stderr=err)
    errors = err.getvalue()
    assert "line 2 [username]" in errors and "line 4 [manager]" in errors and "line 4 [username]" in errors
    assert not User.objects.filter(username="newbie").exists()


def test_command_imports_org_units_from_json_and_refuses_bad_arguments(org, tmp_path):
    path = tmp_path / "units.json"
    path.write_text(json.dumps([{"code": "OPS", "name": "Operations", "kind": "department", "parent": "ACME"}]))
    run_command(str(path), "--kind", "org_units")
    assert OrgUnit.objects.get(code="OPS").parent == org.company
    with pytest.raises(CommandError, match="Cannot read"):
        run_command(str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="No user"):
        run_command(str(path), "--as-user", "ghost")


# ---------------------------------------------------------------------------------------------------------------
# HR page
# ---------------------------------------------------------------------------------------------------------------


def upload(client, content, name="people.csv", **fields):
    data = {"kind": "employees", "file": SimpleUploadedFile(name, content, content_type="text/csv"), **fields}
    return client.post(PAGE_URL, data)


def test_page_flow_upload_preview_apply_result(org, client):
    client.force_login(org.hr)
    page = client.get(PAGE_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{PAGE_URL}"' in html  # the nav entry
    assert 'for="id_file"' in html and 'for="id_kind"' in html and 'for="id_create_users"' in html

    response = upload(client, people_csv(org), create_users="on")
    assert response.status_code == 302
    preview = ImportJob.objects.get()
    assert response["Location"] == reverse("perf_mgmt:org-import-job", args=[preview.pk])
    assert (preview.dry_run, preview.status, preview.origin) == (True, "succeeded", "page")
    assert preview.payload is not None  # kept on the server for "Apply", not in the session
    assert not User.objects.filter(username="newbie").exists()

    html = client.get(response["Location"]).content.decode()
    assert "Apply these changes" in html and "PLAT → SALES" in html and "newbie" in html

    response = client.post(reverse("perf_mgmt:org-import-apply", args=[preview.pk]))
    assert response.status_code == 302
    applied = ImportJob.objects.exclude(pk=preview.pk).get()
    assert (applied.dry_run, applied.status, applied.payload) == (False, "succeeded", None)
    preview.refresh_from_db()
    assert (preview.payload, preview.applied_by) == (None, applied)
    assert Employee.objects.get(employee_number="N1").user.username == "newbie"
    assert Employee.history.filter(id=org.alice.pk).first().history_user == org.hr

    html = client.get(response["Location"]).content.decode()
    assert "Saved" in html and "Apply these changes" not in html
    again = client.post(reverse("perf_mgmt:org-import-apply", args=[preview.pk]))
    assert again.status_code == 409 and 'role="alert"' in again.content.decode()


def test_page_shows_row_errors_with_lines_and_offers_no_apply(org, client):
    client.force_login(org.hr)
    response = upload(client, people_csv(org, "N3,nobody,,,,,NOPE"))
    html = client.get(response["Location"]).content.decode()
    assert 'role="alert"' in html and "nothing was saved" in html
    assert '<th scope="row">4</th><td>manager</td>' in html
    assert "Apply these changes" not in html
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.payload is None
    rejected = client.post(reverse("perf_mgmt:org-import-apply", args=[job.pk]))
    assert rejected.status_code == 409


def test_page_refuses_unreadable_files_on_the_form(org, client):
    client.force_login(org.hr)
    response = upload(client, b"employee_number\n")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode() and "no rows" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_only_the_uploader_can_apply_their_preview(org, client):
    other_hr = type(org.hr).objects.create_user("hr2", password="pass", is_superuser=True)
    client.force_login(org.hr)
    upload(client, people_csv(org), create_users="on")
    preview = ImportJob.objects.get()
    client.force_login(other_hr)
    assert (
        "Apply these changes" not in client.get(reverse("perf_mgmt:org-import-job", args=[preview.pk])).content.decode()
    )
    assert client.post(reverse("perf_mgmt:org-import-apply", args=[preview.pk])).status_code == 409
    assert not User.objects.filter(username="newbie").exists()


def test_large_files_show_a_progress_page_then_the_preview(org, client, settings, django_capture_on_commit_callbacks):
    settings.PERF_MGMT_IMPORT_ASYNC_ROWS = 1
    client.force_login(org.hr)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, people_csv(org), create_users="on")
    job = ImportJob.objects.get()
    assert job.status == "pending"
    html = client.get(response["Location"]).content.decode()
    assert "<progress" in html and "perf_mgmt/import_progress.js" in html
    assert f'data-import-status-url="{API_URL}{job.pk}/"' in html
    assert finders.find("perf_mgmt/import_progress.js")
    for callback in callbacks:
        callback()
    html = client.get(response["Location"]).content.decode()
    assert "Apply these changes" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("perf_mgmt:org-import-apply", args=[job.pk]))
    assert Employee.objects.filter(employee_number="N1").exists()


def test_page_permission(org, client):
    response = client.get(PAGE_URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    for user in (org.outsider, org.alice.user, org.hr_eng):
        client.force_login(user)
        assert client.get(PAGE_URL).status_code == 403
        assert upload(client, people_csv(org)).status_code == 403
    client.force_login(org.hr_eng)
    assert f'href="{PAGE_URL}"' not in client.get("/perf-mgmt/people/").content.decode()  # no nav entry either


# ---------------------------------------------------------------------------------------------------------------
# Retirement
# ---------------------------------------------------------------------------------------------------------------


def test_retiring_a_user_removes_them_from_import_jobs(org):
    applied = importer.create_job("employees", people_json(org), user=org.hr, dry_run=False, create_users=True)
    importer.execute_job(applied, importer.rows_from_json(people_json(org)))
    preview = importer.create_job(
        "employees", people_json(org), user=org.alice.user, origin="page", create_users=True, keep=True
    )
    importer.execute_job(preview)
    newbie = User.objects.get(username="newbie")

    api.retire_user(newbie)
    applied.refresh_from_db()
    preview.refresh_from_db()
    assert [row["key"] for row in applied.result["rows"]] == [org.alice.employee_number]
    assert [row[1]["username"] for row in preview.payload] == ["alice"]
    assert "newbie" not in json.dumps([applied.result, preview.payload, preview.result])

    api.retire_user(User.objects.get(pk=org.alice.user_id))
    preview.refresh_from_db()
    assert preview.user is None and preview.payload == []
