"""
The receivers record and hand over (ADR 0021): in the platform's request one INSERT per event and no work; the
worker runs after the commit, once per (user, course) however many events the transaction sent, and still applies
duplicates and out-of-order events to the same end state. A task that never ran is found stale and replayed.
"""

import datetime
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from perf_mgmt_plugin import api, tasks
from perf_mgmt_plugin.development import progress, services
from perf_mgmt_plugin.development.models import PlanItem, ProcessedEvent

from .conftest import minutes_ago

pytestmark = pytest.mark.deferred_learning_events


@pytest.fixture
def item(org, linked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the request adding it commits (its enrolment event)
        plan = services.create_plan(org.manager.user, org.alice)
        return services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=org.course_key)


@pytest.fixture
def sent_tasks(monkeypatch):
    """The ``apply_learning_events`` messages sent (and then run, as the eager worker would)."""
    sent = []
    real = tasks._send_learning_tasks

    def send(pairs):
        sent.extend(tuple(pair) for pair in pairs)
        return real(pairs)

    monkeypatch.setattr(tasks, "_send_learning_tasks", send)
    return sent


def _plugin_statements(queries):
    return [q["sql"] for q in queries if "perf_mgmt" in q["sql"]]


def _state(item):
    item.refresh_from_db()
    return item.status, item.achieved, item.grade_percent, item.blocks_completed


def test_request_side_is_one_insert_and_the_work_waits_for_the_commit(
    org, item, lms, count_queries, sent_tasks, django_capture_on_commit_callbacks
):
    initial = _state(item)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        costs = []
        for percent in (0.3, 0.5, 0.95):
            with count_queries() as queries:
                lms.grade(org.alice.user, org.course_key, percent, passed=percent > 0.9)
            costs.append(queries.captured_queries)
        with count_queries() as queries:
            lms.passing(org.alice.user, org.course_key)
        costs.append(queries.captured_queries)
    for queries in costs:  # constant: one statement, the INSERT of the recorded event (no savepoint, no read)
        assert len(queries) == 1, [q["sql"] for q in queries]
        assert queries[0]["sql"].upper().startswith("INSERT")
    assert not sent_tasks and _state(item) == initial  # nothing applied before the commit
    assert ProcessedEvent.objects.filter(applied_at__isnull=True).count() == 4
    assert len(callbacks) == 1  # one commit callback for the transaction

    for callback in callbacks:
        callback()
    assert sent_tasks == [(org.alice.user.pk, str(org.course_key))]  # a burst of one learner's events: one task
    assert _state(item)[:3] == (PlanItem.COMPLETED, True, 0.95)
    assert not ProcessedEvent.objects.filter(applied_at__isnull=True).exists()


