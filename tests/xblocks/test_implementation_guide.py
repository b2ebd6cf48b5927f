"""
The implementation guide XBlock in the host's runtime: the learner plans and applies steps through its handlers
(session user, CSRF, course checks), the manager observes on the Observations page, observed application becomes
competency evidence and moves the gap, course staff see application rates; its editor, OLX and i18n.
"""

import io
import json
from pathlib import Path

import pytest
from completion.models import BlockCompletion
from django.core import mail
from lxml import etree
from lxml import html as lxml_html

from lms_host import xblock_runtime
from perf_mgmt_plugin.blended.models import GuideApplication
from perf_mgmt_plugin.competencies.models import Assessment, CompetencyGap
from tests import factories
from tests.fixtures.blocks import course_block_factory
from xblocks.implementation_guide.block import ImplementationGuideXBlock

from .conftest import (
    block_for,
    block_with_shouting_i18n,
    call_handler,
    catalogue,
    handler,
    marked_strings,
    page_of,
    post,
    studio_handler,
)

pytestmark = pytest.mark.django_db

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "xblocks" / "implementation_guide"
STEPS = [
    {
        "id": "prepare",
        "title": "Prepare a coaching 1:1",
        "action": "Pick one report and write three open questions.",
        "good": "Questions start with what or how.",
        "reflection_prompt": "Which question worked best?",
        "evidence": "Your three questions",
        "observe": False,
    },
    {
        "id": "hold",
        "title": "Hold the conversation",
        "action": "Run the 1:1 with your questions; listen more than you talk.",
        "good": "They leave with their own next step.",
        "reflection_prompt": "What did they decide?",
        "evidence": "The agreed next step",
        "observe": True,
    },
]


def guide_olx(**attrs):
    attrs.setdefault("steps", STEPS)
    parts = []
    for name, value in attrs.items():
        if isinstance(value, (list, dict, bool)):
            value = json.dumps(value).replace("'", "&apos;")
        parts.append(f"{name}='{value}'")
    return f"<perf_mgmt_implementation_guide {' '.join(parts)}/>"


@pytest.fixture
def add_guide(org):
    return course_block_factory(org, guide_olx, "Guide")


@pytest.fixture
def coaching_guide(org, framework, add_guide):
    """A guide that develops COACH; an observed step shows level 4 (alice needs 3)."""
    return add_guide(framework="leadership", competency="COACH", evidence_level=4)


@pytest.fixture
def alice_in(client, org, enroll):
    enroll(org.alice.user)
    client.force_login(org.alice.user)
    return org.alice.user


@pytest.fixture
def other_manager(org):
    """A manager outside alice's line (manages the seller)."""
    boss = factories.make_employee("othermanager", manager=org.ceo, org_unit=org.sales)
    org.seller.manager = boss
    org.seller.save()
    return boss


def plan(client, org, block, step, date="2026-12-10", **extra):
    return post(client, handler(org, block, "plan"), {"step": step, "date": date, **extra})


def apply(client, org, block, step, reflection="It went well", **extra):
    return post(client, handler(org, block, "apply"), {"step": step, "reflection": reflection, **extra})


def test_learner_sees_each_step_with_what_good_looks_like_and_labelled_forms(client, org, coaching_guide, alice_in):
    page = page_of(client, org)

    root = lxml_html.fromstring(page).xpath('//*[@data-testid="implementation-guide"]')[0]
    steps = root.xpath('.//li[@class="pig-step"]')
    assert [s.get("data-step") for s in steps] == ["prepare", "hold"]
    text = root.text_content()
    assert "Questions start with what or how." in text
    assert "0 of 2 steps done" in text
    assert "Your manager observes this step" in steps[1].text_content()
    for control in root.xpath(".//input[not(@type='hidden')] | .//textarea"):  # every control has its label
        assert root.xpath(f'.//label[@for="{control.get("id")}"]'), control.get("id")
    assert "Manager Tester" in text  # who observes


