"""
Who may read a unit's health pack (docs/decisions/0026-organisational-health-pack.rst), by the org access model:

* HR admins whose scope covers the unit (``org.access.hr_covers_unit``);
* the unit's **senior managers**: the head of the unit or of a unit above it, and anyone those heads report to. A
  unit's head is an active member of it with active direct reports whose own manager is not in the same unit (or
  who has none). Since a head manages everyone under them, a senior manager may already read each person's records
  the pack sums up; the pack adds nothing they could not see one by one, except the process survey, which is
  released only in groups (``pack.survey``).

One query per check whatever the depth (the unit's ancestors are decoded from its path).
"""

from django.db.models import Exists, F, OuterRef, Q

from ..core.paths import STEP_LEN, subtree_q
from ..org.api import Employee, OrgUnit, access_context, hr_covers_unit, hr_units_q


def _has_reports():
    return Exists(Employee.objects.filter(manager_id=OuterRef("pk"), active=True))


def heads_q():
    """A ``Q`` on Employee for the heads of their units (see the module's docstring)."""
    return Q(active=True, org_unit__isnull=False, has_reports=True) & (
        Q(manager__isnull=True) | ~Q(manager__org_unit_id=F("org_unit_id"))
    )


def heads():
    """Employees annotated ``has_reports`` filtered to the heads of their units."""
    return Employee.objects.annotate(has_reports=_has_reports()).filter(heads_q())


def ancestor_paths(path):
    """The paths of a unit and of every unit above it (decoded from its path, no query)."""
    return [path[:i] for i in range(STEP_LEN, len(path) + 1, STEP_LEN)]


def is_senior_manager_of(user, unit):
    """``user`` heads ``unit`` or a unit above it, or manages such a head. One query."""
    context = access_context(user)
    if context.employee_id is None or unit is None:
        return False
    return (
        heads()
        .filter(org_unit__path__in=ancestor_paths(unit.path))
        .filter(Q(pk=context.employee_id) | subtree_q("path", context.employee_path))
        .exists()
    )


def can_read_pack(user, unit):
    return unit is not None and (hr_covers_unit(access_context(user), unit) or is_senior_manager_of(user, unit))


def readable_units(user, limit=500):
    """
    The units whose pack ``user`` may read, top first: the HR scope, and the units (with everything under them) of
    the heads who are the user or report to them. Three queries at most.
    """
    context = access_context(user)
    condition = Q(pk__in=[])
    if context.is_hr_admin:
        condition |= hr_units_q(user) if not context.hr_unrestricted else Q()
    if context.employee_id is not None:
        head_paths = sorted(
            heads()
            .filter(Q(pk=context.employee_id) | subtree_q("path", context.employee_path))
            .values_list("org_unit__path", flat=True)
            .distinct()
        )
        tops = [p for i, p in enumerate(head_paths) if not any(p.startswith(q) for q in head_paths[:i])]
        for path in tops[:50]:
            condition |= subtree_q("path", path)
    return list(OrgUnit.objects.filter(condition, active=True).order_by("path")[:limit])
