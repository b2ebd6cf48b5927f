"""
The whole learning loop in Chromium, as the people concerned click it (issue 13): HR sets a position's requirement;
the learner rates themselves low in the course; the gap shows; the manager assigns the module from the gap's
course; the learner watches the introduction, passes the knowledge check and applies the implementation guide's
steps; the manager observes on their Observations page; the plan item completes from the platform's own events
(the host's grades and certificates -- nobody marks it done); the observed application arrives as evidence; the gap
closes; course staff see the learner's completion and the guide's application rates. No JavaScript errors.
"""

import json

import pytest

from lms_host.courses.models import CourseBlock
from perf_mgmt_plugin.competencies import services
from perf_mgmt_plugin.competencies.models import Assessment, CompetencyGap
from perf_mgmt_plugin.development.models import PlanItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTIONS = [
    {"prompt": "Which question opens a coaching conversation?", "choices": ["Why?", "What do you want?"], "answer": 1},
    {"prompt": "Who chooses the way forward?", "choices": ["The coach", "The person coached"], "answer": 1},
]
STEPS = [
    {
        "id": "prepare",
        "title": "Prepare your questions",
        "action": "Write three open questions.",
        "good": "They start with what or how.",
        "reflection_prompt": "Which question was hardest?",
        "evidence": "Your questions",
        "observe": False,
    },
    {
        "id": "hold",
        "title": "Hold the conversation",
        "action": "Run a 1:1 with GROW.",
        "good": "They choose the way forward.",
        "reflection_prompt": "What did they decide?",
        "evidence": "Their next step",
        "observe": True,
    },
]


@pytest.fixture
def module(org, settings):
    """Coaching (1..4), no requirement yet; the course develops it to 3 and holds the blended module's blocks."""
    settings.PERF_MGMT_ANONYMITY_MIN_GROUP = 1  # one learner: the staff's figures show (the rule is tested elsewhere)
    scale = services.create_scale(
        slug="four",
        name="Four levels",
        levels=[(1, "Aware", ""), (2, "Practising", ""), (3, "Skilled", ""), (4, "Expert", "")],
    )
    framework = services.create_framework(slug="leadership", name="Leadership", scale=scale)
    coach = services.add_competency(framework, code="COACH", name="Coaching")
    services.set_course_link(org.course_key, coach, 3)
    blocks = [
        '<perf_mgmt_self_assessment framework="leadership" competencies=\'["COACH"]\' mode="before"/>',
        '<video display_name="Introduction" html5_sources=\'["host_courses/video/intro.webm"]\' '
        'transcripts=\'{"en": "host_courses/video/coaching.vtt"}\'/>',
        f'<knowledge_check display_name="Check" weight="1" questions=\'{json.dumps(QUESTIONS)}\'/>',
        '<perf_mgmt_implementation_guide display_name="On the job" framework="leadership" competency="COACH" '
        f"evidence_level=\"4\" steps='{json.dumps(STEPS)}'/>",
    ]
    for order, olx in enumerate(blocks):
        CourseBlock.objects.create(course_id=org.course_key, order=order, display_name=f"Part {order}", olx=olx)
    return coach