def test_plan_apply_observe_flow_with_evidence_and_the_gap_closing(
    client, org, framework, coaching_guide, alice_in, published, django_capture_on_commit_callbacks
):
    gap = CompetencyGap.objects.get(person=org.alice, competency=framework.coach)
    assert gap.gap == 3  # required 3, never assessed

    assert plan(client, org, coaching_guide, "prepare").status_code == 200
    response = apply(client, org, coaching_guide, "prepare", reflection="The how question", version=1)
    assert response.status_code == 200, response.content
    assert response.json()["progress"] == {"done": 1, "total": 2, "fraction": 0.5}
    with django_capture_on_commit_callbacks(execute=True):  # the email goes after the commit
        response = apply(
            client, org, coaching_guide, "hold", reflection="She chose a course", evidence="Enrol by Friday"
        )
    assert response.json()["message"] == "Saved. Your manager has been asked to observe this step."
    assert response.json()["progress"]["done"] == 1  # waits for the observation
    assert [m.to for m in mail.outbox] == [[org.manager.user.email]]
    assert "observe" in mail.outbox[0].subject

    # The manager's queue and the observation.
    client.force_login(org.manager.user)
    page = client.get("/perf-mgmt/team/observations/").content.decode()
    [card] = lxml_html.fromstring(page).xpath('//*[@data-testid="observation"]')
    assert "Hold the conversation" in card.text_content() and "She chose a course" in card.text_content()
    application = GuideApplication.objects.get(step_id="hold")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/perf-mgmt/team/observations/",
            {"application": application.pk, "version": application.version, "action": "confirm", "comment": "Listened"},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.observer, application.manager_comment) == (
        "observed",
        org.manager.user,
        "Listened",
    )
    [evidence] = Assessment.objects.filter(person=org.alice, source=Assessment.OBSERVED)
    assert (evidence.competency, evidence.level, evidence.rater, evidence.context_type) == (
        framework.coach,
        4,
        org.manager.user,
        "guide",
    )
    gap.refresh_from_db()
    assert (gap.current_level, gap.gap, gap.status) == (4.0, 0.0, CompetencyGap.CLOSED)
    assert mail.outbox[-1].to == [org.alice.user.email]

    # The learner sees the comment and the guide complete; completion grew with the steps.
    client.force_login(org.alice.user)
    root = lxml_html.fromstring(page_of(client, org))
    assert root.xpath('//*[@data-testid="pig-manager-comment"]')[0].text_content() == "Listened"
    assert "2 of 2 steps done" in root.text_content()
    assert [event[2] for event in published] == [{"completion": 0.5}]  # observed outside the block: next visit
    state = call_handler(block_for(org, coaching_guide, org.alice.user), "learner_state")[1]
    assert [s["status"] for s in state["steps"]] == ["applied", "observed"]


def test_completion_is_published_as_steps_are_done(client, org, add_guide, alice_in, published):
    block = add_guide(steps=[{**step, "observe": False} for step in STEPS])
    apply(client, org, block, "prepare")
    apply(client, org, block, "hold")
    assert [event[2] for event in published] == [{"completion": 0.5}, {"completion": 1.0}]
    row = BlockCompletion.objects.get(user=org.alice.user)
    assert (row.block_type, row.completion) == ("perf_mgmt_implementation_guide", 1.0)


def test_feedback_sends_the_step_back_to_the_learner_who_applies_again(client, org, coaching_guide, alice_in):
    apply(client, org, coaching_guide, "hold")
    application = GuideApplication.objects.get()
    client.force_login(org.manager.user)
    # Feedback needs a text.
    client.post("/perf-mgmt/team/observations/", {"application": application.pk, "action": "feedback"})
    application.refresh_from_db()
    assert application.status == "applied"
    client.post(
        "/perf-mgmt/team/observations/",
        {"application": application.pk, "action": "feedback", "comment": "Ask before you suggest", "version": 1},
    )
    application.refresh_from_db()
    assert (application.status, application.manager_comment) == ("feedback", "Ask before you suggest")
    assert not Assessment.objects.filter(source=Assessment.OBSERVED).exists()
    client.force_login(org.alice.user)
    assert "Ask before you suggest" in page_of(client, org)
    assert apply(client, org, coaching_guide, "hold", reflection="Asked first", version=2).status_code == 200
    application.refresh_from_db()
    assert application.status == "applied"


