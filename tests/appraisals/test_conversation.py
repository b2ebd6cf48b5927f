"""
The review conversation walked end to end through the domain functions: several people, every stage, coaching,
a missed self-review deadline, reopening (audited), a late joiner and disagreement at sign-off; key result areas
come from the cascade and competency ratings reach the person's gaps.
"""

import datetime

import pytest
from django.utils import timezone

from perf_mgmt_plugin.appraisals import actions, coaching, launch, reviews
from perf_mgmt_plugin.appraisals.errors import AppraisalError
from perf_mgmt_plugin.appraisals.models import Review, ReviewEvent, TemplateSection
from perf_mgmt_plugin.competencies.models import Assessment, CompetencyGap
from perf_mgmt_plugin.core.access import AccessDenied
from tests import factories

from . import builders

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("cycle_once")


def _answers(review, rating_of=lambda item: 3, answer="<p>Fine</p>"):
    """Ratings for every rated item (``rating_of(item)``) and an answer to every question."""
    values = {}
    for item in review.items.select_related("section"):
        if item.scale_id:
            values[item.pk] = {"rating": rating_of(item), "comment": f"about {item.title}"}
        else:
            values[item.pk] = {"comment": answer}
    return values


def _review(cycle, person):
    return Review.objects.get(cycle=cycle, employee=person)


def _past_meeting():
    return timezone.now() - datetime.timedelta(hours=1)


def _fresh_stage(review):
    return Review.objects.values_list("stage", flat=True).get(pk=review.pk)


def _actions(review):
    return list(ReviewEvent.objects.filter(review=review).values_list("action", flat=True))


def test_items_come_from_the_cascade_and_the_position(cycle, org, strategy, fw):
    review = _review(cycle, org.alice)
    kra = review.items.get(section__kind=TemplateSection.KRA)
    assert kra.objective == strategy.alice_task and kra.title == strategy.alice_task.title
    competencies = {item.competency_id: item.required_level for item in review.items.filter(competency__isnull=False)}
    assert competencies == {fw.coach.pk: 3, fw.plan.pk: 2}


