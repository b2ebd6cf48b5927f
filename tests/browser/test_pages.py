"""
The perf-mgmt pages in a real browser, one persona at a time: sign-in, navigation, keyboard access, sign-out.

Each persona's home page is saved under var/screenshots/ for a person to look at after a run.
"""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# persona -> (username in the `org` fixture, screenshot name, nav links the persona must see)
PERSONAS = {
    "learner": ("alice", "learner-home", ["My performance"]),
    "manager": ("manager", "manager-home", ["My performance", "My team"]),
    "hr_admin": ("hr", "hr-home", ["My performance", "People", "Org chart"]),
    "course_staff": ("coursestaff", "course-staff-home", ["My performance", "My courses"]),
}
# Links of other personas that a persona must not be offered.
ALL_PERSONA_LINKS = {"My team", "People", "Org chart", "My courses"}


def nav_links(page):
    return page.get_by_role("navigation", name="Performance sections").get_by_role("link")


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_persona_home(persona, org, page, sign_in, screenshot):
    username, shot, links = PERSONAS[persona]
    sign_in(page, username)

    assert page.get_by_role("heading", level=1).inner_text() == "My performance"
    assert page.get_by_test_id("user-name").inner_text() == f"{username.capitalize()} Tester"
    shown = nav_links(page).all_inner_texts()
    for label in links:
        assert label in shown, f"{persona} should see {label!r} in {shown}"
    for label in ALL_PERSONA_LINKS - set(links):
        assert label not in shown, f"{persona} should not see {label!r} in {shown}"
    assert nav_links(page).filter(has_text="My performance").get_attribute("aria-current") == "page"

    # Keyboard: the first Tab lands on the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(":focus").inner_text() == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    screenshot(page, shot)
    assert page.js_errors == []


def test_hr_people_filter_narrows_the_table(org, page, sign_in, screenshot):
    sign_in(page, "hr")
    page.get_by_role("navigation", name="Performance sections").get_by_role("link", name="People").click()
    page.wait_for_url(re.compile(r"/perf-mgmt/people/$"))
    rows = page.locator("table.pm-table tbody tr")
    everyone = rows.count()
    assert everyone >= 6
    screenshot(page, "people")

    page.get_by_label("Search").fill("alice")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()

    assert "q=alice" in page.url
    assert rows.count() == 1
    assert "Alice Tester" in rows.first.inner_text()
    assert page.get_by_label("Search").input_value() == "alice"
    assert page.js_errors == []


def test_hr_org_chart(org, page, sign_in, screenshot):
    sign_in(page, "hr", next_path="/perf-mgmt/org-chart/")

    tree = page.get_by_role("navigation", name="Org chart")
    names = tree.locator(".pm-unit-name").all_inner_texts()
    assert names[:2] == ["Unit ACME", "Unit ENG"]
    assert {"Unit PLAT", "Unit SALES"} <= set(names)
    screenshot(page, "org-chart")
    # A unit leads to its people (sub-units included), by keyboard as by mouse.
    tree.get_by_role("link", name="Unit ENG").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/perf-mgmt/people/?org_unit=ENG")
    shown = set(page.locator("main table tbody th").all_inner_texts())
    assert {"Director Tester", "Manager Tester", "Alice Tester", "Bob Tester"} <= shown
    assert "Seller Tester" not in shown
    assert page.js_errors == []


def test_sign_out(org, page, sign_in):
    sign_in(page, "manager")

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()

    assert page.url.endswith("/login/")
    page.goto("/perf-mgmt/")
    assert "/login/" in page.url, "after signing out, the pages must ask to sign in again"
    assert page.get_by_role("button", name="Sign in").is_visible()
