"""
The organisational health pack of a unit and everything under it, per period (docs/decisions/0026).

``compute_pack(unit, period, as_of)`` reads every figure in a constant number of queries whatever the size of the
organisation (pinned in tests/health/test_pack_figures.py; ``benchmarks/bench_health.py`` at 50,000 people). The
population is the unit's subtree (``core.paths.subtree_q`` on the people's unit). Four groups of figures:

* **strategy execution** -- the period's objectives owned by people or units of the subtree: by status, on / off
  track, forecast slips (a forecast date after the due date on an unfinished objective), impediments (open now,
  raised in the period, mean days to resolve those resolved in the period), help requests;
* **process** -- per manager of the subtree: the share of their direct reports with a check-in held in the last
  ``checkin_weeks`` weeks and the share of those check-ins held face to face; reviews of the period's cycles:
  completion, on-time rate (completed by the cycle's sign-off deadline), coaching coverage (the reviewing manager had
  a coach in the cycle); follow-up actions done; the process survey's scores per cycle (the trend);
* **capability** -- competency gaps open / closed, open gaps over the stored snapshots (the trend), days from a
  gap's plan item to its completion, plan item completion and the 70/20/10 mix (:func:`learning_mix`);
* **people** -- manager rating distributions and disagreement rates of the period's closed cycles.

Figures from anonymous or sensitive sources (the process survey, ratings, disagreements) are built only from
**release atoms** -- one org unit's answers in one cycle -- that hold at least the minimum (``survey.min_group()``)
and whose cycle is closed (its survey released): every figure shown is a sum of such atoms, so no difference of two
figures (two units, two readers' scopes, two months) is a group below the minimum (``core/release.py``).
"""

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Round
from django.utils import timezone

from ..core.access import require
from ..core.paths import subtree_q
from ..org.api import Employee, OrgUnit
from .deps import (
    DEFAULT_CATEGORY,
    CheckIn,
    CoachAssignment,
    CoachingFeedback,
    CompetencyGap,
    Cycle,
    FollowUpAction,
    GapSnapshot,
    HelpRequest,
    Impediment,
    Objective,
    Period,
    PlanItem,
    Review,
    SurveyResponse,
    released_cycle_ids,
    survey_min_group,
)
from .errors import HealthError
from .models import HealthSnapshot

DEFAULTS = {"checkin_weeks": 6, "min_checkin_share": 0.5, "low_survey_score": 3.0, "trend_points": 6}
SURVEY_QUESTIONS = ("clarity", "usefulness", "fairness", "meeting")
CATEGORIES = ("experience", "exposure", "education")


def options():
    """``PERF_MGMT_HEALTH`` merged over :data:`DEFAULTS`."""
    return {**DEFAULTS, **(getattr(settings, "PERF_MGMT_HEALTH", None) or {})}


def share(part, whole):
    """``part / whole`` rounded to 3 places, ``None`` when there is nothing to share."""
    return round(part / whole, 3) if whole else None


def mean(values):
    values = list(values)
    return round(sum(values) / len(values), 1) if values else None


@dataclass
class StrategyFigures:
    objectives: int = 0
    by_status: dict = field(default_factory=dict)
    on_track: int = 0
    off_track: int = 0
    on_track_share: float | None = None
    forecast_slips: int = 0
    impediments_open: int = 0
    impediments_raised: int = 0
    impediments_resolved: int = 0
    days_to_resolve: float | None = None
    help_raised: int = 0
    help_open: int = 0


@dataclass
class ManagerFigures:
    manager_id: int
    name: str = ""
    unit_id: int | None = None
    user_id: int | None = None
    reports: int = 0
    covered: int = 0
    held: int = 0
    face_to_face: int = 0
    reviews: int = 0
    late_reviews: int = 0
    missed_reviews: int = 0
    survey_score: float | None = None
    reasons: list = field(default_factory=list)

    @property
    def checkin_share(self):
        return share(self.covered, self.reports)

    @property
    def face_to_face_share(self):
        return share(self.face_to_face, self.held)

    @property
    def lagging(self):
        return bool(self.reasons)


