"""
Development plans (ADR 0016): REST PATCH of a plan changes only the fields sent, with ``ETag`` / ``If-Match``
(412 when stale); a comment, an item or an approval sent twice with one ``Idempotency-Key`` is done once.
"""

from django.urls import reverse
from rest_framework.test import APIClient

from perf_mgmt_plugin.development import services
from perf_mgmt_plugin.development.models import Plan, PlanComment, PlanItem


def _api(user):
    client = APIClient()
    client.force_login(user)
    return client


def _url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs)


def test_plan_patch_etag_and_if_match(org):
    plan = services.create_plan(org.alice.user, org.alice, title="Mine", goals="<p>grow</p>")
    alice = _api(org.alice.user)
    read = alice.get(_url("plan", pk=plan.pk))
    assert read.status_code == 200 and read["ETag"] == '"0"'
    changed = alice.patch(_url("plan", pk=plan.pk), {"title": "Renamed"}, format="json", HTTP_IF_MATCH='"0"')
    assert changed.status_code == 200 and changed["ETag"] == '"1"'
    assert changed.json()["goals"] == "<p>grow</p>"  # only the title was sent
    stale = alice.patch(_url("plan", pk=plan.pk), {"goals": "lost?"}, format="json", HTTP_IF_MATCH='"0"')
    assert stale.status_code == 412 and stale.json()["current_etag"] == '"1"'
    assert Plan.objects.get(pk=plan.pk).goals == "<p>grow</p>"
    # Someone who may not see the plan: 404 as for any unknown plan.
    assert _api(org.bob.user).patch(_url("plan", pk=plan.pk), {"title": "x"}, format="json").status_code == 404


def test_comment_item_and_approval_once_per_key(org):
    plan = services.create_plan(org.alice.user, org.alice, title="Mine")
    alice, manager = _api(org.alice.user), _api(org.manager.user)
    comments = _url("plan-comments", pk=plan.pk)
    for _ in range(2):
        answer = alice.post(comments, {"body": "Can I take the course?"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
        assert answer.status_code == 201
    assert PlanComment.objects.filter(plan=plan).count() == 1
    items = _url("plan-items", pk=plan.pk)
    item = {"kind": "reading", "title": "Shadow a release"}
    for _ in range(2):
        assert alice.post(items, item, format="json", HTTP_IDEMPOTENCY_KEY="i-1").status_code == 201
    assert PlanItem.objects.filter(plan=plan).count() == 1
    approve = _url("plan-approve", pk=plan.pk)
    for _ in range(2):
        answer = manager.post(approve, {"comment": "Go ahead"}, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
        assert answer.status_code == 200, answer.content
    assert PlanComment.objects.filter(plan=plan, body__contains="Go ahead").count() == 1