def test_full_walk_with_coaching_and_disagreement(cycle, org, fw):
    review = _review(cycle, org.alice)
    alice, manager = org.alice.user, org.manager.user

    # The manager drafts early; alice does not see the draft, and the manager does not see alice's draft.
    reviews.save_manager_review(manager, review, summary="<p>Strong year</p>", items=_answers(review, lambda i: 4))
    reviews.save_self_review(alice, review, summary="<p>My year</p>", items=_answers(review, lambda i: 2))
    seen_by_alice = reviews.review_detail(alice, review)
    assert not seen_by_alice.manager_visible and seen_by_alice.review.manager_summary == ""
    assert all(row.item.manager_rating is None for row in seen_by_alice.items)
    assert seen_by_alice.manager_score is None and seen_by_alice.coaching is None
    seen_by_manager = reviews.review_detail(manager, review)
    assert seen_by_manager.review.self_summary == "" and all(r.item.self_rating is None for r in seen_by_manager.items)
    # Each point of the scale with its text is there at the moment of rating.
    kra_row = next(row for row in seen_by_alice.items if row.item.objective_id)
    assert [level.value for level in kra_row.levels] == [1, 2, 3, 4, 5] and "<strong>" in kra_row.levels[0].description

    reviews.save_self_review(alice, review, submit=True)
    review.refresh_from_db()
    assert review.stage == Review.MANAGER_REVIEW and review.self_submitted_at and review.self_score is not None
    # Self competency ratings became self assessments in the appraisal's context.
    assert (
        Assessment.objects.filter(
            person=org.alice, source=Assessment.SELF, context_type="appraisal", context_id=str(review.pk)
        ).count()
        == 2
    )
    assert reviews.review_detail(manager, review).review.self_summary == "<p>My year</p>"

    # A coach is assigned by the director (a senior manager); sharing waits for the feedback.
    coaching.assign_coach(org.hr, cycle, org.manager, builders.lead(org.seller))
    assert list(coaching.coached_reviews(org.seller.user)) == list(Review.objects.filter(cycle=cycle).order_by("pk"))
    reviews.request_coaching(manager, review)
    with pytest.raises(AppraisalError):
        reviews.share_review(manager, review)
    coaching.add_feedback(org.seller.user, review, "<p>Give an example for the 4.</p><script>x</script>")
    body = reviews.review_detail(manager, review).coaching[0].body
    assert body.startswith("<p>Give an example for the 4.</p>") and "<script" not in body
    assert reviews.review_detail(alice, review).coaching is None

    gap_before = CompetencyGap.objects.get(person=org.alice, competency=fw.coach).current_level
    reviews.share_review(manager, review)
    review.refresh_from_db()
    assert review.stage == Review.MEETING and review.manager_shared_at
    # KRA 4 of 5 = 80% (section weight 2), competencies 4 of 4 = 100% (weight 1): (80 * 2 + 100) / 3.
    assert review.manager_score == 86.7
    gap_after = CompetencyGap.objects.get(person=org.alice, competency=fw.coach)
    assert gap_after.current_level == 4 and gap_after.current_level != gap_before and gap_after.gap <= 0
    assert Assessment.objects.filter(person=org.alice, source=Assessment.MANAGER, context_type="appraisal").count() == 2
    shown = reviews.review_detail(alice, review)
    assert shown.manager_visible and shown.manager_score == 86.7 and shown.review.manager_summary
    with pytest.raises(AppraisalError):  # coaching comes before sharing
        coaching.add_feedback(org.seller.user, review, "late")

    # The meeting: scheduled, not confirmable before it happens, then both confirm.
    reviews.schedule_meeting(manager, review, at=timezone.now() + datetime.timedelta(days=1), mode=Review.VIDEO)
    with pytest.raises(AppraisalError):
        reviews.confirm_attendance(alice, review)
    with pytest.raises(AppraisalError):
        reviews.schedule_meeting(manager, review, at=_past_meeting(), mode="phone")
    reviews.schedule_meeting(manager, review, at=_past_meeting(), mode=Review.IN_PERSON)
    reviews.confirm_attendance(alice, review)
    review.refresh_from_db()
    assert review.stage == Review.MEETING
    reviews.confirm_attendance(manager, review)
    review.refresh_from_db()
    assert review.stage == Review.SIGN_OFF

    # Sign-off: disagreement needs its text; the person records it; both signed completes the review.
    with pytest.raises(AppraisalError):
        reviews.sign_off(alice, review, disagrees=True, disagreement="  ")
    reviews.sign_off(alice, review, comment="<p>Thanks</p>", disagrees=True, disagreement="<p>PLAN is a 3.</p>")
    with pytest.raises(AppraisalError):
        reviews.sign_off(alice, review)
    with pytest.raises(AppraisalError):  # every review ends with at least one agreed follow-up action
        reviews.sign_off(manager, review)
    assert _fresh_stage(review) == Review.SIGN_OFF
    actions.add_action(manager, review, title="Run the next design review", due_date=cycle.end)
    reviews.sign_off(manager, review)
    review.refresh_from_db()
    assert review.stage == Review.COMPLETED and review.completed_at and review.disagrees
    assert review.disagreement == "<p>PLAN is a 3.</p>"
    assert _actions(review) == [
        "self_submitted",
        "coaching_requested",
        "coaching_feedback",
        "shared",
        "meeting_scheduled",
        "meeting_scheduled",
        "attended",
        "attended",
        "meeting_held",
        "signed",
        "action_added",
        "signed",
        "completed",
    ]


