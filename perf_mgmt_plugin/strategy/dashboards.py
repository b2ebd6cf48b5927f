"""
What the strategy pages and the REST API show: the manager's dashboard, the cascade from a senior manager's level
(with at-risk branches marked), a person's objectives and line of sight, and the CSV export.

Each function takes a constant number of queries whatever the size of the team or the cascade (pinned in
tests/strategy/test_query_counts.py); lists are capped (``limit``) and ordered worst first where it matters.
"""

import io
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from ..core import csv_export
from ..core.access import require
from ..core.paths import decode_path, subtree_q
from ..org.api import access_context
from . import checkins
from .access import team_employees_q, team_objectives_q, visible_objectives_q
from .models import CheckIn, Impediment, Objective
from .rules import strategy_context

OBJECTIVE_RELATED = ("level", "owner__user", "owner_unit", "period")
SEVERITY_ORDER = Case(
    When(status=Objective.OFF_TRACK, then=Value(0)),
    When(status=Objective.AT_RISK, then=Value(1)),
    When(status=Objective.NOT_STARTED, then=Value(2)),
    When(status=Objective.ON_TRACK, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)
AT_RISK_STATUSES = (Objective.AT_RISK, Objective.OFF_TRACK)


@dataclass
class ManagerDashboard:
    objectives: list = field(default_factory=list)
    overdue_check_ins: list = field(default_factory=list)
    upcoming_check_ins: list = field(default_factory=list)
    impediments: list = field(default_factory=list)
    help_requests: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def manager_dashboard(user, limit=200):
    """
    The team's objectives (worst status first) with status and forecast, overdue and upcoming check-ins, open
    impediments and open help requests (routed to the user or raised by anyone in their team). Seven queries.
    """
    require(user, "perf_mgmt.view_strategy_dashboard")
    today = timezone.localdate()
    objectives = (
        Objective.objects.filter(team_objectives_q(user), active=True)
        .select_related(*OBJECTIVE_RELATED, "owner__org_unit")  # (owner's unit: HR-scope checks of the rows' links)
        .annotate(severity=SEVERITY_ORDER)
        .order_by("severity", "due_date", "pk")
    )
    team_check_ins = CheckIn.objects.filter(team_employees_q(user, "employee__"), series__isnull=False).select_related(
        "employee__user", "manager__user"
    )
    overdue = team_check_ins.filter(
        Q(status=CheckIn.MISSED) | Q(status__in=checkins.OPEN_STATUSES, scheduled_for__lt=today)
    ).order_by("scheduled_for", "pk")
    upcoming = team_check_ins.filter(status__in=checkins.OPEN_STATUSES, scheduled_for__gte=today).order_by(
        "scheduled_for", "pk"
    )
    impediments = (
        Impediment.objects.filter(team_employees_q(user, "employee__"), resolved_at__isnull=True)
        .select_related("employee__user", "objective")
        .order_by("-created", "-pk")
    )
    help_requests = checkins.open_help_requests_for(user).order_by("-created", "-pk")
    objective_rows = list(objectives[:limit])
    counts = {status: 0 for status, _label in Objective.STATUS_CHOICES}
    for objective in objective_rows:
        counts[objective.status] += 1
    return ManagerDashboard(
        objectives=objective_rows,
        overdue_check_ins=list(overdue[:limit]),
        upcoming_check_ins=list(upcoming[:limit]),
        impediments=list(impediments[:limit]),
        help_requests=list(help_requests[:limit]),
        counts=counts,
    )


@dataclass
class CascadeRow:
    objective: Objective
    depth: int
    at_risk: bool
    branch_at_risk: bool


def cascade_roots(user, period=None):
    """
    Where a user's cascade view starts: the top objectives for unrestricted HR admins, else the objectives they own
    (their level of the cascade), else the top of their line of sight.
    """
    qs = Objective.objects.filter(active=True)
    if period is not None:
        qs = qs.filter(period=period)
    if access_context(user).hr_unrestricted:
        return list(qs.filter(parent__isnull=True).select_related(*OBJECTIVE_RELATED).order_by("path"))
    _unit, own_paths = strategy_context(user)
    paths = sorted(own_paths)
    # Keep only the highest of the user's objectives (one below another is already in its subtree).
    tops = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
    if not tops:
        return list(qs.filter(visible_objectives_q(user), parent__isnull=True).select_related(*OBJECTIVE_RELATED))
    return list(qs.filter(path__in=tops).select_related(*OBJECTIVE_RELATED).order_by("path"))


def cascade(user, roots, max_depth=None, limit=2000):
    """
    The subtrees of ``roots`` in tree order, each row with its depth below the root and whether it, or anything
    below it, is at risk or off track (the branch to highlight). One query for all the roots' subtrees; rows the
    user may not view are left out.
    """
    if not roots:
        return []
    condition = Q(pk__in=[])
    for root in roots:
        condition |= subtree_q("path", root.path)
    qs = Objective.objects.filter(condition, active=True).filter(visible_objectives_q(user))
    if max_depth is not None:
        deepest = max(len(root.path) for root in roots) + 6 * max_depth
        qs = qs.annotate(path_length=Length("path")).filter(path_length__lte=deepest)
    rows = list(qs.select_related(*OBJECTIVE_RELATED).order_by("path")[:limit])
    risky_paths = [o.path for o in rows if o.status in AT_RISK_STATUSES]
    risky_ancestors = {pk for path in risky_paths for pk in decode_path(path)}
    base = {root.pk: len(root.path) for root in roots}
    result = []
    for objective in rows:
        root_len = next((length for pk, length in base.items() if pk in decode_path(objective.path)), 6)
        result.append(
            CascadeRow(
                objective=objective,
                depth=(len(objective.path) - root_len) // 6,
                at_risk=objective.status in AT_RISK_STATUSES,
                branch_at_risk=objective.pk in risky_ancestors,
            )
        )
    return result


def my_objectives(user):
    """The user's own objectives (with their level and period), due first."""
    context = access_context(user)
    return (
        Objective.objects.filter(owner_id=context.employee_id, active=True)
        .select_related(*OBJECTIVE_RELATED)
        .order_by("due_date", "pk")
        if context.employee_id
        else Objective.objects.none()
    )


def lines_of_sight(objectives):
    """``{objective_id: [ancestors root first]}`` for many objectives in one query."""
    ids = {pk for objective in objectives for pk in decode_path(objective.path)}
    by_id = {o.pk: o for o in Objective.objects.filter(pk__in=ids).select_related("level")} if ids else {}
    return {
        objective.pk: [by_id[pk] for pk in decode_path(objective.path)[:-1] if pk in by_id] for objective in objectives
    }


CSV_HEADER = [
    "id",
    "parent_id",
    "depth",
    "level",
    "title",
    "owner",
    "owner_unit",
    "period",
    "start_date",
    "due_date",
    "measure",
    "current_value",
    "target_value",
    "unit",
    "weight",
    "progress_percent",
    "status",
    "forecast_date",
    "branch_at_risk",
]


def cascade_csv(rows):
    """The cascade rows as CSV text (one header line, one line per objective)."""
    out = io.StringIO()
    writer = csv_export.writer(out)  # neutralises formulas (CSV injection)
    writer.writerow(CSV_HEADER)
    for row in rows:
        o = row.objective
        writer.writerow(
            [
                o.pk,
                o.parent_id or "",
                row.depth,
                o.level.name,
                o.title,
                o.owner.display_name if o.owner_id else "",
                o.owner_unit.name if o.owner_unit_id else "",
                o.period.name,
                o.start_date,
                o.due_date,
                o.measure,
                o.current_value if o.measure == Objective.NUMERIC else "",
                o.target_value if o.measure == Objective.NUMERIC else "",
                o.unit,
                o.weight,
                round(o.progress * 100, 1),
                o.status,
                o.forecast_date or "",
                "yes" if row.branch_at_risk else "",
            ]
        )
    return out.getvalue()


def check_ins_of(user):
    """The user's own check-ins (upcoming and past) and, for managers, those they run, newest first."""
    context = access_context(user)
    return (
        CheckIn.objects.filter(Q(employee_id=context.employee_id) | Q(manager_id=context.employee_id))
        .select_related("employee__user", "manager__user", "series")
        .order_by("-scheduled_for", "-pk")
        if context.employee_id
        else CheckIn.objects.none()
    )
