"""
The manager's observation queue costs the same number of statements at any size: on organisations of two sizes
with learners part-way through the guides, built by the benchmark's own generator (benchmarks/bench_guide.py), the
queue's first page and total run a pinned number of queries for the top, a mid-level and a first-line manager,
and give exactly the rows of the hand-written SQL floor. A learner's apply costs the same too.
"""

import pytest
from django.contrib.auth import get_user_model

from benchmarks import guide_data, org_data
from benchmarks.bench_guide import managers_by_level
from benchmarks.org_scenarios import count_queries
from perf_mgmt_plugin.blended import api as blended
from perf_mgmt_plugin.blended.models import GuideApplication
from perf_mgmt_plugin.org.models import Employee

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark_guard]

#: (people, reporting levels, learners)
SMALL, LARGE = (60, 3, 20), (600, 4, 200)


def _costs(shape, prefix):
    people, depth, learners = shape
    built = org_data.build_org(org_data.plan_org(people, depth, prefix=prefix))
    guides = guide_data.build_applications(built, learners)
    users = get_user_model().objects
    costs = {}
    for name, index in managers_by_level(built).items():
        manager = Employee.objects.get(pk=built.employee_pk(index))
        user = users.get(pk=manager.user_id)
        with count_queries() as queries:
            rows, total = guide_data.queue_page(user)
        floor = guide_data.floor_page(user, manager.path)
        assert [row.pk for row in rows] == [row[0] for row in floor], name
        assert [row.person.user.last_name for row in rows] == [row[4] for row in floor]
        costs[name] = (len(queries), total)
    person = Employee.objects.select_related("user").get(pk=guides.learners[0])
    GuideApplication.objects.filter(person=person).delete()
    module = guide_data.MODULES[person.pk % len(guide_data.MODULES)]
    with count_queries() as queries:
        blended.apply_step(person.user, guide_data.guide(module), "s1", reflection="ok")
    costs["apply"] = (len(queries), None)
    return costs, guides


def test_the_observation_queue_is_constant_in_queries_and_matches_its_floor():
    small, small_guides = _costs(SMALL, "Q")
    large, large_guides = _costs(LARGE, "R")
    assert large_guides.applications >= 8 * small_guides.applications
    assert large["top"][1] > small["top"][1] > 0  # the top manager's queue grew with the data
    # The access context (employee, HR group, grants) then the page and its count: 5, at any size and level.
    assert {name: cost for name, (cost, _total) in small.items()} == {
        name: cost for name, (cost, _total) in large.items()
    }
    assert {small[name][0] for name in ("top", "mid", "first_line")} == {5}
    # An apply: the employee, the rule, the competency look-up skipped (none here), the row (savepoint, insert),
    # its save, in the test's transaction; the benchmark (autocommit) counts one fewer.
    assert small["apply"][0] == large["apply"][0] == 10
