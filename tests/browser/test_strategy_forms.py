"""
The strategy forms in a real browser, by keyboard only: a manager creates a team goal under his own and cascades it
to his two reports, who then find it in "My objectives" with its line of sight. Screenshots in var/screenshots/.

(Here rather than in tests/strategy/ because the browser fixtures are this package's; the strategy fixture is
imported from tests/strategy/conftest.py.)
"""

import re

import pytest

from perf_mgmt_plugin.strategy.models import Objective

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _type_into(page, label, text):
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def test_manager_creates_and_cascades_a_team_goal_by_keyboard(org, strategy, page, sign_in, screenshot):  # noqa: F811
    sign_in(page, "manager", next_path="/perf-mgmt/objectives/")
    # From "My objectives", the link under his team goal (reached with Tab, followed with Enter).
    link = page.get_by_role("link", name="Add a sub-objective to Team: migrate services")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "New objective under Team: migrate services"

    _type_into(page, "Title", "Cut deploy time in half")
    _type_into(page, "Description", "From 40 to 20 minutes.")
    page.get_by_label("Level").focus()
    page.keyboard.press("ArrowUp")  # Individual task -> Team goal
    assert page.get_by_label("Level").evaluate("e => e.selectedOptions[0].text") == "Team goal"
    page.get_by_label("Owner: a person").focus()
    page.keyboard.type("Manager")  # type-ahead selects "Manager Tester (Unit PLAT)"
    page.get_by_label("Measure").focus()
    page.keyboard.type("From")  # "From its sub-objectives"
    screenshot(page, "strategy-new-objective")
    page.get_by_role("button", name="Create the objective").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    goal = Objective.objects.get(title="Cut deploy time in half")
    assert (goal.owner_id, goal.parent_id, goal.level.name, goal.measure) == (
        org.manager.pk,
        strategy.team.pk,
        "Team goal",
        Objective.ROLLUP,
    )
    assert page.get_by_role("status").inner_text().strip() == "Cut deploy time in half is created."

    page.get_by_role("link", name="Cascade Cut deploy time in half to my team").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _type_into(page, "Title of the goal", "Halve the deploy time of my services")
    for person in ("Alice Tester (Unit PLAT)", "Bob Tester (Unit PLAT)"):
        page.get_by_label(person).focus()
        page.keyboard.press("Space")
    assert page.get_by_label("Alice Tester (Unit PLAT)").is_checked()
    page.get_by_role("button", name="Create the goals").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    result = page.get_by_test_id("cascade-result")
    assert "Created for: Alice Tester, Bob Tester" in result.inner_text()
    screenshot(page, "strategy-cascade-result")
    assert page.js_errors == []

    for username in ("alice", "bob"):
        page.context.clear_cookies()
        sign_in(page, username, next_path="/perf-mgmt/objectives/")
        row = (
            page.get_by_test_id("my-objectives")
            .get_by_role("row")
            .filter(has_text="Halve the deploy time of my services")
        )
        assert row.count() == 1
        sight = row.get_by_role("cell").first.inner_text()
        assert re.sub(r"\s+", " ", sight) == (
            "Grow revenue › Ship platform v2 › Team: migrate services › Cut deploy time in half"
        )
        screenshot(page, f"strategy-my-objectives-{username}")
        assert page.js_errors == []
