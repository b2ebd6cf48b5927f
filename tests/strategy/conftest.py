"""A small strategy on the org fixture: strategic objective (company) > department target (ENG) > team goal (PLAT,
owned by the manager) > individual tasks of alice and bob, in a quarter that started 60 days ago."""

import datetime

import pytest
from django.utils import timezone

from perf_mgmt_plugin.strategy import services
from perf_mgmt_plugin.strategy.models import Level, Objective, Period

DEFAULT_LEVELS = ["Strategic objective", "Supporting goal", "Department target", "Team goal", "Individual task"]


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def strategy(org, today):
    period = Period.objects.create(
        name="Test quarter",
        kind=Period.QUARTER,
        start=today - datetime.timedelta(days=60),
        end=today + datetime.timedelta(days=30),
    )
    # The default levels are seeded by migration 0006; a transactional (browser) test's flush removes them.
    for rank, name in enumerate(DEFAULT_LEVELS, start=1):
        Level.objects.get_or_create(rank=rank, defaults={"name": name})
    levels = {level.rank: level for level in Level.objects.all()}
    hr = org.hr
    top = services.create_objective(hr, title="Grow revenue", period=period, owner_unit=org.company, level=levels[1])
    dept = services.create_objective(
        hr, title="Ship platform v2", period=period, parent=top, owner_unit=org.engineering, level=levels[3]
    )
    team = services.create_objective(
        hr, title="Team: migrate services", period=period, parent=dept, owner=org.manager, level=levels[4]
    )
    alice_task = services.create_objective(
        org.manager.user,
        title="Migrate billing",
        period=period,
        parent=team,
        owner=org.alice,
        measure=Objective.NUMERIC,
        start_value=0,
        target_value=10,
        unit="services",
        course_key=str(org.course_key),
    )
    bob_task = services.create_objective(
        org.manager.user,
        title="Write runbook",
        period=period,
        parent=team,
        owner=org.bob,
        measure=Objective.BINARY,
    )
    seller_goal = services.create_objective(
        hr,
        title="Close deals",
        period=period,
        parent=top,
        owner=org.seller,
        measure=Objective.NUMERIC,
        start_value=0,
        target_value=100,
    )
    return type(
        "Strategy",
        (),
        {
            "period": period,
            "levels": levels,
            "top": top,
            "dept": dept,
            "team": team,
            "alice_task": alice_task,
            "bob_task": bob_task,
            "seller_goal": seller_goal,
        },
    )
