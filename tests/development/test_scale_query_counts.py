"""
The learning loop's cost per event does not grow with the data: on organisations of two sizes with plans built by
the benchmark's own generator (benchmarks/bench_development.py), every kind of event (a course grade through the
real openedx-events signal, a BlockCompletion row) runs at most the same number of statements, whatever the number
of people, plans and items.
"""

import pytest

from benchmarks import development_data, org_data
from benchmarks.org_scenarios import count_queries
from perf_mgmt_plugin.development.models import PlanItem, ProcessedEvent

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark_guard]

#: (people, reporting levels, events)
SMALL, LARGE = (30, 3, 120), (300, 4, 120)


def _per_event(shape, prefix):
    people, depth, events = shape
    built = org_data.build_org(org_data.plan_org(people, depth, prefix=prefix))
    plans = development_data.build_plans(built, courses=3, blocks=5, prefix=prefix)
    sender = development_data.Sender()
    counts = {}
    for number, event in enumerate(development_data.event_stream(plans, events)):
        with count_queries() as queries:
            sender.send(event)
        if number >= 10:  # the first events warm process-wide caches (the completion waffle switch...)
            counts.setdefault(event[0], []).append(len(queries))
    return counts, plans


def test_queries_per_event_do_not_grow_with_people_and_plans():
    small, small_plans = _per_event(SMALL, "Q")
    large, large_plans = _per_event(LARGE, "R")
    assert large_plans.items >= 10 * small_plans.items
    assert set(small) == set(large) == {"grade", "completion"}
    for kind in small:
        # The most an event costs (a repeated completion, a grade that changes nothing cost less: outcomes differ).
        assert max(large[kind]) == max(small[kind]), kind
    # The events really moved the items (a grade of 80% or more passes: the item completes).
    assert ProcessedEvent.objects.count() >= len(small["grade"]) + len(large["grade"])
    assert PlanItem.objects.filter(status=PlanItem.COMPLETED).exists()
    assert PlanItem.objects.filter(kind="course", blocks_completed__gt=0, progress__gt=0).exists()
