"""
The permission matrix of the appraisals REST API: every role of the ``org`` fixture (the employee alice, her peer
bob, their manager, the senior manager (director), a coach assigned to the manager (seller), HR, HR scoped to
engineering, an outsider and an anonymous caller) against each endpoint. A 404 where the caller may not know the
thing exists, a 403 where they may see it but not do this. Then what must never leak: the manager's private draft to
the employee, another person's review to a peer, unassigned reviews to a coach; and query counts pinned and constant
as data grows.
"""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from perf_mgmt_plugin.appraisals import actions, coaching, notes, reviews
from perf_mgmt_plugin.appraisals.models import Review

from . import builders

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("cycle_once")

ROLES = ["alice", "bob", "manager", "director", "seller", "hr", "hr_eng", "outsider", "anonymous"]


def user_of(org, role):
    value = getattr(org, role)
    return getattr(value, "user", value)


def client_as(org, role):
    client = APIClient()
    if role != "anonymous":
        client.force_login(user_of(org, role))
    return client


def url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs)


@pytest.fixture
def setup(org, cycle):
    """
    Alice's review with her manager's private draft and a private note of the manager; the seller coaches the
    manager in the cycle; the manager's own review in the cycle (by the director, nobody coaches him).
    """
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    draft_items = {item.pk: {"comment": "private-draft-comment"} for item in review.items.all()}
    reviews.save_manager_review(org.manager.user, review, summary="<p>private-draft-summary</p>", items=draft_items)
    notes.add_note(org.manager.user, org.alice, body="<p>manager-private-note</p>", tag="concern", private=True)
    coaching.assign_coach(org.hr, cycle, org.manager, builders.lead(org.seller))
    manager_review = builders.add_review(cycle, org.manager)
    return type("Setup", (), {"cycle": cycle, "review": review, "manager_review": manager_review})


def _expect(table, role):
    """``table`` maps roles to statuses; the anonymous caller is always refused (not signed in)."""
    return 401 if role == "anonymous" else table[role]


_OK_ALL = dict.fromkeys(ROLES, 200)
_HR_ONLY = {**dict.fromkeys(ROLES, 403), "hr": 200, "hr_eng": 200}
_REVIEW_VIEWERS = {**_OK_ALL, "bob": 404, "outsider": 404}
_CYCLE_VIEWERS = {**_OK_ALL, "outsider": 404}

READS = [
    ("appraisal-reviews", None, _OK_ALL),
    ("appraisal-review", "review", _REVIEW_VIEWERS),
    ("appraisal-cycles", None, _OK_ALL),
    ("appraisal-cycle", "cycle", _CYCLE_VIEWERS),
    ("appraisal-cycle-launch-progress", "cycle", _CYCLE_VIEWERS),
    ("appraisal-templates", None, _HR_ONLY),
    ("appraisal-template", "template", _HR_ONLY),
    ("appraisal-coached-reviews", None, _OK_ALL),
    ("appraisal-surveys-pending", None, _OK_ALL),
    ("appraisal-survey-trends", None, _HR_ONLY),
    ("appraisal-survey-results", "cycle", _HR_ONLY),
    ("appraisal-survey-export", "cycle", _HR_ONLY),
    ("appraisal-report-completion", "cycle", _HR_ONLY),
    ("appraisal-report-overdue", "cycle", _HR_ONLY),
    ("appraisal-report-ratings", "cycle", _HR_ONLY),
    ("appraisal-report-coaching", "cycle", _HR_ONLY),
    # Notes about alice: HR may see her record but not her notes; a peer, the coach, an outsider not even that.
    (
        "appraisal-person-notes",
        "alice",
        {**_OK_ALL, "bob": 404, "seller": 404, "outsider": 404, "hr": 403, "hr_eng": 403},
    ),
]


