"""
Issue 19's "done when" in a real browser: a senior manager opens the health pack of their division, follows a lagging
manager to the flag and offers the coaching plan; HR marks a key position, runs its talent review (adds a suggested
successor, confirms their readiness) and turns the candidate's gaps into plan items. Screenshots in var/screenshots/.
"""

import pytest

from perf_mgmt_plugin.development.models import Plan, PlanItem
from perf_mgmt_plugin.succession.models import SuccessorCandidate
from tests.health.conftest import hday, health_org  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _nav(page):
    return page.get_by_role("navigation", name="Performance sections")


def _click(page, locator):
    with page.expect_navigation():
        locator.click()


def test_senior_manager_offers_the_coaching_plan(health_org, page, sign_in, screenshot):  # noqa: F811
    sign_in(page, "head")
    _click(page, _nav(page).get_by_role("link", name="Organisational health"))
    assert page.get_by_role("heading", level=1).inner_text() == "Organisational health: Unit DIV"
    assert page.locator("figure.pm-chart svg").count() >= 4
    # The objectives chart's table (read by screen readers, printed) holds the figures.
    assert page.locator("figure[data-chart=bars] table").first.locator("tbody tr").count() == 5
    screenshot(page, "health-pack")
    lagging = page.get_by_test_id("lagging-managers")
    assert "Few check-ins" in lagging.inner_text() and "Mgr_a" not in lagging.inner_text()
    _click(page, lagging.get_by_role("link", name="Mgr_b Tester"))
    reasons = page.get_by_test_id("flag-reasons").inner_text()
    assert "No face-to-face meetings" in reasons and "Late or missed reviews" in reasons
    _click(page, page.get_by_test_id("offer-plan"))
    assert "was offered" in page.get_by_role("status").inner_text()
    assert page.get_by_test_id("plan-offered").is_visible()
    plan = Plan.objects.get(owner=health_org.mgr_b, template__slug="manager-coaching-communication")
    assert plan.items.filter(status=PlanItem.APPROVED).count() == 5
    screenshot(page, "health-manager-flag")
    # The meeting pack: the same figures, with every chart's table shown.
    page.goto(f"/perf-mgmt/health/?unit={health_org.div.pk}&print=1")
    assert page.locator("table.pm-chart-table").first.is_visible()
    assert page.js_errors == []


def test_hr_runs_a_talent_review(health_org, page, sign_in, screenshot):  # noqa: F811
    sign_in(page, "hhr")
    _click(page, _nav(page).get_by_role("link", name="Succession"))
    page.get_by_label("Position").select_option(label="Team lead")
    _click(page, page.get_by_role("button", name="Mark as key"))
    _click(page, page.get_by_test_id("key-positions").get_by_role("link", name="Team lead"))
    suggestions = page.get_by_test_id("suggestions")
    assert "77%" in suggestions.inner_text()  # a1's fit: 10 of 13 weighted points
    _click(page, page.get_by_test_id(f"add-{health_org.a1.pk}"))
    candidate = SuccessorCandidate.objects.get(employee=health_org.a1)
    page.get_by_label("Readiness").select_option("ready_now")
    _click(page, page.get_by_test_id("pool").get_by_role("button", name="Confirm"))
    candidate.refresh_from_db()
    assert candidate.readiness == "ready_now" and candidate.confirmed_by == health_org.hr
    screenshot(page, "succession-pool")
    _click(page, page.get_by_test_id(f"gaps-to-plan-{health_org.a1.pk}"))
    assert "1 plan items added" in page.get_by_role("status").inner_text()
    item = PlanItem.objects.get(owner=health_org.a1, competency=health_org.coach)
    assert (item.target_level, item.status) == (3, PlanItem.APPROVED)
    assert page.js_errors == []
