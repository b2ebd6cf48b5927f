"""
Review cycles: one round of appraisals for a population, at a cadence, with four phase deadlines and a state
(draft, active, closed).

Short cycles are first-class: ``suggested_dates`` proposes phase deadlines sized to the cadence (a monthly cycle
gets days, a yearly one weeks), so a monthly review is not squeezed into a yearly calendar. The population is kept
as rules (units with their sub-units, positions, named people), not as a frozen list, so people who join while the
cycle is active are found by the same query (``launch.add_late_joiners``).
"""

import calendar
import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core.access import can, require
from ..core.paths import subtree_q
from ..org.api import Employee, access_context, visible_employees_q
from ..strategy.api import Period
from .errors import AppraisalError
from .models import CoachAssignment, Cycle, Review, ReviewTemplate

MANAGE_APPRAISALS = "perf_mgmt.manage_appraisals"
VIEW_REPORTS = "perf_mgmt.view_appraisal_reports"

#: Months covered by a cycle of each cadence (custom cycles set their own end).
CADENCE_MONTHS = {Cycle.MONTHLY: 1, Cycle.QUARTERLY: 3, Cycle.HALF_YEARLY: 6, Cycle.YEARLY: 12, Cycle.CUSTOM: 1}
#: Days after the period's end by which each phase is due, per cadence: a monthly review takes two weeks, a yearly
#: one seven. Self review, manager review (and sharing), meeting, sign-off.
PHASE_OFFSETS = {
    Cycle.MONTHLY: (3, 7, 10, 14),
    Cycle.QUARTERLY: (7, 14, 21, 28),
    Cycle.HALF_YEARLY: (10, 21, 28, 35),
    Cycle.YEARLY: (14, 28, 42, 49),
    Cycle.CUSTOM: (3, 7, 10, 14),
}
DATE_FIELDS = ("start", "end", "self_review_due", "manager_review_due", "meeting_due", "sign_off_due")
#: Phase names returned by ``current_phase`` besides the four phases.
DRAFT_PHASE, PAST_DEADLINES, CLOSED_PHASE = "draft", "past_deadlines", "closed"


def _add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def suggested_dates(cadence, start, end=None):
    """
    Default dates of a cycle starting on ``start``: its ``end`` (one cadence long unless given) and the four phase
    deadlines after it (``PHASE_OFFSETS``). A dict of the ``DATE_FIELDS``.
    """
    if cadence not in CADENCE_MONTHS:
        raise AppraisalError(_("Unknown cadence: {cadence}.").format(cadence=cadence))
    end = end or _add_months(start, CADENCE_MONTHS[cadence]) - datetime.timedelta(days=1)
    offsets = PHASE_OFFSETS[cadence]
    dates = {"start": start, "end": end}
    for (_phase, field), days in zip(Cycle.PHASE_DEADLINES, offsets, strict=True):
        dates[field] = end + datetime.timedelta(days=days)
    return dates


def _check_dates(values):
    if any(values.get(name) is None for name in DATE_FIELDS):
        raise AppraisalError(_("A cycle needs a start, an end and the four phase deadlines."))
    if values["end"] < values["start"]:
        raise AppraisalError(_("The cycle cannot end before it starts."))
    deadlines = [values[field] for _phase, field in Cycle.PHASE_DEADLINES]
    if deadlines[0] < values["start"]:
        raise AppraisalError(_("The self review cannot be due before the cycle starts."))
    if deadlines != sorted(deadlines):
        raise AppraisalError(_("The phases must be due in order: self review, manager review, meeting, sign-off."))


def _check_cadence(cadence):
    if cadence not in CADENCE_MONTHS:
        raise AppraisalError(_("Unknown cadence: {cadence}.").format(cadence=cadence))


def _check_name(name, exclude_pk=None):
    name = (name or "").strip()
    if not name:
        raise AppraisalError(_("A cycle needs a name."))
    if Cycle.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        raise AppraisalError(_("A cycle named '{name}' already exists.").format(name=name))
    return name[:255]


def _check_template(template):
    if not isinstance(template, ReviewTemplate) or not template.active:
        raise AppraisalError(_("Choose an active review template."))
    return template


def check_population(units, positions, people):
    """A cycle names whom it is for (org units, positions or people): one that names nobody would launch no review."""
    if not (units or positions or people):
        raise AppraisalError(_("Choose who the cycle is for: org units, positions or people."))


def _check_period(period):
    if period is not None and not isinstance(period, Period):
        raise AppraisalError(_("The period must be a strategy period."))
    return period


@transaction.atomic
def create_cycle(
    actor,
    *,
    name,
    template,
    start,
    end,
    self_review_due,
    manager_review_due,
    meeting_due,
    sign_off_due,
    cadence=Cycle.YEARLY,
    period=None,
    scored=True,
    units=(),
    positions=(),
    people=(),
):
    """Create a draft cycle and its population (unrestricted HR admins). Launch it with ``launch.start_launch``."""
    require(actor, MANAGE_APPRAISALS)
    dates = {
        "start": start,
        "end": end,
        "self_review_due": self_review_due,
        "manager_review_due": manager_review_due,
        "meeting_due": meeting_due,
        "sign_off_due": sign_off_due,
    }
    _check_dates(dates)
    _check_cadence(cadence)
    name, template, period = _check_name(name), _check_template(template), _check_period(period)
    check_population(units, positions, people)
    cycle = Cycle.objects.create(
        name=name,
        template=template,
        cadence=cadence,
        period=period,
        scored=bool(scored),
        created_by=actor,
        **dates,
    )
    cycle.units.set(units)
    cycle.positions.set(positions)
    cycle.people.set(people)
    return cycle