def _kwargs(org, setup, key):
    return {
        None: {},
        "review": {"pk": setup.review.pk},
        "cycle": {"pk": setup.cycle.pk},
        "alice": {"pk": org.alice.pk},
        "template": {"slug": setup.cycle.template.slug},
    }[key]


@pytest.mark.parametrize("role", ROLES)
def test_read_matrix(org, setup, role):
    client = client_as(org, role)
    got = {name: client.get(url(name, **_kwargs(org, setup, key))).status_code for name, key, _table in READS}
    assert got == {name: _expect(table, role) for name, _key, table in READS}


_REVIEW = {"bob": 404, "outsider": 404}
WRITES = [
    # (url name, object, body, statuses by role: the default for a role not named is 403)
    ("appraisal-review-self-review", "review", {}, {**_REVIEW, "alice": 200}),
    ("appraisal-review-manager-review", "review", {}, {**_REVIEW, "manager": 200, "director": 200}),
    ("appraisal-review-request-coaching", "review", {}, {**_REVIEW, "manager": 200, "director": 200}),
    ("appraisal-review-coaching-feedback", "review", {"body": "ok"}, {**_REVIEW, "seller": 200}),
    # Permitted callers reach the service, which refuses a reopening "to" the current stage (400).
    (
        "appraisal-review-reopen",
        "review",
        {"to_stage": "self_review", "reason": "x"},
        {**_REVIEW, "director": 400, "hr": 400, "hr_eng": 400},
    ),
    # Sharing before the self-review deadline without a self review: the service's 400 for the writers.
    ("appraisal-review-share", "review", {}, {**_REVIEW, "manager": 400, "director": 400}),
    ("appraisal-review-attend", "review", {}, {**_REVIEW, "alice": 400, "manager": 400, "director": 400}),
    ("appraisal-review-actions", "review", {}, {**_REVIEW, "manager": 400, "director": 400}),
    (
        "appraisal-person-notes",
        "alice",
        {"body": "n"},
        {**_REVIEW, "seller": 404, "alice": 201, "manager": 201, "director": 201},
    ),  # fmt: skip
    ("appraisal-templates", None, {}, {"hr": 400}),
    ("appraisal-cycles", None, {}, {"hr": 400}),
    ("appraisal-cycle-launch", "cycle", {}, {"hr": 202, "outsider": 404}),
    ("appraisal-cycle-close", "cycle", {}, {"hr": 200, "outsider": 404}),
    (
        "appraisal-cycle-coaches",
        "cycle",
        {"reviewer": "manager", "coach": "director"},
        {
            "hr": 201,
            "hr_eng": 201,
            "director": 201,
            "outsider": 404,
            # Those who may not see the manager's record: for them he is an unknown person.
            "alice": 400,
            "bob": 400,
            "seller": 400,
        },
    ),  # fmt: skip
    (
        "appraisal-survey-submit",
        "cycle",
        {"clarity": 3, "usefulness": 3, "fairness": 3},
        {
            # The cycle is still active: no survey to answer for anybody who can see it.
            **dict.fromkeys(ROLES, 400),
            "outsider": 404,
        },
    ),  # fmt: skip
]


@pytest.mark.parametrize("name,key,body,table", WRITES, ids=[w[0].removeprefix("appraisal-") for w in WRITES])
def test_write_matrix(org, setup, name, key, body, table):
    """Each role in turn on the same data: every request's writes are rolled back before the next role's."""
    body = {
        field: getattr(org, value).pk if value in ("manager", "director") else value for field, value in body.items()
    }
    got = {}
    for role in ROLES:
        savepoint = transaction.savepoint()
        got[role] = client_as(org, role).post(url(name, **_kwargs(org, setup, key)), body, format="json").status_code
        transaction.savepoint_rollback(savepoint)
    assert got == {role: 401 if role == "anonymous" else table.get(role, 403) for role in ROLES}