@dataclass
class ProcessFigures:
    weeks: int = 0
    reports: int = 0
    covered: int = 0
    held: int = 0
    face_to_face: int = 0
    checkin_share: float | None = None
    face_to_face_share: float | None = None
    reviews: int = 0
    completed: int = 0
    on_time: int = 0
    completion: float | None = None
    on_time_rate: float | None = None
    with_coach: int = 0
    coached: int = 0
    coaching_coverage: float | None = None
    actions: int = 0
    actions_done: int = 0
    actions_overdue: int = 0
    actions_done_share: float | None = None
    #: ``[{cycle, name, answers, clarity, usefulness, fairness, meeting, score}]`` oldest first (released atoms only).
    survey: list = field(default_factory=list)
    managers: list = field(default_factory=list)


@dataclass
class CapabilityFigures:
    gaps_open: int = 0
    gaps_closed: int = 0
    gaps_in_development: int = 0
    #: ``[(date, open gaps)]`` oldest first, from the gap snapshots.
    open_gaps_trend: list = field(default_factory=list)
    gap_items_completed: int = 0
    days_gap_to_closure: float | None = None
    items: int = 0
    items_completed: int = 0
    plan_completion: float | None = None
    #: ``{category: {"items": n, "completed": n, "share": s}}`` (70/20/10).
    mix: dict = field(default_factory=dict)


@dataclass
class PeopleFigures:
    min_group: int = 0
    reviews: int = 0
    #: ``[(rounded manager score or None, count)]`` over released atoms.
    distribution: list = field(default_factory=list)
    completed: int = 0
    disagreements: int = 0
    disagreement_rate: float | None = None
    #: Groups (one unit in one cycle) left out for being below the minimum: their number, never their size.
    groups_left_out: int = 0


@dataclass
class Pack:
    unit: OrgUnit
    period: Period
    as_of: datetime.date
    people: int = 0
    strategy: StrategyFigures = field(default_factory=StrategyFigures)
    process: ProcessFigures = field(default_factory=ProcessFigures)
    capability: CapabilityFigures = field(default_factory=CapabilityFigures)
    people_figures: PeopleFigures = field(default_factory=PeopleFigures)
    #: ``[(date, headline figures)]`` of the stored snapshots, oldest first.
    history: list = field(default_factory=list)

    @property
    def lagging_managers(self):
        return [m for m in self.process.managers if m.lagging]

    def headline(self):
        """The figures a snapshot keeps (all of them released figures)."""
        survey = self.process.survey[-1]["score"] if self.process.survey else None
        return {
            "people": self.people,
            "on_track_share": self.strategy.on_track_share,
            "forecast_slips": self.strategy.forecast_slips,
            "impediments_open": self.strategy.impediments_open,
            "checkin_share": self.process.checkin_share,
            "face_to_face_share": self.process.face_to_face_share,
            "review_completion": self.process.completion,
            "on_time_rate": self.process.on_time_rate,
            "plan_completion": self.capability.plan_completion,
            "gaps_open": self.capability.gaps_open,
            "survey_score": survey,
            "lagging_managers": len(self.lagging_managers),
        }

    def as_dict(self):
        data = {
            "unit": {"id": self.unit.pk, "code": self.unit.code, "name": self.unit.name},
            "period": {"id": self.period.pk, "name": self.period.name},
            "as_of": self.as_of.isoformat(),
            "people": self.people,
            "strategy": asdict(self.strategy),
            "process": {k: v for k, v in asdict(self.process).items() if k != "managers"},
            "capability": asdict(self.capability),
            "people_figures": asdict(self.people_figures),
            "history": [{"date": d.isoformat(), **figures} for d, figures in self.history],
        }
        data["process"]["managers"] = [manager_dict(m) for m in self.process.managers]
        data["capability"]["open_gaps_trend"] = [[d.isoformat(), n] for d, n in self.capability.open_gaps_trend]
        return data


