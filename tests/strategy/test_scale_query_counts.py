"""
The query counts of the strategy benchmark's calls (benchmarks/bench_strategy.py) do not grow with the data: on
cascades of two sizes built by the benchmark's own generator, the full recomputation, one task's progress update,
the path refresh, the manager dashboard and a line of sight run the same number of statements.
"""

import pytest

from benchmarks import org_data, strategy_data
from benchmarks.org_scenarios import count_queries
from perf_mgmt_plugin.strategy import dashboards, rollup, services
from perf_mgmt_plugin.strategy.models import Objective

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark_guard]

#: (people, reporting levels, fan-out per cascade level, progress updates)
SMALL, LARGE = (40, 3, (2, 2, 3), 200), (400, 4, (3, 4, 5, 4), 4000)


def _statements(queries):
    return [q for q in queries.statements if not q.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def _counts(shape, prefix):
    people, depth, fanout, updates = shape
    built = org_data.build_org(org_data.plan_org(people, depth, prefix=prefix))
    cascade = strategy_data.build_cascade(built, roots=2, fanout=fanout, updates=updates, prefix=prefix)
    counts = {}
    with count_queries() as queries:
        rollup.recompute_all(period_ids=[cascade.period_id], notify=False)
    counts["full"] = len(_statements(queries))
    task = Objective.objects.select_related("owner__user").get(pk=cascade.task_ids[-1])
    services.record_progress(task.owner.user, task, value=5)  # the actor's access context is then cached
    with count_queries() as queries:
        services.record_progress(task.owner.user, task, value=15)
    counts["record_progress"] = len(_statements(queries))
    Objective.objects.filter(pk=task.parent_id).update(progress=0.123)  # something for the refresh to rewrite
    with count_queries() as queries:
        rollup.refresh_path(task, notify=False)
    counts["refresh_path"] = len(_statements(queries))
    manager = built.employee(1).user
    dashboards.manager_dashboard(manager)
    with count_queries() as queries:
        dashboards.manager_dashboard(manager)
    counts["manager_dashboard"] = len(_statements(queries))
    with count_queries() as queries:
        services.line_of_sight(task)
    counts["line_of_sight"] = len(_statements(queries))
    return counts, cascade


def test_query_counts_do_not_grow_with_the_cascade():
    small, small_cascade = _counts(SMALL, "Q")
    large, large_cascade = _counts(LARGE, "R")
    assert large_cascade.objectives > 10 * small_cascade.objectives
    # the full recomputation writes changed rows in batches of CASE updates (on SQLite 90 rows a statement, its
    # limit of 999 parameters): its count grows by batch only, never by objective or progress reading
    assert small["full"] <= large["full"] <= small["full"] + large_cascade.objectives // 90 + 1
    for name in ("record_progress", "refresh_path", "manager_dashboard", "line_of_sight"):
        assert large[name] == small[name], name
    assert small["refresh_path"] == 3 and small["line_of_sight"] == 1 and small["manager_dashboard"] == 6
