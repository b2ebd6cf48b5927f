"""
Development plans (ADR 0016): REST PATCH of a plan changes only the fields sent, with ``ETag`` / ``If-Match``
(412 when stale); a comment, an item or an approval sent twice with one ``Idempotency-Key`` is done once.
"""

import pytest

from perf_mgmt_plugin.development import services
from perf_mgmt_plugin.development.models import Plan, PlanComment, PlanItem

from .test_rest_api import client_for as _api
from .test_rest_api import plans  # noqa: F401  pylint: disable=unused-import
from .test_rest_api import url as _url

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once")


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


def test_plan_patch_query_count_is_pinned_and_constant(org, plans, count_queries):  # noqa: F811
    client = _api(org.alice.user)
    path = _url("plan", pk=plans.alice.pk)

    def count(title):
        tag = client.get(path)["ETag"]
        with count_queries() as queries:
            response = client.patch(path, {"title": title}, format="json", HTTP_IF_MATCH=tag)
        assert response.status_code == 200, response.content
        return len(queries)

    before = count("one")
    for number in range(3):
        services.add_item(org.manager.user, plans.alice, kind="reading", title=f"Book {number}")
        services.add_comment(org.manager.user, plans.alice, f"Note {number}")
    assert count("two") == before == PATCH_QUERIES


#: The caller and rules, locked read, compare-and-set, save with its history row, then the detail as GET answers it.
PATCH_QUERIES = 18


def test_two_tabs_editing_my_plan(org):
    from django.test import Client  # pylint: disable=import-outside-toplevel
    from django.urls import reverse  # pylint: disable=import-outside-toplevel

    plan = services.create_plan(org.alice.user, org.alice, title="Mine", goals="<p>grow</p>")
    client = Client()
    client.force_login(org.alice.user)
    path = reverse("perf_mgmt:my-plan")
    page = client.get(path).content.decode()
    assert '<input type="hidden" name="version" value="0">' in page
    assert (
        client.post(path, {"action": "edit", "title": "Tab one", "goals": "<p>grow</p>", "version": "0"}).status_code
        == 302
    )
    stale = client.post(path, {"action": "edit", "title": "Tab two", "goals": "mine too", "version": "0"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "changed by someone else" in body and 'value="Tab two"' in body and "mine too</textarea>" in body
    assert "Tab one ·" in body  # the plan as saved now
    assert '<input type="hidden" name="version" value="1">' in body
    saved = Plan.objects.get(pk=plan.pk)
    assert (saved.title, saved.goals, saved.version) == ("Tab one", "<p>grow</p>", 1)
