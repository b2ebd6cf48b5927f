"""
Services of the cascade: the only code that creates, moves and edits objectives and records their progress.

Every write checks the actor against the strategy rules (``strategy/rules.py``) and ends with the incremental
roll-up of the path to the root (``rollup.refresh_path``), so progress, status and forecasts are always current.
Reads of the cascade (line of sight, subtree) take a constant number of queries at any depth.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core import limits
from ..core.access import can, require
from ..core.bulk import bulk_insert, bulk_set
from ..core.concurrency import atomic_retry, lock_rows
from ..core.paths import PathError, child_path, decode_path, subtree_q
from ..core.sanitize import sanitize_html
from ..core.versioning import claim_version
from ..org.api import Employee, visible_employees_q
from . import rollup
from .errors import StrategyError
from .models import Level, Milestone, Objective, Period, ProgressUpdate

MANAGE_STRATEGY = "perf_mgmt.manage_strategy"
#: Fields a bulk edit of a cascade template copies to the goals made from it.
CASCADED_FIELDS = (
    "title",
    "description",
    "due_date",
    "start_date",
    "measure",
    "start_value",
    "target_value",
    "unit",
    "weight",
    "course_key",
)
EDITABLE_FIELDS = (*CASCADED_FIELDS, "level", "owner", "owner_unit", "active")


# ---------------------------------------------------------------------------------------------------------------
# Periods and levels
# ---------------------------------------------------------------------------------------------------------------


def _add_months(day, months):
    month0 = day.month - 1 + months
    return datetime.date(day.year + month0 // 12, month0 % 12 + 1, 1)


def fiscal_bounds(kind, day, start_month=None):
    """
    The first and last day of the fiscal quarter, half or year containing ``day`` (fiscal year starting in
    ``start_month``, by default ``PERF_MGMT_FISCAL_YEAR_START_MONTH``).
    """
    start_month = start_month or settings.PERF_MGMT_FISCAL_YEAR_START_MONTH
    months = {Period.QUARTER: 3, Period.HALF: 6, Period.YEAR: 12}[kind]
    year_start = datetime.date(day.year if day.month >= start_month else day.year - 1, start_month, 1)
    offset = (day.year - year_start.year) * 12 + day.month - year_start.month
    start = _add_months(year_start, offset - offset % months)
    end = _add_months(start, months) - datetime.timedelta(days=1)
    return start, end


def fiscal_period(kind, day=None, start_month=None):
    """The period of ``kind`` containing ``day`` (today), created on first use with a name like "FY2026 Q3"."""
    day = day or timezone.localdate()
    start_month = start_month or settings.PERF_MGMT_FISCAL_YEAR_START_MONTH
    start, end = fiscal_bounds(kind, day, start_month)
    fiscal_year = start.year if start_month == 1 else _add_months(start, 12 - (start.month - start_month) % 12).year
    fy_start = datetime.date(start.year if start.month >= start_month else start.year - 1, start_month, 1)
    index = ((start.year - fy_start.year) * 12 + start.month - fy_start.month) // {"quarter": 3, "half": 6}.get(
        kind, 12
    )
    label = {Period.QUARTER: f" Q{index + 1}", Period.HALF: f" H{index + 1}", Period.YEAR: ""}[kind]
    period, _created = Period.objects.get_or_create(
        start=start, end=end, kind=kind, defaults={"name": f"FY{fiscal_year}{label}"}
    )
    return period


def levels():
    return list(Level.objects.filter(active=True).order_by("rank"))


def level_below(level):
    """The next active level down the cascade (or the same, at the bottom)."""
    return Level.objects.filter(active=True, rank__gt=level.rank).order_by("rank").first() or level


# ---------------------------------------------------------------------------------------------------------------
# Objectives
# ---------------------------------------------------------------------------------------------------------------


def _number(value, bound, message):
    """``value`` as a finite float within ``±bound``, else a StrategyError (a weight of 1e308 made roll-ups NaN)."""
    try:
        return limits.finite(value, bound, message)
    except ValueError as exc:
        raise StrategyError(message) from exc


def _check(objective):
    if (objective.owner_id is None) == (objective.owner_unit_id is None):
        raise StrategyError(_("An objective is owned by one person or one org unit."))
    weight_message = _("A weight is a number from 0 to %(max)s.") % {"max": int(limits.MAX_WEIGHT)}
    objective.weight = _number(objective.weight, limits.MAX_WEIGHT, weight_message)
    if objective.weight < 0:
        raise StrategyError(_("A weight cannot be negative."))
    value_message = _("Values are numbers between -%(max)s and %(max)s.") % {"max": f"{limits.MAX_VALUE:.0e}"}
    for name in ("start_value", "target_value", "current_value"):
        setattr(objective, name, _number(getattr(objective, name), limits.MAX_VALUE, value_message))
    if objective.due_date < objective.start_date:
        raise StrategyError(_("The due date cannot be before the start date."))
    if objective.measure == Objective.NUMERIC and objective.target_value == objective.start_value:
        raise StrategyError(_("The target must differ from the start value."))


def _check_owner(actor, objective):
    """An objective can be given only to a person the actor may view, or a unit they administer or belong to."""
    if objective.owner_id and not can(actor, "perf_mgmt.view_employee", objective.owner):
        raise StrategyError(_("You cannot give objectives to this person."))
    if objective.owner_unit_id and not (
        can(actor, MANAGE_STRATEGY) or can(actor, "perf_mgmt.view_objective", objective)
    ):
        raise StrategyError(_("You cannot give objectives to this unit."))


def _set_path(objective, parent):
    try:
        new = child_path(parent.path if parent else "", objective.pk)
    except PathError as exc:
        raise StrategyError(str(exc)) from exc
    old = objective.path
    if old and old != new:
        Objective.objects.filter(subtree_q("path", old)).update(path=Concat(Value(new), Substr("path", len(old) + 1)))
    elif not old:
        Objective.objects.filter(pk=objective.pk).update(path=new)
    objective.path = new


def may_create_under(actor, parent):
    """Creating a child objective needs the right to cascade from ``parent``; a root needs manage_strategy."""
    require(actor, "perf_mgmt.cascade_objective" if parent is not None else MANAGE_STRATEGY, parent)


@atomic_retry
def create_objective(actor, *, title, period, parent=None, level=None, milestones=(), refresh=True, **fields):
    """
    Create an objective under ``parent`` (or a root); ``milestones`` are titles or ``{"title", "weight",
    "due_date"}``. Dates default to the period's (and never beyond the parent's due date).
    """
    if parent is not None:
        rollup.lock_path(parent)
    may_create_under(actor, parent)
    if level is None:
        level = level_below(parent.level) if parent is not None else Level.objects.filter(active=True).first()
    fields.setdefault("start_date", max(period.start, parent.start_date) if parent else period.start)
    fields.setdefault("due_date", min(period.end, parent.due_date) if parent else period.end)
    if "description" in fields:
        fields["description"] = sanitize_html(fields["description"])
    objective = Objective(title=title, period=period, parent=parent, level=level, created_by=actor, **fields)
    if milestones:
        objective.measure = Objective.MILESTONES
        message = _("A weight is a number from 0 to %(max)s.") % {"max": int(limits.MAX_WEIGHT)}
        for milestone in milestones:
            if isinstance(milestone, dict) and "weight" in milestone:
                milestone["weight"] = _number(milestone["weight"], limits.MAX_WEIGHT, message)
    _check(objective)
    _check_owner(actor, objective)
    objective.save()
    _set_path(objective, parent)
    if milestones:
        Milestone.objects.bulk_create(
            [
                Milestone(objective=objective, position=i, **(m if isinstance(m, dict) else {"title": m}))
                for i, m in enumerate(milestones)
            ]
        )
    if refresh:
        rollup.refresh_path(objective)
    return objective


@atomic_retry
def update_objective(actor, objective, refresh=True, version=None, **changes):
    """
    Edit an objective's definition (not its progress: :func:`record_progress`). ``version``: the one the editor
    read -- a newer one is an ``EditConflict`` and nothing is saved.
    """
    rollup.lock_path(objective)
    require(actor, "perf_mgmt.change_objective", objective)
    claim_version(objective, version)
    unknown = set(changes) - set(EDITABLE_FIELDS) - {"parent"}
    if unknown:
        raise StrategyError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "description" in changes:
        changes["description"] = sanitize_html(changes["description"])
    new_parent = changes.pop("parent", objective.parent)
    for name, value in changes.items():
        setattr(objective, name, value)
    _check(objective)
    if {"owner", "owner_unit"} & set(changes):
        _check_owner(actor, objective)
    objective.save()
    if (new_parent.pk if new_parent else None) != objective.parent_id:
        move_objective(actor, objective, new_parent)
    if refresh:
        rollup.refresh_path(objective)
    return objective


@atomic_retry
def move_objective(actor, objective, new_parent):
    """Put ``objective`` (and its subtree) under ``new_parent``; both old and new lines are recomputed."""
    # Both lines locked at once, in primary-key order (ADR 0015).
    lock_rows(Objective, decode_path(objective.path) + (decode_path(new_parent.path) if new_parent else []))
    require(actor, "perf_mgmt.change_objective", objective)
    if new_parent is not None:
        require(actor, "perf_mgmt.cascade_objective", new_parent)
        if new_parent.path.startswith(objective.path):
            raise StrategyError(_("An objective cannot serve itself or one of its own sub-objectives."))
    old_parent = objective.parent
    objective.parent = new_parent
    objective.save(update_fields=["parent"])
    _set_path(objective, new_parent)
    if old_parent is not None:
        old_parent.refresh_from_db(fields=["path"])
        rollup.refresh_path(old_parent)
    rollup.refresh_path(objective)
    return objective


def milestone_share(objective):
    """The weighted share of ``objective``'s milestones that are done."""
    rows = list(objective.milestones.values_list("weight", "done"))
    total = sum(weight for weight, _done in rows)
    return sum(weight for weight, done in rows if done) / total if total else 0.0