def test_missed_self_review_deadline_then_reopen(cycle, org):
    review = _review(cycle, org.bob)
    manager = org.manager.user
    reviews.save_manager_review(manager, review, items=_answers(review, lambda i: 3), submit=True)
    with pytest.raises(AppraisalError):  # bob still has time
        reviews.share_review(manager, review)
    reviews.share_review(manager, review, today=cycle.self_review_due + datetime.timedelta(days=1))
    review.refresh_from_db()
    assert review.stage == Review.MEETING and review.self_missed and review.self_submitted_at is None
    assert _actions(review) == ["manager_ready", "self_missed", "shared"]

    # The reviewing manager cannot reopen their own review; bob neither; the director can, with a reason.
    for user in (manager, org.bob.user):
        with pytest.raises(AccessDenied):
            reviews.reopen(user, review, to_stage=Review.SELF_REVIEW, reason="x")
    with pytest.raises(AppraisalError):
        reviews.reopen(org.director.user, review, to_stage=Review.SELF_REVIEW, reason=" ")
    with pytest.raises(AppraisalError):
        reviews.reopen(org.director.user, review, to_stage=Review.SIGN_OFF, reason="forward")
    reviews.reopen(org.director.user, review, to_stage=Review.SELF_REVIEW, reason="Bob was on leave")
    review.refresh_from_db()
    assert review.stage == Review.SELF_REVIEW and review.reopen_count == 1
    assert review.manager_shared_at is None and not review.self_missed
    assert review.items.filter(manager_rating=3).exists()  # the draft stays
    event = ReviewEvent.objects.filter(review=review, action="reopened").get()
    assert (event.actor, event.from_stage, event.to_stage, event.note) == (
        org.director.user,
        Review.MEETING,
        Review.SELF_REVIEW,
        "Bob was on leave",
    )
    # Shared no more: bob does not see the manager's part again until it is shared again.
    assert not reviews.review_detail(org.bob.user, review).manager_visible
    reviews.save_self_review(org.bob.user, review, items=_answers(review, lambda i: 2), submit=True)
    reviews.share_review(manager, review)
    review.refresh_from_db()
    assert review.stage == Review.MEETING and not review.self_missed


def test_reopen_completed_review_by_hr(cycle, org):
    review = _review(cycle, org.alice)
    Review.objects.filter(pk=review.pk).update(
        stage=Review.COMPLETED, employee_signed_at=timezone.now(), manager_signed_at=timezone.now()
    )
    with pytest.raises(AccessDenied):
        reviews.reopen(org.hr_eng.__class__.objects.get(username="outsider"), review, to_stage="sign_off", reason="x")
    reviews.reopen(org.hr_eng, review, to_stage=Review.SIGN_OFF, reason="Signed by mistake")
    review.refresh_from_db()
    assert review.stage == Review.SIGN_OFF and review.employee_signed_at is None and review.completed_at is None


def test_late_joiner_walks_the_same_conversation(cycle, org):
    newcomer = factories.make_employee("newcomer", manager=org.manager, org_unit=org.platform, position=org.dev)
    cycle.people.add(newcomer)
    launch.add_late_joiners([newcomer.pk])
    review = _review(cycle, newcomer)
    assert review.joined_late and review.manager == org.manager
    reviews.save_self_review(newcomer.user, review, items=_answers(review), submit=True)
    reviews.save_manager_review(org.manager.user, review, items=_answers(review), submit=True)
    reviews.share_review(org.manager.user, review)
    review.refresh_from_db()
    assert review.stage == Review.MEETING


def test_bad_input_writes_nothing(cycle, org):
    review = _review(cycle, org.alice)
    kra = review.items.get(section__kind=TemplateSection.KRA)
    competency = review.items.filter(competency__isnull=False).first()
    for rating in (6, 0, "x"):
        with pytest.raises(AppraisalError):
            reviews.save_self_review(org.alice.user, review, summary="changed", items={kra.pk: {"rating": rating}})
    with pytest.raises(AppraisalError):  # 5 is on the KRA scale, not on the competency's 1..4 scale
        reviews.save_self_review(org.alice.user, review, items={kra.pk: {"rating": 5}, competency.pk: {"rating": 5}})
    with pytest.raises(AppraisalError):  # an item of another review
        other = _review(cycle, org.bob).items.first()
        reviews.save_self_review(org.alice.user, review, items={other.pk: {"comment": "x"}})
    with pytest.raises(AppraisalError):  # not everything rated
        reviews.save_self_review(org.alice.user, review, items={kra.pk: {"rating": 3}}, submit=True)
    review.refresh_from_db()
    kra.refresh_from_db()
    assert review.self_summary == "" and kra.self_rating is None and review.stage == Review.SELF_REVIEW
    # A required question must be answered.
    answers = _answers(review, answer="")
    with pytest.raises(AppraisalError):
        reviews.save_self_review(org.alice.user, review, items=answers, submit=True)
    assert not Assessment.objects.filter(person=org.alice, context_type="appraisal").exists()
    # Steps out of order are refused.
    with pytest.raises(AppraisalError):
        reviews.sign_off(org.alice.user, review)
    with pytest.raises(AppraisalError):
        reviews.confirm_attendance(org.alice.user, review)


