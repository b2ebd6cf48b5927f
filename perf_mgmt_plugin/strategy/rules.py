"""
Access rules of the strategy domain, registered into the plugin's one rule set (``core.access``).

Objectives (the object is an Objective):
    ``perf_mgmt.view_objective``: its owner; the owner's managers at any depth, delegates and HR admins in scope;
        for an objective owned by an org unit, members of that unit, of the units above it and below it (its line
        of sight) and HR admins covering it; and anyone whose own objective it serves (their line of sight).
    ``perf_mgmt.change_objective``: the owner's managers at any depth, delegates, HR admins in scope (of the owner
        or the owning unit), and the owner of an objective it serves (who cascaded it); unrestricted HR admins.
    ``perf_mgmt.cascade_objective``: create sub-objectives -- whoever may change it, and its owner.
    ``perf_mgmt.update_progress``: record progress -- its owner, members of the owning unit, whoever may change it.
    ``perf_mgmt.manage_strategy``: periods, levels, strategic (root) objectives -- unrestricted HR admins.
Check-ins (the object is the CheckIn, or the Employee it is about):
    ``perf_mgmt.view_check_in`` (CheckIn): the employee, their managers at any depth, delegates, HR in scope.
        Private notes are further limited to their author (``checkins.visible_notes``).
    ``perf_mgmt.prepare_check_in`` (CheckIn): the employee.
    ``perf_mgmt.run_check_in`` (Employee): their managers at any depth and delegates.
    ``perf_mgmt.run_team_check_in`` (OrgUnit): HR admins covering it; people with a team in it or above it.
    ``perf_mgmt.raise_for`` (Employee): raise impediments / help requests -- the person, their managers, delegates.
    ``perf_mgmt.resolve_for`` (Employee): resolve them -- the person's managers, delegates, HR admins in scope.
    ``perf_mgmt.view_strategy_dashboard``: the manager and cascade dashboards -- people with a team, HR admins.
"""

import rules

from ..core.access import add_rule
from ..org import api as org_api
from ..org.api import (
    has_grant_for,
    has_team,
    is_hr_admin,
    is_hr_admin_for,
    is_hr_admin_for_unit,
    is_manager_of,
    is_self,
    is_unrestricted_hr_admin,
)

_CACHE_ATTR = "_perf_mgmt_strategy_context"


def strategy_context(user):
    """
    ``(unit_path, own_paths)`` of the user: their org unit's path and the paths of the objectives they own (two
    small queries, cached on the user object like the org access context).
    """
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from ..org.api import Employee  # pylint: disable=import-outside-toplevel
    from .models import Objective  # pylint: disable=import-outside-toplevel

    context = org_api.access_context(user)
    unit_path, own_paths = "", ()
    if context.employee_id is not None:
        unit_path = (
            Employee.objects.filter(pk=context.employee_id).values_list("org_unit__path", flat=True).first() or ""
        )
        own_paths = tuple(
            Objective.objects.filter(owner_id=context.employee_id, active=True).values_list("path", flat=True)
        )
    cached = (unit_path, own_paths)
    setattr(user, _CACHE_ATTR, cached)
    return cached


def _owner(objective):
    return objective.owner if objective is not None and objective.owner_id else None


def _unit(objective):
    return objective.owner_unit if objective is not None and objective.owner_unit_id else None


@rules.predicate
def owns_objective(user, objective):
    owner = _owner(objective)
    return owner is not None and owner.user_id == user.pk


@rules.predicate
def manages_owner(user, objective):
    owner = _owner(objective)
    return owner is not None and (is_manager_of(user, owner) or has_grant_for(user, owner))


@rules.predicate
def hr_covers_objective(user, objective):
    owner, unit = _owner(objective), _unit(objective)
    if owner is not None:
        return is_hr_admin_for(user, owner)
    return unit is not None and is_hr_admin_for_unit(user, unit)


@rules.predicate
def in_owning_unit(user, objective):
    unit = _unit(objective)
    if unit is None:
        return False
    unit_path, _own = strategy_context(user)
    return bool(unit_path) and unit_path.startswith(unit.path)


@rules.predicate
def in_units_line(user, objective):
    """The user's unit is the owning unit, above it or below it."""
    unit = _unit(objective)
    if unit is None:
        return False
    unit_path, _own = strategy_context(user)
    return bool(unit_path) and (unit_path.startswith(unit.path) or unit.path.startswith(unit_path))


@rules.predicate
def serves_own_objective(user, objective):
    """One of the user's own objectives serves this one: it is on their line of sight (or is theirs)."""
    if objective is None or not objective.path:
        return False
    _unit_path, own = strategy_context(user)
    return any(path.startswith(objective.path) for path in own)


@rules.predicate
def cascaded_it(user, objective):
    """The user owns an objective above this one (they set it, or set what it came from)."""
    if objective is None or not objective.path:
        return False
    _unit_path, own = strategy_context(user)
    return any(objective.path.startswith(path) and path != objective.path for path in own)


def _employee_of_check_in(check_in):
    return check_in.employee if check_in is not None else None


@rules.predicate
def is_check_in_employee(user, check_in):
    return check_in is not None and is_self(user, check_in.employee)


@rules.predicate
def oversees_check_in(user, check_in):
    employee = _employee_of_check_in(check_in)
    return employee is not None and (
        is_manager_of(user, employee) or has_grant_for(user, employee) or is_hr_admin_for(user, employee)
    )


@rules.predicate
def leads_team_unit(user, unit):
    if unit is None or not has_team(user):
        return False
    unit_path, _own = strategy_context(user)
    return bool(unit_path) and unit.path.startswith(unit_path)


change_objective = manages_owner | hr_covers_objective | cascaded_it | is_unrestricted_hr_admin
add_rule(
    "perf_mgmt.view_objective",
    owns_objective | manages_owner | hr_covers_objective | in_units_line | serves_own_objective | cascaded_it,
)
add_rule("perf_mgmt.change_objective", change_objective)
add_rule("perf_mgmt.cascade_objective", change_objective | owns_objective)
add_rule("perf_mgmt.update_progress", change_objective | owns_objective | in_owning_unit)
add_rule("perf_mgmt.manage_strategy", is_unrestricted_hr_admin)
add_rule("perf_mgmt.view_check_in", is_check_in_employee | oversees_check_in)
add_rule("perf_mgmt.prepare_check_in", is_check_in_employee)
add_rule("perf_mgmt.run_check_in", (is_manager_of | has_grant_for) & ~is_self)
add_rule("perf_mgmt.run_team_check_in", is_hr_admin_for_unit | leads_team_unit)
add_rule("perf_mgmt.raise_for", is_self | is_manager_of | has_grant_for, inactive_users=is_self)
add_rule("perf_mgmt.resolve_for", (is_manager_of | has_grant_for | is_hr_admin_for) & ~is_self)
add_rule("perf_mgmt.view_strategy_dashboard", has_team | is_hr_admin)