def test_the_whole_loop_closes_the_gap(page, sign_in, screenshot, org, module):  # noqa: PLR0915
    course = f"/courses/{org.course_key}/"

    # HR sets the requirement: Developers need Coaching at 3.
    sign_in(page, "hr")
    page.get_by_role("navigation", name="Performance sections").get_by_role(
        "link", name="Position requirements"
    ).click()
    page.get_by_role("link", name="Developer").click()
    page.get_by_label("Coaching", exact=True).select_option("3")
    page.get_by_role("button", name="Preview the change").click()
    page.get_by_role("button", name="Save these requirements").click()
    page.get_by_role("status").first.wait_for()
    gap = CompetencyGap.objects.get(person=org.alice, competency=module)
    assert (gap.required_level, gap.gap) == (3, 3.0)

    # The learner enrols in the course and rates herself low: the gap shows.
    page.context.clear_cookies()
    sign_in(page, "alice", next_path=course)
    page.get_by_role("button", name="Enroll now").click()
    rating = page.get_by_test_id("self-assessment")
    rating.get_by_role("group", name="Coaching").get_by_role("radio", name="1 Aware").check()
    rating.locator("button.psa-submit").click()
    rating.locator(".psa-result").get_by_text("Your result").wait_for()
    page.goto(page.url_for("/perf-mgmt/competencies/"))
    gap.refresh_from_db()
    assert gap.gap == 2.0 and "Coaching" in page.content()

    # The manager assigns the module from the gap's course.
    page.context.clear_cookies()
    sign_in(page, "manager", next_path=f"/perf-mgmt/people/{org.alice.pk}/competencies/")
    page.get_by_role("group", name="Leading Teams").get_by_role("button", name="Assign").click()
    page.get_by_role("status").first.wait_for()
    item = PlanItem.objects.get(owner=org.alice, course_key=org.course_key)
    assert item.enrolled and item.status != PlanItem.COMPLETED

    # The learner watches the introduction, passes the check and applies the guide's steps.
    page.context.clear_cookies()
    sign_in(page, "alice", next_path=course)
    page.locator("video").first.evaluate("v => { v.muted = true; v.playbackRate = 4; return v.play(); }")
    page.locator(".hv-status").get_by_text("Watched.").wait_for(timeout=20_000)
    check = page.locator(".host-knowledge-check")
    check.get_by_text("What do you want?", exact=True).click()
    check.get_by_text("The person coached", exact=True).click()
    check.get_by_role("button", name="Submit").click()
    check.locator(".hkc-status").get_by_text("Your score: 2 of 2.").wait_for()
    guide = page.get_by_test_id("implementation-guide")
    first = guide.locator('li.pig-step[data-step="prepare"]')
    first.get_by_label("When will you apply it?").fill("2026-12-10")
    first.get_by_role("button", name="Plan this step").click()
    guide.locator(".pig-status").get_by_text("Your plan is saved.").wait_for()
    first = guide.locator('li.pig-step[data-step="prepare"]')
    first.get_by_label("Which question was hardest?").fill("The Reality question")
    first.get_by_role("button", name="Record that I applied it").click()
    guide.get_by_text("1 of 2 steps done").wait_for()
    second = guide.locator('li.pig-step[data-step="hold"]')
    second.get_by_label("What did they decide?").fill("Bob chose to pair on estimates")
    second.get_by_label("Their next step").fill("Pairing on Thursday")
    second.get_by_role("button", name="Record that I applied it").click()
    guide.locator(".pig-status").get_by_text("Your manager has been asked to observe this step").wait_for()
    assert "waiting for your manager" in guide.locator('li.pig-step[data-step="hold"]').inner_text()
    screenshot(page, "implementation-guide")
    item.refresh_from_db()
    assert item.status == PlanItem.COMPLETED and item.achieved  # from the host's grade and certificate events
    gap.refresh_from_db()
    assert gap.gap > 0  # course evidence (3) beside the self-assessment (1): 2.33, still short

    # The manager observes.
    page.context.clear_cookies()
    sign_in(page, "manager")
    page.get_by_role("navigation", name="Performance sections").get_by_role("link", name="Observations").click()
    card = page.get_by_test_id("observation")
    assert "Bob chose to pair on estimates" in card.inner_text()
    card.get_by_label("What you saw, or your feedback").fill("Asked, listened, let Bob decide.")
    screenshot(page, "observations")
    card.get_by_role("button", name="Confirm I observed it").click()
    page.get_by_test_id("no-observations").wait_for()

    # The evidence arrived and the gap closed: (1 + 2*3 + 2*4) / 5 = 3.
    observed = Assessment.objects.get(person=org.alice, source=Assessment.OBSERVED)
    assert (observed.level, observed.rater) == (4, org.manager.user)
    gap.refresh_from_db()
    assert (gap.current_level, gap.gap, gap.status) == (3.0, 0.0, CompetencyGap.CLOSED)

    # The learner sees the manager's confirmation in the guide, and the plan done.
    page.context.clear_cookies()
    sign_in(page, "alice", next_path=course)
    guide = page.get_by_test_id("implementation-guide")
    assert guide.get_by_test_id("pig-manager-comment").inner_text() == "Asked, listened, let Bob decide."
    assert "2 of 2 steps done" in guide.inner_text()
    page.goto(page.url_for("/perf-mgmt/plan/"))
    assert "Completed" in page.content() and page.get_by_test_id("plan-mix").count() == 1

    # Course staff see the learner's completion and the step application rates.
    page.context.clear_cookies()
    sign_in(page, "coursestaff", next_path=f"/perf-mgmt/courses/{org.course_key}/learners/")
    assert "Completed" in page.content()
    page.goto(page.url_for(course))
    rates = page.get_by_test_id("pig-staff")
    assert [cell.inner_text() for cell in rates.get_by_test_id("pig-rate").all()] == ["100%", "100%"]
    screenshot(page, "guide-staff-rates")
    assert page.js_errors == []
