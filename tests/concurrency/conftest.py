"""
The concurrency harness (issue 20, ADR 0015): real transactions on MariaDB at its default REPEATABLE-READ, several
threads -- each with its own connection -- released together by a ``threading.Barrier``, then a check of the data
by SQL (no lost write, no duplicate, parent equal to a fresh recomputation).

Runs only when ``PERF_MGMT_DB=mysql`` (``make test``'s MariaDB step): SQLite serialises writers, so the races these
tests reproduce cannot happen there. Every test uses ``transactional_db``: each thread commits for real.
"""

import datetime
import os
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from perf_mgmt_plugin.development import services as plans
from perf_mgmt_plugin.strategy import services
from perf_mgmt_plugin.strategy.models import CheckIn, Level, Objective, Period
from tests import factories

ON_MYSQL = os.environ.get("PERF_MGMT_DB") == "mysql"
#: Rounds per case: enough to show a race on the old code (it lost most rounds), short enough for ``make test``.
ROUNDS = int(os.environ.get("PERF_MGMT_RACE_ROUNDS", "4"))


@pytest.fixture(autouse=True)
def _mysql_repeatable_read(request):
    """
    Skip off MySQL; else every connection of the test (each thread's too) runs at REPEATABLE-READ, MariaDB's
    default and what production runs (Django's backend asks for READ COMMITTED unless told otherwise).
    """
    if not ON_MYSQL:
        pytest.skip("concurrency suite: needs MariaDB/MySQL (PERF_MGMT_DB=mysql)")
    options = connection.settings_dict.setdefault("OPTIONS", {})
    before = options.get("isolation_level")
    options["isolation_level"] = "repeatable read"
    connections.close_all()
    request.getfixturevalue("transactional_db")
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@tx_isolation" if connection.mysql_is_mariadb else "SELECT @@transaction_isolation")
        assert cursor.fetchone()[0] == "REPEATABLE-READ"
    yield
    connections.close_all()
    if before is None:
        options.pop("isolation_level", None)
    else:
        options["isolation_level"] = before


class Outcome:
    """What one thread's call did: its value, or the exception it raised."""

    def __init__(self, value=None, error=None):
        self.value, self.error = value, error

    @property
    def ok(self):
        return self.error is None

    def __repr__(self):
        return f"Outcome(ok={self.ok}, error={self.error!r})"


def race(*calls, timeout=60):
    """
    Run the callables at the same moment, one thread (so one database connection) each; ``[Outcome, ...]``.

    The threads meet at a barrier right before the call, so their transactions overlap; each closes its
    connection at the end (as a request does).
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout)
            outcomes[index] = Outcome(value=call())
        except Exception as exc:  # noqa: BLE001 (reported to the test, which asserts on it)
            outcomes[index] = Outcome(error=exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert all(outcome is not None for outcome in outcomes), "a thread hung"
    return outcomes


def sql(query, params=()):
    """Rows of a raw SQL query on a fresh read of the committed data."""
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


def errors(outcomes):
    return [outcome.error for outcome in outcomes if not outcome.ok]


@pytest.fixture
def period():
    today = timezone.localdate()
    for rank, name in enumerate(
        ["Strategic objective", "Supporting goal", "Department target", "Team goal", "Individual task"], start=1
    ):
        Level.objects.get_or_create(rank=rank, defaults={"name": name})
    return Period.objects.create(
        name="Race quarter",
        kind=Period.QUARTER,
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=60),
    )


@pytest.fixture
def team_goal(org, period):
    """A team goal of the manager (rolled up) with six individual tasks, one per owner (alice, bob and four more)."""
    levels = {level.rank: level for level in Level.objects.all()}
    owners = [org.alice, org.bob] + [
        factories.make_employee(f"racer{i}", manager=org.manager, org_unit=org.platform) for i in range(4)
    ]
    goal = services.create_objective(
        org.hr, title="Team goal", period=period, owner=org.manager, level=levels[4], measure=Objective.ROLLUP
    )
    numeric = {"measure": Objective.NUMERIC, "start_value": 0, "target_value": 100}
    children = [
        services.create_objective(
            org.manager.user, title=f"Task {i}", period=period, parent=goal, owner=owner, weight=1 + i, **numeric
        )
        for i, owner in enumerate(owners)
    ]
    return type("TeamGoal", (), {"goal": goal, "children": children, "owners": owners})


@pytest.fixture
def make_check_in(org):
    def make():
        return CheckIn.objects.create(
            employee=org.alice, manager=org.manager, scheduled_for=timezone.localdate(), status=CheckIn.SCHEDULED
        )

    return make


@pytest.fixture
def plan(org):
    """Alice's active plan, made by her manager."""
    return plans.create_plan(org.manager.user, org.alice, title="Race plan")