def test_template_change_matrix(org, setup):
    """Only unrestricted HR admins change a template; everyone else is refused before anything is read or written."""
    path = url("appraisal-template", slug=setup.cycle.template.slug)
    got = {}
    for role in ROLES:
        savepoint = transaction.savepoint()
        got[role] = client_as(org, role).patch(path, {"name": f"by {role}"}, format="json").status_code
        transaction.savepoint_rollback(savepoint)
    assert got == {role: {"hr": 200, "anonymous": 401}.get(role, 403) for role in ROLES}


def test_action_steps_matrix(org, setup):
    action = actions.add_action(
        org.manager.user, setup.review, title="Work item", due_date=setup.cycle.end, kind="work", owner=org.manager
    )
    # Those who may open the review but not manage its actions get 403; the others cannot find the action.
    expected = {"alice": 403, "seller": 403, "hr": 403, "hr_eng": 403, "bob": 404, "outsider": 404, "anonymous": 401}
    got = {
        role: client_as(org, role).post(url("appraisal-action-cancel", pk=action.pk), {}, format="json").status_code
        for role in expected
    }
    assert got == expected
    cancelled = client_as(org, "manager").post(url("appraisal-action-cancel", pk=action.pk), {}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


# What must never leak


SECRETS = ("private-draft-summary", "private-draft-comment", "manager-private-note")


def test_employee_never_sees_the_managers_private_draft_or_private_notes(org, setup):
    alice = client_as(org, "alice")
    pages = [
        alice.get(url("appraisal-review", pk=setup.review.pk)),
        alice.get(url("appraisal-reviews")),
        alice.get(url("appraisal-person-notes", pk=org.alice.pk)),
        alice.post(url("appraisal-review-self-review", pk=setup.review.pk), {"summary": "mine"}, format="json"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert not [secret for secret in SECRETS if secret in response.content.decode()]
    detail = pages[0].json()
    assert not detail["manager_visible"] and detail["coaching"] is None and detail["coach"] is None
    # The manager does see his draft: the test would catch a detail that blanked it for everyone.
    assert (
        "private-draft-summary"
        in client_as(org, "manager").get(url("appraisal-review", pk=setup.review.pk)).content.decode()
    )


def test_a_peer_never_sees_another_persons_review(org, setup):
    bob = client_as(org, "bob")
    listed = bob.get(url("appraisal-reviews")).json()
    assert [r["employee"] for r in listed["results"]] == [org.bob.pk]
    assert bob.get(url("appraisal-reviews"), {"employee": org.alice.pk}).json()["count"] == 0
    for name in ("appraisal-review", "appraisal-review-self-review", "appraisal-review-manager-review"):
        method = bob.get if name == "appraisal-review" else bob.post
        response = method(url(name, pk=setup.review.pk))
        assert response.status_code == 404 and b"alice" not in response.content.lower()


def test_a_coach_sees_only_the_reviews_assigned_to_them(org, setup):
    seller = client_as(org, "seller")
    coached = seller.get(url("appraisal-coached-reviews")).json()
    assert sorted(r["employee"] for r in coached["results"]) == sorted([org.alice.pk, org.bob.pk])
    listed = seller.get(url("appraisal-reviews")).json()
    assert sorted(r["employee"] for r in listed["results"]) == sorted([org.alice.pk, org.bob.pk])
    # The manager's own review (by the director, not coached) stays out of reach.
    assert seller.get(url("appraisal-review", pk=setup.manager_review.pk)).status_code == 404
    # Nor the notes of the people coached.
    assert seller.get(url("appraisal-person-notes", pk=org.alice.pk)).status_code == 404
    # Once the assignment is removed, nothing.
    assert (
        client_as(org, "hr")
        .delete(url("appraisal-cycle-coach", pk=setup.cycle.pk, reviewer=org.manager.pk))
        .status_code
        == 204
    )
    assert seller.get(url("appraisal-coached-reviews")).json()["count"] == 0
    assert seller.get(url("appraisal-review", pk=setup.review.pk)).status_code == 404