@atomic_retry
def record_progress(actor, objective, *, value=None, done=None, milestones_done=None, note="", at=None):
    """
    Record a reading of the objective's own measure: ``value`` (numeric), ``done`` (binary) or ``milestones_done``
    (ids of the milestones now done; the others are not). Appends to the history and refreshes the forecast of the
    objective and everything it serves.
    """
    rollup.lock_path(objective)
    require(actor, "perf_mgmt.update_progress", objective)
    at = at or timezone.now()
    if objective.measure == Objective.ROLLUP:
        raise StrategyError(_("%(title)s takes its progress from its sub-objectives.") % {"title": objective.title})
    if objective.measure == Objective.NUMERIC:
        if value is None:
            raise StrategyError(_("Give the current value."))
        message = _("Values are numbers between -%(max)s and %(max)s.") % {"max": f"{limits.MAX_VALUE:.0e}"}
        objective.current_value = _number(value, limits.MAX_VALUE, message)
    elif objective.measure == Objective.BINARY:
        objective.done = bool(done)
    elif objective.measure == Objective.MILESTONES:
        chosen = {str(pk).strip() for pk in (milestones_done or ())}
        if not all(pk.isdigit() and int(pk) <= limits.MAX_INT for pk in chosen):
            raise StrategyError(_("Choose milestones from the list."))
        objective.milestones.filter(pk__in=chosen, done=False).update(done=True, done_at=at)
        objective.milestones.exclude(pk__in=chosen).filter(done=True).update(done=False, done_at=None)
    from .forecast import measure_progress  # pylint: disable=import-outside-toplevel

    progress = measure_progress(
        objective.measure,
        objective.start_value,
        objective.target_value,
        objective.current_value,
        objective.done,
        milestone_share(objective) if objective.measure == Objective.MILESTONES else None,
    )
    objective.save(update_fields=["current_value", "done"])
    ProgressUpdate.objects.create(
        objective=objective,
        progress=progress,
        value=objective.current_value if objective.measure == Objective.NUMERIC else None,
        note=sanitize_html(note),
        recorded_by=actor,
        created=at,
    )
    rollup.refresh_path(objective, now=max(at, timezone.now()))
    objective.refresh_from_db(fields=["progress", "pace", "status", "forecast_date"])
    return objective


