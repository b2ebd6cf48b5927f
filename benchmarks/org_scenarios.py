"""
The calls measured on a built organisation, shared by the benchmark (``bench_org``) and the query-count test
(``tests/org/test_scale_query_counts.py``), so the test pins the query counts of exactly what the benchmark times.

Each scenario is a no-argument callable that does the call once and checks its answer (a wrong status or an empty
page raises), so a fast but broken call can never pass as a good figure.
"""

import re
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.urls import reverse

from perf_mgmt_plugin.org import services
from perf_mgmt_plugin.org.access import forget_access_context, team_q
from perf_mgmt_plugin.org.models import Employee

EMPLOYEE_RELATED = ("user", "position", "org_unit", "manager__user")


class QueryCounter:
    """Counts the statements sent to the database (and keeps them, to show what ran)."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)

    def __len__(self):
        return len(self.statements)


@contextmanager
def count_queries():
    """
    Count the queries of the block. Unlike ``CaptureQueriesContext`` it also counts across test-client requests
    (each request resets the connection's query log) and needs no DEBUG.
    """
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


class ScenarioError(AssertionError):
    """A measured call gave a wrong answer."""


def _check(condition, message):
    if not condition:
        raise ScenarioError(message)


def _first_page(qs):
    page = Paginator(qs, settings.PERF_MGMT_PAGE_SIZE).page(1)
    return page.paginator.count, list(page.object_list)


def reports_page(employee, expected_total):
    """``services.reports_of`` as a list page shows it: the total and the first page, with related rows."""

    def run():
        total, rows = _first_page(services.reports_of(employee).select_related(*EMPLOYEE_RELATED).order_by("path"))
        _check(total == expected_total, f"reports_of({employee.employee_number}): {total} != {expected_total}")
        _check(len(rows) == min(total, settings.PERF_MGMT_PAGE_SIZE), "short first page")
        for row in rows:
            row.user.username  # noqa: B018 - touch the related rows the page shows: no query may follow

    return run


def team_page(user, expected_total):
    """The team query of ``org.access`` (access context read afresh each time, as in a new request)."""

    def run():
        forget_access_context(user)
        qs = Employee.objects.filter(team_q(user), active=True).select_related(*EMPLOYEE_RELATED).order_by("path")
        total, rows = _first_page(qs)
        _check(total == expected_total, f"team of {user.username}: {total} != {expected_total}")
        for row in rows:
            row.manager.user.username  # noqa: B018

    return run


def chain(employee, expected_length):
    """``services.chain_of``: the management chain up to the top."""

    def run():
        found = services.chain_of(employee)
        _check(len(found) == expected_length, f"chain of {employee.employee_number}: {len(found)}")

    return run


def signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def rest_team(client, expected_total):
    """``GET api/v1/team/``: the first page of the signed-in manager's team."""
    url = reverse("perf_mgmt:api-v1:team")

    def run():
        response = client.get(url)
        _check(response.status_code == 200, f"{url}: HTTP {response.status_code}")
        data = response.json()
        _check(data["count"] == expected_total, f"{url}: count {data['count']} != {expected_total}")
        _check(len(data["results"]) == min(expected_total, 50), f"{url}: short first page")

    return run


def rest_chain(client, employee, expected_length):
    """``GET api/v1/people/<id>/chain/``, as a manager of that person."""
    url = reverse("perf_mgmt:api-v1:person-chain", args=[employee.pk])

    def run():
        response = client.get(url)
        _check(response.status_code == 200, f"{url}: HTTP {response.status_code}")
        _check(len(response.json()) == expected_length, f"{url}: wrong chain length")

    return run


def web_team(client, first_name, expected_total):
    """The "My team" page of the signed-in manager (first page): its head count and its first report's name."""
    url = reverse("perf_mgmt:my-team")

    def run():
        response = client.get(url)
        _check(response.status_code == 200, f"{url}: HTTP {response.status_code}")
        content = response.content.decode()
        _check(f"{expected_total} people" in content, f"{url}: the head count is not {expected_total}")
        first_row = re.search(r'<th scope="row">(?:<a [^>]*>)?([^<]*)', content)
        _check(first_row and first_row.group(1) == first_name, f"{url}: {first_name} is not the first row")

    return run


def read_scenarios(built):
    """``{name: callable}`` for the top manager, a mid-level manager and the deepest person of ``built``."""
    plan = built.plan
    top, mid, deepest = (built.employee(index) for index in (plan.top, plan.mid, plan.deepest))
    top_total, mid_total = plan.subtree_size(plan.top), plan.subtree_size(plan.mid)
    chain_length = plan.people[plan.deepest].level
    top_client, mid_client = signed_in_client(top.user), signed_in_client(mid.user)
    user_model = get_user_model()
    top_user, mid_user = user_model.objects.get(pk=top.user_id), user_model.objects.get(pk=mid.user_id)
    # Pages list people by path: a manager's first direct report comes first.
    top_first = plan.people[plan.top + 1]
    mid_first = next(p for p in plan.people if p.manager == plan.mid)
    first_top, first_mid = (f"{p.first_name} {p.last_name}" for p in (top_first, mid_first))
    return {
        "service reports_of top (page 1 + count)": reports_page(top, top_total),
        "service reports_of mid (page 1 + count)": reports_page(mid, mid_total),
        "access team query top (context + page 1 + count)": team_page(top_user, top_total),
        "access team query mid (context + page 1 + count)": team_page(mid_user, mid_total),
        "service chain_of deepest": chain(deepest, chain_length),
        "REST team top (page 1)": rest_team(top_client, top_total),
        "REST team mid (page 1)": rest_team(mid_client, mid_total),
        "REST chain of deepest (as top)": rest_chain(top_client, deepest, chain_length),
        "web My team top (page 1)": web_team(top_client, first_top, top_total),
        "web My team mid (page 1)": web_team(mid_client, first_mid, mid_total),
    }
