"""Subtree filters are range predicates on the path (issue 14): the same rows as a prefix match, an index range scan."""

import random

import pytest
from django.db import connection

from perf_mgmt_plugin.core.paths import ALPHABET, STEP_LEN, child_path, encode_step, next_prefix, subtree_q
from perf_mgmt_plugin.org.models import Employee


@pytest.mark.parametrize(
    "path, upper",
    [
        ("00000a", "00000b"),
        ("000009", "00000a"),  # 9 -> a: nothing in a path sorts between them
        ("00001z", "00002"),
        ("0000zz", "0001"),
        ("zzzzzz", None),
        ("", None),
    ],
)
def test_next_prefix(path, upper):
    assert next_prefix(path) == upper


def test_the_range_selects_exactly_the_prefix_matches():
    rng = random.Random(14)
    paths = set()
    for _ in range(2000):
        depth = rng.randint(1, 4)
        steps = [rng.choice([0, 1, 35, 36, 1295, 36**STEP_LEN - 1, rng.randrange(36**STEP_LEN)]) for _ in range(depth)]
        paths.add("".join(encode_step(step) for step in steps))
    paths = sorted(paths)
    for prefix in rng.sample(paths, 200) + ["zzzzzz", encode_step(35)]:
        upper = next_prefix(prefix)
        ranged = {p for p in paths if p >= prefix and (upper is None or p < upper)}
        assert ranged == {p for p in paths if p.startswith(prefix)}, prefix
    assert set(ALPHABET) >= set("".join(paths))


def test_subtree_q_is_a_range_the_database_scans_by_index(org):
    query = Employee.objects.filter(subtree_q("path", org.manager.path))
    assert set(query) == {e for e in Employee.objects.all() if e.path.startswith(org.manager.path)}
    sql, params = query.query.sql_with_params()
    assert "LIKE" not in sql.upper() and ">=" in sql and "<" in sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "USING" in plan and "INDEX" in plan and "path>?" in plan.replace(" ", ""), plan
    assert Employee.objects.filter(subtree_q("path", "")).count() == Employee.objects.count()
    assert child_path(org.manager.path, 1).startswith(org.manager.path)