def line_of_sight(objective):
    """The objectives ``objective`` serves, from the strategic objective down to itself (one query)."""
    ids = decode_path(objective.path)
    by_id = {o.pk: o for o in Objective.objects.filter(pk__in=ids).select_related("level", "owner__user", "owner_unit")}
    return [by_id[pk] for pk in ids if pk in by_id]


def subtree(objective, include_self=True):
    """Everything that serves ``objective`` (one query), in tree order."""
    qs = Objective.objects.filter(subtree_q("path", objective.path), active=True).select_related(
        "level", "owner__user", "owner_unit"
    )
    if not include_self:
        qs = qs.exclude(pk=objective.pk)
    return qs.order_by("path")


# ---------------------------------------------------------------------------------------------------------------
# Bulk cascade and bulk edit
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class CascadeResult:
    """What one bulk cascade did: the group's template, and the owners given a new copy or skipped (had one)."""

    template: Objective
    created_owner_ids: list = field(default_factory=list)
    skipped_owner_ids: list = field(default_factory=list)


def bulk_cascade(actor, parent, *, title, owners=None, org_unit=None, level=None, **fields):
    """:func:`cascade_goal`, returning only the group's template (the first copy)."""
    return cascade_goal(actor, parent, title=title, owners=owners, org_unit=org_unit, level=level, **fields).template


