"""
The self-assessment XBlock in profile mode (issue 16 "Self mode in courses"): a self-only profile's statements rated
on the scale's levels, saved through ``perf_mgmt_plugin.api`` as self-assessments per competency in the block's
phase, and the learner's change before/after the module shown in the closing block.
"""

import io
import json
import re

import pytest
from lxml import etree

from lms_host import xblock_runtime
from perf_mgmt_plugin.competencies.models import Assessment
from perf_mgmt_plugin.profiling import services as profiling
from perf_mgmt_plugin.profiling.models import Profile
from xblocks.self_assessment.block import SelfAssessmentXBlock

from .conftest import block_for, block_olx, call_handler, handler, page_of, post, studio_handler

pytestmark = pytest.mark.django_db


@pytest.fixture
def self_profile(org, framework):
    """``pm-check``: COACH with two statements, PLAN with one; active, self only."""
    profile = profiling.create_profile(
        org.hr,
        family="pm-check",
        name="PM self-check",
        kind=Profile.KIND_SELF,
        items=[
            (framework.coach.pk, "I hold regular 1:1s."),
            (framework.coach.pk, "I ask before I tell."),
            (framework.plan.pk, "I plan my week."),
        ],
    )
    profiling.set_profile_status(org.hr, profile, Profile.ACTIVE)
    return profile


def _keys(profile):
    return [f"i{pk}" for pk in profile.items.order_by("order", "pk").values_list("pk", flat=True)]


def test_learner_sees_the_statements_with_the_scale_beside_every_point(client, org, self_profile, add_block, enroll):
    enroll(org.alice.user)
    add_block(profile="pm-check", mode="before")
    client.force_login(org.alice.user)

    page = page_of(client, org)

    assert re.findall(r'<fieldset class="psa-competency psa-statement" data-code="(i\d+)"', page) == _keys(self_profile)
    assert "<legend>I ask before I tell.</legend>" in page
    assert "<h4" in page and "Coaching</h4>" in page and "Planning</h4>" in page
    radios = re.findall(r'<input type="radio" name="([^"]+)" id="([^"]+)" value="(\d)"', page)
    assert len(radios) == 3 * 4  # every statement on the four-level scale
    for _name, radio_id, _value in radios:
        assert f'<label for="{radio_id}">' in page
    assert page.count('<span class="psa-level-value">2</span> Practising') == 3
    assert "Applies it <em>with</em> guidance." in page
    assert "Before the module" in page


def test_before_and_after_show_the_learners_change(client, org, framework, self_profile, add_block, enroll, published):
    enroll(org.alice.user)
    before = add_block(order=0, profile="pm-check", mode="before")
    after = add_block(order=1, profile="pm-check", mode="after")
    coach_1, coach_2, plan = _keys(self_profile)
    client.force_login(org.alice.user)

    response = post(client, handler(org, before, "submit"), {"ratings": {coach_1: 1, coach_2: 2}})

    assert response.status_code == 200, response.content
    assert response.json()["completed"] is False
    # One self-assessment per competency: COACH = mean(1, 2) rounded half up = 2, in the "before" phase.
    [saved] = Assessment.objects.filter(person=org.alice)
    assert (saved.competency, saved.level, saved.source, saved.context_id) == (
        framework.coach,
        2,
        "self",
        f"{before.usage_id}#before",
    )
    assert published == []
    post(client, handler(org, before, "submit"), {"ratings": {plan: 1}})
    assert [event for _usage, event, _data in published] == ["completion"]

    response = post(client, handler(org, after, "submit"), {"ratings": {coach_1: 4, coach_2: 3, plan: 2}})

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["completed"] is True
    result = data["result_html"]
    rows = re.findall(r"<th scope=\"row\">(\w+)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", result)
    assert rows == [("Coaching", "2 Practising", "4 Expert", "+2"), ("Planning", "1 Aware", "2 Practising", "+1")]
    # The closing block shows the change on the page too; the statements keep the learner's answers.
    page = page_of(client, org)
    assert 'data-testid="psa-profile-change"' in page
    assert re.search(rf'id="psa-[^"]+-{coach_1}-l4" value="4" checked', page)


def test_hostile_and_empty_answers_are_refused_and_save_nothing(client, org, self_profile, add_block, enroll):
    enroll(org.alice.user)
    course_block = add_block(profile="pm-check")
    coach_1 = _keys(self_profile)[0]
    client.force_login(org.alice.user)
    url = handler(org, course_block, "submit")

    assert post(client, url, {"ratings": {}}).status_code == 400
    assert post(client, url, {"ratings": "x"}).status_code == 400
    assert post(client, url, {"ratings": {"COACH": 2}}).status_code == 400  # competency codes are not statements
    assert post(client, url, {"ratings": {coach_1: "two"}}).status_code == 400
    response = post(client, url, {"ratings": {coach_1: 9}})
    assert response.status_code == 400
    assert "is not a level of Coaching" in response.json()["error"]
    assert not Assessment.objects.exists()


