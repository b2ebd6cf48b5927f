"""
The query counts of the org benchmark's calls (benchmarks/bench_org.py) do not grow with the size or depth of the
organisation: the same calls on organisations of different shapes, built by the benchmark's own generator, must
run the same number of queries. A query per person or per level would show up here as a difference.
"""

import pytest
from django.contrib.auth import get_user_model

from benchmarks import org_data, org_scenarios
from perf_mgmt_plugin.org import importer, services
from perf_mgmt_plugin.org.models import Employee

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark_guard]

SMALL, LARGE = (30, 3), (300, 8)


def _read_counts(shape, prefix):
    plan = org_data.plan_org(*shape, prefix=prefix)
    built = org_data.build_org(plan)
    counts = {}
    for name, call in org_scenarios.read_scenarios(built).items():
        call()  # warm-up (and the answer is checked)
        with org_scenarios.count_queries() as queries:
            call()
        counts[name] = len(queries)
    return counts


def test_hierarchy_reads_take_the_same_queries_at_any_size_and_depth(db):
    small, large = _read_counts(SMALL, "S"), _read_counts(LARGE, "L")
    assert small == large
    for name, count in small.items():  # and the same for the top manager as for a mid-level one
        if " top " in name:
            assert small[name.replace(" top ", " mid ")] == count, name
    assert small["service reports_of top (page 1 + count)"] == 2
    assert small["service chain_of deepest"] == 1


def _import_counts(shape, prefix, hr):
    """Dry run, apply and re-import of a CSV of new people (with new users) in units the database already has."""
    plan = org_data.plan_org(*shape, prefix=prefix)
    org_data.build_structure(plan)
    rows = importer.parse_csv(org_data.csv_text(plan))
    counts = {}
    for name, dry_run in (("dry_run", True), ("apply", False), ("reimport", False)):
        with org_scenarios.count_queries() as queries:
            result = importer.import_employees(rows, dry_run=dry_run, create_users=True, user=hr)
        assert result.ok, result.errors[:3]
        counts[name] = len(queries)
        counts[f"{name} result"] = (result.created, result.unchanged)
    # The imported tree has the planned reporting lines, and paths that the hierarchy reads can use.
    deepest = plan.people[plan.deepest]
    employee = Employee.objects.get(employee_number=deepest.number)
    expected, index = [], deepest.manager
    while index is not None:
        expected.append(plan.people[index].number)
        index = plan.people[index].manager
    assert [manager.employee_number for manager in services.chain_of(employee)] == expected
    top = Employee.objects.get(employee_number=plan.people[plan.top].number)
    assert services.reports_of(top).count() == len(rows) - 1
    return counts, len(rows)


def test_import_takes_the_same_queries_at_any_depth_and_not_one_per_row(db):
    hr = get_user_model().objects.create_superuser("scale-hr", "scale-hr@example.com", None)
    # Within one insert batch on every database (SQLite takes about 70 history rows per statement), the count is
    # the same whatever the size and the depth: no statement per row, none per level.
    small, small_rows = _import_counts((20, 3), "A", hr)
    deep, deep_rows = _import_counts((60, 8), "B", hr)
    assert small["dry_run result"] == (small_rows, 0) and small["reimport result"] == (0, small_rows)
    assert deep["apply result"] == (deep_rows, 0) and deep["reimport result"] == (0, deep_rows)
    for name in ("dry_run", "apply", "reimport"):
        assert small[name] == deep[name], (name, small, deep)
    # Past one batch, statements grow by batch (hundreds of rows), far more slowly than rows.
    large, large_rows = _import_counts(LARGE, "C", hr)
    assert large["dry_run"] == small["dry_run"] and large["reimport"] == small["reimport"]
    assert large["apply"] < large_rows / 10
