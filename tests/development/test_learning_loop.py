"""
The learning loop in the host: gap -> recommendation -> the manager assigns -> enrolled -> LMS events (the real
openedx-events signals, real BlockCompletion rows) -> the item completes -> course evidence -> the gap shrinks.
Then idempotence, out-of-order delivery, unmatched events and constant queries per event.
"""

import pytest
from completion.models import BlockCompletion

from lms_host.courses.models import CourseEnrollment
from perf_mgmt_plugin.competencies import recommendations
from perf_mgmt_plugin.competencies.models import Assessment, CompetencyGap, CourseRecommendation
from perf_mgmt_plugin.development import services
from perf_mgmt_plugin.development.models import Plan, PlanItem, ProcessedEvent, UnmatchedEvent

from .conftest import BLOCKS, minutes_ago

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("fw_once")


def gap_of(person, competency):
    return CompetencyGap.objects.get(person=person, competency=competency)


def test_end_to_end_gap_to_evidence(org, linked, lms):
    alice, coach = org.alice, linked.coach
    assert gap_of(alice, coach).gap == 1.0  # needs 3, says 2

    # The gap audit's action: the manager assigns the linked course; it becomes a plan item, enrolled.
    result = recommendations.act_on_person(org.manager.user, alice, CourseRecommendation.ASSIGN, competency=coach)
    assert result.created == 1 and result.enrolled == 1
    assert CourseEnrollment.objects.filter(user=alice.user, course_id=org.course_key, is_active=True).exists()
    item = PlanItem.objects.get(owner=alice, course_key=org.course_key)
    rec = CourseRecommendation.objects.get(person=alice)
    assert item.recommendation == rec and item.source == "gap" and item.competency == coach
    assert item.target_level == 4 and item.plan.status == Plan.ACTIVE
    assert item.status == PlanItem.IN_PROGRESS and item.enrolled and item.progress == 0

    # The LMS: the enrollment event, then completions written as real BlockCompletion rows.
    lms.enroll(alice.user, org.course_key)
    lms.complete_block(alice.user, org.course_key, 0)
    lms.complete_block(alice.user, org.course_key, 1)
    assert BlockCompletion.objects.filter(user=alice.user).count() == 2
    item.refresh_from_db()
    assert item.blocks_completed == 2 and item.progress == 50 and item.status == PlanItem.IN_PROGRESS

    for n in range(2, BLOCKS):
        lms.complete_block(alice.user, org.course_key, n)
    lms.grade(alice.user, org.course_key, 0.92, passed=True)
    lms.passing(alice.user, org.course_key)
    item.refresh_from_db()
    assert item.status == PlanItem.COMPLETED and item.progress == 100 and item.evidence_recorded

    evidence = Assessment.objects.get(person=alice, source=Assessment.COURSE)
    assert evidence.level == 4 and evidence.course_key == org.course_key
    assert evidence.context_id == f"plan-item:{item.pk}"
    assert gap_of(alice, coach).gap < 1.0  # the gap shrank (closed: self 2 and course 4, weighted)
    rec.refresh_from_db()
    assert rec.status == CourseRecommendation.COMPLETED and rec.live is None

    # The certificate arriving afterwards adds nothing more.
    lms.certificate(alice.user, org.course_key)
    assert Assessment.objects.filter(person=alice, source=Assessment.COURSE).count() == 1


def test_recommendation_becomes_an_item_that_follows_the_persons_enrolment(org, linked):
    recommendations.act_on_person(org.manager.user, org.alice, CourseRecommendation.RECOMMEND)
    item = PlanItem.objects.get(owner=org.alice)
    assert item.status == PlanItem.APPROVED and not item.enrolled and item.self_enrol
    services.enrol_in_item(org.alice.user, item)
    item.refresh_from_db()
    assert item.status == PlanItem.IN_PROGRESS and item.enrolled
    assert CourseRecommendation.objects.get(person=org.alice).status == CourseRecommendation.ENROLLED
    # Running the audit action again changes nothing.
    recommendations.act_on_person(org.manager.user, org.alice, CourseRecommendation.ASSIGN)
    assert PlanItem.objects.filter(owner=org.alice).count() == 1


def test_dismissed_recommendation_cancels_its_item(org, linked):
    recommendations.act_on_person(org.manager.user, org.alice, CourseRecommendation.RECOMMEND)
    rec = CourseRecommendation.objects.get(person=org.alice)
    recommendations.dismiss(org.alice.user, rec)
    assert PlanItem.objects.get(owner=org.alice).status == PlanItem.CANCELLED


@pytest.fixture
def item(org, linked):
    plan = services.create_plan(org.manager.user, org.alice)
    return services.add_item(
        org.manager.user, plan, kind="course", title="Leading Teams", course_key=org.course_key, competency=linked.coach
    )


