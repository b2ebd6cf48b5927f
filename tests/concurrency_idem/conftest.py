"""
Concurrency cases of optimistic edits and idempotent creates (ADR 0016), on MariaDB only (SQLite serialises every
write, so it cannot show a race). Real threads, each with its own database connection, start together at a
``threading.Barrier`` and go through the HTTP entry points; the data is checked by SQL at the end.

Run: ``PERF_MGMT_DB=mysql PERF_MGMT_DB_NAME=pm_x pytest tests/concurrency_idem`` (part of ``make test``'s MariaDB
step); elsewhere they are skipped.
"""

import os
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

ON_MYSQL = os.environ.get("PERF_MGMT_DB") == "mysql"


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.mysql)
            if not ON_MYSQL:
                item.add_marker(pytest.mark.skip(reason="concurrency cases need MariaDB (PERF_MGMT_DB=mysql)"))


def api_client(user):
    """A signed-in REST client (its session made now, in the main thread)."""
    client = APIClient()
    client.force_login(user)
    return client


def race(calls):
    """
    Run each of ``calls`` (functions of no argument) in its own thread, all released at once by a barrier; returns
    their results in order (an exception is returned, not raised). Every thread closes its connection.
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001  pylint: disable=broad-except
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def sql(query, *params):
    """Rows of a plain SQL query (the data check at the end of each case)."""
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()