def test_a_block_completion_costs_one_plugin_statement_in_the_request(
    org, item, lms, count_queries, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lms.complete_block(org.alice.user, org.course_key, 0)  # warm edx-completion's caches
    for n in (1, 2):
        with django_capture_on_commit_callbacks(execute=False) as callbacks, count_queries() as queries:
            lms.complete_block(org.alice.user, org.course_key, n)
        plugin = _plugin_statements(queries.captured_queries)
        assert len(plugin) == 1 and plugin[0].upper().startswith("INSERT"), plugin
        for callback in callbacks:
            callback()
    assert _state(item)[3] == 3
    # Consumed completion rows are deleted, not kept.
    assert not ProcessedEvent.objects.filter(event_type=progress.BLOCK_COMPLETION_EVENT).exists()


def test_two_people_in_one_transaction_are_two_tasks(org, item, lms, sent_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lms.grade(org.alice.user, org.course_key, 0.4)
        lms.grade(org.bob.user, org.course_key, 0.4)
        lms.grade(org.alice.user, org.course_key, 0.5)
    assert sorted(sent_tasks) == sorted(
        [(org.alice.user.pk, str(org.course_key)), (org.bob.user.pk, str(org.course_key))]
    )


def test_a_rolled_back_transaction_records_nothing_and_sends_nothing(
    org, item, lms, sent_tasks, django_capture_on_commit_callbacks
):
    class Rollback(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Rollback), transaction.atomic():
            lms.grade(org.alice.user, org.course_key, 0.4)
            raise Rollback
        lms.grade(org.alice.user, org.course_key, 0.6)  # a new flush: the rolled-back one is gone
    assert sent_tasks == [(org.alice.user.pk, str(org.course_key))]
    assert _state(item)[2] == 0.6
    assert ProcessedEvent.objects.filter(event_type__contains="grade").count() == 1


def test_duplicates_and_out_of_order_after_the_move_to_tasks(
    org, item, lms, sent_tasks, django_capture_on_commit_callbacks
):
    # Newest first, a redelivery of the same id in the same burst and later, each in its own LMS transaction.
    revoked_id = uuid.uuid1()
    with django_capture_on_commit_callbacks(execute=True):
        lms.certificate(org.alice.user, org.course_key, revoked=True, when=minutes_ago(1), event_id=revoked_id)
    with django_capture_on_commit_callbacks(execute=True):
        lms.passing(org.alice.user, org.course_key, when=minutes_ago(5))  # older: must not win
        lms.certificate(org.alice.user, org.course_key, revoked=True, when=minutes_ago(1), event_id=revoked_id)
    with django_capture_on_commit_callbacks(execute=True):
        lms.grade(org.alice.user, org.course_key, 0.7, when=minutes_ago(3))
        lms.grade(org.alice.user, org.course_key, 0.6, when=minutes_ago(4))  # older grade: ignored
    assert _state(item)[:3] == (PlanItem.IN_PROGRESS, False, 0.7)
    assert ProcessedEvent.objects.filter(event_id=str(revoked_id)).count() == 1
    # Replaying every task again (a redelivered message) changes nothing.
    before = _state(item)
    for user_id, key in list(sent_tasks):
        tasks.apply_learning_events(user_id, key)
    assert _state(item) == before


def test_a_task_that_never_ran_is_found_stale_and_replayed(org, item, lms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the message: no worker ran
        lms.passing(org.alice.user, org.course_key)
    assert progress.stale_pending_pairs() == []  # not stale yet
    ProcessedEvent.objects.update(received_at=timezone.now() - progress.STALE_PENDING - datetime.timedelta(seconds=1))
    assert progress.stale_pending_pairs() == [(org.alice.user.pk, org.course_key)]
    assert api.replay_failed_platform_events() == (1, 0)
    assert _state(item)[:2] == (PlanItem.COMPLETED, True)
    assert progress.stale_pending_pairs() == []


def test_a_task_behind_a_backlog_applies_it_set_wise_in_constant_queries(
    org, item, lms, count_queries, django_capture_on_commit_callbacks
):
    bob_plan = services.create_plan(org.manager.user, org.bob)
    with django_capture_on_commit_callbacks(execute=True):
        bob_item = services.add_item(org.manager.user, bob_plan, kind="course", title="LT", course_key=org.course_key)
    with django_capture_on_commit_callbacks(execute=False):  # the worker lags: nothing ran yet
        for n in range(3):
            lms.grade(org.alice.user, org.course_key, 0.3 + n / 10, when=minutes_ago(10 - n))
            lms.grade(org.bob.user, org.course_key, 0.2 + n / 10, when=minutes_ago(10 - n))
            lms.complete_block(org.bob.user, org.course_key, n)
    with count_queries() as queries:
        assert tasks.apply_learning_events(org.alice.user.pk, str(org.course_key)) == 2  # Bob's item too
    small = len(queries)
    assert _state(item)[2] == 0.5 and _state(bob_item)[2:] == (0.4, 3)
    with count_queries() as queries:  # Bob's own task: already applied, one read
        assert tasks.apply_learning_events(org.bob.user.pk, str(org.course_key)) == 0
    assert len(queries) == 1
    assert small <= 12, [q["sql"][:60] for q in queries.captured_queries]


def test_a_bad_event_in_the_batch_does_not_fail_the_others(org, item, lms, django_capture_on_commit_callbacks):
    plan = services.create_plan(org.manager.user, org.bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=org.course_key)
    with django_capture_on_commit_callbacks(execute=False):
        lms.grade(org.alice.user, org.course_key, 0.4)
    bad = ProcessedEvent.objects.create(
        event_id="bad",
        event_type="x",
        user_id=org.bob.user.pk,
        course_key=org.course_key,
        occurred_at=timezone.now(),
        payload={"fact": "grade", "value": "not a pair"},
    )
    tasks.apply_learning_events(org.alice.user.pk, str(org.course_key))  # the batch fails on Bob's: Alice's alone
    assert _state(item)[2] == 0.4
    assert ProcessedEvent.objects.filter(pk=bad.pk, applied_at__isnull=True).exists()  # Bob's task will keep it