def test_permission_matrix(client, org, coaching_guide, enroll, other_manager):
    """Learner, manager, other manager, course staff, anonymous: who may apply, observe and see rates."""
    enroll(org.alice.user, org.bob.user)
    # Anonymous: every handler refuses; the page asks to sign in.
    assert apply(client, org, coaching_guide, "hold").status_code in (302, 403)
    assert client.get("/perf-mgmt/team/observations/").status_code == 302
    client.force_login(org.alice.user)
    assert apply(client, org, coaching_guide, "hold").status_code == 200
    application = GuideApplication.objects.get()
    # The learner may not observe their own step, nor see the staff rates.
    assert client.get("/perf-mgmt/team/observations/").status_code == 403
    assert post(client, handler(org, coaching_guide, "staff_summary"), {}).status_code == 403
    # Another manager: the queue is theirs only, someone else's application is "not found".
    client.force_login(other_manager.user)
    assert "Hold the conversation" not in client.get("/perf-mgmt/team/observations/").content.decode()
    response = client.post("/perf-mgmt/team/observations/", {"application": application.pk, "action": "confirm"})
    assert response.status_code == 404
    # Course staff: rates yes, observing no (not their report), applying no (no employee record).
    client.force_login(org.staff)
    assert post(client, handler(org, coaching_guide, "staff_summary"), {}).status_code == 200
    assert client.get("/perf-mgmt/team/observations/").status_code == 403
    assert apply(client, org, coaching_guide, "prepare").status_code == 400
    # The manager observes.
    client.force_login(org.manager.user)
    response = client.post("/perf-mgmt/team/observations/", {"application": application.pk, "action": "confirm"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "observed"
    # A learner cannot apply a step of somebody else: the row is always the signed-in learner's.
    client.force_login(org.bob.user)
    apply(client, org, coaching_guide, "hold")
    assert GuideApplication.objects.filter(person=org.bob).count() == 1
    assert GuideApplication.objects.get(person=org.alice).status == "observed"


def test_hostile_and_stale_submissions_are_refused(client, org, coaching_guide, alice_in):
    assert apply(client, org, coaching_guide, "nope").status_code == 400
    assert apply(client, org, coaching_guide, "hold", reflection="").status_code == 400
    assert apply(client, org, coaching_guide, "hold", reflection="x" * 5001).status_code == 400
    assert post(client, handler(org, coaching_guide, "apply"), {"step": ["hold"]}).status_code == 400
    assert plan(client, org, coaching_guide, "hold", date="tomorrow").status_code == 400
    assert plan(client, org, coaching_guide, "hold", version="1").status_code == 400
    assert not GuideApplication.objects.exists()
    assert plan(client, org, coaching_guide, "hold").status_code == 200
    # A second tab still showing version 0 of the step: a conflict, nothing overwritten.
    response = plan(client, org, coaching_guide, "hold", date="2026-12-24", version=0)
    assert response.status_code == 409
    assert str(GuideApplication.objects.get().planned_for) == "2026-12-10"
    apply(client, org, coaching_guide, "hold", version=1)
    assert apply(client, org, coaching_guide, "hold", version=2).status_code == 400  # waits for the manager


def test_the_same_submission_sent_twice_applies_once(
    client, org, coaching_guide, alice_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = apply(client, org, coaching_guide, "hold", submission_key="k-1")
        again = apply(client, org, coaching_guide, "hold", submission_key="k-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert GuideApplication.objects.get().version == 1
    assert len(mail.outbox) == 1


def test_the_same_observation_sent_twice_records_one_evidence(client, org, coaching_guide, alice_in):
    apply(client, org, coaching_guide, "hold")
    application = GuideApplication.objects.get()
    client.force_login(org.manager.user)
    form = {"application": application.pk, "action": "confirm", "version": 1, "idempotency_key": "obs-1"}
    client.post("/perf-mgmt/team/observations/", form)
    client.post("/perf-mgmt/team/observations/", form)
    assert Assessment.objects.filter(source=Assessment.OBSERVED).count() == 1


def test_staff_see_application_rates_hidden_below_the_minimum(client, org, coaching_guide, enroll, settings):
    settings.PERF_MGMT_ANONYMITY_MIN_GROUP = 3
    learners = [org.alice, org.bob, factories.make_employee("carol", manager=org.manager, org_unit=org.platform)]
    enroll(*[person.user for person in learners])
    for person in learners[:2]:
        client.force_login(person.user)
        apply(client, org, coaching_guide, "prepare")
    client.force_login(org.staff)
    url = handler(org, coaching_guide, "staff_summary")
    assert post(client, url, {}).json()["hidden"] is True
    assert "Fewer than 3 learners have started this guide" in page_of(client, org)
    client.force_login(learners[2].user)
    apply(client, org, coaching_guide, "prepare")
    apply(client, org, coaching_guide, "hold")
    client.force_login(org.staff)
    data = post(client, url, {}).json()
    assert (data["hidden"], data["learners"]) == (False, 3)
    # One learner applied "hold": held back, so the staff cannot tell who.
    assert data["steps"] == {
        "prepare": {"applied": 3, "observed": 0, "rate": 100},
        "hold": {"applied": 0, "observed": 0, "rate": 0},
    }
    rates = lxml_html.fromstring(page_of(client, org)).xpath('//*[@data-testid="pig-rate"]')
    assert [cell.text for cell in rates] == ["100%", "0%"]


def test_manager_queue_and_handlers_in_constant_queries(client, org, coaching_guide, enroll, count_queries):
    """The manager's page and the learner's handlers cost the same however many applications there are."""
    enroll(org.alice.user, org.bob.user)

    def queue_queries():
        client.force_login(org.manager.user)
        with count_queries() as queries:
            assert client.get("/perf-mgmt/team/observations/").status_code == 200
        return len(queries)

    def apply_queries(person, step, key):
        client.force_login(person.user)
        with count_queries() as queries:
            assert apply(client, org, coaching_guide, step, submission_key=key).status_code == 200
        return len(queries)

    first_apply = apply_queries(org.alice, "hold", "a1")
    small = queue_queries()
    for index in range(6):
        person = factories.make_employee(f"learner{index}", manager=org.manager, org_unit=org.platform)
        enroll(person.user)
        apply_queries(person, "hold", f"b{index}")
    second_apply = apply_queries(org.bob, "hold", "a2")
    assert queue_queries() == small
    assert second_apply == first_apply
    # Pinned (SQLite). The page, 13: session and user, the access context (employee, HR group, grants), the
    # navigation's personas, the queue's count and page (rows with the learner), the team's modules (aggregate and
    # people), the modules' names (one batch from the platform). An apply, 42: session, user service and masquerade
    # check, the host's key-value reads of the block's fields and state, the employee, the competency and its level,
    # the idempotency key, the row's insert or lock and version claim, the save, the redrawn steps and the completion
    # row.
    assert (small, first_apply) == (13, 42)


def test_validation_messages(org, framework, add_guide):
    bad = add_guide(steps=[{"id": "a", "title": "", "action": ""}, {"id": "a", "title": "T", "action": "A"}])
    texts = [m.text for m in block_for(org, bad, None).validate().messages]
    assert "Step 1 needs a title." in texts
    assert "Step 1 needs what to do on the job." in texts
    assert "Step 2 needs a unique id (letters, digits, - or _)." in texts
    wrong = add_guide(order=1, framework="leadership", competency="NOPE")
    assert [m.text for m in block_for(org, wrong, None).validate().messages] == [
        "There is no competency 'NOPE' in the framework 'leadership'."
    ]
    level = add_guide(order=2, framework="leadership", competency="COACH", evidence_level=9)
    assert [m.text for m in block_for(org, level, None).validate().messages] == [
        "Choose the level an observed step shows: one of 1, 2, 3, 4."
    ]
    assert add_guide(order=3, steps=[]).validate if False else True
    assert [m.text for m in block_for(org, add_guide(order=4, steps=[]), None).validate().messages] == [
        "Write at least one step."
    ]


def test_studio_editor_saves_validated_steps_for_the_course_team_only(client, org, framework, add_guide, enroll):
    course_block = add_guide()
    block = block_for(org, course_block, org.staff)
    doc = lxml_html.fromstring(block.render("studio_view", {}).body_html())
    controls = doc.xpath("//input | //textarea")
    labelled = set(doc.xpath("//label/@for"))
    assert [c.get("id") for c in controls if c.get("id") not in labelled] == []
    assert len(doc.xpath('//fieldset[@class="pig-studio-step"]')) == 3  # two steps and a new one
    helps = {element.get("id"): element.text_content().strip() for element in doc.xpath("//*[@id]")}
    for element in doc.xpath("//*[@aria-describedby]"):
        assert helps.get(element.get("aria-describedby")), element.get("aria-describedby")

    url = studio_handler(org, course_block, "submit_studio_edits")
    enroll(org.alice.user)
    client.force_login(org.alice.user)
    assert post(client, url, {"values": {"steps": []}}).status_code == 403
    client.force_login(org.staff)
    assert post(client, handler(org, course_block, "submit_studio_edits"), {"values": {}}).status_code == 403
    response = post(client, url, {"values": {"steps": []}})
    assert response.json()["error"]["messages"] == ["Write at least one step."]
    new_steps = [
        {**STEPS[1], "observe": "on"},
        {"id": "", "title": "Follow up", "action": "Ask how the next step went.", "observe": False},
        {"id": "", "title": "", "action": ""},  # the empty "new step" is dropped
    ]
    response = post(client, url, {"values": {"steps": new_steps, "competency": " COACH ", "framework": "leadership"}})
    assert response.status_code == 400  # a competency needs its level
    response = post(
        client,
        url,
        {"values": {"steps": new_steps, "competency": "COACH", "framework": "leadership", "evidence_level": 3}},
    )
    assert response.status_code == 200, response.content
    block = block_for(org, course_block, org.staff)
    assert [(s["id"], s["title"], s["observe"]) for s in block.steps] == [
        ("hold", "Hold the conversation", True),
        ("step-1", "Follow up", False),
    ]


def test_student_view_data_for_mobile_holds_no_learner_state(client, org, coaching_guide, alice_in):
    apply(client, org, coaching_guide, "prepare")
    block = block_for(org, coaching_guide, org.alice.user)
    data = block.student_view_data()
    assert [step["id"] for step in data["steps"]] == ["prepare", "hold"]
    assert data["learner_state_handler"] == "learner_state"
    assert "It went well" not in json.dumps(data)
    state = call_handler(block, "learner_state")[1]
    assert state["steps"][0]["reflection"] == "It went well"
    assert state["progress"]["done"] == 1 and state["can_write"] is True


def test_without_a_real_user_the_block_is_a_read_only_preview(org, coaching_guide):
    block = block_for(org, coaching_guide, None)
    html = block.render("student_view", {}).body_html()
    assert "Preview: sign in as a learner" in html
    assert "pig-apply" not in html
    assert call_handler(block, "apply", {"step": "hold", "reflection": "x"})[0] == 403


def test_olx_round_trip(org):
    olx = guide_olx(display_name="Coaching on the job", framework="leadership", competency="COACH", evidence_level=3)
    runtime = xblock_runtime.HostRuntime(org.course_key)
    runtime.id_generator = xblock_runtime.HostIdManager(org.course_key, scenario="olx1")
    block = runtime.get_block(runtime.parse_xml_string(olx))
    assert block.steps == STEPS

    out = io.BytesIO()
    runtime.export_to_xml(block, out)
    node = etree.fromstring(out.getvalue())
    assert node.tag == "perf_mgmt_implementation_guide"
    assert json.loads(node.get("steps")) == STEPS

    runtime.id_generator = xblock_runtime.HostIdManager(org.course_key, scenario="olx2")
    again = runtime.get_block(runtime.parse_xml_string(out.getvalue()))
    for name in ImplementationGuideXBlock.editable_fields:
        assert getattr(again, name) == getattr(block, name), name


def test_strings_go_through_the_runtime_i18n_service(org, coaching_guide):
    block = block_with_shouting_i18n(org, coaching_guide, org.outsider)
    assert call_handler(block, "learner_state")[1]["message"].startswith("YOUR ACCOUNT HAS NO EMPLOYEE RECORD")


def test_every_marked_string_is_in_the_translation_catalogue():
    marked = marked_strings(PACKAGE_DIR)
    assert len(marked) > 40
    assert marked - catalogue(PACKAGE_DIR) == set()


def test_block_is_installed_under_its_entry_point():
    from xblock.core import XBlock  # pylint: disable=import-outside-toplevel

    assert XBlock.load_class("perf_mgmt_implementation_guide") is ImplementationGuideXBlock
