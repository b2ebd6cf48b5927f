"""
The org chart import on a real Celery worker: a separate ``celery worker`` process, Redis as the broker, and the
same database as the test (``tests/conftest.py`` puts SQLite's test database in a file for these sessions).

This is what the eager tests of the entry points cannot show: that the job reaches the worker through the broker on
the configured queue only once its row is committed, that the worker finds the job and its rows in the database,
and that the progress, result and imported rows it writes are what the HR page and the REST API then read.

Run with ``pytest -m celery_worker``. Redis is expected at ``PERF_MGMT_TEST_REDIS_URL`` (default
``redis://127.0.0.1:6379/13``, a database of its own: it is flushed before and after the test). Without Redis
the test is skipped, except under ``PERF_MGMT_REQUIRE_ALL=1`` (CI), where it fails.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from celery.signals import after_task_publish
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from lms_host.celery import app as celery_app
from perf_mgmt_plugin.org import api as org_api
from perf_mgmt_plugin.org import importer
from perf_mgmt_plugin.org.models import Employee, ImportJob

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("PERF_MGMT_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
ROOT = Path(__file__).resolve().parent.parent
API_URL = "/perf-mgmt/api/v1/org-import/"
QUEUE = "perf_mgmt_worker_test"
#: Seconds allowed for the worker to start, and for the job to finish once queued.
STARTUP_TIMEOUT = 30
JOB_TIMEOUT = 30


@pytest.fixture
def redis_broker():
    """The test's own Redis database, empty; the test is skipped when Redis does not answer."""
    import redis  # noqa: PLC0415  (the Redis transport's client; imported here so the module always collects)

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        reason = f"Redis is not reachable at {REDIS_URL} ({exc}); start redis-server to run the worker test"
        if os.environ.get("PERF_MGMT_REQUIRE_ALL") == "1":  # CI (.ci/run): every part of the suite must run
            pytest.fail(reason)
        pytest.skip(reason)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def broker_app(redis_broker, monkeypatch):
    """The host's Celery app in this process, sending to Redis instead of running tasks eagerly."""
    monkeypatch.setitem(celery_app.conf, "broker_url", redis_broker)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    _drop_connection_pools()
    yield celery_app
    _drop_connection_pools()


