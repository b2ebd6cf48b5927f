"""
A 360 round in a real browser (issue 16): HR creates a profile and a round; the subject nominates their raters; their
manager approves; five raters answer and one declines; HR closes the round; the manager releases the report after
the debrief; the subject reads it with its blind spot, hidden strength and radar; the round's results moved the
subject's gaps as the current-level policy says (``manager_wins``: the manager's rating is the level).
Screenshots in var/screenshots/.
"""

import pytest

from perf_mgmt_plugin.competencies import gaps
from perf_mgmt_plugin.competencies.models import CompetencyGap
from perf_mgmt_plugin.org.models import Employee
from perf_mgmt_plugin.profiling.models import Profile, Rater, Round, Subject
from tests import factories
from tests.competencies.conftest import fw  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _status(page):
    return page.get_by_role("status").inner_text().strip()


def _answer(page, sign_in, username, subject, levels):
    page.context.clear_cookies()
    sign_in(page, username, next_path="/perf-mgmt/feedback/")
    rater = Rater.objects.get(subject=subject, user__username=username)
    page.get_by_test_id("feedback-tasks").get_by_role("link").first.click()
    page.wait_for_url(f"**/perf-mgmt/feedback/answer/{rater.pk}/")
    for item_id, level in levels.items():
        page.locator(f'input[name="item_{item_id}"][value="{level}"]').check()
    return rater


