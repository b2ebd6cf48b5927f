"""
The demo's appraisals: a template with a descriptive scale, last quarter's closed cycle (completed reviews, actions
in the plans, a survey shown for one unit and hidden for the other), this quarter's cycle at every stage, coaching
and interim notes -- all through the domain functions; loading twice changes nothing.
"""

import datetime

import pytest
from django.utils import timezone

from lms_host import demo
from perf_mgmt_plugin.appraisals import coaching, reviews, survey
from perf_mgmt_plugin.appraisals.models import (
    CoachAssignment,
    CoachingFeedback,
    Cycle,
    FollowUpAction,
    InterimNote,
    Review,
    ReviewEvent,
    ReviewItem,
    ReviewTemplate,
    SurveyResponse,
)
from perf_mgmt_plugin.development.models import PlanItem


def _snapshot():
    return (
        ReviewTemplate.objects.count(),
        sorted(Cycle.objects.values_list("name", "status")),
        sorted(Review.objects.values_list("employee__user__username", "cycle__status", "stage")),
        ReviewItem.objects.count(),
        ReviewEvent.objects.count(),
        FollowUpAction.objects.count(),
        InterimNote.objects.count(),
        SurveyResponse.objects.count(),
        CoachAssignment.objects.count(),
        PlanItem.objects.filter(source="appraisal").count(),
    )


@pytest.mark.slow  # the whole demo loaded (twice)
def test_demo_appraisals(db, django_user_model):
    demo.load_demo_data()
    users = {u.username: u for u in django_user_model.objects.filter(username__in=["alex", "priya", "tomas", "helen"])}
    template = ReviewTemplate.objects.get(slug="northwind-review")
    kinds = list(template.sections.values_list("kind", flat=True))
    assert kinds == ["kra", "competencies", "questions", "development"]
    assert template.sections.get(kind="kra").scale.levels.count() == 5

    past, current = Cycle.objects.get(status=Cycle.CLOSED), Cycle.objects.get(status=Cycle.ACTIVE)
    assert past.end < current.start
    assert set(Review.objects.filter(cycle=past).values_list("stage", flat=True)) == {Review.COMPLETED}
    assert Review.objects.get(cycle=past, employee__user__username="zoe").disagrees
    # last quarter's steps are dated on their deadlines, not on the day the demo was loaded
    completed_days = {timezone.localdate(r.completed_at) for r in Review.objects.filter(cycle=past)}
    assert completed_days == {past.sign_off_due}
    latest_event = ReviewEvent.objects.filter(review__cycle=past).order_by("-created").first().created
    assert timezone.localdate(latest_event) == past.sign_off_due
    alex_past = Review.objects.get(cycle=past, employee__user__username="alex")
    assert alex_past.items.filter(objective__isnull=False).exists()  # key results from last quarter's cascade
    development = FollowUpAction.objects.filter(kind=FollowUpAction.DEVELOPMENT)
    assert development.count() == 2 and all(a.plan_item_id for a in development)

    assert not survey.results(users["helen"], past, group_by="org_unit").released  # alex may still answer
    assert list(survey.pending_surveys(users["alex"])) == [past]
    closed_at = past.closed_at - datetime.timedelta(days=survey.survey_days() + 1)
    Cycle.objects.filter(pk=past.pk).update(closed_at=closed_at)  # the survey is over: released
    past.refresh_from_db()
    results = survey.results(users["helen"], past, group_by="org_unit")
    groups = {str(group.label): group for group in results.groups}
    assert not groups["Core Services"].hidden and groups["Core Services"].responses == 4
    assert groups["Data & Analytics"].hidden and groups["Data & Analytics"].responses is None  # 2 < 3

    stages = dict(Review.objects.filter(cycle=current).values_list("employee__user__username", "stage"))
    assert stages["alex"] == Review.SELF_REVIEW and stages["zoe"] == Review.COMPLETED
    assert {stages["bianca"], stages["dara"], stages["farah"]} == {
        Review.MANAGER_REVIEW,
        Review.MEETING,
        Review.SIGN_OFF,
    }
    alex_now = Review.objects.get(cycle=current, employee__user__username="alex")
    assert alex_now.self_summary and alex_now.self_submitted_at is None  # mid self-review
    detail = reviews.review_detail(users["alex"], alex_now)
    assert [a.title for a in detail.earlier_actions]  # last cycle's open actions show in this one
    to_write = Review.objects.filter(
        cycle=current, manager__user=users["priya"], stage__in=["self_review", "manager_review"]
    )
    assert to_write.count() >= 3
    assert Review.objects.get(cycle=current, employee__user__username="priya").stage == Review.MANAGER_REVIEW
    assert Review.objects.get(cycle=current, employee__user__username="priya").manager.user == users["tomas"]
    coached = set(coaching.coached_reviews(users["priya"]).values_list("employee__user__username", flat=True))
    assert {"gustavo", "hana"} <= coached
    assert CoachingFeedback.objects.filter(review__employee__user__username="gustavo").exists()
    assert InterimNote.objects.filter(employee__user__username="alex", private=True).count() == 1

    before = _snapshot()
    demo.load_demo_data()
    assert _snapshot() == before
