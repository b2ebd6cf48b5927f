"""
The competency pages in a real browser: a learner self-assesses by keyboard on "My competencies"; an HR admin goes
from the gap audit heatmap to a cell's people and assigns a linked course, which the learner then finds on their
page; a manager's audit shows only their reports. No JavaScript errors, no failed requests; screenshots in
var/screenshots/.
"""

import re

import pytest
from opaque_keys.edx.keys import CourseKey

from lms_host.courses.models import Course, CourseEnrollment
from perf_mgmt_plugin.competencies import recommendations, services
from perf_mgmt_plugin.competencies.models import CompetencyGap, CourseRecommendation
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLANNING_KEY = CourseKey.from_string("course-v1:DemoOrg+PLAN101+2026")


@pytest.fixture
def competencies(org):
    """
    Leadership (levels 1-4): Developers (Alice, Bob) need Coaching at 3 and Planning at 2. Leading Teams develops
    Coaching to 4, Planning Basics Planning to 3. Sellers need Coaching at 2 (the seller, outside the manager's team).
    """
    scale = services.create_scale(
        slug="four",
        name="Four levels",
        levels=[(1, "Aware", ""), (2, "Practising", ""), (3, "Skilled", ""), (4, "Expert", "")],
    )
    framework = services.create_framework(slug="leadership", name="Leadership", scale=scale)
    coach = services.add_competency(framework, code="COACH", name="Coaching", order=1)
    plan = services.add_competency(framework, code="PLAN", name="Planning", order=2)
    services.set_requirement(org.dev, coach, 3, "high")
    services.set_requirement(org.dev, plan, 2)
    seller_position = factories.make_position("SELL", "Seller", org.sales)
    services.set_requirement(seller_position, coach, 2)
    org.seller.position = seller_position
    org.seller.save()
    Course.objects.create(id=PLANNING_KEY, display_name="Planning Basics")
    services.set_course_link(org.course_key, coach, 4)
    services.set_course_link(PLANNING_KEY, plan, 3)
    return type("Competencies", (), {"coach": coach, "plan": plan, "seller_position": seller_position})


def nav(page):
    return page.get_by_role("navigation", name="Performance sections")


def row_of(table, name):
    return table.locator("tbody tr").filter(has=table.page.get_by_role("rowheader", name=re.compile(name)))


def test_learner_self_assesses_by_keyboard_and_sees_their_gaps(org, competencies, page, sign_in, screenshot):
    sign_in(page, "alice")
    nav(page).get_by_role("link", name="My competencies").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "My competencies"
    table = page.get_by_role("table", name="What your position requires")
    coaching = row_of(table, "Coaching")
    # Never assessed: the whole requirement is the gap.
    assert coaching.locator("td").nth(3).inner_text() == "3.0"

    # Keyboard only: the level select is reached by its label, changed with the arrow keys, then Tab to the
    # evidence field and to Save, and Enter submits.
    level = page.get_by_label("Your level in Coaching")
    level.focus()
    assert level.input_value() == ""  # nothing is rated until she chooses
    page.keyboard.press("ArrowDown")  # Choose a level -> 1. Aware
    page.keyboard.press("ArrowDown")  # -> 2. Practising
    assert level.input_value() == "2"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == page.get_by_label("Evidence for Coaching").get_attribute("id")
    page.keyboard.type("I run a weekly 1:1 with our intern")
    page.keyboard.press("Tab")
    assert page.locator(":focus").get_attribute("aria-label") == "Save your rating of Coaching"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Your self-assessment of Coaching is saved." in page.get_by_role("status").inner_text()
    coaching = row_of(page.get_by_role("table", name="What your position requires"), "Coaching")
    cells = coaching.locator("td").all_inner_texts()
    # Required 3, her rating 2, current level 2, gap 1, and the course that develops it beyond her level.
    assert cells[:4] == ["3", "2", "2.0", "1.0"]
    assert cells[4] == "Leading Teams"
    planning = row_of(page.get_by_role("table", name="What your position requires"), "Planning")
    assert planning.locator("td").nth(3).inner_text() == "2.0"
    assert page.get_by_label("Your level in Coaching").input_value() == "2"
    assert CompetencyGap.objects.get(person=org.alice, competency=competencies.coach).gap == 1
    screenshot(page, "learner-my-competencies")
    assert page.js_errors == []


