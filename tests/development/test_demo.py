"""The demo's development plans: a template, plans in several states moved by real LMS events; loading twice changes
nothing."""

import pytest

from lms_host import demo
from perf_mgmt_plugin.competencies.models import Assessment
from perf_mgmt_plugin.development import services
from perf_mgmt_plugin.development.models import Plan, PlanComment, PlanItem, PlanTemplate, ProcessedEvent


def _snapshot():
    return (
        PlanTemplate.objects.count(),
        Plan.objects.count(),
        sorted(PlanItem.objects.values_list("owner__user__username", "title", "status", "progress")),
        PlanComment.objects.count(),
        ProcessedEvent.objects.count(),
        Assessment.objects.count(),
    )


@pytest.mark.slow  # the whole demo loaded (twice)
def test_demo_development(db, django_user_model):
    demo.load_demo_data()
    template = PlanTemplate.objects.get(slug="new-manager")
    assert template.items.count() == 5
    assert Plan.objects.filter(template=template, owner__user__username="marcus", status=Plan.ACTIVE).exists()
    alex = {i.title: i for i in PlanItem.objects.filter(owner__user__username="alex")}
    assert alex["Project Management Essentials"].status == PlanItem.IN_PROGRESS
    assert alex["Project Management Essentials"].progress == 45  # from the real grade events
    assert alex["Read 'The Phoenix Project'"].status == PlanItem.COMPLETED
    assert alex["Data Literacy for Everyone"].status == PlanItem.PROPOSED
    chen = {i.title: i for i in PlanItem.objects.filter(owner__user__username="chen")}
    assert chen["Leading High-Performing Teams"].status == PlanItem.COMPLETED
    assert chen["Leading High-Performing Teams"].evidence_recorded
    assert chen["Mentor Emil through his first on-call week"].is_overdue
    assert Plan.objects.get(owner__user__username="bianca").status == Plan.PROPOSED
    priya = django_user_model.objects.get(username="priya")
    team = {p.owner.user.username: p for p in services.team_plans(priya)}
    assert {"alex", "chen", "bianca"} <= set(team) and team["bianca"].awaiting_count == 2
    jordan = django_user_model.objects.get(username="jordan")
    lead = list(services.course_learners(jordan, "course-v1:Northwind+LEAD101+2026"))
    assert {i.owner.user.username for i in lead} >= {"marcus", "chen", "bianca"}
    before = _snapshot()
    demo.load_demo_data()
    assert _snapshot() == before
