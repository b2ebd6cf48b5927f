"""
Issue 20 items 4 and 5 under real concurrency on MariaDB (see conftest): two tabs saving the same thing at once
with the same ``If-Match`` (exactly one wins, the other gets 412, the saved row is the winner's: no lost write), and
the same create or submit sent several times at once with one ``Idempotency-Key`` (one record, every answer the
same: no duplicate). Rounds are few and small to keep the run short.
"""

import datetime

import pytest
from django.urls import reverse

from perf_mgmt_plugin.appraisals.models import Review
from perf_mgmt_plugin.development import services as development_services

from .conftest import api_client, race, sql

ROUNDS = 5
DOUBLE = 4  # requests sent at once for one double click / retry


def _url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs)


def _statuses(results):
    return sorted(getattr(result, "status_code", repr(result)) for result in results)


@pytest.fixture
def review(cycle, org):  # noqa: F811
    return Review.objects.get(cycle=cycle, employee=org.alice)


def test_two_tabs_saving_the_manager_review_at_once_lose_nothing(transactional_db, org, review):
    tabs = [api_client(org.manager.user), api_client(org.manager.user)]
    path = _url("appraisal-review-manager-review", pk=review.pk)
    item_id = sql("SELECT id FROM perf_mgmt_reviewitem WHERE review_id = %s ORDER BY id LIMIT 1", review.pk)[0][0]
    for round_no in range(ROUNDS):
        # Both tabs read the review, then save at the same moment with the tag they read.
        tag = tabs[0].get(_url("appraisal-review", pk=review.pk)).get("ETag", '"0.0"')
        bodies = [{"items": {str(item_id): {"comment": f"round {round_no} tab {tab}"}}} for tab in (0, 1)]
        results = race(
            [lambda t=tab: tabs[t].post(path, bodies[t], format="json", HTTP_IF_MATCH=tag) for tab in (0, 1)]
        )
        assert _statuses(results) == [200, 412], (round_no, results)
        winner = next(tab for tab in (0, 1) if results[tab].status_code == 200)
        saved = sql("SELECT manager_comment FROM perf_mgmt_reviewitem WHERE id = %s", item_id)[0][0]
        assert saved == f"round {round_no} tab {winner}"  # the answer the client got is what is saved
        assert results[1 - winner].json()["current_etag"] == results[winner]["ETag"]


def test_two_tabs_patching_an_objective_at_once_lose_nothing(transactional_db, org, strategy):  # noqa: F811
    task = strategy.alice_task
    tabs = [api_client(org.manager.user), api_client(org.manager.user)]
    path = _url("objective", pk=task.pk)
    for round_no in range(ROUNDS):
        tag = tabs[0].get(path).get("ETag", '"0"')
        results = race(
            [
                lambda t=tab: tabs[t].patch(
                    path, {"description": f"r{round_no} t{t}"}, format="json", HTTP_IF_MATCH=tag
                )
                for tab in (0, 1)
            ]
        )
        assert _statuses(results) == [200, 412], (round_no, results)
        winner = next(tab for tab in (0, 1) if results[tab].status_code == 200)
        saved = sql("SELECT description FROM perf_mgmt_objective WHERE id = %s", task.pk)[0][0]
        assert saved == f"r{round_no} t{winner}"


def test_a_note_sent_several_times_at_once_is_one_note(transactional_db, org, cycle):  # noqa: F811
    client = api_client(org.manager.user)
    path = _url("appraisal-person-notes", pk=org.alice.pk)
    for round_no in range(ROUNDS):
        body = {"body": f"note {round_no}"}
        key = f"note-{round_no}"
        results = race(
            [lambda: client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key) for _ in range(DOUBLE)]
        )
        assert _statuses(results) == [201] * DOUBLE, results
        assert len({result.json()["id"] for result in results}) == 1
    rows = sql("SELECT body, COUNT(*) FROM perf_mgmt_interimnote WHERE employee_id = %s GROUP BY body", org.alice.pk)
    assert sorted(rows) == [(f"note {n}", 1) for n in range(ROUNDS)]