def manager_dict(m):
    return {
        **asdict(m),
        "checkin_share": m.checkin_share,
        "face_to_face_share": m.face_to_face_share,
        "lagging": m.lagging,
    }


# -- scope ---------------------------------------------------------------------------------------------------------


def current_period(as_of=None):
    """The active period containing ``as_of`` (the shortest one), else the latest started. One query."""
    as_of = as_of or timezone.localdate()
    periods = list(Period.objects.filter(active=True, start__lte=as_of).order_by("-start")[:20])
    containing = [p for p in periods if p.end >= as_of]
    if containing:
        return min(containing, key=lambda p: (p.end - p.start, -p.pk))
    if periods:
        return periods[0]
    raise HealthError("There is no strategy period yet.")


def _in_unit(prefix, unit):
    return subtree_q(f"{prefix}org_unit__path", unit.path)


def _cycles(period):
    """The cycles of the period (their dates overlap it), launched or closed."""
    return Cycle.objects.filter(start__lte=period.end, end__gte=period.start).exclude(status=Cycle.DRAFT)


# -- figures -------------------------------------------------------------------------------------------------------


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _any(conditions):
    """The OR of ``conditions`` (none: nothing matches)."""
    result = Q(pk__in=[])
    for condition in conditions:
        result |= condition
    return result


def _strategy(unit, period, as_of):
    fig = StrategyFigures()
    objectives = Objective.objects.filter(active=True, period=period).filter(
        _in_unit("owner__", unit) | subtree_q("owner_unit__path", unit.path)
    )
    statuses = [s for s, _label in Objective.STATUS_CHOICES]
    counts = objectives.aggregate(
        total=Count("pk"),
        slips=Count("pk", filter=Q(forecast_date__gt=F("due_date")) & ~Q(status=Objective.DONE)),
        **{f"s_{s}": Count("pk", filter=Q(status=s)) for s in statuses},
    )
    fig.objectives = counts["total"]
    fig.by_status = {s: counts[f"s_{s}"] for s in statuses}
    fig.on_track = fig.by_status[Objective.ON_TRACK] + fig.by_status[Objective.DONE]
    fig.off_track = fig.by_status[Objective.AT_RISK] + fig.by_status[Objective.OFF_TRACK]
    fig.on_track_share = share(fig.on_track, fig.objectives)
    fig.forecast_slips = counts["slips"]
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min))
    impediments = Impediment.objects.filter(_in_unit("employee__", unit))
    imp = impediments.aggregate(
        open=Count("pk", filter=Q(resolved_at__isnull=True)),
        raised=Count("pk", filter=Q(created__gte=start, created__lt=end)),
    )
    fig.impediments_open, fig.impediments_raised = imp["open"], imp["raised"]
    durations = [
        (resolved - created).total_seconds() / 86400
        for created, resolved in impediments.filter(resolved_at__gte=start, resolved_at__lt=end).values_list(
            "created", "resolved_at"
        )
    ]
    fig.impediments_resolved = len(durations)
    fig.days_to_resolve = mean(durations)
    help_counts = HelpRequest.objects.filter(_in_unit("employee__", unit)).aggregate(
        raised=Count("pk", filter=Q(created__gte=start, created__lt=end)),
        open=Count("pk", filter=Q(resolved_at__isnull=True)),
    )
    fig.help_raised, fig.help_open = help_counts["raised"], help_counts["open"]
    return fig


