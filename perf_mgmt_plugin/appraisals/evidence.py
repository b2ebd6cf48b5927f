"""
The period's evidence shown beside a review: check-in history, objective progress and forecasts, development plan
progress and the person's current competency levels.

Why: a manager rating from memory rates the last few weeks. Everything here was recorded through the period by the
other domains, so the review reads it rather than asking anyone to retype it. Six queries whatever the amount of
data (pinned by a test; one of them the period's blended modules), and those of the last 360 report released to the
person when there is one (a constant number); callers that already checked ``perf_mgmt.view_review`` call it.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ..blended import api as blended
from ..competencies.api import CompetencyGap
from ..development.api import Plan, PlanItem
from ..profiling import api as profiling_api
from ..strategy.api import CheckIn, Objective


@dataclass
class Evidence:
    """What the period says about the person; counts are precomputed for the page's summary line."""

    check_ins: list = field(default_factory=list)
    held: int = 0
    missed: int = 0
    objectives: list = field(default_factory=list)
    plan_items: list = field(default_factory=list)
    plan_done: int = 0
    gaps: dict = field(default_factory=dict)
    #: The person's last 360 report released to them (``profiling``), or ``None``.
    feedback: object = None
    #: The blended modules taken in the period: course result, observed application, reflections (lane guide).
    modules: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.check_ins or self.objectives or self.plan_items or self.gaps or self.feedback or self.modules)


def _objectives_q(cycle):
    if cycle.period_id:
        return Q(period_id=cycle.period_id)
    return Q(start_date__lte=cycle.end, due_date__gte=cycle.start)


def evidence_for(review):
    """The :class:`Evidence` of ``review``'s person over its cycle's period (``start`` .. ``end``), five queries."""
    cycle, person_id = review.cycle, review.employee_id
    check_ins = list(
        CheckIn.objects.filter(employee_id=person_id, scheduled_for__gte=cycle.start, scheduled_for__lte=cycle.end)
        .select_related("manager")
        .annotate(entries=Count("objective_entries"))
        .order_by("-scheduled_for", "-pk")
    )
    objectives = list(
        Objective.objects.filter(_objectives_q(cycle), owner_id=person_id, active=True)
        .select_related("level", "period")
        .order_by("due_date", "pk")
    )
    plan_items = list(
        PlanItem.objects.filter(
            plan__owner_id=person_id,
            plan__period_start__lte=cycle.end,
            plan__period_end__gte=cycle.start,
            plan__status__in=(*Plan.OPEN_STATUSES, Plan.COMPLETED),
        )
        .exclude(status=PlanItem.CANCELLED)
        .select_related("plan", "competency")
        .order_by("plan_id", "order", "pk")
    )
    gaps = {
        gap.competency_id: gap
        for gap in CompetencyGap.objects.filter(person_id=person_id).only(
            "competency_id", "required_level", "current_level", "gap", "status"
        )
    }
    return Evidence(
        check_ins=check_ins,
        held=sum(1 for check_in in check_ins if check_in.status == CheckIn.HELD),
        missed=sum(1 for check_in in check_ins if check_in.status == CheckIn.MISSED),
        objectives=objectives,
        plan_items=plan_items,
        plan_done=sum(1 for item in plan_items if item.status == PlanItem.COMPLETED),
        gaps=gaps,
        feedback=profiling_api.last_360_for(person_id),
        modules=blended.module_evidence(person_id, cycle.start, cycle.end, plan_items),
    )


def item_evidence(review, items, evidence):
    """
    ``{item_id: text}``: beside a key result area its objective's progress, status and forecast now; beside a
    competency the person's current level against the requirement. No query (uses ``evidence``).
    """
    objectives = {objective.pk: objective for objective in evidence.objectives}
    texts = {}
    for item in items:
        objective = objectives.get(item.objective_id) or (item.objective if item.objective_id else None)
        if objective is not None:
            text = _("%(progress)d%% done, %(status)s") % {
                "progress": round(objective.progress * 100),
                "status": objective.get_status_display().lower(),
            }
            if objective.forecast_date:
                text += _(", forecast %(date)s") % {"date": objective.forecast_date.isoformat()}
            texts[item.pk] = text
        elif item.competency_id in evidence.gaps:
            gap = evidence.gaps[item.competency_id]
            current = "-" if gap.current_level is None else f"{gap.current_level:g}"
            texts[item.pk] = _("current level %(current)s of %(required)s required") % {
                "current": current,
                "required": gap.required_level,
            }
    return texts
