"""
The check-in XBlock in the host's workbench runtime: rendered on the course page for the signed-in user, its
handlers called through the host's handler view (session user, CSRF, course checks), what it writes read back
through the plugin's api and the strategy models, its OLX parsed and exported by the runtime itself.
"""

import io
import json
import re
from pathlib import Path

import pytest
from completion.models import BlockCompletion
from lxml import etree
from lxml import html as lxml_html

from lms_host import xblock_runtime
from perf_mgmt_plugin import api
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest, Impediment
from xblocks.checkin.block import SECTIONS, CheckInXBlock

from .conftest import (
    block_for,
    block_with_shouting_i18n,
    call_handler,
    catalogue,
    checkin_olx,
    handler,
    marked_strings,
    page_of,
    post,
    studio_handler,
)

pytestmark = pytest.mark.django_db

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "xblocks" / "checkin"
ANSWERS = {
    "steps_done": "Ran the retrospective format with my team",
    "reflection": "Shorter is better",
    "impediments": "No room booked for the sessions",
    "help_request": "Can you help me get a room every fortnight?",
}


@pytest.fixture
def alice_in_course(client, org, enroll):
    enroll(org.alice.user)
    client.force_login(org.alice.user)
    return org.alice.user


def test_learner_sees_the_agenda_as_labelled_fields_and_the_line_of_sight(client, org, strategy, add_checkin, enroll):
    enroll(org.alice.user)
    add_checkin(intro="Tell us how it goes.", help_prompt="What do you need?")
    client.force_login(org.alice.user)

    page = page_of(client, org)

    block = lxml_html.fromstring(page).xpath('//*[@data-testid="checkin"]')[0]
    assert "Tell us how it goes." in block.text_content()
    fieldsets = block.xpath(".//fieldset")
    assert [f.get("data-section") for f in fieldsets] == list(SECTIONS)
    assert [f.xpath("./legend")[0].text for f in fieldsets] == [
        "Steps done",
        "Reflection",
        "Impediments",
        "Request for help",
    ]
    for fieldset in fieldsets:  # every answer has its label
        [textarea] = fieldset.xpath(".//textarea")
        assert fieldset.xpath(f'.//label[@for="{textarea.get("id")}"]')
    [help_set] = [f for f in fieldsets if f.get("data-section") == "help_request"]
    assert help_set.xpath(".//label")[0].text == "What do you need?"
    note = block.xpath(f'.//*[@id="{help_set.get("aria-describedby")}"]')[0].text_content()
    assert "Sent to your manager, Manager Tester, who sees it on their dashboard" in note
    # Line of sight: alice's task names this course; what it serves, strategic objective first.
    sight = [li.text for li in block.xpath('.//*[@data-testid="pci-line-of-sight"]//li')]
    assert sight == ["Grow revenue", "Ship platform v2", "Team: migrate services", "Migrate billing"]
    assert block.xpath('.//button[@class="pci-submit"]')
    assert "You have not checked in here yet." in block.text_content()
    assert 'data-testid="pci-staff"' not in page


def test_submit_records_a_checkin_through_the_api_and_routes_help(
    client,
    org,
    strategy,
    add_checkin,
    alice_in_course,
    published,
):
    course_block = add_checkin()

    response = post(client, handler(org, course_block, "submit"), {"answers": ANSWERS})

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["completed"] is True
    assert data["message"] == "Your check-in is saved. Your manager has your request for help."
    [check_in] = api.course_checkins_of(org.alice.user, org.course_key)
    assert (check_in.employee, check_in.usage_key, check_in.steps_done, check_in.reflection) == (
        org.alice,
        str(course_block.usage_id),
        ANSWERS["steps_done"],
        ANSWERS["reflection"],
    )
    assert check_in.status == CheckIn.HELD and check_in.mode == CheckIn.ASYNC
    assert [e.objective for e in check_in.objective_entries.all()] == [strategy.alice_task]
    assert Impediment.objects.get().description == ANSWERS["impediments"]
    help_request = HelpRequest.objects.get()
    assert (help_request.routed_to, help_request.body, help_request.course_key) == (
        org.manager,
        ANSWERS["help_request"],
        str(org.course_key),
    )
    history = re.sub(r"\s+", " ", lxml_html.fromstring(data["history_html"]).text_content())
    assert "Request for help Can you help me get a room every fortnight? (open)" in history
    assert published == [(course_block.usage_id, "completion", {"completion": 1.0})]
    # The page shows the check-in in the learner's history.
    assert "Ran the retrospective format with my team" in page_of(client, org)


