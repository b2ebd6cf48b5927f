"""
The health benchmark's calls (benchmarks/bench_health.py) at two small sizes built by its own generators: the pack
of the top unit and the successor suggestions run the same number of queries whatever the size, and give exactly the
figures and ranking of the benchmark's raw-SQL floors.
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from benchmarks import competency_data, health_data, health_floor, org_data
from benchmarks.bench_health import check_pack, check_suggestions
from benchmarks.org_scenarios import count_queries
from perf_mgmt_plugin.health import api as health
from perf_mgmt_plugin.org.models import OrgUnit, Position
from perf_mgmt_plugin.strategy.models import Period
from perf_mgmt_plugin.succession import api as succession
from perf_mgmt_plugin.succession.services import WEIGHTS

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark_guard]


def _measure(people, depth, prefix):
    plan = org_data.plan_org(people, depth, prefix=prefix)
    built = org_data.build_org(plan)
    competencies = competency_data.build_frameworks(6, prefix=prefix.lower())
    requirements = competency_data.build_requirements(plan, competencies, 3)
    data = health_data.build_health(built, requirements, prefix=prefix.lower())
    today = timezone.localdate()
    period = Period.objects.get(pk=data.period_id)
    top = OrgUnit.objects.filter(parent=None, code__startswith=prefix).get()
    with count_queries() as pack_queries:
        pack = health.compute_pack(top, period, today)
    check_pack(pack, health_floor.floor_pack(top.path, period, today))
    admin = get_user_model().objects.get_or_create(username="bench-hr", defaults={"is_superuser": True})[0]
    position = Position.objects.get(code=plan.positions[1][0])
    key = succession.mark_key_position(admin, position)
    reqs = succession.requirements_of(position)
    with count_queries() as suggestion_queries:
        rows = succession.suggestions(key)
    check_suggestions(
        rows, health_floor.floor_suggestions(key, reqs), sum(WEIGHTS[r.criticality] * r.required_level for r in reqs)
    )
    return len(pack_queries), len(suggestion_queries)


def test_query_counts_do_not_grow_and_match_the_floors():
    small = _measure(30, 3, "HS")
    large = _measure(200, 5, "HL")
    assert small == large
