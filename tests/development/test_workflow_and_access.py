"""Approval workflow, templates to a population, the permission matrix of the pages, reminders, retirement."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms_host.courses.models import CourseEnrollment
from perf_mgmt_plugin.api import retire_user
from perf_mgmt_plugin.core.access import AccessDenied
from perf_mgmt_plugin.development import reminders, services
from perf_mgmt_plugin.development.errors import DevelopmentError
from perf_mgmt_plugin.development.models import Plan, PlanComment, PlanItem
from tests import factories

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once")

ROLES = ["alice", "bob", "manager", "director", "seller", "hr", "hr_eng", "staff", "outsider"]


def user_of(org, role):
    value = getattr(org, role)
    return getattr(value, "user", value)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_person_proposes_and_manager_approves(org):
    plan = services.create_plan(org.alice.user, org.alice, goals="<p>Lead</p><script>x</script>")
    assert plan.status == Plan.DRAFT and "<script>" not in plan.goals
    item = services.add_item(org.alice.user, plan, kind="course", title="LT", course_key=str(org.course_key))
    assert item.status == PlanItem.PROPOSED and item.source == "self"
    with pytest.raises(AccessDenied):
        services.approve_plan(org.alice.user, plan)  # not her own
    with pytest.raises(AccessDenied):
        services.approve_plan(org.seller.user, plan)  # not her manager
    services.propose_plan(org.alice.user, plan)
    services.approve_plan(org.manager.user, plan, comment="Good plan")
    plan.refresh_from_db()
    item.refresh_from_db()
    assert plan.status == Plan.ACTIVE and plan.approved_by == org.manager.user
    assert item.status == PlanItem.IN_PROGRESS and item.enrolled  # approval enrolled her
    assert CourseEnrollment.objects.filter(user=org.alice.user, course_id=org.course_key).exists()
    assert PlanComment.objects.filter(plan=plan, author=org.manager.user).exists()


def test_manager_assigns_and_sends_back(org):
    plan = services.create_plan(org.director.user, org.bob)  # a manager two levels up
    assert plan.status == Plan.ACTIVE
    item = services.add_item(
        org.director.user, plan, kind="coaching", title="Shadow a lead", due_date=datetime.date(2020, 1, 1)
    )
    assert item.status == PlanItem.APPROVED and item.category == "exposure" and item.is_overdue
    services.complete_item(org.bob.user, item)
    assert PlanItem.objects.get(pk=item.pk).status == PlanItem.COMPLETED
    draft = services.create_plan(org.alice.user, org.alice)
    services.propose_plan(org.alice.user, draft)
    with pytest.raises(DevelopmentError):
        services.return_plan(org.manager.user, draft, "")
    services.return_plan(org.manager.user, draft, "Add a reading")
    assert Plan.objects.get(pk=draft.pk).status == Plan.DRAFT


def test_template_to_a_population_is_set_based_scoped_and_idempotent(org, count_queries):
    template = services.create_template(
        slug="new-manager",
        name="New manager",
        items=[
            {"kind": "course", "title": "Leading Teams", "course_key": str(org.course_key), "due_days": 30},
            {"kind": "on_the_job", "title": "Run a 1:1", "due_days": 14},
        ],
    )
    with pytest.raises(AccessDenied):
        services.assign_template(org.manager.user, template, position_ids=[org.dev.pk])
    result = services.assign_template(org.hr_eng, template, unit_ids=[org.company.pk])
    assert result.plans_created == result.people  # everyone in ENG, nobody in SALES
    assert result.denied >= 2  # ceo and seller are outside hr_eng's scope
    assert not Plan.objects.filter(owner=org.seller).exists()
    assert PlanItem.objects.filter(owner=org.alice, kind="course", enrolled=True).exists()
    assert services.assign_template(org.hr, template, position_ids=[org.dev.pk]).unchanged == 2

    # Constant queries: ten more developers cost no more queries.
    def assign_to_new(n):
        people = [factories.make_employee(org_unit=org.platform, position=org.dev) for _ in range(n)]
        t = services.create_template(slug=f"t{n}", name="T", items=[{"kind": "reading", "title": "Book"}])
        with count_queries() as queries:
            services.assign_template(org.hr, t, employee_ids=[p.pk for p in people])
        return len(queries)

    assert assign_to_new(2) == assign_to_new(12)


@pytest.fixture
def plans(org):
    plan = services.create_plan(org.manager.user, org.alice)
    services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=str(org.course_key))
    return plan


PAGES = {
    # page: roles allowed (others: 403 or 404)
    "my-plan": set(ROLES),
    "team-plans": {"manager", "director", "hr", "hr_eng"},
    "plan-review": {"alice", "manager", "director", "hr", "hr_eng"},
    "course-learners": {"staff", "hr"},
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_page_permission_matrix(org, plans, page, role):
    kwargs = {"plan-review": {"pk": plans.pk}, "course-learners": {"course_id": str(org.course_key)}}.get(page, {})
    response = client_for(user_of(org, role)).get(reverse(f"perf_mgmt:{page}", kwargs=kwargs))
    if role in PAGES[page]:
        assert response.status_code == 200, response.status_code
    else:
        assert response.status_code in (403, 404)


def test_course_staff_see_only_their_course(org, plans):
    from lms_host.courses.models import Course

    other = "course-v1:DemoOrg+OTHER+2026"
    Course.objects.create(id=other, display_name="Other")
    staff = client_for(org.staff)
    assert staff.get(reverse("perf_mgmt:course-learners", kwargs={"course_id": other})).status_code == 403
    csv_response = staff.get(reverse("perf_mgmt:course-learners-csv", kwargs={"course_id": str(org.course_key)}))
    assert csv_response.status_code == 200 and b"alice" in csv_response.content


def test_managers_see_only_their_reports_plans(org, plans):
    seller_plan = services.create_plan(org.ceo.user, org.seller)
    manager = client_for(org.manager.user)
    page = manager.get(reverse("perf_mgmt:team-plans")).content.decode()
    assert "Alice" in page and "Seller" not in page
    assert manager.get(reverse("perf_mgmt:plan-review", kwargs={"pk": seller_plan.pk})).status_code == 404


@pytest.mark.parametrize("page", ["my-plan", "team-plans", "plan-review", "course-learners"])
def test_page_query_counts_are_constant(org, plans, count_queries, page):
    user = {"my-plan": org.alice.user, "course-learners": org.hr}.get(page, org.manager.user)
    kwargs = {"plan-review": {"pk": plans.pk}, "course-learners": {"course_id": str(org.course_key)}}.get(page, {})
    url = reverse(f"perf_mgmt:{page}", kwargs=kwargs)
    client = client_for(user)

    def count():
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for _ in range(5):
        person = factories.make_employee(manager=org.manager, org_unit=org.platform)
        services.add_item(
            org.manager.user,
            services.create_plan(org.manager.user, person),
            kind="course",
            title="LT",
            course_key=str(org.course_key),
        )
        services.add_item(org.manager.user, plans, kind="reading", title="Book")
    assert count() == before


def test_overdue_reminders_once_per_interval(org, plans):
    item = plans.items.first()
    PlanItem.objects.filter(pk=item.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    result = reminders.send_overdue_reminders()
    # edx-ace sends one message per recipient: the person's, which names the manager copied, and the manager's copy.
    assert result.items == 1 and len(mail.outbox) == 2
    to_person, to_manager = mail.outbox
    assert to_person.to == [org.alice.user.email] and to_person.extra_headers["Cc"] == org.manager.user.email
    assert to_manager.to == [org.manager.user.email]
    call_command("send_plan_reminders")
    assert len(mail.outbox) == 2  # already reminded within the interval


def test_retirement_removes_the_persons_plans(org, plans):
    services.add_comment(org.manager.user, plans, "Well done")
    other = services.create_plan(org.manager.user, org.bob)
    services.add_comment(org.alice.user, services.create_plan(org.alice.user, org.alice), "mine")
    retire_user(org.alice.user)
    assert not Plan.objects.filter(owner__user=org.alice.user).exists()
    assert not Plan.history.filter(owner_id=org.alice.pk).exists()
    retire_user(org.manager.user)
    assert Plan.objects.get(pk=other.pk).created_by is None