@atomic_retry
def cascade_goal(actor, parent, *, title, owners=None, org_unit=None, level=None, **fields):
    """
    Assign one goal to many people at once: a child of ``parent`` per person in ``owners`` (Employees) or per active
    member of ``org_unit`` and its sub-units. The copies form a group: each has ``template`` set to the first copy
    (the first's template is itself), so :func:`apply_template_edits` changes all of them in one go. People who
    already have a copy of this goal under ``parent`` are skipped, so repeating the action adds only newcomers.

    Queries are constant in the number of people: the members, the existing copies, one ORM insert for the first
    copy, one multi-row insert for the rest, one ``CASE`` update of their paths, one roll-up of the parent's path.
    Returns a :class:`CascadeResult` (so a page can say who got the goal and who already had it).

    The parent's line is locked first (ADR 0015): a repeated or concurrent cascade of the same goal waits, then
    finds the copies the first one made (a locking read) and adds nobody twice.
    """
    rollup.lock_path(parent)
    require(actor, "perf_mgmt.cascade_objective", parent)
    if owners is None:
        if org_unit is None:
            raise StrategyError(_("Choose the people or the team to assign the goal to."))
        owners = Employee.objects.filter(subtree_q("org_unit__path", org_unit.path), active=True).only("pk")
    owner_ids = sorted({o.pk for o in owners})
    if not owner_ids:
        raise StrategyError(_("Nobody to assign the goal to."))
    visible = Employee.objects.filter(visible_employees_q(actor), pk__in=owner_ids, active=True).count()
    if visible != len(owner_ids):
        raise StrategyError(_("You cannot give objectives to some of these people."))
    level = level or level_below(parent.level)
    fields.setdefault("measure", Objective.BINARY)
    fields.setdefault("start_date", parent.start_date)
    fields.setdefault("due_date", parent.due_date)
    fields["description"] = sanitize_html(fields.get("description", ""))
    fields["current_value"] = fields.get("start_value", 0.0)
    unknown = set(fields) - set(CASCADED_FIELDS) - {"current_value"}
    if unknown:
        raise StrategyError(_("These fields cannot be cascaded: %(f)s") % {"f": ", ".join(sorted(unknown))})
    existing = list(
        Objective.objects.select_for_update()
        .filter(parent=parent, title=title, template__isnull=False, active=True)
        .values_list("owner_id", "template_id")
    )
    template_id = existing[0][1] if existing else None
    have = {owner_id for owner_id, _t in existing}
    new_owner_ids = [pk for pk in owner_ids if pk not in have]
    result = CascadeResult(
        template=None, created_owner_ids=list(new_owner_ids), skipped_owner_ids=[pk for pk in owner_ids if pk in have]
    )
    if not new_owner_ids:
        result.template = Objective.objects.get(pk=template_id)
        return result
    common = {"title": title, "period_id": parent.period_id, "level": level, "parent": parent, "created_by": actor}
    if template_id is None:
        first = Objective(owner_id=new_owner_ids.pop(0), **common, **fields)
        _check(first)
        first.save()
        first.template_id = template_id = first.pk
        first.path = child_path(parent.path, first.pk)
        Objective.objects.filter(pk=first.pk).update(template_id=first.pk, path=first.path)
    if new_owner_ids:
        now = timezone.now()
        names = (
            "owner",
            "template",
            "path",
            "title",
            "period",
            "level",
            "parent",
            "created_by",
            "created",
            "active",
            "progress",
            "pace",
            "status",
            "done",
            "weight",
            "unit",
            "start_value",
            "target_value",
            "course_key",
            *(name for name in fields if name not in ("weight", "unit", "start_value", "target_value", "course_key")),
        )
        defaults = {"weight": 1.0, "unit": "", "start_value": 0.0, "target_value": 100.0, "course_key": ""}
        base = (
            template_id,
            "",
            title,
            parent.period_id,
            level.pk,
            parent.pk,
            actor.pk,
            now,
            True,
            0.0,
            0.0,
            Objective.NOT_STARTED,
            False,
            *(fields.get(k, v) for k, v in defaults.items()),
            *(value for name, value in fields.items() if name not in defaults),
        )
        bulk_insert(Objective, names, [(owner_id, *base) for owner_id in new_owner_ids])
        created = Objective.objects.filter(template_id=template_id, path="").values_list("pk", flat=True)
        bulk_set(Objective, ["path"], {pk: (child_path(parent.path, pk),) for pk in created})
    rollup.refresh_path(parent)
    result.template = Objective.objects.get(pk=template_id)
    return result


