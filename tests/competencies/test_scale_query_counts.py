"""
The query counts of the competency benchmark's calls (benchmarks/bench_competencies.py) do not grow with the data:
the gap recomputation and the gap audit heatmap, on competency data of two sizes built by the benchmark's own
generators, run the same statements. The recomputation's grow only by batch of people (1,000), never by person,
competency or assessment. The heatmaps also give exactly the cells of the benchmark's SQL floor.
"""

import re

import pytest

from benchmarks import competency_data, competency_scenarios, org_data
from benchmarks.org_scenarios import count_queries
from perf_mgmt_plugin.competencies import gaps
from perf_mgmt_plugin.competencies.models import CompetencyGap
from perf_mgmt_plugin.org.models import Employee

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark_guard]

#: (people, levels, assessments); each level is a position requiring PER_POSITION of COMPETENCIES competencies.
SMALL, LARGE = (30, 3, 300), (300, 6, 6000)
COMPETENCIES, PER_POSITION = 8, 4


def _queries(statements):
    """The statements without the transaction's savepoints (which depend on whether a test runs in a transaction)."""
    return [sql for sql in statements if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def _inserts(statements):
    return sum(1 for sql in statements if sql.lstrip().upper().startswith("INSERT"))


def _counts(shape, prefix):
    people, depth, assessments = shape
    built = org_data.plan_org(people, depth, prefix=prefix)
    built = org_data.build_org(built)
    data = competency_data.build_competencies(
        built, competencies=COMPETENCIES, assessments=assessments, per_position=PER_POSITION, prefix=prefix.lower()
    )
    subjects = competency_scenarios.Subjects.create(built, data, prefix=prefix.lower())
    assert data.assessments == assessments and subjects.expected_gaps == people * PER_POSITION
    counts = {}
    everyone = Employee.objects.count()  # the larger size is built beside the smaller one: both are recomputed

    with count_queries() as queries:
        result = gaps.recompute_gaps()
    assert (result.people, result.created, result.updated, result.batches) == (everyone, subjects.expected_gaps, 0, 1)
    assert _inserts(queries.statements) == 1  # one batched insert of the batch's gaps
    assert CompetencyGap.objects.filter(person__employee_number__startswith=prefix).count() == people * PER_POSITION
    counts["recompute full"] = len(_queries(queries.statements))

    with count_queries() as queries:
        result = gaps.recompute_gaps()
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    counts["recompute unchanged"] = len(_queries(queries.statements))

    changed = subjects.add_manager_ratings(competency_data, every=10)
    with count_queries() as queries:
        result = gaps.recompute_gaps()
    assert 0 < result.updated <= changed["pairs"] and not (result.created or result.deleted)
    counts["recompute after new ratings"] = len(_queries(queries.statements))

    # The heatmap of every viewer gives the floor's cells (checked inside), in the same number of queries.
    for name, (call, floor) in competency_scenarios.heatmap_scenarios(subjects).items():
        call()
        with count_queries() as queries:
            call()
        counts[name] = len(queries)
        with count_queries() as queries:
            floor()
        assert len(queries) == 1
    return counts


def test_recompute_and_heatmap_take_the_same_queries_at_two_sizes(db):
    small, large = _counts(SMALL, "S"), _counts(LARGE, "L")
    assert small == large
    # Inactive people's gaps, then per batch of people: people, requirements, assessments, stored gaps (+ writes).
    assert small["recompute unchanged"] == 5
    # The access context (2 queries for a superuser, 3 for a manager, 4 for a scoped HR admin), the aggregate, the
    # row labels and the competency columns.
    assert small["heatmap HR org-wide by org unit"] == 5
    assert small["heatmap mid manager by org unit"] == small["heatmap level-1 manager by org unit"] == 6
    assert small["heatmap division HR by org unit"] == 7


def test_recompute_statements_grow_by_batch_of_people_not_by_person(db):
    built = org_data.build_org(org_data.plan_org(120, 4, prefix="B"))
    competency_data.build_competencies(built, competencies=COMPETENCIES, assessments=1200, per_position=PER_POSITION)
    gaps.recompute_gaps()
    counts = {}
    for batch_size in (120, 40):
        with count_queries() as queries:
            result = gaps.recompute_gaps(batch_size=batch_size)
        assert (result.created, result.updated, result.deleted) == (0, 0, 0)
        counts[batch_size] = (result.batches, len(_queries(queries.statements)))
    # Per batch: one query for its people and three reads (requirements, assessments, gaps); a full last batch is
    # followed by one more (empty) people query.
    assert counts[120] == (1, 1 + 4 + 1)
    assert counts[40] == (3, 1 + 3 * 4 + 1)


def test_scoped_heatmap_reads_subtrees_with_a_range_every_database_can_scan(db):
    """
    A subtree is a range on the path (``core.paths.subtree_q``): ``LIKE`` scans the whole index on SQLite, and
    ``LIKE BINARY`` (Django's ``startswith`` on MySQL) does too (issue 14).
    """
    built = org_data.build_org(org_data.plan_org(30, 3, prefix="M"))
    data = competency_data.build_competencies(built, competencies=COMPETENCIES, assessments=60, per_position=2)
    gaps.recompute_gaps()
    subjects = competency_scenarios.Subjects.create(built, data)
    for name in ("mid manager", "division HR"):
        user = subjects.viewers[name].user
        with count_queries() as queries:
            gaps.heatmap(user)
        # Quoted "path" on SQLite, `path` on MySQL/MariaDB.
        subtree_reads = [sql for sql in queries.statements if re.search(r'[`"]?path[`"]? >= ', sql)]
        assert subtree_reads, name
        assert not any(re.search(r'PATH[`"]? (NOT )?LIKE', sql.upper()) for sql in queries.statements), name