def test_hr_assigns_a_linked_course_from_the_drill_down_and_the_learner_sees_it(
    org, competencies, browser, page, sign_in, screenshot
):
    services.record_assessment(org.alice.user, org.alice, competencies.coach, 2, "self")
    sign_in(page, "hr")
    nav(page).get_by_role("link", name="Gap audit").click()
    page.wait_for_url(re.compile(r"/perf-mgmt/gap-audit/$"))
    heatmap = page.get_by_role("table", name=re.compile("Open gaps"))
    assert heatmap.get_by_role("columnheader").all_inner_texts() == ["Org unit", "Coaching", "Planning"]
    assert set(heatmap.get_by_role("rowheader").all_inner_texts()) == {"Unit PLAT", "Unit SALES"}
    screenshot(page, "hr-gap-audit-heatmap")

    cell = heatmap.get_by_role("link", name="Unit PLAT, Coaching: 2 open gaps of 2 people, average gap 2.0")
    cell.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    people = page.get_by_role("table", name="Coaching (Leadership)")
    assert people.get_by_role("rowheader").all_inner_texts() == ["Bob Tester", "Alice Tester"]

    course = page.get_by_role("group", name=re.compile("Leading Teams"))
    with page.expect_navigation():
        course.get_by_role("button", name="Assign to everyone here").click()
    assert "2 course assignments made (2 enrollments)" in page.get_by_role("status").inner_text()
    people = page.get_by_role("table", name="Coaching (Leadership)")
    for name in ("Alice Tester", "Bob Tester"):
        assert row_of(people, name).locator("td").last.inner_text() == "Leading Teams: assigned, enrolled"
        assert row_of(people, name).locator("td").nth(5).inner_text() == "In development"
    screenshot(page, "hr-gap-audit-drill-down-assigned")
    assert CourseEnrollment.objects.filter(course_id=org.course_key, is_active=True).count() == 2
    assert page.js_errors == []

    # From Bob's own gap page, HR also recommends Planning Basics for his Planning gap.
    with page.expect_navigation():
        people.get_by_role("link", name="Bob Tester").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Competencies of Bob Tester"
    planning = page.get_by_role("group", name=re.compile("Planning Basics"))
    with page.expect_navigation():
        planning.get_by_role("button", name="Recommend").click()
    assert "1 course recommendation made, 0 already there." in page.get_by_role("status").inner_text()
    screenshot(page, "hr-person-competencies")
    assert page.js_errors == []

    # Alice, in her own browser, finds the assigned course and goes to it.
    learner = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=page.url_for(""))
    try:
        alice = learner.new_page()
        errors = []
        alice.on("pageerror", lambda error: errors.append(str(error)))
        alice.on("response", lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
        alice.js_errors = errors
        sign_in(alice, "alice", next_path="/perf-mgmt/competencies/")
        recommended = alice.get_by_role("table", name="Courses recommended to you")
        row = row_of(recommended, "Leading Teams")
        assert row.locator("td").all_inner_texts()[:2] == ["Coaching", "Assigned, enrolled"]
        screenshot(alice, "learner-assigned-course")
        with alice.expect_navigation():
            row.get_by_role("link", name="Leading Teams").click()
        assert "/courses/course-v1:DemoOrg+LEAD101+2026/" in alice.url
        assert errors == []
    finally:
        learner.close()


def test_learner_enrols_in_or_dismisses_what_was_recommended(org, competencies, page, sign_in, screenshot):
    for competency in (competencies.coach, competencies.plan):
        recommendations.act_on_person(org.manager.user, org.bob, "recommend", competency=competency)
    sign_in(page, "bob", next_path="/perf-mgmt/competencies/")
    recommended = page.get_by_role("table", name="Courses recommended to you")
    assert recommended.get_by_role("rowheader").all_inner_texts() == ["Planning Basics", "Leading Teams"]
    screenshot(page, "learner-recommended-courses")

    page.get_by_role("button", name="Enrol in Leading Teams").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You are enrolled in Leading Teams." in page.get_by_role("status").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Dismiss Planning Basics").click()
    assert "Planning Basics is no longer recommended to you." in page.get_by_role("status").inner_text()
    recommended = page.get_by_role("table", name="Courses recommended to you")
    assert recommended.get_by_role("rowheader").all_inner_texts() == ["Leading Teams"]
    assert row_of(recommended, "Leading Teams").locator("td").nth(1).inner_text() == "Recommended, enrolled"
    assert CourseEnrollment.objects.filter(user=org.bob.user, course_id=org.course_key, is_active=True).exists()
    assert set(CourseRecommendation.objects.values_list("status", flat=True)) == {"enrolled", "dismissed"}
    assert page.js_errors == []


def test_manager_sees_only_their_reports_in_the_audit(org, competencies, page, sign_in, screenshot):
    sign_in(page, "manager")
    nav(page).get_by_role("link", name="Gap audit").click()
    page.wait_for_url(re.compile(r"/perf-mgmt/gap-audit/$"))
    heatmap = page.get_by_role("table", name=re.compile("Open gaps"))
    assert heatmap.get_by_role("rowheader").all_inner_texts() == ["Unit PLAT"]
    assert "Unit SALES" not in page.locator("main").inner_text()
    screenshot(page, "manager-gap-audit")

    # By position too: only the Developer row (the seller's position is not theirs to see).
    page.get_by_label("Rows").select_option("position")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    heatmap = page.get_by_role("table", name=re.compile("Open gaps"))
    assert heatmap.get_by_role("rowheader").all_inner_texts() == ["Developer"]

    # A hand-made URL of the sales cell shows nobody, and its action reaches nobody.
    page.goto(f"/perf-mgmt/gap-audit/cell/?by=org_unit&row={org.sales.pk}&competency={competencies.coach.pk}")
    people = page.get_by_role("table", name="Coaching (Leadership)")
    assert people.locator("tbody").inner_text().strip() == "Nobody here."
    with page.expect_navigation():
        page.get_by_role("group", name=re.compile("Leading Teams")).get_by_role(
            "button", name="Assign to everyone here"
        ).click()
    assert "0 course assignments made" in page.get_by_role("status").inner_text()
    assert not CourseEnrollment.objects.filter(user=org.seller.user).exists()
    assert page.js_errors == []
