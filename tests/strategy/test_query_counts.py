"""Query counts of the strategy pages and API calls: pinned, and the same with ten times more data."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from perf_mgmt_plugin.strategy import checkins, services
from tests import factories

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("strategy_once")


def _grow(org, strategy, n):
    """n more reports of the manager, each with a task under the team goal, a check-in, a help request."""
    people = [factories.make_employee(manager=org.manager, org_unit=org.platform) for _ in range(n)]
    services.bulk_cascade(org.manager.user, strategy.team, title=f"Task {len(people)}", owners=people)
    for person in people:
        series = checkins.create_series(
            org.manager.user,
            manager=org.manager,
            employee=person,
            start=datetime.date.today() - datetime.timedelta(days=10),
        )
        checkins.request_help(person.user, person, body="help", check_in=series.check_ins.first())
        checkins.raise_impediment(person.user, person, description="blocked")
    checkins.schedule_due()


PAGES = [
    ("manager", "perf_mgmt:strategy-dashboard", None),
    ("manager", "perf_mgmt:cascade", None),
    ("manager", "perf_mgmt:cascade-csv", None),
    ("manager", "perf_mgmt:my-objectives", None),
    ("manager", "perf_mgmt:api-v1:strategy-dashboard", None),
    ("manager", "perf_mgmt:api-v1:cascade", None),
    ("manager", "perf_mgmt:api-v1:objectives", None),
    ("manager", "perf_mgmt:api-v1:help-requests", None),
    ("manager", "perf_mgmt:api-v1:check-ins", None),
    ("director", "perf_mgmt:cascade", None),
    ("hr", "perf_mgmt:api-v1:objectives", None),
]


@pytest.mark.parametrize("role,name,_unused", PAGES, ids=[f"{r}-{n.split(':')[-1]}" for r, n, _ in PAGES])
def test_query_count_constant_with_data_size(org, strategy, count_queries, role, name, _unused):
    user = getattr(getattr(org, role), "user", getattr(org, role))
    client = Client()
    client.force_login(user)
    _grow(org, strategy, 2)
    client.get(reverse(name))  # warm caches that are per process (content types, templates)
    with count_queries() as small:
        assert client.get(reverse(name)).status_code == 200
    _grow(org, strategy, 20)
    with count_queries() as large:
        assert client.get(reverse(name)).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert len(small) <= 16


def test_dashboard_query_count_pinned(org, strategy, count_queries):
    from perf_mgmt_plugin.strategy import dashboards

    _grow(org, strategy, 5)
    user = org.manager.user
    dashboards.manager_dashboard(user)  # the user's access context is read once and cached
    with count_queries() as queries:
        board = dashboards.manager_dashboard(user)
    assert len(queries) == 6  # has_team, objectives, overdue, upcoming, impediments, help requests
    assert len(board.help_requests) == 5 and len(board.impediments) == 5


def test_objective_and_check_in_pages_constant(org, strategy, count_queries):
    series = checkins.create_series(org.manager.user, manager=org.manager, employee=org.alice)
    check_in = series.check_ins.get()
    client = Client()
    client.force_login(org.manager.user)
    urls = [
        reverse("perf_mgmt:objective", kwargs={"pk": strategy.team.pk}),
        reverse("perf_mgmt:check-in", kwargs={"pk": check_in.pk}),
        reverse("perf_mgmt:api-v1:check-in", kwargs={"pk": check_in.pk}),
    ]
    _grow(org, strategy, 2)
    for url in urls:
        client.get(url)
    small = []
    for url in urls:
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        small.append(len(queries))
    _grow(org, strategy, 20)
    for _ in range(10):
        checkins.add_note(org.manager.user, check_in, "note")
        services.record_progress(org.manager.user, strategy.alice_task, value=4)
    large = []
    for url in urls:
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        large.append(len(queries))
    assert large == small