def test_a_follow_up_action_sent_several_times_at_once_is_one_action(transactional_db, org, review):
    client = api_client(org.manager.user)
    path = _url("appraisal-review-actions", pk=review.pk)
    due = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
    for round_no in range(ROUNDS):
        body = {"title": f"action {round_no}", "due_date": due}
        key = f"act-{round_no}"
        results = race(
            [lambda: client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key) for _ in range(DOUBLE)]
        )
        assert _statuses(results) == [201] * DOUBLE, results
    rows = sql("SELECT title, COUNT(*) FROM perf_mgmt_followupaction WHERE review_id = %s GROUP BY title", review.pk)
    assert sorted(rows) == [(f"action {n}", 1) for n in range(ROUNDS)]
    events = sql(
        "SELECT COUNT(*) FROM perf_mgmt_reviewevent WHERE review_id = %s AND action = 'action_added'", review.pk
    )
    assert events == ((ROUNDS,),)


def test_an_approval_sent_several_times_at_once_leaves_one_comment(transactional_db, org):
    client = api_client(org.manager.user)
    plans = [development_services.create_plan(org.alice.user, org.alice, title=f"plan {n}") for n in range(ROUNDS)]
    for plan in plans:
        path = _url("plan-approve", pk=plan.pk)
        key = f"approve-{plan.pk}"
        results = race(
            [
                lambda p=path: client.post(p, {"comment": "Approved"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
                for _ in range(DOUBLE)
            ]
        )
        assert _statuses(results) == [200] * DOUBLE, results
    rows = sql(
        "SELECT plan_id, COUNT(*) FROM perf_mgmt_plancomment WHERE plan_id IN ({}) GROUP BY plan_id".format(
            ", ".join(str(plan.pk) for plan in plans)
        )
    )
    assert sorted(rows) == [(plan.pk, 1) for plan in plans]


def test_a_plan_comment_sent_several_times_at_once_is_one_comment(transactional_db, org):
    client = api_client(org.alice.user)
    plan = development_services.create_plan(org.alice.user, org.alice, title="mine")
    path = _url("plan-comments", pk=plan.pk)
    for round_no in range(ROUNDS):
        body, key = {"body": f"comment {round_no}"}, f"comment-{round_no}"
        results = race(
            [lambda: client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key) for _ in range(DOUBLE)]
        )
        assert _statuses(results) == [201] * DOUBLE, results
    rows = sql("SELECT body, COUNT(*) FROM perf_mgmt_plancomment WHERE plan_id = %s GROUP BY body", plan.pk)
    assert sorted(rows) == [(f"comment {n}", 1) for n in range(ROUNDS)]


def test_a_self_review_submitted_several_times_at_once_is_one_submission(transactional_db, org, review):
    alice = api_client(org.alice.user)
    detail = alice.get(_url("appraisal-review", pk=review.pk)).json()
    items = {}
    for item in detail["items"]:
        points = [level["value"] for level in item["levels"]]
        items[str(item["id"])] = {"rating": points[-1], "comment": "c"} if points else {"comment": "an answer"}
    body = {"items": items, "summary": "done", "submit": True}
    path = _url("appraisal-review-self-review", pk=review.pk)
    results = race(
        [lambda: alice.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="submit") for _ in range(DOUBLE)]
    )
    assert _statuses(results) == [200] * DOUBLE, [getattr(r, "content", r) for r in results]
    events = sql(
        "SELECT COUNT(*) FROM perf_mgmt_reviewevent WHERE review_id = %s AND action = 'self_submitted'", review.pk
    )
    assessments = sql(
        "SELECT COUNT(*) FROM perf_mgmt_assessment WHERE context_type = 'appraisal' AND context_id = %s",
        str(review.pk),
    )
    assert events == ((1,),)
    competencies = sum(1 for item in detail["items"] if item["competency"])
    assert assessments == ((competencies,),)
