"""
The concurrency helper (``core.concurrency``, ADR 0015), what entry points answer when it gives up or a transition
conflicts, the host's error pages, and the audit that every multi-write domain function is atomic (issue 20).

The races themselves run on MariaDB in ``tests/concurrency``.
"""

import ast
import pathlib

import pytest
from django.db import OperationalError, transaction
from django.test import Client
from django.urls import reverse

from lms_host import urls as host_urls
from perf_mgmt_plugin.core import concurrency
from perf_mgmt_plugin.core.concurrency import Busy, atomic_retry
from perf_mgmt_plugin.development import api as development_api
from perf_mgmt_plugin.development import services as plans
from perf_mgmt_plugin.development.models import Plan, PlanComment, PlanItem
from perf_mgmt_plugin.strategy import checkins
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest
from tests.development.test_rest_api import client_for as api_client
from tests.development.test_rest_api import url as api_url

DEADLOCK = OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(concurrency, "BACKOFF", 0)


def flaky(failures, error=DEADLOCK):
    """A function failing ``failures`` times with ``error``, then returning how many calls it took."""
    calls = []

    def func():
        calls.append(transaction.get_connection().in_atomic_block)
        if len(calls) <= failures:
            raise error
        return len(calls)

    return func, calls


# ---------------------------------------------------------------------------------------------------------------
# The retry
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "error",
    [
        DEADLOCK,
        OperationalError(1205, "Lock wait timeout exceeded; try restarting transaction"),
        OperationalError("database is locked"),
    ],
)
def test_a_deadlock_or_lock_wait_reruns_the_whole_transaction(no_backoff, error):
    func, calls = flaky(2, error)
    assert atomic_retry(func)() == 3
    assert calls == [True, True, True]  # each attempt in its own transaction


@pytest.mark.django_db(transaction=True)
def test_retries_are_bounded_then_busy(no_backoff):
    func, calls = flaky(99)
    with pytest.raises(Busy) as raised:
        atomic_retry(attempts=3)(func)()
    assert len(calls) == 3
    assert raised.value.__cause__ is DEADLOCK
    assert "try again" in str(raised.value)


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried(no_backoff):
    func, calls = flaky(1, OperationalError(2006, "MySQL server has gone away"))
    with pytest.raises(OperationalError):
        atomic_retry(func)()
    assert len(calls) == 1


@pytest.mark.django_db
def test_inside_an_outer_transaction_the_outer_caller_owns_the_retry(no_backoff):
    func, calls = flaky(1)
    with pytest.raises(OperationalError):
        atomic_retry(func)()  # pytest-django's test transaction is the outer one
    assert len(calls) == 1


def test_the_entry_points_multi_row_writes_retry():
    """The domain functions every entry point goes through (pages, REST, XBlock, tasks) carry the retry."""
    from perf_mgmt_plugin.strategy import rollup, services  # pylint: disable=import-outside-toplevel

    for func in (
        services.create_objective,
        services.update_objective,
        services.record_progress,
        services.cascade_goal,
        services.move_objective,
        rollup.recompute_all,
        checkins.prepare,
        checkins.hold,
        checkins.resolve,
        checkins.record_course_checkin,
        checkins.schedule_due,
        plans.add_item,
        plans.complete_item,
        plans.cancel_item,
        plans.return_plan,
        plans.set_plan_status,
        plans.update_plan,
        plans.add_comment,
        plans.approve_plan,
    ):
        assert getattr(func, "retries_deadlocks", False), func.__qualname__


# ---------------------------------------------------------------------------------------------------------------
# What entry points answer
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def item(org):
    plan = plans.create_plan(org.manager.user, org.alice)
    return plans.add_item(org.manager.user, plan, kind="on_the_job", title="Shadow a lead")


@pytest.mark.django_db
def test_rest_a_transition_that_lost_the_race_is_a_409_in_json(org, item):
    cancel = api_client(org.manager.user).post(
        api_url("plan-item-cancel", pk=item.plan_id, item_pk=item.pk), {"reason": "Not needed"}, format="json"
    )
    assert cancel.status_code == 200
    done = api_client(org.alice.user).post(
        api_url("plan-item-complete", pk=item.plan_id, item_pk=item.pk), {"comment": "Done"}, format="json"
    )
    assert done.status_code == 409
    assert done["Content-Type"] == "application/json"
    assert "cancelled" in done.json()["detail"]
    item.refresh_from_db()
    assert (item.status, item.progress, item.completed_at) == (PlanItem.CANCELLED, 0, None)