def test_duplicate_events_are_applied_once(org, item, lms):
    import uuid

    event_id = uuid.uuid1()
    lms.passing(org.alice.user, org.course_key, event_id=event_id)
    lms.passing(org.alice.user, org.course_key, event_id=event_id)  # redelivered by the event bus
    assert ProcessedEvent.objects.filter(event_id=str(event_id)).count() == 1
    assert Assessment.objects.filter(person=org.alice, source=Assessment.COURSE).count() == 1
    item.refresh_from_db()
    assert item.status == PlanItem.COMPLETED


def test_revoked_certificate_then_late_passing_event(org, item, lms):
    """The revocation (newer) wins over a passing event from before it that arrives after it."""
    lms.certificate(org.alice.user, org.course_key, when=minutes_ago(10))
    item.refresh_from_db()
    assert item.status == PlanItem.COMPLETED
    lms.certificate(org.alice.user, org.course_key, revoked=True, when=minutes_ago(5))
    item.refresh_from_db()
    assert item.status == PlanItem.IN_PROGRESS and not item.achieved
    lms.passing(org.alice.user, org.course_key, when=minutes_ago(8))  # late, older than the revocation
    item.refresh_from_db()
    assert item.status == PlanItem.IN_PROGRESS
    lms.passing(org.alice.user, org.course_key, when=minutes_ago(1))  # passed again since
    item.refresh_from_db()
    assert item.status == PlanItem.COMPLETED
    # Evidence was recorded once, at the first completion.
    assert Assessment.objects.filter(person=org.alice, source=Assessment.COURSE).count() == 1


def test_same_events_in_any_order_end_in_the_same_state(org, linked, lms):
    plan = services.create_plan(org.manager.user, org.alice)
    services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=org.course_key)
    events = [
        # After the assignment (which enrolled her): enrolled again, passed, then unenrolled.
        lambda: lms.enroll(org.alice.user, org.course_key, when=minutes_ago(-10)),
        lambda: lms.passing(org.alice.user, org.course_key, when=minutes_ago(-20)),
        lambda: lms.enroll(org.alice.user, org.course_key, active=False, when=minutes_ago(-30)),
    ]
    for send in reversed(events):
        send()
    item = PlanItem.objects.get(owner=org.alice)
    assert item.achieved and not item.enrolled and item.status == PlanItem.COMPLETED


def test_unmatched_events_are_logged_and_replayed_onto_a_new_item(org, linked, lms):
    lms.passing(org.bob.user, org.course_key, when=minutes_ago(60))  # no plan yet
    lms.passing(org.staff, org.course_key)  # not an employee: ignored
    event = UnmatchedEvent.objects.get()
    assert event.user_id == org.bob.user.pk and event.resolved_at is None
    plan = services.create_plan(org.manager.user, org.bob)
    item = services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=org.course_key)
    item.refresh_from_db()
    assert item.status == PlanItem.COMPLETED
    event.refresh_from_db()
    assert event.resolved_at is not None


def test_course_part_item_follows_its_block(org, linked, lms):
    plan = services.create_plan(org.manager.user, org.alice)
    usage_key = org.course_key.make_usage_key("html", "unit2")
    part = services.add_item(
        org.manager.user, plan, kind="course_part", title="Unit 2", course_key=org.course_key, usage_key=usage_key
    )
    lms.complete_block(org.alice.user, org.course_key, 1)
    part.refresh_from_db()
    assert part.status == PlanItem.IN_PROGRESS and part.progress == 0
    lms.complete_block(org.alice.user, org.course_key, 2, completion=0.5)
    part.refresh_from_db()
    assert part.progress == 50
    lms.complete_block(org.alice.user, org.course_key, 2)
    part.refresh_from_db()
    assert part.status == PlanItem.COMPLETED


@pytest.mark.parametrize("send", ["enroll", "passing", "grade", "certificate", "complete_block"])
def test_queries_per_event_do_not_grow_with_plans(org, linked, lms, count_queries, send):
    """The same number of queries per event with 1 or 20 people holding the course in their plans."""
    from tests import factories

    def one_event(person, n):
        args = {"grade": (0.3,), "complete_block": (n,)}.get(send, ())
        with count_queries() as queries:
            getattr(lms, send)(person.user, org.course_key, *args)
        return len(queries)

    first = factories.make_employee(manager=org.manager.__class__.objects.get(pk=org.manager.pk))
    plan = services.create_plan(org.manager.user, first)
    services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=org.course_key)
    baseline = one_event(first, 0)
    for _ in range(20):
        other = factories.make_employee(manager=org.manager)
        services.add_item(
            org.manager.user,
            services.create_plan(org.manager.user, other),
            kind="course",
            title="LT",
            course_key=org.course_key,
        )
    later = factories.make_employee(manager=org.manager)
    services.add_item(
        org.manager.user,
        services.create_plan(org.manager.user, later),
        kind="course",
        title="LT",
        course_key=org.course_key,
    )
    assert one_event(later, 0) == baseline
