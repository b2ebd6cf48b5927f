"""
Django admin of appraisals: templates and cycles viewed by HR admins and changed only by unrestricted ones, through
the services (their refusals are form errors); reviews, actions and coach assignments read only and scoped to the HR
admin's people, with what ``review_detail`` allows (no unsubmitted self review, no unshared draft for the person);
no admin for notes or the anonymous survey; no deletes; constant changelist queries.
"""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from perf_mgmt_plugin.appraisals import actions, coaching, cycles, launch, reviews, templates
from perf_mgmt_plugin.appraisals.models import (
    CoachAssignment,
    Cycle,
    Review,
    ReviewTemplate,
    SurveyInvitation,
    SurveyResponse,
    TemplateSection,
)
from tests import factories
from tests.development.test_admin import staff_client

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once", "kra_scale_once")

ADMIN = "/admin/perf_mgmt/"
MODELS = ("reviewtemplate", "cycle", "review", "followupaction", "coachassignment")
HIDDEN = ("surveyresponse", "surveyinvitation", "interimnote", "coachingfeedback", "reviewitem", "reviewevent")


@pytest.fixture
def data(org, cycle):
    """The cycle of alice and bob plus seller (sales, outside hr_eng's scope), drafts, an action and a coach."""
    cycles.update_cycle(org.hr, cycle, people=[org.alice, org.bob, org.seller])
    launch.add_late_joiners([org.seller.pk])
    alice = Review.objects.get(cycle=cycle, employee=org.alice)
    reviews.save_self_review(org.alice.user, alice, summary="<p>SELF-DRAFT-SECRET</p>")
    reviews.save_manager_review(org.manager.user, alice, summary="<p>MANAGER-DRAFT-TEXT</p>")
    action = actions.add_action(
        org.manager.user, alice, title="Pair on estimates", due_date=datetime.date.today() + datetime.timedelta(30)
    )
    coaching.assign_coach(org.hr, cycle, org.manager, org.director)
    seller = Review.objects.get(cycle=cycle, employee=org.seller)
    return type("Data", (), {"cycle": cycle, "alice": alice, "seller": seller, "action": action})


def _url(model, pk=None):
    return f"{ADMIN}{model}/" if pk is None else f"{ADMIN}{model}/{pk}/change/"


def _objects(data):
    return {
        "reviewtemplate": data.cycle.template_id,
        "cycle": data.cycle.pk,
        "review": data.alice.pk,
        "followupaction": data.action.pk,
        "coachassignment": CoachAssignment.objects.get().pk,
    }


@pytest.mark.parametrize("role", ["manager", "alice", "director", "seller"])
def test_people_without_hr_rights_see_nothing_even_as_staff(org, data, role):
    person = getattr(org, role)
    client = staff_client(person.user)
    objects = _objects(data)
    for model in MODELS:
        assert client.get(_url(model)).status_code == 403, model
        assert client.get(_url(model, objects[model])).status_code in (302, 403), model
    assert client.get(f"{ADMIN}cycle/add/").status_code == 403


def test_outsider_staff_sees_nothing(org, data):
    client = staff_client(org.outsider)
    for model in MODELS:
        assert client.get(_url(model)).status_code == 403, model
    apps = client.get("/admin/").context["app_list"]
    assert not [m for app in apps for m in app["models"] if m["object_name"] in ("Review", "Cycle")]


@pytest.mark.parametrize("role", ["hr", "hr_eng"])
def test_survey_notes_and_review_parts_have_no_admin(org, data, role):
    client = staff_client(getattr(org, role))
    for model in HIDDEN:
        assert client.get(_url(model)).status_code == 404, model
    models = {m["object_name"] for app in client.get("/admin/").context["app_list"] for m in app["models"]}
    assert {"ReviewTemplate", "Cycle", "Review", "FollowUpAction", "CoachAssignment"} <= models
    assert not models & {"SurveyResponse", "SurveyInvitation", "InterimNote", "CoachingFeedback"}