def test_completion_row_is_written_on_the_first_submit_only(client, org, add_checkin, alice_in_course, published):
    course_block = add_checkin()

    post(client, handler(org, course_block, "submit"), {"answers": {"reflection": "One"}})
    response = post(client, handler(org, course_block, "submit"), {"answers": {"reflection": "Two"}})

    assert response.status_code == 200
    assert published == [(course_block.usage_id, "completion", {"completion": 1.0})]
    (row,) = BlockCompletion.objects.all()
    assert (row.user, row.context_key, row.block_type, row.completion) == (
        org.alice.user,
        org.course_key,
        "perf_mgmt_checkin",
        1.0,
    )
    assert block_for(org, course_block, org.alice.user).submitted is True
    history = response.json()["history_html"]
    assert history.index("Two") < history.index("One")  # newest first
    assert CheckIn.objects.count() == 2


def test_invalid_submissions_save_nothing(client, org, add_checkin, alice_in_course, published):
    course_block = add_checkin(agenda=["steps_done", "reflection"])
    url = handler(org, course_block, "submit")

    for payload, message in [
        ({}, "Write at least one answer"),
        ({"answers": []}, "Write at least one answer"),
        ({"answers": {"steps_done": "  ", "reflection": ""}}, "Write at least one answer"),
        ({"answers": {"help_request": "Help"}}, "does not ask for 'help_request'"),
        ({"answers": {"mood": "fine"}}, "does not ask for 'mood'"),
        ({"answers": {"reflection": 5}}, "Answers must be text."),
        ({"answers": {"reflection": "x" * 5001}}, "limited to 5,000 characters"),
    ]:
        response = post(client, url, payload)
        assert response.status_code == 400, payload
        assert message in response.json()["error"], payload
    assert not CheckIn.objects.exists()
    assert published == []
    assert block_for(org, course_block, org.alice.user).submitted is False


def test_a_user_without_employee_record_gets_a_clear_message(client, org, add_checkin, enroll):
    enroll(org.outsider)
    course_block = add_checkin()
    client.force_login(org.outsider)

    page = page_of(client, org)

    assert "Your account has no employee record" in page
    assert 'class="pci-submit"' not in page
    fieldsets = lxml_html.fromstring(page).xpath("//fieldset")
    assert len(fieldsets) == 4 and all(f.get("disabled") is not None for f in fieldsets)
    response = post(client, handler(org, course_block, "submit"), {"answers": {"reflection": "Hello"}})
    assert response.status_code == 400
    assert "employee record" in response.json()["error"]
    assert not CheckIn.objects.exists()
    state = post(client, handler(org, course_block, "learner_state"), {}).json()
    assert state["can_submit"] is False
    assert "no employee record" in state["message"]


def test_without_a_real_user_the_block_is_a_read_only_preview(client, org, add_checkin):
    course_block = add_checkin(agenda=[])
    block = block_for(org, course_block, None)

    for view in ("student_view", "author_view"):
        body = block.render(view, {}).body_html()
        assert "Preview: sign in as a learner" in body
        assert 'class="pci-submit"' not in body
    author = block.render("author_view", {}).body_html()
    assert "not ready for learners" in author
    assert "Choose at least one section for the agenda." in author
    assert CheckInXBlock.has_author_view is True
    course_block = add_checkin(order=1)
    response = post(client, handler(org, course_block, "submit"), {"answers": {"reflection": "x"}})
    assert response.status_code in (302, 403)  # nobody signed in: the host sends to the login page
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "attrs, messages",
    [
        ({}, []),
        ({"agenda": []}, ["Choose at least one section for the agenda."]),
        ({"agenda": ["mood"]}, ["These are not sections of a check-in: mood.", "Choose at least one section"]),
        ({"help_prompt": " "}, ["Write the prompt of the section 'Request for help'."]),
        ({"agenda": ["steps_done"], "help_prompt": ""}, []),  # a section not on the agenda needs no prompt
    ],
)
def test_validation_messages(org, add_checkin, attrs, messages):
    block = block_for(org, add_checkin(**attrs), None)

    found = [message.text for message in block.validate().messages]

    assert len(found) == len(messages)
    for text, expected in zip(found, messages, strict=True):
        assert text.startswith(expected)


