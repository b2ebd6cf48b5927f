"""
Django admin of development plans: templates editable by unrestricted HR admins only (items checked as the services
do), plans/items/comments read-mostly and scoped to the HR admin's people, event logs read only for unrestricted HR
admins; constant changelist queries.
"""

import pytest
from django.test import Client

from perf_mgmt_plugin.development import services
from perf_mgmt_plugin.development.models import Plan, PlanTemplate, TemplateItem, UnmatchedEvent
from tests import factories

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once")

ADMIN = "/admin/perf_mgmt/"


def staff_client(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plans(org):
    alice_plan = services.create_plan(org.manager.user, org.alice)
    services.add_item(org.manager.user, alice_plan, kind="course", title="LT", course_key=str(org.course_key))
    seller_plan = services.create_plan(org.ceo.user, org.seller, title="Seller plan")
    template = services.create_template(
        slug="new-manager", name="New manager", items=[{"kind": "reading", "title": "B"}]
    )
    return type("Plans", (), {"alice": alice_plan, "seller": seller_plan, "template": template})


def _template_form(name, items):
    data = {
        "name": name,
        "slug": "coach",
        "description": "<p>Coach</p><script>x</script>",
        "active": "on",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, item in enumerate(items):
        data.update({f"items-{n}-{k}": v for k, v in {"order": n, "self_enrol": "on", **item}.items()})
    return data


def test_unrestricted_hr_edits_templates_and_items_are_checked(org, plans):
    client = staff_client(org.hr)
    bad = client.post(f"{ADMIN}plantemplate/add/", _template_form("Coach", [{"kind": "course", "title": "No key"}]))
    assert bad.status_code == 200 and "A course item needs a course key." in bad.content.decode()
    items = [{"kind": "course", "title": "LT", "course_key": str(org.course_key)}, {"kind": "coaching", "title": "C"}]
    ok = client.post(f"{ADMIN}plantemplate/add/", _template_form("Coach", items))
    assert ok.status_code == 302, ok.content.decode()[:2000]
    template = PlanTemplate.objects.get(slug="coach")
    assert "<script>" not in template.description
    assert list(template.items.values_list("category", flat=True)) == ["education", "exposure"]


def test_scoped_hr_admin_reads_templates_but_cannot_edit_them(org, plans):
    client = staff_client(org.hr_eng)
    page = client.get(f"{ADMIN}plantemplate/{plans.template.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(f"{ADMIN}plantemplate/{plans.template.pk}/change/", {"name": "Hacked"}).status_code == 403
    assert client.get(f"{ADMIN}plantemplate/add/").status_code == 403
    assert PlanTemplate.objects.get(pk=plans.template.pk).name == "New manager"
    assert TemplateItem.objects.filter(template=plans.template).count() == 1


@pytest.mark.parametrize(
    "role, visible", [("hr", {"alice", "seller"}), ("hr_eng", {"alice"})], ids=["unrestricted", "scoped"]
)
def test_plans_are_scoped_and_read_only(org, plans, role, visible):
    client = staff_client(getattr(org, role))
    listed = client.get(f"{ADMIN}plan/")
    assert {p.owner.user.username for p in listed.context["cl"].result_list} == visible
    page = client.get(f"{ADMIN}plan/{plans.alice.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(f"{ADMIN}plan/{plans.alice.pk}/change/", {"title": "x"}).status_code == 403
    seller = client.get(f"{ADMIN}plan/{plans.seller.pk}/change/")
    assert seller.status_code == (200 if "seller" in visible else 302)  # 302: the admin's "does not exist"
    items = client.get(f"{ADMIN}planitem/").context["cl"].result_list
    assert {i.owner.user.username for i in items} == visible & {"alice"}
    assert client.get(f"{ADMIN}plan/{plans.alice.pk}/delete/").status_code == 403


def test_archive_action_goes_through_the_service_in_scope(org, plans):
    client = staff_client(org.hr_eng)
    action = {"action": "archive_plans", "_selected_action": [plans.alice.pk, plans.seller.pk]}
    client.post(f"{ADMIN}plan/", action)
    assert Plan.objects.get(pk=plans.alice.pk).status == Plan.ARCHIVED
    assert Plan.objects.get(pk=plans.seller.pk).status == Plan.ACTIVE  # outside her scope: not in the queryset


def test_event_logs_read_only_for_unrestricted_hr(org, plans):
    UnmatchedEvent.objects.create(
        event_id="e1",
        event_type="x",
        user_id=org.alice.user.pk,
        course_key=org.course_key,
        occurred_at=plans.alice.created,
    )
    hr, hr_eng = staff_client(org.hr), staff_client(org.hr_eng)
    assert hr.get(f"{ADMIN}unmatchedevent/").status_code == 200
    assert hr.get(f"{ADMIN}processedevent/").status_code == 200
    page = hr.get(f"{ADMIN}unmatchedevent/{UnmatchedEvent.objects.get().pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert hr.get(f"{ADMIN}unmatchedevent/add/").status_code == 403
    assert hr_eng.get(f"{ADMIN}unmatchedevent/").status_code == 403
    models = {m["object_name"] for app in hr_eng.get("/admin/").context["app_list"] for m in app["models"]}
    assert {"Plan", "PlanItem", "PlanComment", "PlanTemplate"} <= models
    assert not models & {"ProcessedEvent", "UnmatchedEvent"}


def test_non_hr_staff_sees_nothing(org, plans):
    client = staff_client(org.manager.user)
    for model in ("plan", "planitem", "plancomment", "plantemplate", "processedevent", "unmatchedevent"):
        assert client.get(f"{ADMIN}{model}/").status_code == 403, model


@pytest.mark.parametrize("model", ["plan", "planitem", "plancomment", "plantemplate"])
def test_changelist_queries_are_constant(org, plans, count_queries, model):
    client = staff_client(org.hr)
    services.add_comment(org.manager.user, plans.alice, "First")

    def count():
        with count_queries() as queries:
            assert client.get(f"{ADMIN}{model}/").status_code == 200
        return len(queries)

    before = count()
    for n in range(4):
        person = factories.make_employee(manager=org.manager, org_unit=org.platform)
        plan = services.create_plan(org.manager.user, person)
        services.add_item(org.manager.user, plan, kind="reading", title="Book")
        services.add_comment(org.manager.user, plan, "Note")
        services.create_template(slug=f"t{n}", name=f"T{n}", items=[{"kind": "reading", "title": "B"}])
    assert count() == before