def _survey_atoms(unit, cycle_ids, minimum):
    """``{(cycle_id, unit_id): {"n", sums...}}`` of released cycles, only atoms of at least ``minimum`` answers."""
    released = released_cycle_ids(cycle_ids) if cycle_ids else set()
    atoms = {}
    if not released:
        return atoms
    rows = (
        SurveyResponse.objects.filter(cycle_id__in=released, org_unit__isnull=False)
        .filter(subtree_q("org_unit__path", unit.path))
        .order_by()
        .values("cycle_id", "org_unit_id")
        .annotate(
            n=Count("pk"),
            meeting_n=Count("meeting"),
            **{f"sum_{q}": Sum(q) for q in SURVEY_QUESTIONS},
        )
    )
    for row in rows:
        if row["n"] >= minimum:
            atoms[(row["cycle_id"], row["org_unit_id"])] = row
    return atoms


def _survey_trend(atoms, cycles):
    """Per cycle (oldest first) the mean of each question over its released atoms, and the overall score."""
    by_cycle = defaultdict(list)
    for (cycle_id, _unit_id), row in atoms.items():
        by_cycle[cycle_id].append(row)
    trend = []
    for cycle in sorted(cycles, key=lambda c: (c.end, c.pk)):
        rows = by_cycle.get(cycle.pk)
        if not rows:
            continue
        n = sum(r["n"] for r in rows)
        meeting_n = sum(r["meeting_n"] for r in rows)
        entry = {"cycle": cycle.pk, "name": cycle.name, "answers": n}
        for q in SURVEY_QUESTIONS:
            total = sum(r[f"sum_{q}"] or 0 for r in rows)
            entry[q] = (
                round(total / (meeting_n if q == "meeting" else n), 2) if (meeting_n if q == "meeting" else n) else None
            )
        entry["score"] = round((entry["clarity"] + entry["usefulness"] + entry["fairness"]) / 3, 2)
        trend.append(entry)
    return trend