@pytest.mark.django_db
def test_rest_retries_exhausted_is_a_503_in_json_never_an_empty_500(org, item, monkeypatch):
    def busy(*args, **kwargs):
        raise Busy()

    monkeypatch.setattr(development_api, "complete_item", busy)  # what the views call
    response = api_client(org.alice.user).post(
        api_url("plan-item-complete", pk=item.plan_id, item_pk=item.pk), {}, format="json"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json() == {"detail": str(Busy())}


@pytest.mark.django_db
def test_a_page_shows_a_busy_write_with_a_way_back(org, item, monkeypatch):
    def deadlock(*args, **kwargs):
        raise DEADLOCK

    monkeypatch.setattr(development_api, "complete_item", deadlock)
    client = Client(raise_request_exception=False)
    client.force_login(org.alice.user)
    response = client.post(
        reverse("perf_mgmt:my-plan"), {"action": "done", "item": item.pk}, HTTP_REFERER="http://testserver/perf-mgmt/"
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert str(Busy()).replace("'", "&#x27;") in page
    assert 'href="http://testserver/perf-mgmt/"' in page  # the way back
    assert reverse("perf_mgmt:my-plan") in page  # the navigation


@pytest.mark.django_db
def test_a_page_says_the_item_changed_meanwhile(org, item):
    plans.cancel_item(org.manager.user, item, reason="Not needed")
    client = Client()
    client.force_login(org.alice.user)
    response = client.post(reverse("perf_mgmt:my-plan"), {"action": "done", "item": item.pk}, follow=True)
    assert "cancelled in the meantime" in response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# The host's error pages (issue 20 item 9: the workbench's empty 500.html must not win)
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_server_error_is_a_real_page_or_json_for_the_api(org, monkeypatch):
    from perf_mgmt_plugin.web import views  # pylint: disable=import-outside-toplevel

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.api, "get_employee", crash)
    assert host_urls.handler500 is host_urls.server_error
    client = Client(raise_request_exception=False)
    client.force_login(org.alice.user)
    page = client.get(reverse("perf_mgmt:home"))
    assert page.status_code == 500
    html = page.content.decode()
    assert "Something went wrong on our side" in html and 'href="/perf-mgmt/"' in html and "Go back" in html

    monkeypatch.setattr("perf_mgmt_plugin.rest_api.v1.views.api.get_employee", crash, raising=False)
    from django.test import RequestFactory  # pylint: disable=import-outside-toplevel

    api = host_urls.server_error(RequestFactory().get("/perf-mgmt/api/v1/me/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert api.content and b"server_error" in api.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "text"),
    [("/perf-mgmt/no-such-page/", 404, "This page does not exist"), ("/perf-mgmt/people/", 403, "You may not open")],
)
def test_not_found_and_forbidden_pages_have_navigation_and_a_way_back(org, path, status, text):
    client = Client()
    client.force_login(org.alice.user)
    response = client.get(path)
    assert response.status_code == status
    html = response.content.decode()
    assert text in html and "Go back" in html and 'href="/perf-mgmt/"' in html


# ---------------------------------------------------------------------------------------------------------------
# Atomicity (issue 20 item 8): a failure half-way leaves nothing behind
# ---------------------------------------------------------------------------------------------------------------


def _fail_on(monkeypatch, manager):
    def fail(*args, **kwargs):
        raise RuntimeError("connection killed")

    monkeypatch.setattr(manager, "create", fail)


@pytest.mark.django_db
def test_sending_a_plan_back_is_all_or_nothing(org, monkeypatch):
    plan = plans.create_plan(org.alice.user, org.alice)
    plans.propose_plan(org.alice.user, plan)
    _fail_on(monkeypatch, PlanComment.objects)
    with pytest.raises(RuntimeError):
        plans.return_plan(org.manager.user, Plan.objects.get(pk=plan.pk), "Add a course")
    plan.refresh_from_db()
    assert (plan.status, plan.manager_comments) == (Plan.PROPOSED, "")


@pytest.mark.django_db
def test_completing_an_item_with_a_note_is_all_or_nothing(org, item, monkeypatch):
    _fail_on(monkeypatch, PlanComment.objects)
    with pytest.raises(RuntimeError):
        plans.complete_item(org.alice.user, PlanItem.objects.get(pk=item.pk), note="Done")
    item.refresh_from_db()
    assert (item.status, item.completed_at) == (PlanItem.APPROVED, None)


@pytest.mark.django_db
def test_preparing_a_check_in_is_all_or_nothing(org, monkeypatch):
    check_in = CheckIn.objects.create(employee=org.alice, manager=org.manager, scheduled_for="2026-01-05")
    _fail_on(monkeypatch, HelpRequest.objects)
    with pytest.raises(RuntimeError):
        checkins.prepare(org.alice.user, check_in, impediments=["Blocked"], help_requests=["Help"])
    check_in.refresh_from_db()
    assert check_in.status == CheckIn.SCHEDULED
    assert not check_in.impediments.exists()


#: Functions writing several times without their own transaction, and why that is right.
NOT_ATOMIC_ON_PURPOSE = {
    "org/importer.py:execute_job": "the job's own bookkeeping (status, progress) must survive a failed apply",
    "org/importer.py:forget_user_in_jobs": "a retirement step: runs inside retire_user's transaction",
    "org/retirement.py:retire_org_data": "a retirement step: runs inside retire_user's transaction",
    "competencies/retirement.py:retire_competency_data": "a retirement step: runs inside retire_user's transaction",
    "development/retirement.py:retire_development_data": "a retirement step: runs inside retire_user's transaction",
    "strategy/retirement.py:retire_strategy_data": "a retirement step: runs inside retire_user's transaction",
    "appraisals/retirement.py:retire_appraisal_data": "a retirement step: runs inside retire_user's transaction",
    "competencies/recommendations.py:follow_plan_items": "a hook called only inside development's transactions",
    "appraisals/launch.py:run_launch": "commits batch by batch (each atomic and retried in _launch_batch): progress"
    " shows while it runs and a re-run after a failure adds only what is missing",
}
ORM_WRITES = {"save", "create", "bulk_create", "update", "delete", "bulk_update", "get_or_create", "update_or_create"}


def _writes(function):
    """The ORM writes in a function's body (``x.save()``, ``Model.objects...update()``, ``bulk_set(...)``...)."""
    found = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in ("bulk_set", "bulk_insert"):
            found.append(node)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ORM_WRITES:
            receiver = ast.unparse(node.func.value)
            if node.func.attr == "save" or "objects" in receiver or "history" in receiver or "filter(" in receiver:
                found.append(node)
    return found


def _in_loop(function, call):
    return any(
        isinstance(node, (ast.For, ast.While)) and any(inner is call for inner in ast.walk(node))
        for node in ast.walk(function)
    )


def _atomic(function):
    decorators = [ast.unparse(decorator) for decorator in function.decorator_list]
    return any("atomic" in decorator for decorator in decorators) or any(
        isinstance(node, ast.With) and "atomic" in ast.unparse(node.items[0].context_expr)
        for node in ast.walk(function)
    )


def test_every_multi_write_domain_function_is_atomic():
    """
    Audit of every domain (issue 20 item 8): a public function writing more than once (or in a loop) runs in one
    transaction, so a killed connection or an error half-way leaves nothing partial.
    """
    root = pathlib.Path(concurrency.__file__).resolve().parents[1]
    offenders = []
    for domain in ("org", "competencies", "development", "strategy", "appraisals", "core"):
        for path in sorted((root / domain).glob("*.py")):
            if path.name in ("admin.py", "models.py", "rules.py"):
                continue
            for function in ast.parse(path.read_text()).body:
                if not isinstance(function, ast.FunctionDef) or function.name.startswith("_"):
                    continue
                writes = _writes(function)
                name = f"{domain}/{path.name}:{function.name}"
                multi = len(writes) >= 2 or any(_in_loop(function, call) for call in writes)
                if multi and not _atomic(function) and name not in NOT_ATOMIC_ON_PURPOSE:
                    offenders.append(name)
    assert not offenders, f"multi-write functions without a transaction: {offenders}"
