"""
The self-assessment XBlock in the host's workbench runtime: rendered on the course page for the signed-in user,
its handlers called through the host's handler view (session user, CSRF, course checks), its records read back
through the plugin's api and models, its OLX parsed and exported by the runtime itself.
"""

import html
import io
import json
import re
from pathlib import Path

import pytest
from completion.models import BlockCompletion
from django.contrib.auth import get_user_model
from django.test import Client
from lxml import etree

from lms_host import xblock_runtime
from lms_host.courses.models import CourseAccessRole
from perf_mgmt_plugin import api
from perf_mgmt_plugin.competencies import services
from perf_mgmt_plugin.competencies.models import Assessment, ScaleLevel
from tests import factories
from xblocks.self_assessment.block import SelfAssessmentXBlock

from .conftest import (
    block_for,
    block_olx,
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

BLOCK_DIR = Path(SelfAssessmentXBlock.__module__.replace(".", "/")).parent
PACKAGE_DIR = Path(__file__).resolve().parents[2] / BLOCK_DIR


def test_learner_sees_each_competency_as_an_accessible_radio_group(client, org, framework, add_block, enroll):
    enroll(org.alice.user)
    add_block(prompt="How do you do today?")
    client.force_login(org.alice.user)

    page = page_of(client, org)

    assert "How do you do today?" in page
    fieldsets = re.findall(r'<fieldset class="psa-competency" data-code="(\w+)"', page)
    assert fieldsets == ["COACH", "PLAN"]
    assert "<legend>Coaching</legend>" in page
    # One radio per level, each with a label and its description tied to it.
    radios = re.findall(r'<input type="radio" name="([^"]+)" id="([^"]+)" value="(\d)"', page)
    assert len(radios) == 8
    assert len({name for name, _id, _value in radios}) == 2
    for _name, radio_id, _value in radios:
        assert f'<label for="{radio_id}">' in page
        assert f'id="{radio_id}-desc"' in page
    assert "<p>Applies it <em>with</em> guidance.</p>" in page
    assert "<li>Runs regular 1:1s</li>" in page
    assert page.count('class="psa-evidence"') == 2
    assert 'class="psa-submit"' in page


def test_level_descriptions_are_rendered_sanitised_even_if_stored_unsafe(client, org, framework, add_block, enroll):
    """Descriptions are sanitised when saved; the block does not rely on every write path having done it."""
    ScaleLevel.objects.filter(scale=framework.scale, value=1).update(
        description='<p onclick="steal()">Knows</p><script>alert(1)</script>'
    )
    enroll(org.alice.user)
    add_block(competencies=["COACH"])
    client.force_login(org.alice.user)

    page = page_of(client, org)

    block_html = page.split('data-testid="self-assessment"')[1]
    assert "<script>alert" not in block_html  # the tag is gone (its text stays, as harmless text)
    assert "onclick" not in page
    assert "<p>Knows</p>" in page


def test_submit_saves_self_assessments_through_the_api_and_shows_the_result(
    client, org, framework, add_block, enroll, published
):
    alice = org.alice.user
    enroll(alice)
    course_block = add_block(mode="before")
    client.force_login(alice)

    response = post(
        client,
        handler(org, course_block, "submit"),
        {"ratings": {"COACH": 2}, "evidence": {"COACH": "Ran 1:1s <script>x()</script>for my team"}},
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["saved"] == 1
    assert data["completed"] is False
    [saved] = Assessment.objects.filter(person=org.alice)
    assert (saved.competency, saved.level, saved.source, saved.course_key) == (
        framework.coach,
        2,
        "self",
        org.course_key,
    )
    assert saved.context_id == f"{course_block.usage_id}#before"
    assert saved.evidence == "Ran 1:1s x()for my team"
    # The result: own rating vs the Developer position's requirement, the gap, the linked course as a next step.
    result = html.unescape(data["result_html"])
    assert "2 Practising" in result
    assert "3 Skilled (criticality: Critical)" in result
    assert f'<a href="/courses/{org.course_key}/">Leading Teams</a>' in result
    assert api.get_self_result(alice, [framework.coach.pk])[0].self_level == 2
    assert published == []
    # The page now shows the choice and the result.
    page = page_of(client, org)
    assert re.search(r'value="2" checked', page)
    assert "Your result" in page


def test_completion_is_published_once_every_competency_is_rated(client, org, framework, add_block, enroll, published):
    enroll(org.alice.user)
    course_block = add_block()
    client.force_login(org.alice.user)

    post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": 3}})
    assert published == []
    response = post(client, handler(org, course_block, "submit"), {"ratings": {"PLAN": 2}})

    assert response.json()["completed"] is True
    assert published == [(course_block.usage_id, "completion", {"completion": 1.0})]
    assert block_for(org, course_block, org.alice.user).rated == {"COACH": 3, "PLAN": 2}
    # The host runtime stores it as the LMS does: one edx-completion row for the learner and this block.
    (row,) = BlockCompletion.objects.all()
    assert (row.user, row.context_key, row.block_type, row.completion) == (
        org.alice.user,
        org.course_key,
        "perf_mgmt_self_assessment",
        1.0,
    )


def test_a_bad_level_saves_nothing(client, org, framework, add_block, enroll, published):
    enroll(org.alice.user)
    course_block = add_block()
    client.force_login(org.alice.user)

    response = post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": 2, "PLAN": 9}})

    assert response.status_code == 400
    assert "9 is not a level" in response.json()["error"]
    assert not Assessment.objects.exists()
    assert block_for(org, course_block, org.alice.user).rated == {}
    assert published == []
    for payload, message in [
        ({"ratings": {}}, "Choose a level"),
        ({"ratings": {"RISK": 2}}, "does not assess 'RISK'"),
        ({"ratings": {"COACH": "high"}}, "is not a level"),
        ({"ratings": {"COACH": 2}, "evidence": {"COACH": "x" * 5001}}, "limited to 5,000"),
        ({}, "Choose a level"),
    ]:
        response = post(client, handler(org, course_block, "submit"), payload)
        assert response.status_code == 400, payload
        assert message in response.json()["error"]
    assert not Assessment.objects.exists()


def test_evidence_is_ignored_when_the_block_does_not_allow_it(client, org, framework, add_block, enroll):
    enroll(org.alice.user)
    course_block = add_block(allow_evidence=False)
    client.force_login(org.alice.user)

    assert 'class="psa-evidence"' not in page_of(client, org)
    post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": 2}, "evidence": {"COACH": "text"}})

    assert Assessment.objects.get().evidence == ""


def test_a_user_without_employee_record_gets_a_clear_message(client, org, framework, add_block, enroll):
    outsider = org.outsider
    enroll(outsider)
    course_block = add_block()
    client.force_login(outsider)

    page = page_of(client, org)

    assert "Your account has no employee record" in page
    assert 'class="psa-submit"' not in page
    assert page.count("disabled") >= 2  # both fieldsets are read-only
    response = post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": 2}})
    assert response.status_code == 400
    assert "no employee record" in response.json()["error"]
    state = post(client, handler(org, course_block, "learner_state"), {}).json()
    assert state["can_submit"] is False
    assert "no employee record" in state["message"]


def test_without_a_real_user_the_block_is_a_read_only_preview(org, framework, add_block):
    course_block = add_block()
    block = block_for(org, course_block, None)

    for view in ("student_view", "author_view"):
        body = block.render(view, {}).body_html()
        assert "Preview: sign in as a learner" in body
        assert "Coaching" in body
        assert 'class="psa-submit"' not in body
    assert SelfAssessmentXBlock.has_author_view is True


def test_author_view_lists_what_is_missing(org, framework, add_block):
    course_block = add_block(competencies=[])

    body = block_for(org, course_block, None).render("author_view", {}).body_html()

    assert "not ready for learners" in body
    assert "Choose at least one competency" in body


@pytest.mark.parametrize(
    "attrs, messages",
    [
        ({}, []),
        ({"competencies": []}, ["Choose at least one competency for learners to rate."]),
        ({"framework": "", "competencies": []}, ["Choose a competency framework.", "Choose at least one"]),
        ({"framework": "nope"}, ["There is no active framework 'nope'."]),
        ({"competencies": ["COACH", "RISK"]}, ["These competencies are not in the framework: RISK."]),
        ({"mode": "during"}, ["Choose a mode"]),
    ],
)
def test_validation_messages(org, framework, add_block, attrs, messages):
    block = block_for(org, add_block(**attrs), None)

    found = [message.text for message in block.validate().messages]

    assert len(found) == len(messages)
    for text, expected in zip(found, messages, strict=True):
        assert text.startswith(expected)


def test_studio_editor_lists_frameworks_and_saves_validated_edits(client, org, framework, add_block, enroll):
    other_scale = services.create_scale(slug="three", name="Three", levels=[(1, "A", ""), (2, "B", ""), (3, "C", "")])
    pm = services.create_framework(slug="pm", name="Project Management", scale=other_scale)
    services.add_competency(pm, code="RISK", name="Risk management")
    course_block = add_block(competencies=["COACH"])
    block = block_for(org, course_block, org.staff)

    body = block.render("studio_view", {}).body_html()

    assert re.search(r'<option value="leadership" selected>Leadership</option>', body)
    assert '<option value="pm">Project Management</option>' in body
    assert re.search(r'value="COACH" checked>', body)
    assert re.search(r'value="PLAN">', body)
    assert "Risk management" in body

    enroll(org.alice.user)
    url = studio_handler(org, course_block, "submit_studio_edits")
    client.force_login(org.alice.user)
    assert post(client, url, {"values": {"competencies": []}}).status_code == 403

    client.force_login(org.staff)
    # The LMS keeps course settings read-only: its handler view never saves the editor, even for the course team.
    assert post(client, handler(org, course_block, "submit_studio_edits"), {"values": {}}).status_code == 403
    response = post(client, url, {"values": {"framework": "pm", "competencies": []}})
    assert response.status_code == 400
    assert response.json()["error"]["messages"] == ["Choose at least one competency for learners to rate."]
    assert post(client, url, {"values": {"colour": "red"}}).status_code == 400
    response = post(
        client,
        url,
        {"values": {"framework": "pm", "competencies": ["RISK"], "mode": "after", "display_name": "After the module"}},
    )
    assert response.status_code == 200, response.content
    block = block_for(org, course_block, org.staff)
    assert (block.framework, block.competencies, block.mode, block.display_name) == (
        "pm",
        ["RISK"],
        "after",
        "After the module",
    )


def test_every_editor_control_has_a_label_and_a_described_help(org, framework, add_block):
    from lxml import html as lxml_html

    block = block_for(org, add_block(competencies=["COACH"]), org.staff)
    doc = lxml_html.fromstring(block.render("studio_view", {}).body_html())

    controls = doc.xpath("//input | //select | //textarea")
    labelled = set(doc.xpath("//label/@for"))
    assert len(controls) == 10  # name, framework, 2 competencies, 3 modes, profile, prompt, evidence
    assert [c.get("id") for c in controls if c.get("id") not in labelled] == []
    helps = {element.get("id"): element.text_content().strip() for element in doc.xpath("//*[@id]")}
    described = doc.xpath("//*[@aria-describedby]")
    assert {element.get("name") or element.tag for element in described} == {
        "display_name",
        "framework",
        "fieldset",
        "prompt",
        "allow_evidence",
        "profile",
    }
    for element in described:
        for ref in element.get("aria-describedby").split():
            assert helps.get(ref), ref
    assert helps[doc.xpath("//select")[0].get("aria-describedby")] == "Its competencies to rate appear next."


def _rate(client, org, course_block, people, levels):
    for person, level in zip(people, levels, strict=True):
        client.force_login(person.user)
        response = post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": level}})
        assert response.status_code == 200, response.content


def test_staff_see_distributions_with_small_groups_hidden_and_the_change(
    client, org, framework, add_block, enroll, settings
):
    settings.PERF_MGMT_ANONYMITY_MIN_GROUP = 3
    people = [org.alice, org.bob, org.manager, org.director]
    enroll(*[person.user for person in people])
    before = add_block(order=0, mode="before", competencies=["COACH"])
    after = add_block(order=1, mode="after", competencies=["COACH"])
    _rate(client, org, before, people, [1, 2, 2, 3])
    _rate(client, org, after, people[:2], [3, 4])

    client.force_login(org.staff)
    response = post(client, handler(org, before, "staff_summary"), {})

    assert response.status_code == 200
    [coach] = response.json()["competencies"]
    assert response.json()["min_group"] == 3
    assert coach["code"] == "COACH"
    # released in steps of 3 people: the director's rating waits for the next step; the two "after" ratings make
    # no step yet, so that phase is not even listed
    assert coach["phases"] == [
        {"phase": "before", "hidden": False, "people": 3, "levels": {"1": 1, "2": 2}, "mean": 1.67},
    ]
    assert coach["change"] is None
    page = page_of(client, org)
    assert "Course team: self-assessments in this course" in page
    assert 'data-testid="psa-change"' not in page

    _rate(client, org, after, [org.manager], [4])
    client.force_login(org.staff)
    [coach] = post(client, handler(org, after, "staff_summary"), {}).json()["competencies"]
    assert coach["phases"][1] == {
        "phase": "after",
        "hidden": False,
        "people": 3,
        "levels": {"3": 1, "4": 2},
        "mean": 3.67,
    }
    assert coach["change"] == 2.0
    assert "Change of the mean from before to after: 2.0" in page_of(client, org)


def test_learners_are_refused_the_staff_figures(client, org, framework, add_block, enroll):
    enroll(org.alice.user, org.bob.user)
    course_block = add_block()
    _rate(client, org, course_block, [org.bob], [2])
    client.force_login(org.alice.user)

    response = post(client, handler(org, course_block, "staff_summary"), {})

    assert response.status_code == 403
    assert "Course team" not in page_of(client, org)
    # Staff of another course are not staff here either.
    other = factories.make_user("otherstaff")
    CourseAccessRole.objects.create(user=other, course_id="course-v1:DemoOrg+OTHER+2026", role="staff", org="DemoOrg")
    enroll(other)
    client.force_login(other)
    assert post(client, handler(org, course_block, "staff_summary"), {}).status_code == 403


def test_student_view_data_for_mobile(client, org, framework, add_block, enroll):
    enroll(org.alice.user)
    course_block = add_block(mode="after")
    client.force_login(org.alice.user)
    post(client, handler(org, course_block, "submit"), {"ratings": {"PLAN": 1}})

    data = block_for(org, course_block, org.alice.user).student_view_data()

    json.dumps(data)  # all of it is JSON
    assert (data["framework"], data["mode"], data["phase"], data["allow_evidence"]) == (
        "leadership",
        "after",
        "after",
        True,
    )
    assert [c["code"] for c in data["competencies"]] == ["COACH", "PLAN"]
    coach = data["competencies"][0]
    assert coach["description"] == "<p>Helping others grow</p>"
    assert [level["name"] for level in coach["levels"]] == ["Aware", "Practising", "Skilled", "Expert"]
    assert coach["levels"][2]["indicators"] == ["Runs regular 1:1s"]
    assert data["learner_state_handler"] == "learner_state"
    state = post(client, handler(org, course_block, "learner_state"), {}).json()
    assert state == {"can_submit": True, "message": "", "rated": {"PLAN": 1}, "completed": False}


def test_olx_round_trip(org, framework):
    olx = block_olx(
        display_name="Where do you stand?", competencies=["PLAN", "COACH"], mode="before", allow_evidence=False
    ).replace("/>", ' prompt="Be honest: it is for you."/>')
    runtime = xblock_runtime.HostRuntime(org.course_key)
    runtime.id_generator = xblock_runtime.HostIdManager(org.course_key, scenario="olx1")
    block = runtime.get_block(runtime.parse_xml_string(olx))

    out = io.BytesIO()
    runtime.export_to_xml(block, out)
    exported = out.getvalue().decode()
    node = etree.fromstring(exported.encode())
    assert node.tag == "perf_mgmt_self_assessment"
    assert json.loads(node.get("competencies")) == ["PLAN", "COACH"]

    runtime.id_generator = xblock_runtime.HostIdManager(org.course_key, scenario="olx2")
    again = runtime.get_block(runtime.parse_xml_string(out.getvalue()))
    for name in SelfAssessmentXBlock.editable_fields:
        assert getattr(again, name) == getattr(block, name), name
    assert (again.display_name, again.competencies, again.mode, again.allow_evidence, again.prompt) == (
        "Where do you stand?",
        ["PLAN", "COACH"],
        "before",
        False,
        "Be honest: it is for you.",
    )


def test_query_counts(client, org, framework, add_block, enroll, count_queries):
    """The page costs the same for 1 or 3 competencies; a submit costs a fixed amount per rating saved."""
    decide = services.add_competency(framework.framework, code="DECIDE", name="Deciding")
    services.set_requirement(org.dev, decide, 2)  # like COACH and PLAN, so each rating costs the same
    enroll(org.alice.user)
    one = add_block(order=0, competencies=["COACH"])
    three = add_block(order=1, competencies=["COACH", "PLAN", "DECIDE"])
    client.force_login(org.alice.user)
    page_of(client, org)

    def view_queries(course_block):
        block = block_for(org, course_block, org.alice.user)
        with count_queries() as queries:
            block.render("student_view", {})
        return len(queries)

    assert view_queries(one) == view_queries(three)

    def submit_queries(ratings):
        with count_queries() as queries:
            response = post(client, handler(org, three, "submit"), {"ratings": ratings})
        assert response.status_code == 200
        return len(queries)

    submit_queries({"COACH": 1, "PLAN": 1, "DECIDE": 1})  # the first answer creates the learner's state and gaps
    # Same levels each time, so that every rating moves its gap the same way (none: the gaps stay open).
    first = submit_queries({"COACH": 1})
    two = submit_queries({"COACH": 1, "PLAN": 1})
    three_ratings = submit_queries({"COACH": 1, "PLAN": 1, "DECIDE": 1})
    per_rating = two - first
    assert three_ratings - two == per_rating
    # Pinned: a rise means a new query per submit or per rating (look for one in a loop).
    # 47 = 43 in the plugin + 4 for edx-completion's BlockCompletion (switch, savepoint, get_or_create) per submit
    # (43 since lane profiling2: the block's ``profile`` setting is one more field read from the workbench's store).
    assert (first, per_rating) == (47, 13)
    # Rated blocks also show the result, still at a cost that does not depend on the number of competencies.
    post(client, handler(org, one, "submit"), {"ratings": {"COACH": 1}})
    assert view_queries(three) == view_queries(one)


def test_handler_needs_csrf_like_any_lms_post(org, framework, add_block, enroll):
    enroll(org.alice.user)
    course_block = add_block()
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.alice.user)
    page_of(client, org)

    assert post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": 2}}).status_code == 403
    assert not Assessment.objects.exists()


def test_strings_go_through_the_runtime_i18n_service(org, framework, add_block):
    course_block = add_block()
    block = block_with_shouting_i18n(org, course_block, org.outsider)

    assert call_handler(block, "learner_state")[1]["message"].startswith("YOUR ACCOUNT HAS NO EMPLOYEE RECORD")


def test_every_marked_string_is_in_the_translation_catalogue():
    marked = marked_strings(PACKAGE_DIR)

    assert len(marked) > 40
    assert marked - catalogue(PACKAGE_DIR) == set()


def test_block_is_installed_under_its_entry_point():
    from xblock.core import XBlock

    assert XBlock.load_class("perf_mgmt_self_assessment") is SelfAssessmentXBlock
    scenarios = SelfAssessmentXBlock.workbench_scenarios()
    assert all("<perf_mgmt_self_assessment" in olx for _title, olx in scenarios)


@pytest.mark.slow  # the whole demo loaded (twice)
def test_demo_course_has_a_working_self_assessment(client):
    from lms_host import demo
    from lms_host.courses.models import CourseBlock

    demo.load_demo_data()
    demo.load_demo_data()
    # LEAD101's (the blended modules have their own before/after pair, tests/host/test_demo_modules.py).
    [course_block] = CourseBlock.objects.filter(
        olx__contains="perf_mgmt_self_assessment", course_id="course-v1:Northwind+LEAD101+2026"
    )
    priya = get_user_model().objects.get(username="priya")  # an engineering manager enrolled in LEAD101
    client.force_login(priya)

    response = client.get(f"/courses/{course_block.course_id}/")

    page = response.content.decode()
    assert re.findall(r'<fieldset class="psa-competency" data-code="(\w+)"', page) == ["COACH", "FEEDBACK"]
    assert "Before the module" in page
    assert "This component cannot be shown" not in page