def _process(unit, period, as_of, opts):
    fig = ProcessFigures(weeks=opts["checkin_weeks"])
    since = as_of - datetime.timedelta(weeks=opts["checkin_weeks"])
    managers = {}
    for manager_id, reports in (
        Employee.objects.filter(active=True, manager__active=True)
        .filter(_in_unit("manager__", unit))
        .order_by()
        .values_list("manager_id")
        .annotate(n=Count("pk"))
    ):
        managers[manager_id] = ManagerFigures(manager_id=manager_id, reports=reports)
    for manager_id, covered, held, f2f in (
        CheckIn.objects.filter(status=CheckIn.HELD, scheduled_for__gte=since, scheduled_for__lte=as_of)
        .filter(employee__active=True, employee__manager__active=True)
        .filter(_in_unit("employee__manager__", unit))
        .order_by()
        .values_list("employee__manager_id")
        .annotate(
            covered=Count("employee_id", distinct=True),
            held=Count("pk"),
            f2f=Count("pk", filter=Q(mode=CheckIn.FACE_TO_FACE)),
        )
    ):
        if manager_id in managers:
            managers[manager_id].covered, managers[manager_id].held, managers[manager_id].face_to_face = (
                covered,
                held,
                f2f,
            )
    fig.reports = sum(m.reports for m in managers.values())
    fig.covered = sum(m.covered for m in managers.values())
    fig.held = sum(m.held for m in managers.values())
    fig.face_to_face = sum(m.face_to_face for m in managers.values())
    fig.checkin_share = share(fig.covered, fig.reports)
    fig.face_to_face_share = share(fig.face_to_face, fig.held)

    deadlines = dict(_cycles(period).values_list("pk", "sign_off_due"))
    cycle_ids = list(deadlines)
    reviews = Review.objects.filter(cycle_id__in=cycle_ids).filter(_in_unit("employee__", unit))
    completed = Q(stage=Review.COMPLETED)
    # "By the deadline" is before the day after it begins (in the current time zone), per cycle: a comparison the
    # index can use, where ``completed_at__date`` casts every row (in Python on SQLite).
    on_time = completed & _any(
        Q(cycle_id=pk, completed_at__lt=_day_start(due + datetime.timedelta(days=1))) for pk, due in deadlines.items()
    )
    late_q = completed & _any(
        Q(cycle_id=pk, completed_at__gte=_day_start(due + datetime.timedelta(days=1))) for pk, due in deadlines.items()
    )
    counts = reviews.annotate(
        has_coach=Exists(
            CoachAssignment.objects.filter(cycle_id=OuterRef("cycle_id"), reviewer_id=OuterRef("manager_id"))
        ),
        has_feedback=Exists(CoachingFeedback.objects.filter(review_id=OuterRef("pk"))),
    ).aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=completed),
        on_time=Count("pk", filter=on_time),
        with_coach=Count("pk", filter=Q(has_coach=True)),
        coached=Count("pk", filter=Q(has_feedback=True)),
    )
    fig.reviews, fig.completed, fig.on_time = counts["total"], counts["completed"], counts["on_time"]
    fig.with_coach, fig.coached = counts["with_coach"], counts["coached"]
    fig.completion = share(fig.completed, fig.reviews)
    fig.on_time_rate = share(fig.on_time, fig.completed)
    fig.coaching_coverage = share(fig.with_coach, fig.reviews)
    # Per reviewing manager of the subtree: late (completed after the sign-off deadline) and missed (not completed
    # and the deadline passed).
    for manager_id, total, late, missed in (
        Review.objects.filter(cycle_id__in=cycle_ids, manager__isnull=False)
        .filter(_in_unit("manager__", unit))
        .order_by()
        .values_list("manager_id")
        .annotate(
            total=Count("pk"),
            late=Count("pk", filter=late_q),
            missed=Count("pk", filter=~completed & Q(cycle__sign_off_due__lt=as_of)),
        )
    ):
        entry = managers.setdefault(manager_id, ManagerFigures(manager_id=manager_id))
        entry.reviews, entry.late_reviews, entry.missed_reviews = total, late, missed

    actions = (
        FollowUpAction.objects.filter(review__cycle_id__in=cycle_ids)
        .filter(_in_unit("employee__", unit))
        .exclude(status=FollowUpAction.CANCELLED)
        .aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=FollowUpAction.DONE)),
            overdue=Count("pk", filter=Q(status=FollowUpAction.OPEN, due_date__lt=as_of)),
        )
    )
    fig.actions, fig.actions_done, fig.actions_overdue = actions["total"], actions["done"], actions["overdue"]
    fig.actions_done_share = share(fig.actions_done, fig.actions)

    # The survey's trend: the last closed cycles up to ``as_of`` (and the period's), released atoms only.
    recent = list(
        Cycle.objects.filter(status=Cycle.CLOSED, start__lte=as_of).order_by("-end", "-pk")[: opts["trend_points"]]
    )
    atoms = _survey_atoms(unit, [c.pk for c in recent], survey_min_group())
    fig.survey = _survey_trend(atoms, recent)
    _manager_survey(managers, atoms, recent)
    fig.managers = sorted(managers.values(), key=lambda m: m.manager_id)
    return fig


def _manager_survey(managers, atoms, recent):
    """Each manager's survey score: the released atom of their own unit in the latest cycle that has one."""
    latest = {}
    for cycle in sorted(recent, key=lambda c: (c.end, c.pk)):
        for (cycle_id, unit_id), row in atoms.items():
            if cycle_id == cycle.pk:
                latest[unit_id] = round(
                    (row["sum_clarity"] + row["sum_usefulness"] + row["sum_fairness"]) / (3 * row["n"]), 2
                )
    rows = (
        Employee.objects.filter(pk__in=list(managers)).values_list("pk", "org_unit_id", "user_id") if managers else ()
    )
    units = {pk: (unit_id, user_id) for pk, unit_id, user_id in rows}
    for manager_id, entry in managers.items():
        entry.unit_id, entry.user_id = units.get(manager_id, (None, None))
        entry.survey_score = latest.get(entry.unit_id)