def test_studio_editor_saves_validated_edits_for_staff_only(client, org, add_checkin, enroll):
    course_block = add_checkin(agenda=["reflection"])
    block = block_for(org, course_block, org.staff)
    doc = lxml_html.fromstring(block.render("studio_view", {}).body_html())

    checked = doc.xpath('//input[@name="agenda"][@checked]/@value')
    assert checked == ["reflection"]
    controls = doc.xpath("//input | //textarea")
    assert len(controls) == 10  # name, introduction, and per section: on the agenda, prompt
    labelled = set(doc.xpath("//label/@for"))
    assert [c.get("id") for c in controls if c.get("id") not in labelled] == []
    helps = {element.get("id"): element.text_content().strip() for element in doc.xpath("//*[@id]")}
    for element in doc.xpath("//*[@aria-describedby]"):
        assert helps.get(element.get("aria-describedby")), element.get("aria-describedby")

    url = studio_handler(org, course_block, "submit_studio_edits")
    enroll(org.alice.user)
    client.force_login(org.alice.user)
    assert post(client, url, {"values": {"agenda": []}}).status_code == 403
    client.force_login(org.staff)
    # The LMS keeps course settings read-only: its handler view never saves the editor, even for the course team.
    assert post(client, handler(org, course_block, "submit_studio_edits"), {"values": {}}).status_code == 403
    response = post(client, url, {"values": {"agenda": []}})
    assert response.status_code == 400
    assert response.json()["error"]["messages"] == ["Choose at least one section for the agenda."]
    assert post(client, url, {"values": {"colour": "red"}}).status_code == 400
    response = post(
        client,
        url,
        {"values": {"agenda": ["help_request", "steps_done", "steps_done"], "help_prompt": "Need anything?"}},
    )
    assert response.status_code == 200, response.content
    block = block_for(org, course_block, org.staff)
    assert (block.agenda, block.help_prompt) == (["steps_done", "help_request"], "Need anything?")


def _check_in(client, org, course_block, people, **answers):
    for person in people:
        client.force_login(person.user)
        response = post(client, handler(org, course_block, "submit"), {"answers": answers or {"reflection": "ok"}})
        assert response.status_code == 200, response.content


def test_staff_see_course_figures_hidden_below_the_threshold(
    client,
    org,
    strategy,
    add_checkin,
    enroll,
    settings,
):
    settings.PERF_MGMT_ANONYMITY_MIN_GROUP = 3
    enroll(org.alice.user, org.bob.user, org.manager.user)
    course_block = add_checkin()
    _check_in(client, org, course_block, [org.alice], help_request="Help me", impediments="No time")
    _check_in(client, org, course_block, [org.bob])

    client.force_login(org.staff)
    response = post(client, handler(org, course_block, "staff_summary"), {})
    assert response.status_code == 200
    assert response.json() == {"min_group": 3, "hidden": True, "figures": {}}
    page = page_of(client, org)
    assert "Course team: check-ins in this course" in page
    assert "Fewer than 3 learners have checked in: hidden." in page
    assert "Help me" not in page

    _check_in(client, org, course_block, [org.manager, org.alice])
    client.force_login(org.staff)
    response = post(client, handler(org, course_block, "staff_summary"), {})
    # released in steps of 3 learners: alice, bob and the manager close the first step; alice's second check-in
    # waits for the next step
    assert response.json() == {
        "min_group": 3,
        "hidden": False,
        "figures": {
            "check_ins": 3,
            "learners": 3,
            "with_impediment": 1,
            "with_help_request": 1,
            "open_help_requests": 1,
            "linked_to_objective": 1,
        },
    }
    figures = lxml_html.fromstring(page_of(client, org)).xpath('//*[@data-testid="pci-staff"]//dd')
    assert [(dd.get("data-figure"), dd.text) for dd in figures][:2] == [("check_ins", "3"), ("learners", "3")]


