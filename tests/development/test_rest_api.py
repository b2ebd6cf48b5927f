"""
REST API v1 of development plans: the workflow through HTTP, the permission matrix per role (course staff see only
their course, managers only their reports' plans, a learner never another person's plan), and query counts pinned
and constant with the amount of data.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lms_host.courses.models import Course, CourseEnrollment
from perf_mgmt_plugin import api
from perf_mgmt_plugin.development import services
from perf_mgmt_plugin.development.models import Plan, PlanComment, PlanItem
from tests import factories

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once")

ROLES = ["alice", "bob", "manager", "director", "ceo", "seller", "hr", "hr_eng", "staff", "outsider"]


def user_of(org, role):
    value = getattr(org, role)
    return getattr(value, "user", value)


def client_for(user):
    """A signed-in session: every request loads its user afresh, as in production (no access context carried over)."""
    client = APIClient()
    client.force_login(user)
    return client


def url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs)


@pytest.fixture
def plans(org):
    """Alice: an active plan with a course item (her manager assigned it). Seller: a plan from the CEO."""
    plan = services.create_plan(org.manager.user, org.alice)
    services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=str(org.course_key))
    seller_plan = services.create_plan(org.ceo.user, org.seller)
    services.add_item(org.ceo.user, seller_plan, kind="reading", title="A book")
    return type("Plans", (), {"alice": plan, "seller": seller_plan})


def test_learner_proposes_manager_sends_back_then_approves_over_http(org):
    alice, manager = client_for(org.alice.user), client_for(org.manager.user)
    created = alice.post(url("plans"), {"goals": "<p>Lead</p><script>x</script>"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == Plan.DRAFT and "<script>" not in created.json()["goals"]
    added = alice.post(
        url("plan-items", pk=pk), {"kind": "course", "title": "LT", "course_key": str(org.course_key)}, format="json"
    )
    assert added.status_code == 201 and added.json()["items"][0]["status"] == PlanItem.PROPOSED
    assert alice.post(url("plan-approve", pk=pk), {}, format="json").status_code == 403  # not her own
    assert alice.post(url("plan-propose", pk=pk), {}, format="json").json()["status"] == Plan.PROPOSED
    assert manager.post(url("plan-send-back", pk=pk), {}, format="json").status_code == 400  # say why
    back = manager.post(url("plan-send-back", pk=pk), {"comment": "Add a reading"}, format="json")
    assert back.status_code == 200 and back.json()["status"] == Plan.DRAFT
    alice.post(url("plan-propose", pk=pk), {}, format="json")
    approved = manager.post(url("plan-approve", pk=pk), {"comment": "Good"}, format="json").json()
    assert approved["status"] == Plan.ACTIVE and approved["may_manage"]
    assert approved["items"][0]["status"] == PlanItem.IN_PROGRESS and approved["items"][0]["enrolled"]
    assert approved["items"][0]["course_url"]
    assert CourseEnrollment.objects.filter(user=org.alice.user, course_id=org.course_key).exists()
    assert [c["body"] for c in approved["comments"]] == ["Add a reading", "Good"]


def test_manager_assigns_and_approves_items_and_people_comment(org, plans):
    manager, alice = client_for(org.manager.user), client_for(org.alice.user)
    proposed = alice.post(url("plan-items", pk=plans.alice.pk), {"kind": "reading", "title": "Book"}, format="json")
    item_id = next(i["id"] for i in proposed.json()["items"] if i["title"] == "Book")
    approve = url("plan-items-approve", pk=plans.alice.pk)
    assert alice.post(approve, {"items": [item_id]}, format="json").status_code == 403
    assert PlanItem.objects.get(pk=item_id).status == PlanItem.PROPOSED
    ok = manager.post(approve, {"items": [item_id]}, format="json")
    assert ok.status_code == 200 and PlanItem.objects.get(pk=item_id).status == PlanItem.APPROVED
    assigned = manager.post(
        url("plan-items", pk=plans.alice.pk),
        {"kind": "coaching", "title": "Shadow a lead", "source_ref": "appraisal:7"},
        format="json",
    )
    shadow = next(i for i in assigned.json()["items"] if i["title"] == "Shadow a lead")
    assert (
        shadow["status"] == PlanItem.APPROVED and shadow["source"] == "appraisal" and shadow["category"] == "exposure"
    )
    done = alice.post(url("plan-item-complete", pk=plans.alice.pk, item_pk=shadow["id"]), {"comment": "Done"})
    assert done.status_code == 200 and PlanItem.objects.get(pk=shadow["id"]).status == PlanItem.COMPLETED
    assert alice.post(url("plan-comments", pk=plans.alice.pk), {"body": "Thanks"}).status_code == 201
    assert client_for(org.bob.user).post(url("plan-comments", pk=plans.alice.pk), {"body": "Hi"}).status_code == 404
    bodies = [c["body"] for c in alice.get(url("plan-comments", pk=plans.alice.pk)).json()["results"]]
    assert bodies == ["Done", "Thanks"]
    assert not PlanComment.objects.filter(author=org.bob.user).exists()


def test_hr_lists_templates_and_assigns_one_to_a_position(org):
    template = services.create_template(
        slug="new-manager",
        name="New manager",
        items=[{"kind": "course", "title": "Leading Teams", "course_key": str(org.course_key), "due_days": 30}],
    )
    assert client_for(org.manager.user).get(url("plan-templates")).status_code == 403
    listed = client_for(org.hr_eng).get(url("plan-templates")).json()["results"]
    assert [t["slug"] for t in listed] == ["new-manager"] and listed[0]["items"][0]["due_days"] == 30
    assign = url("plan-template-assign", slug=template.slug)
    assert client_for(org.manager.user).post(assign, {"positions": ["DEV"]}, format="json").status_code == 403
    assert client_for(org.hr).post(assign, {"positions": ["NOPE"]}, format="json").status_code == 400
    result = client_for(org.hr_eng).post(assign, {"org_units": ["ACME"]}, format="json").json()
    assert result["plans_created"] == result["people"] > 0 and result["denied"] >= 2
    again = client_for(org.hr).post(assign, {"positions": ["DEV"]}, format="json").json()
    assert again["plans_created"] == 0 and again["unchanged"] == 2
    assert not Plan.objects.filter(owner=org.seller, template=template).exists()


# Who sees whose plans: the list, a person's plans, one plan, its comments.
SEES = {
    "alice": {"alice"},
    "bob": set(),
    "manager": {"alice"},
    "director": {"alice"},
    "ceo": {"alice", "seller"},
    "seller": {"seller"},
    "hr": {"alice", "seller"},
    "hr_eng": {"alice"},
    "staff": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_plan_permission_matrix(org, plans, role):
    client = client_for(user_of(org, role))
    listed = {p["owner_username"] for p in client.get(url("plans")).json()["results"]}
    assert listed == SEES[role]
    for owner in ("alice", "seller"):
        plan, person = getattr(plans, owner), getattr(org, owner)
        expected = 200 if owner in SEES[role] else 404
        assert client.get(url("plan", pk=plan.pk)).status_code == expected
        assert client.get(url("person-plans", pk=person.pk)).status_code == expected
        assert client.get(url("plan-comments", pk=plan.pk)).status_code == expected
        # Managing: the person's managers (any depth) and HR in scope, never the person.
        approve = client.post(url("plan-approve", pk=plan.pk), {}, format="json").status_code
        if owner not in SEES[role]:
            assert approve == 404
        elif role == owner:
            assert approve == 403
        else:
            assert approve == 200


def test_learner_never_sees_another_persons_plan(org, plans):
    bob = client_for(org.bob.user)
    assert bob.get(url("plans"), {"owner": org.alice.pk}).json()["results"] == []
    assert bob.get(url("plan", pk=plans.alice.pk)).status_code == 404
    assert bob.post(url("plan-items", pk=plans.alice.pk), {"kind": "reading", "title": "x"}).status_code == 404
    assert bob.post(url("plans"), {"owner": org.alice.pk}, format="json").status_code == 400
    assert client_for(org.alice.user).get(url("plans"), {"mine": "true"}).json()["count"] == 1


@pytest.mark.parametrize("role", ROLES)
def test_course_learners_only_for_the_courses_staff(org, plans, role):
    other = "course-v1:DemoOrg+OTHER+2026"
    Course.objects.create(id=other, display_name="Other")
    client = client_for(user_of(org, role))
    response = client.get(url("course-plan-learners", course_id=str(org.course_key)))
    if role in ("staff", "hr"):
        assert response.status_code == 200
        assert [r["username"] for r in response.json()["results"]] == ["alice"]
    else:
        assert response.status_code == 403
    expected = 200 if role == "hr" else 403  # staff of one course see nothing of another
    assert client.get(url("course-plan-learners", course_id=other)).status_code == expected


def _grow(org, plans):
    """More of everything: reports with plans and course items, items and comments on Alice's plan."""
    for _ in range(4):
        person = factories.make_employee(manager=org.manager, org_unit=org.platform)
        plan = services.create_plan(org.manager.user, person)
        services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=str(org.course_key))
        services.add_item(org.manager.user, plans.alice, kind="reading", title="Book")
        services.add_comment(org.manager.user, plans.alice, "Note")


