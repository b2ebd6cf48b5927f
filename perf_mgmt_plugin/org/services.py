"""
Services of the org domain: the only code that creates or moves people and units, and keeps their paths right.

Hierarchy reads (``reports_of``, ``chain_of``) take a constant number of queries at any depth.
"""

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from ..core.bulk import bulk_set
from ..core.paths import PathError, child_path, decode_path, subtree_q
from .errors import OrgError, ReportingCycleError
from .models import Employee, OrgUnit


def _move_subtree(model, node, new_parent_path):
    """Rewrite ``node``'s path and all its descendants' paths in one UPDATE."""
    old = node.path
    try:
        new = child_path(new_parent_path, node.pk)
    except PathError as exc:
        raise OrgError(str(exc)) from exc
    if old == new:
        return
    if old:
        model.objects.filter(subtree_q("path", old)).update(path=Concat(Value(new), Substr("path", len(old) + 1)))
    else:
        model.objects.filter(pk=node.pk).update(path=new)
    node.path = new


def check_manager(employee, manager):
    """
    Raise :class:`ReportingCycleError` if ``manager`` reports (at any depth) to ``employee``, or is ``employee``.

    Separate from :func:`set_manager` so forms (the Django admin) can refuse a cycle as a field error before saving.
    """
    if manager is not None and (
        (employee.pk is not None and manager.pk == employee.pk)
        or (employee.path and manager.path.startswith(employee.path))
    ):
        raise ReportingCycleError(
            f"{manager} cannot manage {employee}: {manager} already reports to {employee} (directly or not)"
        )


@transaction.atomic
def set_manager(employee, manager, changed_by=None):
    """
    Make ``manager`` (an Employee or ``None``) the manager of ``employee``; reports move with them.

    Raises :class:`ReportingCycleError` if ``manager`` reports (at any depth) to ``employee``.
    """
    check_manager(employee, manager)
    employee.manager = manager
    if changed_by is not None:
        employee._history_user = changed_by  # pylint: disable=protected-access
    employee.save(update_fields=["manager"])
    _move_subtree(Employee, employee, manager.path if manager else "")
    return employee


@transaction.atomic
def create_employee(user, *, manager=None, changed_by=None, **fields):
    """Create the employee record of ``user`` and place it under ``manager``."""
    employee = Employee(user=user, manager=manager, **fields)
    if changed_by is not None:
        employee._history_user = changed_by  # pylint: disable=protected-access
    employee.save()
    _move_subtree(Employee, employee, manager.path if manager else "")
    return employee


@transaction.atomic
def create_org_unit(*, code, name, parent=None, kind="team", **fields):
    """Create an org unit under ``parent``."""
    unit = OrgUnit.objects.create(code=code, name=name, parent=parent, kind=kind, **fields)
    _move_subtree(OrgUnit, unit, parent.path if parent else "")
    return unit


def check_parent_unit(unit, parent):
    """Raise :class:`OrgError` if moving ``unit`` under ``parent`` would put the unit inside itself."""
    if parent is not None and (
        (unit.pk is not None and parent.pk == unit.pk) or (unit.path and parent.path.startswith(unit.path))
    ):
        raise OrgError(f"{parent} is inside {unit}; a unit cannot be moved under itself")


@transaction.atomic
def set_parent_unit(unit, parent):
    """Move ``unit`` (and its sub-units) under ``parent``; refuses to create a cycle."""
    check_parent_unit(unit, parent)
    unit.parent = parent
    unit.save(update_fields=["parent"])
    _move_subtree(OrgUnit, unit, parent.path if parent else "")
    return unit


def reports_of(employee, *, direct_only=False, include_inactive=False):
    """Everyone reporting to ``employee`` (at any depth unless ``direct_only``), as one queryset."""
    qs = (
        Employee.objects.filter(manager=employee)
        if direct_only
        else Employee.objects.filter(subtree_q("path", employee.path)).exclude(pk=employee.pk)
    )
    if not include_inactive:
        qs = qs.filter(active=True)
    return qs


def chain_of(employee):
    """``employee``'s managers from the direct manager up to the top, in one query."""
    ids = decode_path(employee.path)[:-1]
    by_id = Employee.objects.select_related("user", "position", "org_unit", "manager__user").in_bulk(ids)
    return [by_id[pk] for pk in reversed(ids) if pk in by_id]


def rebuild_paths(model):
    """
    Recompute every path of ``model`` from its parent links in memory: used after bulk imports.

    Two queries to read, then batched updates (``core.bulk``) of the rows whose path changed. Raises ``OrgError``
    on a cycle.
    """
    parent_field = "manager_id" if model is Employee else "parent_id"
    rows = dict(model.objects.values_list("pk", parent_field))
    current = dict(model.objects.values_list("pk", "path"))
    paths = {}

    def resolve(pk):
        trail = []
        node = pk
        while node is not None and node not in paths:
            if node in trail:
                raise ReportingCycleError(f"cycle through id {node}")
            trail.append(node)
            node = rows.get(node)
        base = paths.get(node, "") if node is not None else ""
        for item in reversed(trail):
            try:
                base = child_path(base, item)
            except PathError as exc:
                raise OrgError(str(exc)) from exc
            paths[item] = base

    for pk in rows:
        resolve(pk)
    changed = {pk: (path,) for pk, path in paths.items() if current.get(pk) != path}
    bulk_set(model, ["path"], changed)
    return len(changed)


def employee_ids_of_users(user_ids, chunk=5000):
    """The employee record ids of these LMS users, in a few queries however many (database parameter limits)."""
    user_ids = list(user_ids)
    ids = []
    for start in range(0, len(user_ids), chunk):
        part = user_ids[start : start + chunk]
        ids.extend(Employee.objects.filter(user_id__in=part).values_list("pk", flat=True))
    return ids