def test_staff_cannot_tell_who_raised_an_impediment_by_reading_before_and_after_one_check_in(
    client, org, add_checkin, enroll, settings
):
    """Issue 15, finding 5d: the staff summary before and after one check-in must not tell what that one raised."""
    settings.PERF_MGMT_ANONYMITY_MIN_GROUP = 3
    enroll(org.alice.user, org.bob.user, org.manager.user, org.director.user)
    course_block = add_checkin()
    _check_in(client, org, course_block, [org.alice, org.bob, org.manager])  # a full step: shown

    def staff_reads():
        client.force_login(org.staff)
        response = post(client, handler(org, course_block, "staff_summary"), {})
        assert response.status_code == 200
        return response.json()

    before = staff_reads()
    assert not before["hidden"] and before["figures"]["with_impediment"] == 0
    _check_in(client, org, course_block, [org.director], impediments="My manager blocks me")
    after = staff_reads()
    assert after == before  # the director's check-in waits for a step of 3 learners
    # two more learners (a new check-in each, not a repeat of their first: ADR 0015): the step closes
    _check_in(client, org, course_block, [org.alice, org.bob], reflection="week two")
    assert staff_reads()["figures"]["with_impediment"] == 1  # one of three learners: nobody singled out


def test_learners_are_refused_the_staff_figures(client, org, add_checkin, alice_in_course):
    course_block = add_checkin()
    _check_in(client, org, course_block, [org.alice])

    response = post(client, handler(org, course_block, "staff_summary"), {})

    assert response.status_code == 403
    assert "Course team" not in page_of(client, org)


def test_student_view_data_for_mobile(client, org, strategy, add_checkin, alice_in_course):
    course_block = add_checkin(agenda=["reflection", "help_request"])
    post(client, handler(org, course_block, "submit"), {"answers": {"reflection": "A <b>bold</b> move"}})

    data = block_for(org, course_block, org.alice.user).student_view_data()

    json.dumps(data)  # all of it is JSON
    assert [s["name"] for s in data["sections"]] == ["reflection", "help_request"]
    assert data["sections"][1]["prompt"] == "What help would you like from your manager?"
    assert data["learner_state_handler"] == "learner_state"
    state = post(client, handler(org, course_block, "learner_state"), {}).json()
    assert (state["can_submit"], state["message"], state["completed"]) == (True, "", True)
    assert [o["title"] for o in state["line_of_sight"]][-1] == "Migrate billing"
    assert state["line_of_sight"][0]["level"] == "Strategic objective"
    [check_in] = state["check_ins"]
    assert check_in["reflection"] == "A bold move"
    assert (check_in["impediments"], check_in["help_requests"]) == ([], [])


def test_olx_round_trip(org):
    olx = checkin_olx(
        display_name="Back at work", agenda=["help_request", "reflection"], help_prompt="Who could help?"
    ).replace("/>", ' intro="Two questions."/>')
    runtime = xblock_runtime.HostRuntime(org.course_key)
    runtime.id_generator = xblock_runtime.HostIdManager(org.course_key, scenario="olx1")
    block = runtime.get_block(runtime.parse_xml_string(olx))

    out = io.BytesIO()
    runtime.export_to_xml(block, out)
    node = etree.fromstring(out.getvalue())
    assert node.tag == "perf_mgmt_checkin"
    assert json.loads(node.get("agenda")) == ["help_request", "reflection"]

    runtime.id_generator = xblock_runtime.HostIdManager(org.course_key, scenario="olx2")
    again = runtime.get_block(runtime.parse_xml_string(out.getvalue()))
    for name in CheckInXBlock.editable_fields:
        assert getattr(again, name) == getattr(block, name), name
    assert (again.display_name, again.intro, again.help_prompt) == ("Back at work", "Two questions.", "Who could help?")