@pytest.mark.parametrize(
    "role, visible", [("hr", {"alice", "bob", "seller"}), ("hr_eng", {"alice", "bob"})], ids=["unrestricted", "scoped"]
)
def test_reviews_are_scoped_and_read_only(org, data, role, visible):
    client = staff_client(getattr(org, role))
    listed = client.get(_url("review"))
    assert {r.employee.user.username for r in listed.context["cl"].result_list} == visible
    page = client.get(_url("review", data.alice.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    html = page.content.decode()
    assert "MANAGER-DRAFT-TEXT" in html  # HR covering alice may read the draft, as on the review page
    assert "SELF-DRAFT-SECRET" not in html  # nobody but alice sees her unsubmitted self review
    assert client.post(_url("review", data.alice.pk), {"stage": "completed"}).status_code == 403
    assert Review.objects.get(pk=data.alice.pk).stage == Review.SELF_REVIEW
    seller = client.get(_url("review", data.seller.pk))
    assert seller.status_code == (200 if "seller" in visible else 302)  # 302: the admin's "does not exist"
    assert client.get(f"{ADMIN}review/{data.alice.pk}/delete/").status_code == 403
    assert client.get(f"{ADMIN}review/add/").status_code == 403
    actions_listed = client.get(_url("followupaction")).context["cl"].result_list
    assert [a.title for a in actions_listed] == ["Pair on estimates"]
    coaches = client.get(_url("coachassignment")).context["cl"].result_list
    assert [(c.reviewer, c.coach) for c in coaches] == [(org.manager, org.director)]


def test_an_hr_admin_reviewed_themself_never_sees_the_unshared_draft(org, data):
    """Alice becomes an HR admin: her own review in the admin hides her manager's draft, as the review page does."""
    org.alice.user.groups.add(Group.objects.get(name=settings.PERF_MGMT_HR_ADMIN_GROUP))
    client = staff_client(org.alice.user)
    html = client.get(_url("review", data.alice.pk)).content.decode()
    assert "SELF-DRAFT-SECRET" in html
    assert "MANAGER-DRAFT-TEXT" not in html


def test_scoped_hr_admin_reads_templates_and_cycles_but_cannot_change_them(org, data):
    client = staff_client(org.hr_eng)
    for model, pk in (("reviewtemplate", data.cycle.template_id), ("cycle", data.cycle.pk)):
        assert client.get(_url(model)).status_code == 200
        page = client.get(_url(model, pk))
        assert page.status_code == 200 and not page.context["has_change_permission"], model
        assert client.post(_url(model, pk), {"name": "Hacked"}).status_code == 403
        assert client.get(f"{ADMIN}{model}/add/").status_code == 403
    assert ReviewTemplate.objects.get(pk=data.cycle.template_id).name == "Annual review"
    assert Cycle.objects.get(pk=data.cycle.pk).name == "Q review"


def _template_form(sections, **fields):
    data = {
        "name": "Monthly check",
        "slug": "monthly",
        "description": "<p>Short</p><script>x</script>",
        "active": "on",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for n, section in enumerate(sections):
        values = {"order": n, "weight": 1, "instructions": "", **section}
        data.update({f"sections-{n}-{k}": v for k, v in values.items()})
    return data


def test_unrestricted_hr_creates_a_template_through_the_service(org, kra_scale):
    client = staff_client(org.hr)
    no_scale = _template_form([{"kind": "kra", "title": "Results"}])
    page = client.post(f"{ADMIN}reviewtemplate/add/", no_scale)
    assert page.status_code == 200 and "needs a rating scale" in page.content.decode()
    assert not ReviewTemplate.objects.filter(slug="monthly").exists()
    good = _template_form(
        [
            {"kind": "kra", "title": "Results", "scale": kra_scale.pk, "weight": 2},
            {"kind": "questions", "title": "Talk", "questions_text": "* What went well?\nWhat next?"},
        ]
    )
    response = client.post(f"{ADMIN}reviewtemplate/add/", good)
    assert response.status_code == 302, response.content.decode()[:3000]
    template = ReviewTemplate.objects.get(slug="monthly")
    assert "<script>" not in template.description
    sections = list(template.sections.order_by("order"))
    assert [(s.kind, s.weight, s.scale_id) for s in sections] == [("kra", 2, kra_scale.pk), ("questions", 1, None)]
    assert [(q.text, q.required) for q in sections[1].questions.all()] == [
        ("What went well?", True),
        ("What next?", False),
    ]


def test_a_used_templates_sections_are_read_only_but_its_name_changes(org, data):
    client = staff_client(org.hr)
    template = data.cycle.template
    sections = list(TemplateSection.objects.filter(template=template).values_list("pk", "title"))
    page = client.get(_url("reviewtemplate", template.pk))
    assert page.status_code == 200 and page.context["has_change_permission"]
    assert "What went well?" in page.content.decode()
    form = {
        "name": "Annual review 2026",
        "description": "<p>Ours</p>",
        "active": "on",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    for n, (pk, _title) in enumerate(sections):
        form.update({f"sections-{n}-id": pk, f"sections-{n}-template": template.pk, f"sections-{n}-title": "Hacked"})
    response = client.post(_url("reviewtemplate", template.pk), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ReviewTemplate.objects.get(pk=template.pk).name == "Annual review 2026"
    assert list(TemplateSection.objects.filter(template=template).values_list("pk", "title")) == sections


def _cycle_form(template, **fields):
    today = datetime.date.today()
    values = {
        "name": "Monthly pulse",
        "template": template.pk,
        "cadence": Cycle.MONTHLY,
        "scored": "on",
        "start": today,
        "end": today + datetime.timedelta(days=29),
        "self_review_due": today + datetime.timedelta(days=32),
        "manager_review_due": today + datetime.timedelta(days=36),
        "meeting_due": today + datetime.timedelta(days=39),
        "sign_off_due": today + datetime.timedelta(days=43),
    }
    values.update(fields)
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in values.items()}


def test_unrestricted_hr_creates_and_changes_cycles_through_the_service(org, template):
    client = staff_client(org.hr)
    today = datetime.date.today()
    late_order = _cycle_form(template, meeting_due=today + datetime.timedelta(days=33))
    page = client.post(f"{ADMIN}cycle/add/", late_order)
    assert page.status_code == 200 and "must be due in order" in page.content.decode()
    assert not Cycle.objects.exists()
    response = client.post(f"{ADMIN}cycle/add/", _cycle_form(template, units=[org.platform.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    cycle = Cycle.objects.get()
    assert cycle.status == Cycle.DRAFT and cycle.created_by == org.hr
    assert list(cycle.units.all()) == [org.platform]
    launch.start_launch(org.hr, cycle)
    launch.run_launch(cycle.pk)
    other = templates.create_template(
        org.hr, slug="other", name="Other", sections=[{"kind": "development", "title": "Next"}]
    )
    refused = client.post(
        _url("cycle", cycle.pk), {**_cycle_form(template, units=[org.platform.pk]), "template": other.pk}
    )
    assert refused.status_code == 200 and "only before the cycle is launched" in refused.content.decode()
    renamed = client.post(_url("cycle", cycle.pk), _cycle_form(template, name="Pulse", units=[org.platform.pk]))
    assert renamed.status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).name == "Pulse"


def test_close_action_goes_through_the_service(org, data):
    client = staff_client(org.hr_eng)
    client.post(_url("cycle"), {"action": "close_cycles", "_selected_action": [data.cycle.pk]})
    assert Cycle.objects.get(pk=data.cycle.pk).status == Cycle.ACTIVE  # a scoped HR admin may not
    client = staff_client(org.hr)
    client.post(_url("cycle"), {"action": "close_cycles", "_selected_action": [data.cycle.pk]})
    assert Cycle.objects.get(pk=data.cycle.pk).status == Cycle.CLOSED
    assert SurveyInvitation.objects.filter(cycle=data.cycle).count() == 5  # alice, bob, seller + manager, ceo
    assert not SurveyResponse.objects.exists()
    assert client.get(f"{ADMIN}cycle/{data.cycle.pk}/delete/").status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_changelist_queries_are_constant(org, data, count_queries, model, kra_scale):
    client = staff_client(org.hr)

    def count():
        with count_queries() as queries:
            assert client.get(_url(model)).status_code == 200
        return len(queries)

    before = count()
    people = [factories.make_employee(manager=org.director, org_unit=org.platform) for _n in range(3)]
    for n, person in enumerate(people):
        extra = templates.create_template(
            org.hr, slug=f"t{n}", name=f"T{n}", sections=[{"kind": "kra", "title": "R", "scale": kra_scale}]
        )
        more = cycles.create_cycle(
            org.hr,
            name=f"C{n}",
            template=extra,
            people=[person],
            **cycles.suggested_dates(Cycle.MONTHLY, data.cycle.start),
        )
        launch.start_launch(org.hr, more)
        launch.run_launch(more.pk)
        review = Review.objects.get(cycle=more)
        actions.add_action(org.director.user, review, title=f"A{n}", due_date=datetime.date.today())
        coaching.assign_coach(org.hr, more, org.director, org.ceo)
    assert count() == before


@pytest.mark.parametrize("role", ["hr", "hr_eng"])
@pytest.mark.parametrize("model", MODELS)
def test_every_change_page_opens_for_hr_and_only_templates_and_cycles_change(org, data, role, model):
    client = staff_client(getattr(org, role))
    page = client.get(_url(model, _objects(data)[model]))
    assert page.status_code == 200
    writable = role == "hr" and model in ("reviewtemplate", "cycle")
    assert page.context["has_change_permission"] is writable
    assert not page.context["has_delete_permission"]


def test_review_change_page_queries_are_constant(org, data, count_queries):
    client = staff_client(org.hr)

    def count():
        with count_queries() as queries:
            assert client.get(_url("review", data.alice.pk)).status_code == 200
        return len(queries)

    coaching.add_feedback(org.director.user, data.alice, "<p>First</p>")
    count()  # warm the caches (content types) first
    before = count()
    for n in range(3):
        actions.add_action(org.manager.user, data.alice, title=f"Step {n}", due_date=datetime.date.today())
        coaching.add_feedback(org.director.user, data.alice, f"<p>Feedback {n}</p>")
    page = client.get(_url("review", data.alice.pk)).content.decode()
    assert "Step 2" in page and "Feedback 2" in page
    assert count() == before
