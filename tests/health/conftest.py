"""
A small organisation whose health pack figures are computed by hand in tests/health/test_pack_figures.py:

    DIV (division, head)            OUT (division, other)
      TEAM_A (mgr_a: a1, a2)          outsider_emp
      TEAM_B (mgr_b: b1, b2, b3)

``mgr_a`` runs a good team (check-ins face to face, reviews on time); ``mgr_b`` lags on every count.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from perf_mgmt_plugin.appraisals.models import (
    CoachAssignment,
    CoachingFeedback,
    Cycle,
    FollowUpAction,
    Review,
    ReviewTemplate,
    SurveyResponse,
)
from perf_mgmt_plugin.competencies.models import (
    Competency,
    CompetencyGap,
    Framework,
    GapSnapshot,
    PositionRequirement,
    Scale,
)
from perf_mgmt_plugin.development.models import Plan, PlanItem
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest, Impediment, Level, Objective, Period
from tests import factories


def days(n):
    return datetime.timedelta(days=n)


@pytest.fixture
def hday():
    return timezone.localdate()


@pytest.fixture
def health_org(db, hday):  # noqa: PLR0915
    today = hday
    now = timezone.now()
    div = factories.make_unit("DIV", kind="division")
    team_a = factories.make_unit("TEAM_A", parent=div)
    team_b = factories.make_unit("TEAM_B", parent=div)
    out = factories.make_unit("OUT", kind="division")
    lead_pos = factories.make_position("LEAD", "Team lead", div)
    dev_pos = factories.make_position("HDEV", "Developer", team_a)
    head = factories.make_employee("head", org_unit=div)
    mgr_a = factories.make_employee("mgr_a", manager=head, org_unit=team_a, position=lead_pos)
    mgr_b = factories.make_employee("mgr_b", manager=head, org_unit=team_b, position=lead_pos)
    a1 = factories.make_employee("a1", manager=mgr_a, org_unit=team_a, position=dev_pos)
    a2 = factories.make_employee("a2", manager=mgr_a, org_unit=team_a, position=dev_pos)
    b1 = factories.make_employee("b1", manager=mgr_b, org_unit=team_b, position=dev_pos)
    b2 = factories.make_employee("b2", manager=mgr_b, org_unit=team_b, position=dev_pos)
    b3 = factories.make_employee("b3", manager=mgr_b, org_unit=team_b, position=dev_pos)
    out_boss = factories.make_employee("out_boss", org_unit=out)
    outsider_emp = factories.make_employee("outsider_emp", manager=out_boss, org_unit=out)
    hr = factories.make_hr_admin("hhr")
    hr_out = factories.make_hr_admin("hhr_out", scope_units=[out])

    period = Period.objects.create(name="Health quarter", start=today - days(30), end=today + days(60))
    level = Level.objects.get_or_create(rank=5, defaults={"name": "Individual task"})[0]

    def objective(owner=None, unit=None, status=Objective.ON_TRACK, forecast=None, due=today + days(30)):
        return Objective.objects.create(
            title="o",
            level=level,
            period=period,
            owner=owner,
            owner_unit=unit,
            start_date=period.start,
            due_date=due,
            status=status,
            forecast_date=forecast,
            measure=Objective.BINARY,
        )

    objective(a1, status=Objective.ON_TRACK)
    objective(a2, status=Objective.DONE)
    objective(b1, status=Objective.OFF_TRACK, forecast=today + days(50))
    objective(b2, status=Objective.AT_RISK)
    objective(unit=team_b, status=Objective.NOT_STARTED)
    objective(outsider_emp, status=Objective.OFF_TRACK, forecast=today + days(90))

    Impediment.objects.create(employee=b1, description="x", created=now)
    Impediment.objects.create(employee=a1, description="x", created=now - days(10), resolved_at=now - days(6))
    Impediment.objects.create(employee=b2, description="x", created=now - days(5), resolved_at=now - days(3))
    Impediment.objects.create(employee=outsider_emp, description="x", created=now)
    HelpRequest.objects.create(employee=b1, body="h", created=now)
    HelpRequest.objects.create(employee=a1, body="h", created=now - days(40), resolved_at=now - days(39))

    def held(employee, manager, ago, mode):
        CheckIn.objects.create(
            employee=employee, manager=manager, scheduled_for=today - days(ago), status=CheckIn.HELD, mode=mode
        )

    held(a1, mgr_a, 7, CheckIn.FACE_TO_FACE)
    held(a2, mgr_a, 14, CheckIn.FACE_TO_FACE)
    held(a1, mgr_a, 21, CheckIn.VIDEO)
    held(b1, mgr_b, 10, CheckIn.VIDEO)
    CheckIn.objects.create(employee=b2, manager=mgr_b, scheduled_for=today - days(3), status=CheckIn.MISSED)
    held(b3, mgr_b, 60, CheckIn.FACE_TO_FACE)
    held(mgr_a, head, 5, CheckIn.FACE_TO_FACE)
    held(outsider_emp, out_boss, 2, CheckIn.FACE_TO_FACE)

    template = ReviewTemplate.objects.create(slug="h-tpl", name="Health template")
    cycle = Cycle.objects.create(
        name="H1",
        template=template,
        start=period.start,
        end=today - days(1),
        self_review_due=today - days(20),
        manager_review_due=today - days(10),
        meeting_due=today - days(5),
        sign_off_due=today - days(2),
        status=Cycle.CLOSED,
        closed_at=now - days(20),
    )

    def review(employee, manager, completed_ago=None, score=None, disagrees=False):
        done = completed_ago is not None
        return Review.objects.create(
            cycle=cycle,
            employee=employee,
            manager=manager,
            stage=Review.COMPLETED if done else Review.SIGN_OFF,
            completed_at=now - days(completed_ago) if done else None,
            manager_shared_at=now - days(15),
            manager_score=score,
            disagrees=disagrees,
        )

    r_a1 = review(a1, mgr_a, 5, 4.0)
    r_a2 = review(a2, mgr_a, 4, 3.0)
    r_b1 = review(b1, mgr_b, None, 3.4)
    r_b2 = review(b2, mgr_b, 1, 2.0)
    r_b3 = review(b3, mgr_b, 6, 4.6, disagrees=True)
    CoachAssignment.objects.create(cycle=cycle, reviewer=mgr_a, coach=head)
    CoachingFeedback.objects.create(review=r_a1, coach=head, body="ok")
    FollowUpAction.objects.create(review=r_a1, employee=a1, title="t", due_date=today, status=FollowUpAction.DONE)
    FollowUpAction.objects.create(review=r_b1, employee=b1, title="t", due_date=today - days(3))
    FollowUpAction.objects.create(review=r_b2, employee=b2, title="t", due_date=today, status=FollowUpAction.CANCELLED)
    FollowUpAction.objects.create(review=r_b3, employee=b3, title="t", due_date=today + days(10))
    del r_a2
    for clarity, usefulness, fairness, meeting in ((2, 2, 3, 2), (2, 3, 2, None), (3, 2, 2, 3)):
        SurveyResponse.objects.create(
            cycle=cycle, org_unit=team_b, clarity=clarity, usefulness=usefulness, fairness=fairness, meeting=meeting
        )
    for _ in range(2):
        SurveyResponse.objects.create(cycle=cycle, org_unit=team_a, clarity=5, usefulness=5, fairness=5, meeting=5)

    scale = Scale.objects.create(slug="h-scale", name="Five")
    framework = Framework.objects.create(slug="h-fw", name="Leadership", scale=scale)
    coach = Competency.objects.create(framework=framework, code="HCOACH", name="Coaching")
    plan_c = Competency.objects.create(framework=framework, code="HPLAN", name="Planning")
    CompetencyGap.objects.create(person=a1, competency=coach, required_level=3, current_level=2, gap=1)
    CompetencyGap.objects.create(
        person=b1, competency=coach, required_level=3, current_level=1, gap=2, status="in_development"
    )
    CompetencyGap.objects.create(person=b2, competency=coach, required_level=3, current_level=3, gap=0, status="closed")
    CompetencyGap.objects.create(person=outsider_emp, competency=coach, required_level=3, current_level=0, gap=3)
    for date, unit, n in (
        (today - days(30), team_a, 2),
        (today - days(30), team_b, 3),
        (today - days(1), team_a, 1),
        (today - days(1), team_b, 1),
        (today - days(1), out, 9),
    ):
        GapSnapshot.objects.create(date=date, org_unit=unit, competency=coach, people=n, open_gaps=n)

    plan_a1 = Plan.objects.create(
        owner=a1, title="p", period_start=today - days(10), period_end=today + days(300), status=Plan.ACTIVE
    )
    plan_b1 = Plan.objects.create(
        owner=b1, title="p", period_start=today - days(10), period_end=today + days(300), status=Plan.ACTIVE
    )

    def item(plan, kind, category, status, source="manager", created=now, completed=None):
        return PlanItem.objects.create(
            plan=plan,
            owner=plan.owner,
            kind=kind,
            title="i",
            category=category,
            source=source,
            status=status,
            created=created,
            completed_at=completed,
        )

    item(plan_a1, "reading", "education", PlanItem.COMPLETED, completed=now)
    item(plan_a1, "coaching", "exposure", PlanItem.APPROVED)
    item(plan_a1, "on_the_job", "", PlanItem.APPROVED)
    item(plan_a1, "reading", "education", PlanItem.CANCELLED)
    item(
        plan_b1,
        "on_the_job",
        "experience",
        PlanItem.COMPLETED,
        source="gap",
        created=now - days(12),
        completed=now - days(2),
    )

    # Succession: the lead position is key; developers are measured against its requirements.
    PositionRequirement.objects.create(position=lead_pos, competency=coach, required_level=3, criticality="high")
    PositionRequirement.objects.create(position=lead_pos, competency=plan_c, required_level=2, criticality="medium")
    CompetencyGap.objects.create(
        person=a1, competency=plan_c, required_level=2, current_level=2, gap=0, status="closed"
    )
    return SimpleNamespace(
        div=div,
        team_a=team_a,
        team_b=team_b,
        out=out,
        head=head,
        mgr_a=mgr_a,
        mgr_b=mgr_b,
        a1=a1,
        a2=a2,
        b1=b1,
        b2=b2,
        b3=b3,
        out_boss=out_boss,
        outsider_emp=outsider_emp,
        hr=hr,
        hr_out=hr_out,
        period=period,
        cycle=cycle,
        lead_pos=lead_pos,
        dev_pos=dev_pos,
        coach=coach,
        plan_c=plan_c,
        today=today,
    )