@atomic_retry
def apply_template_edits(actor, template, version=None, **changes):
    """
    Edit a cascaded goal (``template``: the first copy of a bulk cascade) and every copy of its group in one
    UPDATE; then the figures of the copies and their shared parent's line are recomputed (the copies' own measures
    may have changed, so the roll-up of their period is redone set-based). ``version`` is checked on ``template``;
    every copy's version moves on.
    """
    rollup.lock_path(template)
    require(actor, "perf_mgmt.change_objective", template)
    if version is not None:
        claim_version(template, version)
    unknown = set(changes) - set(CASCADED_FIELDS)
    if unknown:
        raise StrategyError(_("These fields cannot be applied to copies: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "description" in changes:
        changes["description"] = sanitize_html(changes["description"])
    group = Objective.objects.filter(template_id=template.template_id or template.pk, active=True)
    count = group.update(**changes, version=F("version") + 1)
    if {"measure", "start_value", "target_value", "due_date", "start_date", "weight"} & set(changes):
        rollup.recompute_all(period_ids=[template.period_id])
    return count


@atomic_retry
def edit_objective(actor, objective, *, apply_to_copies=False, **changes):
    """
    Edit ``objective``; with ``apply_to_copies``, the changes to cascaded fields (``CASCADED_FIELDS``) go to every
    goal of its bulk-cascade group too, and the others (level, owner, ...) to this objective only. Returns the
    number of other copies changed.
    """
    if not apply_to_copies or not objective.template_id:
        update_objective(actor, objective, **changes)
        return 0
    update_objective(actor, objective, **changes)
    shared = {name: value for name, value in changes.items() if name in CASCADED_FIELDS}
    if not shared:
        return 0
    # One UPDATE of the whole group (this objective included, already changed: hence minus one).
    return apply_template_edits(actor, objective, **shared) - 1


def cascaded_copies(template):
    """Every goal of ``template``'s bulk-cascade group (itself included)."""
    group = template.template_id or template.pk
    return Objective.objects.filter(template_id=group, active=True).select_related("owner__user").order_by("path")
