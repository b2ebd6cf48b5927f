"""
HR's position requirements editor in a real browser: from the navigation to a position, a level raised, the preview
saying how many gaps the change opens before anything is saved, then the save, and the holders' gaps following; a
copy from another position previewed the same way. No JavaScript errors, no failed requests.
"""

import pytest

from perf_mgmt_plugin.competencies import services
from perf_mgmt_plugin.competencies.models import CompetencyGap, PositionRequirement
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def competencies(org):
    """Developers (Alice, Bob) need Coaching at 3. Alice rated herself 2 (open gap), Bob 3 (none); Planning 3 each."""
    scale = services.create_scale(
        slug="four",
        name="Four levels",
        levels=[(1, "Aware", ""), (2, "Practising", ""), (3, "Skilled", ""), (4, "Expert", "")],
    )
    framework = services.create_framework(slug="leadership", name="Leadership", scale=scale)
    coach = services.add_competency(framework, code="COACH", name="Coaching", order=1)
    plan = services.add_competency(framework, code="PLAN", name="Planning", order=2)
    services.set_requirement(org.dev, coach, 3, "high")
    services.record_assessment(org.alice.user, org.alice, coach, 2, "self")
    services.record_assessment(org.bob.user, org.bob, coach, 3, "self")
    services.record_assessment(org.alice.user, org.alice, plan, 3, "self")
    services.record_assessment(org.bob.user, org.bob, plan, 3, "self")
    lead = factories.make_position("LEAD", "Team lead", org.platform)
    services.set_requirement(lead, plan, 4, "medium")
    return type("Competencies", (), {"coach": coach, "plan": plan, "lead": lead})


def test_hr_previews_then_saves_a_requirement_change(page, sign_in, screenshot, org, competencies):
    sign_in(page, "hr")
    page.get_by_role("navigation", name="Performance sections").get_by_role(
        "link", name="Position requirements"
    ).click()
    page.get_by_role("link", name="Developer").click()
    page.get_by_label("Coaching", exact=True).select_option("4")
    page.get_by_role("button", name="Preview the change").click()
    summary = page.get_by_test_id("preview-summary")
    assert "opens 1 new gap(s) and closes 0 among the 2 people" in summary.inner_text()  # Bob at 3 now falls short
    assert PositionRequirement.objects.get(position=org.dev, competency=competencies.coach).required_level == 3
    screenshot(page, "requirements-preview")
    page.get_by_role("button", name="Save these requirements").click()
    assert (
        "1 gap(s) opened, 0 closed" in page.get_by_role("status").first.inner_text()
        or "1 gap(s) opened" in page.content()
    )
    assert CompetencyGap.objects.filter(person=org.bob, competency=competencies.coach, gap__gt=0).exists()

    # Copy the team lead's set: Planning 4 (both at 3: 2 gaps opened), Coaching dropped (Alice's and Bob's closed).
    page.get_by_label("Copy the requirements of").select_option(label="Team lead (LEAD)")
    page.get_by_role("button", name="Copy and preview").click()
    assert "opens 2 new gap(s) and closes 2" in page.get_by_test_id("preview-summary").inner_text()
    assert page.get_by_label("Planning", exact=True).input_value() == "4"
    page.get_by_role("button", name="Save these requirements").click()
    assert set(
        CompetencyGap.objects.filter(person__position=org.dev, gap__gt=0).values_list(
            "person__user__username", "competency__code"
        )
    ) == {("alice", "PLAN"), ("bob", "PLAN")}
    assert page.js_errors == []
