"""
One cycle walked from draft to closed for a whole team, as HR and the managers would run it: a population by org
unit, launch, four people through every stage (one disagrees at sign-off, one misses the self-review deadline, one
joins late, one review is reopened after completion), overdue steps on the way, follow-up actions, closing with the
process survey, and the open actions waiting in the next cycle's review.
"""

import datetime

import pytest
from django.utils import timezone

from perf_mgmt_plugin.appraisals import actions, cycles, launch, reports, reviews, survey
from perf_mgmt_plugin.appraisals.errors import AppraisalError
from perf_mgmt_plugin.appraisals.models import Cycle, FollowUpAction, Review, ReviewEvent, SurveyInvitation
from perf_mgmt_plugin.competencies.models import Assessment
from perf_mgmt_plugin.development.models import PlanItem
from tests import factories
from tests.fixtures.build import cycle_dates

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("template_once", "strategy_once", "fw_once")


def _rate(review, rating):
    """Every rated item at ``rating`` and every question answered."""
    return {
        item.pk: ({"rating": rating} if item.scale_id else {"comment": "<p>Answer</p>"})
        for item in review.items.select_related("section")
    }


def _fresh(review):
    return Review.objects.get(pk=review.pk)


def _meet_and_sign(review, person, manager, *, disagreement=""):
    """
    Meeting held two hours ago, both attend, both sign (the person first, with any disagreement; the manager after
    agreeing a follow-up action if the review has none yet).
    """
    reviews.schedule_meeting(manager, review, at=timezone.now() - datetime.timedelta(hours=2), mode=Review.VIDEO)
    reviews.confirm_attendance(person, review)
    reviews.confirm_attendance(manager, review)
    reviews.sign_off(person, review, disagrees=bool(disagreement), disagreement=disagreement)
    if not review.actions.exists():
        actions.add_action(manager, review, title="Next step", due_date=review.cycle.end)
    reviews.sign_off(manager, review)
    return _fresh(review)


@pytest.fixture
def team_cycle(org, template, strategy, fw, today):
    """A draft cycle for the platform unit (the manager, alice and bob), not launched."""
    return cycles.create_cycle(
        org.hr,
        name="Platform Q review",
        template=template,
        cadence=Cycle.QUARTERLY,
        period=strategy.period,
        units=[org.platform],
        **cycle_dates(today),
    )