def test_permissions_of_the_handlers(client, org, self_profile, add_block, enroll):
    course_block = add_block(profile="pm-check")
    coach_1 = _keys(self_profile)[0]
    # Nobody signed in: a read-only preview, and the submit is refused.
    anonymous = block_for(org, course_block, None)
    assert call_handler(anonymous, "submit", {"ratings": {coach_1: 2}})[0] == 403
    # No employee record: told so, nothing saved.
    enroll(org.outsider)
    client.force_login(org.outsider)
    state = post(client, handler(org, course_block, "learner_state"), {}).json()
    assert state["can_submit"] is False
    assert post(client, handler(org, course_block, "submit"), {"ratings": {coach_1: 2}}).status_code == 400
    # Learners may not edit the block in Studio.
    enroll(org.alice.user)
    client.force_login(org.alice.user)
    edit = post(client, studio_handler(org, course_block, "submit_studio_edits"), {"values": {"profile": ""}})
    assert edit.status_code in (403, 404)
    assert not Assessment.objects.exists()


def test_a_retired_or_unknown_profile_is_not_shown_and_validation_says_so(org, self_profile, add_block):
    course_block = add_block(profile="no-such")
    block = block_for(org, course_block, None)
    html = block.render("author_view", {}).content
    assert "There is no active self-only profile" in html
    assert "not available" in html

    profiling.set_profile_status(org.hr, self_profile, Profile.RETIRED)
    block = block_for(org, add_block(order=1, profile="pm-check"), None)
    assert "not available" in block.render("student_view", {}).content


def test_student_view_data_and_learner_state(client, org, self_profile, add_block, enroll):
    enroll(org.alice.user)
    course_block = add_block(profile="pm-check", mode="after")
    keys = _keys(self_profile)
    client.force_login(org.alice.user)
    post(client, handler(org, course_block, "submit"), {"ratings": {keys[2]: 3}})

    data = block_for(org, course_block, org.alice.user).student_view_data()

    json.dumps(data)
    assert (data["profile"], data["profile_name"], data["phase"]) == ("pm-check", "PM self-check", "after")
    assert [c["code"] for c in data["competencies"]] == ["COACH", "PLAN"]
    assert [s["key"] for c in data["competencies"] for s in c["statements"]] == keys
    assert [level["name"] for level in data["competencies"][0]["levels"]] == [
        "Aware",
        "Practising",
        "Skilled",
        "Expert",
    ]
    state = post(client, handler(org, course_block, "learner_state"), {}).json()
    assert state == {"can_submit": True, "message": "", "rated": {keys[2]: 3}, "completed": False}


def test_olx_round_trip_keeps_the_profile(org, framework):
    olx = block_olx(display_name="Check", profile="pm-check", mode="after", competencies=[])
    runtime = xblock_runtime.HostRuntime(org.course_key)
    runtime.id_generator = xblock_runtime.HostIdManager(org.course_key, scenario="p1")
    block = runtime.get_block(runtime.parse_xml_string(olx))
    out = io.BytesIO()
    runtime.export_to_xml(block, out)
    node = etree.fromstring(out.getvalue())
    assert node.get("profile") == "pm-check"

    runtime.id_generator = xblock_runtime.HostIdManager(org.course_key, scenario="p2")
    again = runtime.get_block(runtime.parse_xml_string(out.getvalue()))
    for name in SelfAssessmentXBlock.editable_fields:
        assert getattr(again, name) == getattr(block, name), name
    assert (again.profile, again.mode) == ("pm-check", "after")


def test_studio_editor_offers_the_self_only_profiles_and_saves_one(client, org, self_profile, add_block):
    course_block = add_block()
    block = block_for(org, course_block, None)
    editor = block.render("studio_view", {}).content
    assert '<option value="pm-check">PM self-check (pm-check)</option>' in editor
    assert 'aria-describedby="psa-' in editor and "-profile-help" in editor


def test_query_counts_do_not_grow_with_the_statements(
    client, org, framework, self_profile, add_block, enroll, count_queries
):
    enroll(org.alice.user)
    small = profiling.create_profile(
        org.hr, family="small", name="Small", kind=Profile.KIND_SELF, items=[(framework.coach.pk, "One.")]
    )
    profiling.set_profile_status(org.hr, small, Profile.ACTIVE)
    one = add_block(order=0, profile="small", mode="after")
    three = add_block(order=1, profile="pm-check", mode="after")
    client.force_login(org.alice.user)
    page_of(client, org)

    def view_queries(course_block):
        block = block_for(org, course_block, org.alice.user)
        with count_queries() as queries:
            block.render("student_view", {})
        return len(queries)

    assert view_queries(one) == view_queries(three)

    def submit_queries(course_block, ratings):
        with count_queries() as queries:
            response = post(client, handler(org, course_block, "submit"), {"ratings": ratings})
        assert response.status_code == 200, response.content
        return len(queries)

    keys = _keys(self_profile)
    submit_queries(three, dict.fromkeys(keys, 1))  # the first answer creates the learner's state and gaps
    one_competency = submit_queries(three, {keys[0]: 1, keys[1]: 1})
    two_competencies = submit_queries(three, dict.fromkeys(keys, 1))
    # Pinned: the statements of one competency cost nothing more; each competency saved costs its self-assessment.
    assert (one_competency, two_competencies - one_competency) == (41, 13)
    # A rated block shows the change at a cost that does not depend on the number of statements.
    post(client, handler(org, one, "submit"), {"ratings": {_keys(small)[0]: 1}})
    assert view_queries(three) == view_queries(one)
