"""
The self-assessment XBlock on the host's course page in headless Chromium, used with the keyboard only: Tab into
a competency's radio group, arrow keys to choose a level, type evidence, Tab to the next competency, Space to
choose, Enter on the button. The result must replace nothing else, take the focus, and the ratings be saved.
"""

import pytest

from lms_host.courses.models import CourseEnrollment
from perf_mgmt_plugin.competencies.models import Assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector, limit=60):
    """Press Tab until the focused element matches ``selector`` (as a keyboard user would), or fail."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement && document.activeElement.matches(sel)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_keyboard_only_self_assessment(org, framework, add_block, page, sign_in, screenshot):  # noqa: F811
    alice = org.alice.user
    CourseEnrollment.objects.create(user=alice, course_id=org.course_key)
    add_block(mode="before")
    sign_in(page, "alice", next_path=f"/courses/{org.course_key}/")
    block = page.get_by_test_id("self-assessment")
    coach = block.get_by_role("group", name="Coaching")
    plan = block.get_by_role("group", name="Planning")
    assert coach.get_by_role("radio").count() == 4

    tab_to(page, 'fieldset[data-code="COACH"] input[type=radio]')
    page.keyboard.press("ArrowDown")  # in a radio group the arrows move and choose
    page.keyboard.press("ArrowDown")
    assert coach.get_by_role("radio", name="3 Skilled").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("I run 1:1s with each of my reports")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('fieldset').dataset.code") == "PLAN"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert plan.get_by_role("radio", name="2 Practising").is_checked()
    tab_to(page, "button.psa-submit")
    page.keyboard.press("Enter")

    result = block.locator(".psa-result")
    result.get_by_text("Your result").wait_for()
    assert page.evaluate("document.activeElement.classList.contains('psa-result')")
    assert block.get_by_role("status").inner_text() == "Your self-assessment is saved."
    assert "3 Skilled (criticality: Critical)" in result.inner_text()
    assert result.get_by_role("link", name="Leading Teams").count() == 1
    saved = {a.competency.code: (a.level, a.evidence) for a in Assessment.objects.select_related("competency")}
    assert saved == {"COACH": (3, "I run 1:1s with each of my reports"), "PLAN": (2, "")}
    screenshot(page, "self-assessment-xblock")
    assert page.js_errors == []


def test_keyboard_submit_without_a_choice_says_what_to_do(org, framework, add_block, page, sign_in):  # noqa: F811
    CourseEnrollment.objects.create(user=org.alice.user, course_id=org.course_key)
    add_block()
    sign_in(page, "alice", next_path=f"/courses/{org.course_key}/")

    tab_to(page, "button.psa-submit")
    page.keyboard.press("Enter")

    alert = page.get_by_test_id("self-assessment").get_by_role("alert")
    assert alert.inner_text() == "Choose a level for at least one competency."
    assert page.evaluate("document.activeElement.type") == "radio"
    assert not Assessment.objects.exists()
    assert page.js_errors == []