def test_a_whole_cycle_from_draft_to_closed(org, team_cycle, today):
    cycle = team_cycle
    # Draft: nobody has a review yet; the population is the unit's people.
    assert cycles.current_phase(cycle, today) == "draft" and not Review.objects.filter(cycle=cycle).exists()
    assert set(cycles.population(cycle)) == {org.manager, org.alice, org.bob}

    launch.start_launch(org.hr, cycle)
    launch.run_launch(cycle.pk)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.ACTIVE and cycles.current_phase(cycle, today) == "self_review"
    assert launch.launch_progress(cycle) == (Cycle.LAUNCH_DONE, 3, 3, "")
    by_person = {r.employee_id: r for r in Review.objects.filter(cycle=cycle)}
    alice_review, bob_review, manager_review = (by_person[p.pk] for p in (org.alice, org.bob, org.manager))
    assert manager_review.manager == org.director and alice_review.manager == org.manager

    # A late joiner: saving a new person in the unit gives them a review at once (post_save hook).
    carol = factories.make_employee("carol", manager=org.manager, org_unit=org.platform, position=org.dev)
    carol_review = Review.objects.get(cycle=cycle, employee=carol)
    assert carol_review.joined_late

    manager, director = org.manager.user, org.director.user

    # Alice: self review, manager review, meeting, sign-off with disagreement; a development follow-up action.
    reviews.save_self_review(org.alice.user, alice_review, items=_rate(alice_review, 3), submit=True)
    reviews.save_manager_review(manager, alice_review, items=_rate(alice_review, 2), summary="<p>OK</p>", submit=True)
    reviews.share_review(manager, alice_review)
    due = today + datetime.timedelta(days=45)
    development = actions.add_action(
        manager, alice_review, title="Course on planning", due_date=due, kind=FollowUpAction.DEVELOPMENT
    )
    actions.add_action(manager, alice_review, title="Write the runbook", due_date=due, owner=org.alice)
    alice_review = _meet_and_sign(alice_review, org.alice.user, manager, disagreement="<p>I met my targets.</p>")
    assert alice_review.stage == Review.COMPLETED and alice_review.disagrees
    assert development.plan_item.plan.owner == org.alice and development.plan_item.status == PlanItem.APPROVED

    # Bob misses the self-review deadline: overdue then, and the manager goes on after it.
    after_self_deadline = cycle.self_review_due + datetime.timedelta(days=1)
    overdue = set(cycles.overdue_reviews(cycle, today=after_self_deadline).values_list("employee_id", flat=True))
    assert overdue == {org.bob.pk, org.manager.pk, carol.pk}
    steps = reports.overdue_steps(org.hr, cycle, today=after_self_deadline)
    assert {step.review_id for step in steps} == {bob_review.pk, manager_review.pk, carol_review.pk}
    assert {step.owed_by for step in steps} == {"employee"} and {step.days_late for step in steps} == {1}
    reviews.save_manager_review(manager, bob_review, items=_rate(bob_review, 4), submit=True)
    reviews.share_review(manager, bob_review, today=after_self_deadline)
    bob_review = _meet_and_sign(_fresh(bob_review), org.bob.user, manager)
    assert bob_review.stage == Review.COMPLETED and bob_review.self_missed and bob_review.self_submitted_at is None

    # Carol (late joiner) walks the same conversation.
    reviews.save_self_review(carol.user, carol_review, items=_rate(carol_review, 3), submit=True)
    reviews.save_manager_review(manager, carol_review, items=_rate(carol_review, 3), submit=True)
    reviews.share_review(manager, carol_review)
    assert _meet_and_sign(_fresh(carol_review), carol.user, manager).stage == Review.COMPLETED

    # The manager's own review by the director; completed, then reopened at sign-off by HR and signed again.
    reviews.save_self_review(manager, manager_review, items=_rate(manager_review, 4), submit=True)
    reviews.save_manager_review(director, manager_review, items=_rate(manager_review, 4), submit=True)
    reviews.share_review(director, manager_review)
    manager_review = _meet_and_sign(_fresh(manager_review), manager, director)
    reviews.reopen(org.hr, manager_review, to_stage=Review.SIGN_OFF, reason="Signed before the meeting notes")
    manager_review = _fresh(manager_review)
    assert manager_review.stage == Review.SIGN_OFF and manager_review.reopen_count == 1
    assert manager_review.employee_signed_at is None and manager_review.manager_signed_at is None
    reviews.sign_off(manager, manager_review)
    reviews.sign_off(director, manager_review)
    assert _fresh(manager_review).stage == Review.COMPLETED
    assert ReviewEvent.objects.filter(review=manager_review, action="reopened", actor=org.hr).count() == 1

    # Every review completed; competency ratings of four people reached their assessments.
    assert set(Review.objects.filter(cycle=cycle).values_list("stage", flat=True)) == {Review.COMPLETED}
    completion = reports.completion_by_phase(org.hr, cycle)
    assert completion.total.at_stage[Review.COMPLETED] == 4 and completion.total.completed_percent == 100.0
    assert not cycles.overdue_reviews(cycle, today=cycle.sign_off_due + datetime.timedelta(days=1)).exists()
    assessed = Assessment.objects.filter(context_type="appraisal", source=Assessment.MANAGER)
    assert set(assessed.values_list("person_id", flat=True)) == {org.alice.pk, org.bob.pk, carol.pk}

    # Closing: no more changes or late joiners; everyone in the conversation is invited to the survey.
    cycles.close_cycle(org.hr, cycle)
    cycle.refresh_from_db()
    assert cycles.current_phase(cycle) == "closed"
    with pytest.raises(AppraisalError):
        cycles.close_cycle(org.hr, cycle)
    with pytest.raises(AppraisalError):
        reviews.reopen(org.hr, alice_review, to_stage=Review.SIGN_OFF, reason="too late")
    factories.make_employee("dave", manager=org.manager, org_unit=org.platform)
    assert Review.objects.filter(cycle=cycle).count() == 4
    invited = set(SurveyInvitation.objects.filter(cycle=cycle).values_list("employee_id", "role"))
    assert {(org.alice.pk, "employee"), (org.manager.pk, "manager"), (org.director.pk, "manager")} <= invited
    assert [c.pk for c in survey.pending_surveys(org.alice.user)] == [cycle.pk]

    # The next cycle: alice's open actions from this one are waiting in her new review.
    next_dates = {k: v + datetime.timedelta(days=91) for k, v in cycle_dates(today).items()}
    following = cycles.create_cycle(
        org.hr, name="Next review", template=cycle.template, people=[org.alice], cadence=Cycle.QUARTERLY, **next_dates
    )
    launch.start_launch(org.hr, following)
    launch.run_launch(following.pk)
    detail = reviews.review_detail(manager, Review.objects.get(cycle=following, employee=org.alice))
    assert {a.title for a in detail.earlier_actions} == {"Course on planning", "Write the runbook"}