#: endpoint -> (user, pinned number of queries). Pinned so that a new query per call is a deliberate change.
QUERY_COUNTS = {
    "plans": ("manager", 7),
    "person-plans": ("manager", 8),
    "plan": ("manager", 9),
    "plan-comments": ("alice", 5),
    "course-plan-learners": ("staff", 6),
    "plan-templates": ("hr", 9),
}


@pytest.mark.parametrize("name", sorted(QUERY_COUNTS))
def test_query_counts_are_pinned_and_constant(org, plans, count_queries, name):
    role, pinned = QUERY_COUNTS[name]
    services.create_template(slug="t", name="T", items=[{"kind": "reading", "title": "Book", "due_days": 3}])
    services.add_comment(org.manager.user, plans.alice, "First")  # an empty page skips its rows query
    kwargs = {
        "person-plans": {"pk": org.alice.pk},
        "plan": {"pk": plans.alice.pk},
        "plan-comments": {"pk": plans.alice.pk},
        "course-plan-learners": {"course_id": str(org.course_key)},
    }.get(name, {})
    client = client_for(user_of(org, role))

    def count():
        with count_queries() as queries:
            response = client.get(url(name, **kwargs))
        assert response.status_code == 200, response.content
        return len(queries)

    before = count()
    _grow(org, plans)
    services.create_template(slug="t2", name="T2", items=[{"kind": "reading", "title": "Book"}] * 3)
    assert count() == before == pinned


def test_course_page_shows_the_courses_checkin_aggregates(org, plans):
    from django.test import Client

    api.record_course_checkin(org.alice.user, org.course_key, "block-v1:x", reflection="ok", impediments="No time")
    client = Client()
    client.force_login(org.staff)
    page = client.get(reverse("perf_mgmt:course-learners", kwargs={"course_id": str(org.course_key)}))
    text = " ".join(page.content.decode().split())
    # one learner's check-in is not counted until a step of PERF_MGMT_ANONYMITY_MIN_GROUP learners (3) closes
    assert "1 check-ins by 1 learners" not in text and "raised an impediment" not in text
    assert "The figures are shown once at least 3 learners have checked in" in text
    for person in (org.bob, org.manager):
        api.record_course_checkin(person.user, org.course_key, "block-v1:x", reflection="ok")
    page = client.get(reverse("perf_mgmt:course-learners", kwargs={"course_id": str(org.course_key)}))
    assert "3 check-ins by 3 learners: 1 raised an impediment" in " ".join(page.content.decode().split())
