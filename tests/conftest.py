"""
The suite's root: the shared data fixtures (``tests/fixtures``: ``org``, ``strategy``, ``fw``, ``template``, ``cycle``,
each also built once per module on request), the test database settings and ``count_queries``.
"""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

pytest_plugins = ["tests.fixtures.plugin", "tests.fixtures.blocks"]


@pytest.hookimpl(tryfirst=True)  # before pytest-django's own sort, which therefore stays the first key
def pytest_collection_modifyitems(items):
    """
    Modules holding a ``slow`` test run first, in their own order (a stable sort that keeps each module together, so
    its data built once is built once): run in parallel (``-n``), the long tests start at once instead of ending the
    run on one worker while the other waits. pytest-django then sorts by kind, stably, as Django's runner does: tests
    in a transaction, then transactional tests (their flush empties the tables, the rows migrations seeded too), then
    tests without a database; ``--dist load`` hands tests out in that order, so no worker runs a test in a transaction
    after a transactional one.
    """
    slow_modules = {item.module.__name__ for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module.__name__ not in slow_modules)


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


@pytest.fixture(autouse=True)
def starts_in_the_sites_language():
    """
    Each test starts in the site's language. A page rendered in French (``LocaleMiddleware`` activates the request's
    language on the thread) would otherwise leave the next test on the same xdist worker in French, so an English
    message compared by another test would depend on the order the workers ran the tests in.
    """
    from django.conf import settings  # pylint: disable=import-outside-toplevel
    from django.utils import translation  # pylint: disable=import-outside-toplevel

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