def test_a_360_round_from_profile_to_released_report(org, fw, page, sign_in, screenshot):  # noqa: F811, PLR0915
    peers = [factories.make_employee(f"peer{n}", manager=org.director, org_unit=org.engineering) for n in range(3)]
    carol = factories.make_employee("carol", manager=org.manager, org_unit=org.platform)
    Employee.objects.filter(pk=org.manager.pk).update(position=org.dev)  # Developers need COACH 3, PLAN 2
    gaps.recompute_gaps(employee_ids=[org.manager.pk])
    assert CompetencyGap.objects.get(person=org.manager, competency=fw.coach).gap == 3

    # HR: a profile from the Leadership competencies (statements seeded from their indicators), then a round.
    sign_in(page, "hr", next_path="/perf-mgmt/feedback/profiles/")
    form = page.get_by_test_id("profile-form")
    form.get_by_label("Short name").fill("leaders")
    form.get_by_label("Name", exact=True).fill("Leadership 360")
    form.get_by_label("Competencies (one or more frameworks)").select_option([str(fw.coach.pk), str(fw.plan.pk)])
    form.get_by_label("Open questions (one a line)").fill("What should they keep doing?")
    _click(page, "Create")
    assert "Runs regular 1:1s" in page.get_by_test_id("profile-edit").inner_html()
    _click(page, "Activate")
    profile = Profile.objects.get(family="leaders")
    assert profile.status == Profile.ACTIVE
    page.goto(page.url.split("/perf-mgmt/")[0] + "/perf-mgmt/feedback/rounds/")
    form = page.get_by_test_id("round-form")
    form.get_by_label("Name").fill("Leaders 2026")
    form.get_by_label("People").select_option([str(org.manager.pk)])
    form.get_by_label("Raters per group: at least").fill("1")
    _click(page, "Start")
    rnd = Round.objects.get(name="Leaders 2026")
    subject = Subject.objects.get(round=rnd, person=org.manager)
    assert page.js_errors == []

    # The subject names peers and direct reports; their manager (the director) approves.
    page.context.clear_cookies()
    sign_in(page, "manager", next_path="/perf-mgmt/feedback/")
    page.get_by_role("link", name="Choose my raters").click()
    page.get_by_label("Peers").select_option([str(p.user_id) for p in peers])
    page.get_by_label("Direct reports").select_option(
        [str(org.alice.user_id), str(org.bob.user_id), str(carol.user_id)]
    )
    screenshot(page, "profiling-nominate")
    _click(page, "Send to my manager")
    page.context.clear_cookies()
    sign_in(page, "director", next_path="/perf-mgmt/feedback/")
    page.get_by_role("link", name="Manager Tester").click()
    _click(page, "Approve as nominated")
    assert _status(page) == "Approved: the raters are invited."

    items = dict(profile.items.values_list("competency_id", "pk"))
    coach, plan = items[fw.coach.pk], items[fw.plan.pk]
    # Self: sure of their coaching, modest about planning.
    _answer(page, sign_in, "manager", subject, {coach: 4, plan: 1})
    assert "This is your self-assessment" in page.get_by_test_id("rater-notice").inner_text()
    _click(page, "Submit")
    # The manager group is named, and its rater is told so before answering.
    _answer(page, sign_in, "director", subject, {coach: 2, plan: 2})
    assert "You answer as their manager" in page.get_by_test_id("rater-notice").inner_text()
    screenshot(page, "profiling-answer")
    _click(page, "Submit")
    for n, peer in enumerate(peers):
        _answer(page, sign_in, peer.user.username, subject, {coach: 2, plan: 4 if n else 3})
        page.get_by_label("What should they keep doing?").fill(f"Peer view {n}")
        if n == 0:
            _click(page, "Save draft")
            assert _status(page) == "Draft saved."
        _click(page, "Submit")
        assert _status(page) == "Thank you: your answers are in."
    _answer(page, sign_in, "alice", subject, {coach: 1, plan: 4})
    page.get_by_label("What should they keep doing?").fill("ALICE-ONLY-COMMENT")
    _click(page, "Submit")
    page.context.clear_cookies()
    sign_in(
        page, "bob", next_path=f"/perf-mgmt/feedback/answer/{Rater.objects.get(subject=subject, user=org.bob.user).pk}/"
    )
    page.get_by_label("Why you decline").fill("I joined the team last week")
    _click(page, "Decline")
    assert Rater.objects.get(subject=subject, user=org.bob.user).status == Rater.DECLINED
    assert page.js_errors == []

    # HR closes the round (progress by group first); the director releases after the debrief.
    page.context.clear_cookies()
    sign_in(page, "hr", next_path=f"/perf-mgmt/feedback/rounds/{rnd.pk}/")
    assert "Peers" in page.get_by_test_id("round-progress").inner_text()
    _click(page, "Close the round")
    assert _status(page) == "Round closed."
    page.context.clear_cookies()
    sign_in(page, "director", next_path=f"/perf-mgmt/feedback/subjects/{subject.pk}/report/")
    _click(page, "Release to the person (after the debrief)")
    assert _status(page) == "Released to the person."

    # The subject reads the released report.
    page.context.clear_cookies()
    sign_in(page, "manager", next_path="/perf-mgmt/feedback/")
    page.get_by_role("link", name="Read my report").click()
    page.wait_for_url(f"**/feedback/subjects/{subject.pk}/report/")
    assert "Coaching" in page.get_by_test_id("blind-spots").inner_text()
    assert "Planning" in page.get_by_test_id("hidden-strengths").inner_text()
    assert page.get_by_test_id("radar").locator("svg polygon.pm-radar-series").count() == 4  # self, manager, peers, all
    groups = page.get_by_test_id("report-groups").inner_text()
    assert "Peers (3)" in groups and "Direct reports" not in groups  # one of three answered: not shown
    body = page.content()
    assert "ALICE-ONLY-COMMENT" not in body and "Peer view 0" in body
    screenshot(page, "profiling-report")
    assert page.js_errors == []

    # The results became assessments: the manager's rating is the level (manager_wins), so COACH's gap is 3 - 2.
    coach_gap = CompetencyGap.objects.get(person=org.manager, competency=fw.coach)
    plan_gap = CompetencyGap.objects.get(person=org.manager, competency=fw.plan)
    assert (coach_gap.current_level, coach_gap.gap) == (2.0, 1.0)
    assert (plan_gap.current_level, plan_gap.gap) == (2.0, 0.0)