def test_only_the_right_people_write(cycle, org):
    review = _review(cycle, org.alice)
    with pytest.raises(AccessDenied):
        reviews.save_self_review(org.manager.user, review, summary="x")
    for user in (org.alice.user, org.bob.user, org.seller.user, org.hr):
        with pytest.raises(AccessDenied):
            reviews.save_manager_review(user, review, summary="x")
    with pytest.raises(AccessDenied):
        reviews.review_detail(org.bob.user, review)
    # The director (above the manager) may write the manager's part too.
    reviews.save_manager_review(org.director.user, review, summary="<p>From the director</p>")


def _grow(cycle, org, n):
    """n more notes, drafts (events) and coaching feedback on alice's review."""
    from perf_mgmt_plugin.appraisals import notes

    review = _review(cycle, org.alice)
    coaching.assign_coach(org.hr, cycle, org.manager, builders.lead(org.seller))
    for i in range(n):
        notes.add_note(org.manager.user, org.alice, body=f"note {i}", tag="recognition")
        reviews.save_manager_review(org.manager.user, review, summary=f"draft {i}", submit=False)
        coaching.add_feedback(org.seller.user, review, f"feedback {i}")
    return review


def _read(detail):
    """What the review page shows of the related rows (names included), so lazy loads would count."""
    return [fb.coach.display_name for fb in detail.coaching] + [event.actor for event in detail.events]


def test_review_detail_query_count_is_constant(cycle, org, count_queries):
    review = _grow(cycle, org, 1)
    with count_queries() as small:
        _read(reviews.review_detail(org.manager.user, review))
    _grow(cycle, org, 8)
    with count_queries() as large:
        detail = reviews.review_detail(org.manager.user, review)
        _read(detail)
    assert len(detail.notes) == 9 and len(detail.coaching) == 9
    assert len(small) == len(large) <= 20


def _evidence_data(org, cycle, n):
    """n more check-ins (held or missed) and n more plan items of alice in the cycle's period."""
    from perf_mgmt_plugin.development import services as development_services
    from perf_mgmt_plugin.development.models import Plan
    from perf_mgmt_plugin.strategy.models import CheckIn

    plan = Plan.objects.filter(owner=org.alice).first() or development_services.create_plan(
        org.manager.user, org.alice, period_start=cycle.start, period_end=cycle.end
    )
    for i in range(n):
        status = CheckIn.HELD if i % 2 == 0 else CheckIn.MISSED
        CheckIn.objects.create(employee=org.alice, manager=org.manager, scheduled_for=cycle.start, status=status)
        development_services.add_item(org.manager.user, plan, kind="reading", title=f"Book {i}")


def test_evidence_of_the_period_in_constant_queries(cycle, org, strategy, count_queries):
    from perf_mgmt_plugin.appraisals import evidence

    review = Review.objects.select_related("cycle").get(cycle=cycle, employee=org.alice)
    _evidence_data(org, cycle, 2)
    with count_queries() as small:
        found = evidence.evidence_for(review)
    assert (len(found.check_ins), found.held, found.missed, len(found.plan_items)) == (2, 1, 1, 2)
    assert strategy.alice_task in found.objectives and strategy.bob_task not in found.objectives
    _evidence_data(org, cycle, 10)
    with count_queries() as large:
        found = evidence.evidence_for(review)
    assert (len(found.check_ins), len(found.plan_items)) == (12, 12)
    assert len(small) == len(large) == 6  # the fifth: the last released 360; the sixth: the period's blended modules
    # Beside the key result area: its objective's progress now.
    items = list(review.items.all())
    texts = evidence.item_evidence(review, items, found)
    kra = next(item for item in items if item.objective_id)
    assert "%" in texts[kra.pk]
