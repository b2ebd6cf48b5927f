"""
List scoping of the strategy domain: the same facts as ``strategy/rules.py`` turned into queryset filters, so lists
are scoped in the database in a constant number of queries (never object by object).
"""

from django.db.models import Q

from ..core.paths import decode_path, subtree_q
from ..org.api import Employee, access_context, hr_employees_q, hr_units_q, team_q, visible_employees_q
from .rules import strategy_context


def visible_objectives_q(user):
    """
    A ``Q`` on Objective matching what ``user`` may view (``perf_mgmt.view_objective``): objectives of people they
    may view (themselves, reports, HR scope, grants), of units on their unit's line, those their own objectives
    serve, and those below their own objectives.
    """
    context = access_context(user)
    if context.hr_unrestricted:
        return Q()
    unit_path, own_paths = strategy_context(user)
    condition = Q(owner__in=Employee.objects.filter(visible_employees_q(user)))
    if unit_path:
        prefixes = [unit_path[:i] for i in range(6, len(unit_path) + 1, 6)]
        condition |= subtree_q("owner_unit__path", unit_path) | Q(owner_unit__path__in=prefixes)
    if context.is_hr_admin:
        condition |= Q(owner_unit__isnull=False) & hr_units_q(user, prefix="owner_unit__")
    sight = {pk for path in own_paths for pk in decode_path(path)}
    if sight:
        condition |= Q(pk__in=sight)
    for path in own_paths:
        condition |= subtree_q("path", path)
    return condition


def dashboard_people_q(user):
    """
    A ``Q`` on Employee for the people on the user's dashboard: their team (reports at any depth, grants) and, for
    an HR admin, the people in their HR scope.
    """
    context = access_context(user)
    if context.hr_unrestricted:
        return Q()  # (an empty Q would vanish from an OR, so say "everyone" outright)
    condition = team_q(user)
    if context.is_hr_admin:
        condition |= hr_employees_q(user)
    return condition


def team_objectives_q(user):
    """A ``Q`` on Objective for the objectives owned by the people on the user's dashboard."""
    return Q(owner__in=Employee.objects.filter(dashboard_people_q(user)))


def team_employees_q(user, prefix=""):
    """The dashboard's people as a filter on a model pointing at an Employee (``prefix`` e.g. ``"employee__"``)."""
    people = dashboard_people_q(user)
    return Q(**{f"{prefix}in": Employee.objects.filter(people)}) if prefix else people


def assignable_people_q(user):
    """
    A ``Q`` on Employee for the people ``user`` may give an objective to: those they may view, the same test as
    ``services._check_owner`` and ``bulk_cascade`` (so a form offers exactly what the service accepts).
    """
    return visible_employees_q(user)


def assignable_units_q(user):
    """
    A ``Q`` on OrgUnit for the units ``user`` may make the owner of an objective: every unit for an unrestricted HR
    admin; else the units on their own unit's line (it, above it, below it) and the units of their HR scope -- the
    units whose objectives they may view (``services._check_owner``).
    """
    context = access_context(user)
    if context.hr_unrestricted:
        return Q()
    unit_path, _own = strategy_context(user)
    condition = Q(pk__in=[])
    if unit_path:
        prefixes = [unit_path[:i] for i in range(6, len(unit_path) + 1, 6)]
        condition |= subtree_q("path", unit_path) | Q(path__in=prefixes)
    if context.is_hr_admin:
        condition |= hr_units_q(user)
    return condition


def cascade_people_q(user):
    """A ``Q`` on Employee for the people offered by "Cascade to my team": the user's dashboard people."""
    return dashboard_people_q(user)


def cascade_units_q(user):
    """
    A ``Q`` on OrgUnit for the teams offered by "Cascade to my team": the user's own unit and those below it, and
    the units of their HR scope (the service still refuses a unit with someone the user may not view).
    """
    context = access_context(user)
    if context.hr_unrestricted:
        return Q()
    unit_path, _own = strategy_context(user)
    condition = subtree_q("path", unit_path) if unit_path else Q(pk__in=[])
    if context.is_hr_admin:
        condition |= hr_units_q(user)
    return condition