def _drop_connection_pools():
    # The app caches its broker connection and producer pools on first use; drop them (as Celery does after a
    # fork) so that the broker URL set above, and later the restored one, is the one used.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _worker_database_env():
    """Environment variables that make ``lms_host.settings`` use the test database (see its docstring)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("mysql"):
        return {
            "PERF_MGMT_DB": "mysql",
            "PERF_MGMT_DB_NAME": db["NAME"],
            "PERF_MGMT_DB_HOST": db["HOST"] or "127.0.0.1",
            "PERF_MGMT_DB_PORT": str(db["PORT"] or "3306"),
            "PERF_MGMT_DB_USER": db["USER"],
            "PERF_MGMT_DB_PASSWORD": db["PASSWORD"],
        }
    name = str(db["NAME"])
    assert db["ENGINE"].endswith("sqlite3") and "memory" not in name, f"the worker cannot share database {name!r}"
    return {"PERF_MGMT_DB": "sqlite", "PERF_MGMT_SQLITE_PATH": name}


class EventLog:
    """The worker's events (``-E``), received through the broker in a background thread."""

    def __init__(self, app):
        self.events = []
        self._changed = threading.Condition()
        self._connection = app.connection_for_read()
        self._receiver = app.events.Receiver(self._connection, handlers={"*": self._record})
        self._thread = threading.Thread(target=self._receiver.capture, kwargs={"wakeup": False}, daemon=True)
        self._thread.start()

    def _record(self, event):
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait_for(self, predicate, timeout, poke=None):
        """The first event matching ``predicate``, calling ``poke()`` every half second while there is none."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((event for event in self.events if predicate(event)), None)
                if found or time.monotonic() > deadline:
                    return found
                if poke:
                    poke()
                self._changed.wait(0.5)

    def close(self):
        self._receiver.should_stop = True
        self._thread.join(timeout=5)
        self._connection.release()


@pytest.fixture
def worker_process(broker_app, settings, tmp_path, transactional_db):
    """
    A ``celery worker`` process on the test database and the test's Redis, consuming the plugin's queue; stopped
    (warm shutdown, then killed) when the test ends, before the database is flushed.
    """
    settings.PERF_MGMT_CELERY_QUEUE = QUEUE
    queue = settings.PERF_MGMT_CELERY_QUEUE or broker_app.conf.task_default_queue
    hostname = f"perf-mgmt-test-{uuid.uuid4().hex[:8]}@localhost"
    log_file = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms_host.settings",
        "PERF_MGMT_SETTINGS_TYPE": "test",
        "CELERY_BROKER_URL": broker_app.conf.broker_url,
        # Tasks the worker itself enqueues (the import's follow-ups) go to the queue it consumes.
        "PERF_MGMT_CELERY_QUEUE": queue,
        "PYTHONPATH": str(ROOT),
        **_worker_database_env(),
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        *("-A", "lms_host", "worker", "--pool=solo", "-Q", queue, "-n", hostname, "-E"),
        *("--without-gossip", "--without-mingle", "-l", "INFO", "--logfile", str(log_file)),
    ]
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
    )
    events = EventLog(broker_app)
    worker = type("Worker", (), {"process": process, "hostname": hostname, "queue": queue, "log": log_file})
    worker.events = events
    try:
        online = events.wait_for(
            lambda event: event.get("hostname") == hostname and event["type"].startswith("worker-"),
            STARTUP_TIMEOUT,
            # Ask for a heartbeat until the worker answers: it may be up before the receiver listens.
            poke=lambda: (
                _check_alive(process, log_file) or broker_app.control.broadcast("heartbeat", destination=[hostname])
            ),
        )
        assert online, f"the worker did not come up within {STARTUP_TIMEOUT}s:\n{_read(log_file)}"
        yield worker
    finally:
        events.close()
        _stop(process)


def _check_alive(process, log_file):
    if process.poll() is not None:
        pytest.fail(f"the worker exited with status {process.returncode}:\n{_read(log_file)}")


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, then exit
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _read(path):
    return path.read_text() if path.exists() else "(no log)"


@pytest.fixture
def published():
    """``(task name, task id, routing key)`` of every task message this process sends to the broker."""
    messages = []

    def record(sender=None, headers=None, routing_key=None, **kwargs):
        messages.append((sender, headers["id"], routing_key))

    after_task_publish.connect(record, weak=False)
    yield messages
    after_task_publish.disconnect(record)


def test_org_import_runs_on_the_worker(org, worker_process, published, settings, monkeypatch):
    settings.PERF_MGMT_IMPORT_ASYNC_ROWS = 10

    def not_here(job_id):
        raise AssertionError("the import ran in the test process: the task was not sent to the worker")

    monkeypatch.setattr(importer, "run_job", not_here)
    monkeypatch.setattr(org_api, "run_job", not_here)  # what the task calls
    assert celery_app.conf.task_always_eager is False

    # A small organisation under the existing manager, plus a move of an existing employee: 26 rows.
    rows = [{"employee_number": "W000", "username": "w000", "email": "w000@example.com", "org_unit": "PLAT"}]
    rows[0]["manager"] = org.manager.employee_number
    for i in range(1, 25):
        rows.append(
            {
                "employee_number": f"W{i:03}",
                "username": f"w{i:03}",
                "email": f"w{i:03}@example.com",
                "first_name": f"Worker{i}",
                "org_unit": "PLAT",
                "manager": "W000" if i <= 4 else f"W{(i - 1) % 4 + 1:03}",
            }
        )
    rows.append({"employee_number": org.alice.employee_number, "org_unit": "SALES"})
    client = APIClient()
    client.force_login(org.hr)

    response = client.post(
        API_URL, {"kind": "employees", "rows": rows, "dry_run": False, "create_users": True}, format="json"
    )

    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert [(name, routing_key) for name, _, routing_key in published] == [("perf_mgmt.run_org_import", QUEUE)]
    task_id = published[0][1]

    def poll():
        return client.get(f"{API_URL}{job_id}/").json()

    deadline = time.monotonic() + JOB_TIMEOUT
    data = poll()
    while data["status"] in (ImportJob.PENDING, ImportJob.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.2)
        data = poll()
    assert data["status"] == ImportJob.SUCCEEDED, f"{data}\n{_read(worker_process.log)}"

    # The job as the worker left it, read back through the REST API.
    assert data["errors"] == []
    assert (data["processed_rows"], data["total_rows"], data["phase"]) == (26, 26, "")
    assert data["started_at"] and data["finished_at"]
    result = data["result"]
    assert (result["applied"], result["created"], result["updated"], result["unchanged"]) == (True, 25, 1, 0)
    assert result["users_created"] == 25
    job = ImportJob.objects.get(pk=job_id)
    assert job.payload is None  # the rows are dropped once done

    # The rows the worker wrote.
    imported = Employee.objects.filter(employee_number__startswith="W").select_related("manager", "user")
    assert imported.count() == 25
    assert get_user_model().objects.filter(username__startswith="w", email__endswith="@example.com").count() == 25
    w009 = imported.get(employee_number="W009")
    assert (w009.manager.employee_number, w009.user.first_name) == ("W001", "Worker9")
    top = imported.get(employee_number="W000")
    assert w009.path.startswith(top.path) and top.path.startswith(org.manager.path)
    org.alice.refresh_from_db()
    assert org.alice.org_unit == org.sales
    assert w009.history.get().history_user == org.hr

    # It was that worker process that ran the task, and its id came back from it through Redis.
    def event(kind):
        return worker_process.events.wait_for(lambda e: e["type"] == kind and e.get("uuid") == task_id, 5)

    received, succeeded = event("task-received"), event("task-succeeded")
    assert received and succeeded, worker_process.events.events
    assert received["name"] == "perf_mgmt.run_org_import" and str(job_id) in received["args"]
    assert succeeded["hostname"] == worker_process.hostname
    assert succeeded["pid"] == worker_process.process.pid != os.getpid()
    log = _read(worker_process.log)
    assert f"perf_mgmt.run_org_import[{task_id}] received" in log
    assert f"perf_mgmt.run_org_import[{task_id}] succeeded" in log
    assert "ERROR/" not in log, log  # nor did anything else the worker ran (the import's follow-ups) fail


def test_cycle_launch_runs_on_the_worker(org, worker_process, published, monkeypatch):
    """
    An appraisal cycle launched through the api and ``tasks.enqueue_cycle_launch`` (as its page does): the message
    leaves only at commit, on the plugin's queue; the worker creates the reviews and items and records the progress
    that the cycle page reads back.
    """
    import datetime  # noqa: PLC0415

    from django.db import transaction  # noqa: PLC0415

    from perf_mgmt_plugin import api, tasks  # noqa: PLC0415
    from perf_mgmt_plugin.appraisals import api as appraisals_api  # noqa: PLC0415
    from perf_mgmt_plugin.appraisals import cycles, launch, templates  # noqa: PLC0415
    from perf_mgmt_plugin.appraisals.models import Cycle, Review, ReviewItem  # noqa: PLC0415

    def not_here(cycle_id, **kwargs):
        raise AssertionError("the launch ran in the test process: the task was not sent to the worker")

    monkeypatch.setattr(launch, "run_launch", not_here)
    monkeypatch.setattr(appraisals_api, "run_launch", not_here)  # what the task calls
    template = templates.create_template(
        org.hr,
        slug="worker",
        name="Worker review",
        sections=[{"kind": "questions", "title": "Questions", "questions": ["What went well?", "What next?"]}],
    )
    dates = cycles.suggested_dates(Cycle.MONTHLY, datetime.date.today())
    cycle = cycles.create_cycle(org.hr, name="Worker cycle", template=template, units=[org.engineering], **dates)
    with transaction.atomic():
        api.start_cycle_launch(org.hr, cycle)
        tasks.enqueue_cycle_launch(cycle)
        assert published == []  # nothing is sent before the launch state is committed
    assert [(name, routing_key) for name, _, routing_key in published] == [("perf_mgmt.launch_review_cycle", QUEUE)]
    task_id = published[0][1]

    deadline = time.monotonic() + JOB_TIMEOUT
    progress = api.cycle_launch_progress(cycle)
    while progress[0] == Cycle.LAUNCH_RUNNING and time.monotonic() < deadline:
        time.sleep(0.2)
        progress = api.cycle_launch_progress(cycle)
    assert progress == (Cycle.LAUNCH_DONE, 4, 4, ""), _read(worker_process.log)
    assert set(Review.objects.filter(cycle=cycle).values_list("employee__user__username", flat=True)) == {
        "director",
        "manager",
        "alice",
        "bob",
    }
    assert ReviewItem.objects.filter(review__cycle=cycle).count() == 8
    succeeded = worker_process.events.wait_for(lambda e: e["type"] == "task-succeeded" and e.get("uuid") == task_id, 5)
    assert succeeded and succeeded["hostname"] == worker_process.hostname
    log = _read(worker_process.log)
    assert f"perf_mgmt.launch_review_cycle[{task_id}] succeeded" in log
    assert "ERROR/" not in log, log