def flag_reasons(m, opts):
    """Why a manager's process figures lag (empty when they do not): the rules of ADR 0026, in one place."""
    reasons = []
    if m.reports and (m.checkin_share or 0) < opts["min_checkin_share"]:
        reasons.append("few_check_ins")
    if m.reports and m.face_to_face == 0:
        reasons.append("no_face_to_face")
    if m.late_reviews or m.missed_reviews:
        reasons.append("late_or_missed_reviews")
    if m.survey_score is not None and m.survey_score < opts["low_survey_score"]:
        reasons.append("low_survey_scores")
    return reasons


REASON_LABELS = {
    "few_check_ins": "Few check-ins",
    "no_face_to_face": "No face-to-face meetings",
    "late_or_missed_reviews": "Late or missed reviews",
    "low_survey_scores": "Low process survey scores",
}


def learning_mix(rows):
    """
    The 70/20/10 mix of plan items: ``rows`` are ``(category, kind, items, completed)``; an item without a category
    counts in its kind's default one (``development.DEFAULT_CATEGORY``). Returns ``{category: {items, completed,
    share}}`` (share of all items). The one place the mix is computed (lane ``guide`` classifies items).
    """
    totals = {c: {"items": 0, "completed": 0} for c in CATEGORIES}
    for category, kind, items, completed in rows:
        key = category or DEFAULT_CATEGORY.get(kind, "experience")
        entry = totals.setdefault(key, {"items": 0, "completed": 0})
        entry["items"] += items
        entry["completed"] += completed
    whole = sum(e["items"] for e in totals.values())
    for entry in totals.values():
        entry["share"] = share(entry["items"], whole)
    return totals


def _capability(unit, period, as_of, opts):
    fig = CapabilityFigures()
    gaps = CompetencyGap.objects.filter(person__active=True).filter(_in_unit("person__", unit))
    counts = gaps.aggregate(
        open=Count("pk", filter=Q(status__in=(CompetencyGap.OPEN, CompetencyGap.IN_DEVELOPMENT))),
        closed=Count("pk", filter=Q(status=CompetencyGap.CLOSED)),
        dev=Count("pk", filter=Q(status=CompetencyGap.IN_DEVELOPMENT)),
    )
    fig.gaps_open, fig.gaps_closed, fig.gaps_in_development = counts["open"], counts["closed"], counts["dev"]
    trend = (
        GapSnapshot.objects.filter(date__lte=as_of)
        .filter(subtree_q("org_unit__path", unit.path))
        .order_by()
        .values("date")
        .annotate(open=Sum("open_gaps"))
        .order_by("-date")[: opts["trend_points"]]
    )
    fig.open_gaps_trend = [(row["date"], row["open"]) for row in reversed(list(trend))]
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min))
    durations = [
        (done - created).total_seconds() / 86400
        for created, done in PlanItem.objects.filter(
            source="gap", status=PlanItem.COMPLETED, completed_at__gte=start, completed_at__lt=end
        )
        .filter(_in_unit("owner__", unit))
        .values_list("created", "completed_at")
    ]
    fig.gap_items_completed = len(durations)
    fig.days_gap_to_closure = mean(durations)
    rows = (
        PlanItem.objects.filter(plan__status__in=("active", "completed"))
        .filter(plan__period_start__lte=period.end, plan__period_end__gte=period.start)
        .filter(_in_unit("owner__", unit))
        .exclude(status=PlanItem.CANCELLED)
        .order_by()
        .values_list("category", "kind")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=PlanItem.COMPLETED)))
    )
    rows = list(rows)
    fig.items = sum(r[2] for r in rows)
    fig.items_completed = sum(r[3] for r in rows)
    fig.plan_completion = share(fig.items_completed, fig.items)
    fig.mix = learning_mix(rows)
    return fig