_SIMPLE_FIELDS = {"name", "cadence", "period", "scored", *DATE_FIELDS}
_POPULATION_FIELDS = {"units", "positions", "people"}


@transaction.atomic
def update_cycle(actor, cycle, **fields):
    """
    Change a cycle (unrestricted HR admins). Dates, name and population may change while it is active (a wider
    population gets its reviews at the next launch run or as late joiners); the template and scoring only in draft,
    because reviews were copied from them; nothing once closed.
    """
    require(actor, MANAGE_APPRAISALS)
    unknown = set(fields) - _SIMPLE_FIELDS - _POPULATION_FIELDS - {"template"}
    if unknown:
        raise AppraisalError(_("Unknown cycle fields: {fields}.").format(fields=", ".join(sorted(unknown))))
    if cycle.status == Cycle.CLOSED:
        raise AppraisalError(_("A closed cycle cannot change."))
    if cycle.status != Cycle.DRAFT and {"template", "scored"} & set(fields):
        raise AppraisalError(_("The template and scoring can change only before the cycle is launched."))
    if "name" in fields:
        fields["name"] = _check_name(fields["name"], exclude_pk=cycle.pk)
    if "template" in fields:
        _check_template(fields["template"])
    if "cadence" in fields:
        _check_cadence(fields["cadence"])
    if "period" in fields:
        _check_period(fields["period"])
    _check_dates({name: fields.get(name, getattr(cycle, name)) for name in DATE_FIELDS})
    if _POPULATION_FIELDS & set(fields):
        check_population(
            *(
                fields[name] if name in fields else getattr(cycle, name).exists()
                for name in ("units", "positions", "people")
            )
        )
    for name, value in fields.items():
        if name not in _POPULATION_FIELDS:
            setattr(cycle, name, value)
    cycle.save()
    for name in _POPULATION_FIELDS & set(fields):
        getattr(cycle, name).set(fields[name])
    return cycle


def population_q(cycle):
    """
    A ``Q`` on Employee for the cycle's population rules: members of its units and their sub-units (by path), holders
    of its positions, its named people. Matches nobody when the cycle names nobody. Three small queries.
    """
    condition = Q(pk__in=[])
    for path in cycle.units.values_list("path", flat=True):
        condition |= subtree_q("org_unit__path", path)
    position_ids = list(cycle.positions.values_list("pk", flat=True))
    if position_ids:
        condition |= Q(position_id__in=position_ids)
    people_ids = list(cycle.people.values_list("pk", flat=True))
    if people_ids:
        condition |= Q(pk__in=people_ids)
    return condition


def population(cycle):
    """The active employees the cycle covers (a queryset)."""
    return Employee.objects.filter(population_q(cycle), active=True)


def current_phase(cycle, today=None):
    """
    The phase the cycle is in on ``today``: ``draft``, the first phase whose deadline has not passed
    (``self_review``, ``manager_review``, ``meeting``, ``sign_off``), ``past_deadlines`` once all have passed, or
    ``closed``.
    """
    if cycle.status == Cycle.DRAFT:
        return DRAFT_PHASE
    if cycle.status == Cycle.CLOSED:
        return CLOSED_PHASE
    today = today or timezone.localdate()
    for phase, field in Cycle.PHASE_DEADLINES:
        if today <= getattr(cycle, field):
            return phase
    return PAST_DEADLINES


def overdue_q(today=None):
    """A ``Q`` on Review: not completed, and the deadline of its current stage has passed (active cycles)."""
    today = today or timezone.localdate()
    condition = Q(pk__in=[])
    for stage, field in Cycle.PHASE_DEADLINES:
        condition |= Q(stage=stage, **{f"cycle__{field}__lt": today})
    return condition & Q(cycle__status=Cycle.ACTIVE)


def overdue_reviews(cycle=None, today=None):
    """The reviews whose current step is late (one query), with person, manager and cycle."""
    reviews = Review.objects.filter(overdue_q(today)).select_related("cycle", "employee__user", "manager__user")
    if cycle is not None:
        reviews = reviews.filter(cycle=cycle)
    return reviews


@transaction.atomic
def close_cycle(actor, cycle):
    """
    Close an active cycle (unrestricted HR admins): no more late joiners or changes; participants are invited to
    the process survey. Reviews not completed stay as they are, visible in the reports.
    """
    from .survey import invite_participants  # pylint: disable=import-outside-toplevel

    require(actor, MANAGE_APPRAISALS)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != Cycle.ACTIVE:
        raise AppraisalError(_("Only an active cycle can be closed."))
    cycle.status = Cycle.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["status", "closed_at"])
    invite_participants(cycle)
    return cycle


def may_see_population(user):
    """
    Whether ``user`` may see who a cycle names individually (its ``people``): HR admins only. The others see a
    cycle because they take part in it, which tells them nothing about who else does.
    """
    return can(user, VIEW_REPORTS) or can(user, MANAGE_APPRAISALS)


def cycles_visible_to(user):
    """
    The cycles ``user`` may see: all of them for HR admins; otherwise launched cycles in which they have a review,
    review someone, can see someone's review (reports at any depth, delegates), or coach a manager.
    """
    if can(user, VIEW_REPORTS) or can(user, MANAGE_APPRAISALS):
        return Cycle.objects.all()
    context = access_context(user)
    involved = Q(employee__in=Employee.objects.filter(visible_employees_q(user)))
    if context.employee_id is not None:
        involved |= Q(manager_id=context.employee_id)
    reviews = Review.objects.filter(involved, cycle=OuterRef("pk"))
    coaching = CoachAssignment.objects.filter(cycle=OuterRef("pk"), coach_id=context.employee_id)
    return Cycle.objects.exclude(status=Cycle.DRAFT).filter(Exists(reviews) | Exists(coaching))