def test_handler_and_page_query_counts_are_pinned_and_constant(
    client,
    org,
    strategy,
    add_checkin,
    alice_in_course,
    count_queries,
):
    """A submit and the page cost the same whatever the learner's history; a rise means a query in a loop."""
    course_block = add_checkin()
    url = handler(org, course_block, "submit")
    post(client, url, {"answers": ANSWERS})  # the first one creates the learner's state and completion

    keys = iter(range(1000))

    def submit_queries():
        # Each a new submission (its own idempotency key): identical answers without a key would be a double click.
        with count_queries() as queries:
            response = post(client, url, {"answers": ANSWERS, "submission_key": f"k{next(keys)}"})
            assert response.status_code == 200
        return len(queries)

    def view_queries():
        block = block_for(org, course_block, org.alice.user)
        with count_queries() as queries:
            block.render("student_view", {})
        return len(queries)

    second, second_view = submit_queries(), view_queries()
    for _ in range(3):
        submit_queries()
    assert (submit_queries(), view_queries()) == (second, second_view)
    # Pinned: session and handler view, the user service, the api's writes (check-in, its objective entry, the
    # impediment, the help request), the learner's history (check-ins, impediments, help requests).
    # Pinned (SQLite): the view is 17 = the user service's course role and user, the employee (twice: the notice and
    # the related objective), 8 reads of the block's fields and state by the host's key-value store, the related
    # objective and its line of sight, the history (check-ins, impediments, help requests). A submit is 25: with the
    # lock of the learner's employee row and the look-up of the submission key (ADR 0015).
    assert (second, second_view) == (25, 17)


def test_the_same_submission_sent_twice_records_one_check_in(org, add_checkin, client, alice_in_course):
    """A double click or a retry sends the form's key again: one check-in, one help request (issue 20)."""
    from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest  # pylint: disable=import-outside-toplevel

    course_block = add_checkin()
    url = handler(org, course_block, "submit")
    answers = {**ANSWERS, "help_request": "Who can review my plan?"}
    first = post(client, url, {"answers": answers, "submission_key": "form-1"})
    again = post(client, url, {"answers": answers, "submission_key": "form-1"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert CheckIn.objects.filter(employee=org.alice).count() == 1
    assert HelpRequest.objects.filter(employee=org.alice).count() == 1
    post(client, url, {"answers": answers, "submission_key": "form-2"})  # the next filling of the form
    assert CheckIn.objects.filter(employee=org.alice).count() == 2


def test_strings_go_through_the_runtime_i18n_service(org, add_checkin):
    course_block = add_checkin()
    block = block_with_shouting_i18n(org, course_block, org.outsider)

    assert call_handler(block, "learner_state")[1]["message"].startswith("YOUR ACCOUNT HAS NO EMPLOYEE RECORD")
    assert block.student_view_data()["sections"][0]["label"] == "STEPS DONE"


def test_every_marked_string_is_in_the_translation_catalogue():
    marked = marked_strings(PACKAGE_DIR)

    assert len(marked) > 50
    assert "Only the course team can change this component." in marked  # the shared base's strings count too
    assert marked - catalogue(PACKAGE_DIR) == set()


def test_block_is_installed_under_its_entry_point():
    from xblock.core import XBlock

    assert XBlock.load_class("perf_mgmt_checkin") is CheckInXBlock
    assert all("<perf_mgmt_checkin" in olx for _title, olx in CheckInXBlock.workbench_scenarios())


@pytest.mark.slow  # the whole demo loaded (twice)
def test_demo_course_has_a_working_checkin(client):
    from django.contrib.auth import get_user_model

    from lms_host import demo
    from lms_host.courses.models import CourseBlock

    demo.load_demo_data()
    demo.load_demo_data()
    [course_block] = CourseBlock.objects.filter(olx__contains="perf_mgmt_checkin", course_id=demo.CHECKIN_COURSE)
    learner = get_user_model().objects.get(username=demo.CHECKIN_LEARNER)
    client.force_login(learner)

    page = client.get(f"/courses/{course_block.course_id}/").content.decode()

    assert 'data-testid="checkin"' in page
    assert 'class="pci-submit"' in page
    assert "This component cannot be shown" not in page
