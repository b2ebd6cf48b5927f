"""
Health-pack and succession data on top of ``org_data``: for every person of a built organisation, seeded with a
fixed random generator and written with bulk inserts (benchmark data only, never through the services):

* an objective in one period (mixed statuses, some forecast slips), impediments and help requests for one in ten;
* two check-ins in the last eight weeks with their manager (held, missed; face to face or by video);
* a closed review cycle with a review of everyone (shared, mostly completed, some late, scores 1-5, disagreements),
  coach assignments for a third of the managers, follow-up actions for one in three, process survey answers;
* competency gaps on every requirement of their position with a current level (what the competencies domain stores),
  an active plan with three items for one in two, and gap snapshots per unit.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from perf_mgmt_plugin.appraisals.models import (
    CoachAssignment,
    Cycle,
    FollowUpAction,
    Review,
    ReviewTemplate,
    SurveyResponse,
)
from perf_mgmt_plugin.competencies.models import CompetencyGap, GapSnapshot
from perf_mgmt_plugin.development.models import Plan, PlanItem
from perf_mgmt_plugin.org.models import Employee
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest, Impediment, Level, Objective, Period

BATCH = 5000
STATUSES = ("not_started", "on_track", "on_track", "at_risk", "off_track", "done")
KINDS = (("course", "education"), ("on_the_job", "experience"), ("coaching", "exposure"), ("reading", "education"))


@dataclass
class BuiltHealth:
    period_id: int
    cycle_id: int
    rows: dict


def _bulk(model, objs):
    model.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


def build_health(built, requirements, *, seed=11, today=None, prefix="bench"):  # noqa: PLR0914
    """Write the rows above for the people of ``built`` (``org_data.BuiltOrg``); ``requirements`` as built."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    people = list(
        Employee.objects.filter(pk__gte=built.employee_pk(0)).values_list(
            "pk", "manager_id", "position_id", "org_unit_id"
        )
    )
    period = Period.objects.create(
        name=f"{prefix} quarter", start=today - datetime.timedelta(days=40), end=today + datetime.timedelta(days=50)
    )
    level = Level.objects.get_or_create(rank=5, defaults={"name": "Individual task"})[0]
    rows = {}
    objectives = []
    for pk, _manager, _position, _unit in people:
        status = rng.choice(STATUSES)
        due = period.end - datetime.timedelta(days=rng.randrange(30))
        slip = status in ("at_risk", "off_track") and rng.random() < 0.6
        objectives.append(
            Objective(
                title="Bench task",
                level=level,
                period=period,
                owner_id=pk,
                start_date=period.start,
                due_date=due,
                measure=Objective.NUMERIC,
                status=status,
                forecast_date=due + datetime.timedelta(days=rng.randrange(1, 30)) if slip else due,
                path="",
            )
        )
    rows["objectives"] = _bulk(Objective, objectives)
    impediments, help_requests, check_ins = [], [], []
    for pk, manager, _position, _unit in people:
        if rng.random() < 0.1:
            created = now - datetime.timedelta(days=rng.randrange(1, 35))
            resolved = created + datetime.timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.6 else None
            impediments.append(
                Impediment(
                    employee_id=pk,
                    description="Blocked",
                    created=created,
                    resolved_at=resolved if resolved and resolved < now else None,
                )
            )
            help_requests.append(HelpRequest(employee_id=pk, routed_to_id=manager, body="Help", created=created))
        if manager is None:
            continue
        for _ in range(2):
            held = rng.random() < 0.75
            check_ins.append(
                CheckIn(
                    employee_id=pk,
                    manager_id=manager,
                    scheduled_for=today - datetime.timedelta(days=rng.randrange(1, 56)),
                    status=CheckIn.HELD if held else CheckIn.MISSED,
                    mode=(CheckIn.FACE_TO_FACE if rng.random() < 0.5 else CheckIn.VIDEO) if held else "",
                )
            )
    rows["impediments"] = _bulk(Impediment, impediments)
    rows["help_requests"] = _bulk(HelpRequest, help_requests)
    rows["check_ins"] = _bulk(CheckIn, check_ins)

    template = ReviewTemplate.objects.create(slug=f"{prefix}-health", name="Bench health")
    cycle = Cycle.objects.create(
        name=f"{prefix} health cycle",
        template=template,
        start=period.start,
        end=today - datetime.timedelta(days=2),
        self_review_due=today - datetime.timedelta(days=20),
        manager_review_due=today - datetime.timedelta(days=12),
        meeting_due=today - datetime.timedelta(days=8),
        sign_off_due=today - datetime.timedelta(days=4),
        status=Cycle.CLOSED,
        closed_at=now - datetime.timedelta(days=30),
    )
    reviews = []
    for pk, manager, _position, _unit in people:
        done = rng.random() < 0.85
        completed_at = now - datetime.timedelta(days=rng.randrange(0, 12)) if done else None
        reviews.append(
            Review(
                cycle=cycle,
                employee_id=pk,
                manager_id=manager,
                stage=Review.COMPLETED if done else Review.SIGN_OFF,
                completed_at=completed_at,
                manager_shared_at=now - datetime.timedelta(days=15),
                manager_score=round(rng.uniform(1, 5), 1),
                disagrees=done and rng.random() < 0.08,
            )
        )
    rows["reviews"] = _bulk(Review, reviews)
    managers = sorted({m for _pk, m, _p, _u in people if m is not None})
    coaches = [CoachAssignment(cycle=cycle, reviewer_id=m, coach_id=managers[0]) for m in managers[1::3]]
    rows["coach_assignments"] = _bulk(CoachAssignment, coaches)
    review_ids = dict(Review.objects.filter(cycle=cycle).values_list("employee_id", "pk"))
    actions = [
        FollowUpAction(
            review_id=review_ids[pk],
            employee_id=pk,
            title="Act",
            due_date=today + datetime.timedelta(days=rng.randrange(-20, 20)),
            status=rng.choice(
                (FollowUpAction.OPEN, FollowUpAction.DONE, FollowUpAction.DONE, FollowUpAction.CANCELLED)
            ),
        )
        for pk, _m, _p, _u in people[::3]
    ]
    rows["actions"] = _bulk(FollowUpAction, actions)
    answers = [
        SurveyResponse(
            cycle=cycle,
            org_unit_id=unit,
            clarity=rng.randint(1, 5),
            usefulness=rng.randint(1, 5),
            fairness=rng.randint(1, 5),
            meeting=rng.choice((None, 3, 4, 5)),
        )
        for _pk, _m, _p, unit in people[::2]
    ]
    rows["survey_answers"] = _bulk(SurveyResponse, answers)

    gaps = []
    for pk, _manager, position, _unit in people:
        for competency_id, required in requirements.get(position, {}).items():
            current = rng.randint(0, 5)
            gap = max(0, required - current)
            gaps.append(
                CompetencyGap(
                    person_id=pk,
                    competency_id=competency_id,
                    required_level=required,
                    current_level=current,
                    gap=gap,
                    status="closed" if gap == 0 else rng.choice(("open", "open", "in_development")),
                )
            )
    rows["gaps"] = _bulk(CompetencyGap, gaps)
    units = sorted({u for _pk, _m, _p, u in people if u})
    competency_id = next(iter(next(iter(requirements.values()))))
    snapshots = [
        GapSnapshot(
            date=today - datetime.timedelta(days=30 * back),
            org_unit_id=unit,
            competency_id=competency_id,
            people=10,
            open_gaps=rng.randrange(10),
        )
        for back in range(1, 4)
        for unit in units
    ]
    rows["gap_snapshots"] = _bulk(GapSnapshot, snapshots)
    plans = [
        Plan(
            owner_id=pk,
            title="Plan",
            period_start=period.start,
            period_end=period.end + datetime.timedelta(days=200),
            status=Plan.ACTIVE,
        )
        for pk, _m, _p, _u in people[::2]
    ]
    _bulk(Plan, plans)
    items = []
    for plan_id, owner_id in Plan.objects.filter(title="Plan", period_start=period.start).values_list("pk", "owner_id"):
        for order in range(3):
            kind, category = rng.choice(KINDS)
            done = rng.random() < 0.4
            items.append(
                PlanItem(
                    plan_id=plan_id,
                    owner_id=owner_id,
                    order=order,
                    kind=kind,
                    title="Item",
                    category=category,
                    source="gap" if order == 0 else "manager",
                    status=PlanItem.COMPLETED if done else PlanItem.APPROVED,
                    created=now - datetime.timedelta(days=30),
                    completed_at=now - datetime.timedelta(days=rng.randrange(1, 20)) if done else None,
                    course_key=None,
                )
            )
    rows["plan_items"] = _bulk(PlanItem, items)
    return BuiltHealth(period_id=period.pk, cycle_id=cycle.pk, rows=rows)