def _people(unit, period):
    minimum = survey_min_group()
    fig = PeopleFigures(min_group=minimum)
    cycle_ids = list(_cycles(period).filter(status=Cycle.CLOSED).values_list("pk", flat=True))
    if not cycle_ids:
        return fig
    shared = Review.objects.filter(cycle_id__in=cycle_ids, manager_shared_at__isnull=False).filter(
        _in_unit("employee__", unit)
    )
    atoms = {}
    for cycle_id, unit_id, n, done, disagree in (
        shared.order_by()
        .values_list("cycle_id", "employee__org_unit_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(stage=Review.COMPLETED)),
            disagree=Count("pk", filter=Q(stage=Review.COMPLETED, disagrees=True)),
        )
    ):
        atoms[(cycle_id, unit_id)] = (n, done, disagree)
    released = {key for key, (n, _d, _x) in atoms.items() if n >= minimum}
    fig.groups_left_out = len(atoms) - len(released)
    fig.reviews = sum(atoms[k][0] for k in released)
    fig.completed = sum(atoms[k][1] for k in released)
    fig.disagreements = sum(atoms[k][2] for k in released)
    fig.disagreement_rate = share(fig.disagreements, fig.completed)
    buckets = defaultdict(int)
    for cycle_id, unit_id, score, n in (
        shared.order_by()
        .annotate(bucket=Round("manager_score"))
        .values_list("cycle_id", "employee__org_unit_id", "bucket")
        .annotate(n=Count("pk"))
    ):
        if (cycle_id, unit_id) in released:
            buckets[None if score is None else int(score)] += n
    fig.distribution = sorted(buckets.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    return fig


def compute_pack(unit, period=None, as_of=None, *, with_names=True):
    """The pack of ``unit`` (and everything under it) for ``period`` as of ``as_of`` -- no access check."""
    opts = options()
    as_of = as_of or timezone.localdate()
    period = period or current_period(as_of)
    pack = Pack(unit=unit, period=period, as_of=as_of)
    pack.people = Employee.objects.filter(active=True).filter(_in_unit("", unit)).count()
    pack.strategy = _strategy(unit, period, as_of)
    pack.process = _process(unit, period, as_of, opts)
    pack.capability = _capability(unit, period, as_of, opts)
    pack.people_figures = _people(unit, period)
    for manager in pack.process.managers:
        manager.reasons = flag_reasons(manager, opts)
    if with_names:
        # Two single-table reads (the managers' user ids came with their units): a join of people and users filtered
        # by thousands of ids is planned as a scan of the users on SQLite without statistics.
        user_ids = [m.user_id for m in pack.process.managers if m.user_id]
        rows = (
            get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "first_name", "last_name", "username")
            if user_ids
            else ()
        )
        # As ``Employee.display_name`` says it, from plain rows (no model instances for thousands of managers).
        by_user = {pk: f"{first} {last}".strip() or username for pk, first, last, username in rows}
        names = {m.manager_id: by_user.get(m.user_id, "") for m in pack.process.managers}
        for manager in pack.process.managers:
            manager.name = names.get(manager.manager_id, "")
    pack.history = [
        (s.taken_on, s.figures)
        for s in HealthSnapshot.objects.filter(org_unit=unit, period=period, taken_on__lt=as_of).order_by("-taken_on")[
            : opts["trend_points"]
        ]
    ][::-1]
    return pack


def health_pack(user, unit, period=None, as_of=None):
    """The pack for a reader: ``perf_mgmt.view_health_pack`` on the unit, else ``AccessDenied``."""
    require(user, "perf_mgmt.view_health_pack", unit)
    return compute_pack(unit, period, as_of)


def take_snapshot(unit, period=None, as_of=None):
    """Store (or replace) the headline figures of ``unit``'s pack on ``as_of``. Idempotent per unit, period, date."""
    pack = compute_pack(unit, period, as_of, with_names=False)
    snapshot, _created = HealthSnapshot.objects.update_or_create(
        org_unit=unit, period=pack.period, taken_on=pack.as_of, defaults={"figures": pack.headline()}
    )
    return snapshot
