"""Shared fixtures: a small organisation with one person per persona."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey

from lms_host.courses.models import Course, CourseAccessRole

from . import factories

COURSE_KEY = CourseKey.from_string("course-v1:DemoOrg+LEAD101+2026")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request, tmp_path_factory):
    """
    When the session runs a ``celery_worker`` test, put an in-memory SQLite test database in a file instead.

    The worker is another process: it can only see the rows the test writes, and write the rows the test checks,
    if both use the same database. MariaDB's test database is shared as it is; SQLite's default in-memory one is not.
    Other sessions keep the faster in-memory database. ``PERF_MGMT_TEST_SQLITE`` names a file for every session.
    """
    if not any(item.get_closest_marker("celery_worker") for item in request.session.items):
        return
    settings_dict = connections["default"].settings_dict
    test_name = settings_dict.setdefault("TEST", {}).get("NAME")
    if settings_dict["ENGINE"].endswith("sqlite3") and (not test_name or ":memory:" in test_name):
        settings_dict["TEST"]["NAME"] = str(tmp_path_factory.mktemp("shared-db") / "test.sqlite3")


@pytest.fixture
def org(db):
    """
    company > engineering > platform-team; a CEO, a director, a manager with two reports, and an outsider in
    another unit. Plus an HR admin, an HR admin limited to engineering, and a course staff member.
    """
    company = factories.make_unit("ACME", kind="company")
    engineering = factories.make_unit("ENG", parent=company, kind="department")
    platform = factories.make_unit("PLAT", parent=engineering)
    sales = factories.make_unit("SALES", parent=company, kind="department")
    dev = factories.make_position("DEV", "Developer", platform)
    ceo = factories.make_employee("ceo", org_unit=company)
    director = factories.make_employee("director", manager=ceo, org_unit=engineering)
    manager = factories.make_employee("manager", manager=director, org_unit=platform)
    alice = factories.make_employee("alice", manager=manager, org_unit=platform, position=dev)
    bob = factories.make_employee("bob", manager=manager, org_unit=platform, position=dev)
    seller = factories.make_employee("seller", manager=ceo, org_unit=sales)
    hr = factories.make_hr_admin("hr")
    hr_eng = factories.make_hr_admin("hr_eng", scope_units=[engineering])
    staff = factories.make_user("coursestaff")
    Course.objects.create(id=COURSE_KEY, display_name="Leading Teams")
    CourseAccessRole.objects.create(user=staff, course_id=COURSE_KEY, role="staff", org="DemoOrg")
    outsider = factories.make_user("outsider")
    return type(
        "Org",
        (),
        {
            "company": company,
            "engineering": engineering,
            "platform": platform,
            "sales": sales,
            "dev": dev,
            "ceo": ceo,
            "director": director,
            "manager": manager,
            "alice": alice,
            "bob": bob,
            "seller": seller,
            "hr": hr,
            "hr_eng": hr_eng,
            "staff": staff,
            "outsider": outsider,
            "course_key": COURSE_KEY,
        },
    )


@pytest.fixture
def count_queries():
    """``with count_queries() as q: ...; len(q)`` -- the number of queries run in the block."""

    def factory():
        return CaptureQueriesContext(connection)

    return factory


# --- lane speed: LMS events in tests (ADR 0021) --------------------------------------------------------------------
@pytest.fixture(autouse=True)
def learning_events_applied_at_once(request, monkeypatch):
    """
    The receivers record an LMS event and ask for a worker after the platform's transaction commits; a test runs in
    a transaction that never commits, so here the worker (eager Celery) runs at once, right after the record, in
    the same transaction. Tests marked ``deferred_learning_events`` keep the real after-commit path
    (``django_capture_on_commit_callbacks``).
    """
    if request.node.get_closest_marker("deferred_learning_events"):
        return
    from perf_mgmt_plugin import tasks  # pylint: disable=import-outside-toplevel

    monkeypatch.setattr(
        tasks,
        "enqueue_learning_events",
        lambda user_id, course_key, using=None: tasks._send_learning_tasks([(user_id, str(course_key))]),
    )  # noqa: E501
