"""
The check-in XBlock end to end in headless Chromium: a learner (enrolled, with an employee record and a manager)
opens the course page, sees how their task serves the strategy, fills the check-in with the keyboard only -- Tab
from one labelled answer to the next, typing, Enter on the button -- and asks for help; then their manager signs in,
opens the strategy dashboard and finds that request among the open help requests. No JavaScript errors on the way.
"""

import pytest

from lms_host.courses.models import CourseEnrollment
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest
from tests.browser.test_self_assessment_browser import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HELP = "Could you pair with me on the billing migration plan this week?"


def test_help_request_from_the_course_reaches_the_manager_dashboard(
    org,
    strategy,  # noqa: F811
    add_checkin,  # noqa: F811
    page,
    sign_in,
    screenshot,
):
    CourseEnrollment.objects.create(user=org.alice.user, course_id=org.course_key)
    add_checkin(display_name="Back at work")
    sign_in(page, "alice", next_path=f"/courses/{org.course_key}/")
    block = page.get_by_test_id("checkin")
    sight = block.get_by_role("navigation", name="How your work serves the strategy")
    assert sight.get_by_role("listitem").all_inner_texts() == [
        "Grow revenue",
        "Ship platform v2",
        "Team: migrate services",
        "Migrate billing",
    ]
    assert block.get_by_role("group", name="Request for help").count() == 1

    tab_to(page, "fieldset[data-section=steps_done] textarea")
    page.keyboard.type("Split the migration into three milestones")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "reflection"
    page.keyboard.type("Milestones make the risks visible early")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # nothing in the way this time
    assert page.evaluate("document.activeElement.name") == "help_request"
    page.keyboard.type(HELP)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('button.pci-submit')")
    page.keyboard.press("Enter")

    status = block.get_by_role("status")
    status.get_by_text("Your check-in is saved.", exact=False).wait_for()
    assert status.inner_text() == "Your check-in is saved. Your manager has your request for help."
    history = block.get_by_test_id("pci-history")
    assert page.evaluate("document.activeElement.classList.contains('pci-history')")
    assert f"{HELP} (open)" in history.inner_text()
    assert block.locator("textarea").evaluate_all("areas => areas.map(a => a.value)") == ["", "", "", ""]
    screenshot(page, "checkin-xblock-learner")
    assert page.js_errors == []
    check_in = CheckIn.objects.get()
    assert (check_in.employee, check_in.course_key) == (org.alice, str(org.course_key))
    assert HelpRequest.objects.get().routed_to == org.manager

    page.context.clear_cookies()  # alice's session ends; the same page (and its error listeners) goes on
    sign_in(page, "manager", next_path="/perf-mgmt/strategy/team/")
    requests = page.get_by_test_id("help-requests")
    item = requests.get_by_role("listitem").filter(has_text=HELP)
    assert item.count() == 1
    assert item.inner_text().startswith(f"Alice Tester: {HELP}")
    assert "(Migrate billing)" in item.inner_text()  # linked to the task the course serves
    assert "from a course" in item.inner_text()
    screenshot(page, "checkin-xblock-manager-dashboard")
    assert page.js_errors == []


def test_keyboard_submit_without_an_answer_says_what_to_do(org, add_checkin, page, sign_in):  # noqa: F811
    CourseEnrollment.objects.create(user=org.alice.user, course_id=org.course_key)
    add_checkin()
    sign_in(page, "alice", next_path=f"/courses/{org.course_key}/")

    tab_to(page, "button.pci-submit")
    page.keyboard.press("Enter")

    alert = page.get_by_test_id("checkin").get_by_role("alert")
    assert alert.inner_text() == "Write at least one answer before submitting."
    assert page.evaluate("document.activeElement.name") == "steps_done"
    assert not CheckIn.objects.exists()
    assert page.js_errors == []


def test_course_staff_viewing_as_a_learner_see_her_check_ins_and_cannot_answer(
    org,
    strategy,  # noqa: F811
    add_checkin,  # noqa: F811
    page,
    sign_in,
):
    """As the LMS's "View as a specific learner": her state, read-only, and nothing can be sent in her name."""
    CourseEnrollment.objects.create(user=org.alice.user, course_id=org.course_key)
    add_checkin(display_name="Back at work")
    sign_in(page, "alice", next_path=f"/courses/{org.course_key}/")
    tab_to(page, "fieldset[data-section=reflection] textarea")
    page.keyboard.type("Written by alice herself")
    page.get_by_role("button", name="Submit my check-in").click()
    page.get_by_test_id("checkin").get_by_role("status").get_by_text("Your check-in is saved.").wait_for()

    page.context.clear_cookies()
    sign_in(page, "coursestaff", next_path=f"/courses/{org.course_key}/")
    page.get_by_label("View this course as the learner with username").fill("alice")
    with page.expect_navigation():
        page.get_by_role("button", name="View as").click()

    assert page.get_by_test_id("masquerade-status").inner_text() == "You are viewing this course as alice."
    block = page.get_by_test_id("checkin")
    assert "viewing this as another learner" in block.get_by_test_id("pci-notice").inner_text()
    assert "Written by alice herself" in block.get_by_test_id("pci-history").inner_text()
    assert block.get_by_role("button", name="Submit my check-in").count() == 0
    assert block.locator("fieldset").evaluate_all("sets => sets.every(s => s.disabled)")
    assert page.js_errors == []
    assert list(CheckIn.objects.values_list("reflection", flat=True)) == ["Written by alice herself"]
