"""Filtering of people lists, shared by the People page and the people API so both filter the same way."""

from django.db.models import Q

from ..core.paths import subtree_q
from .models import Employee, OrgUnit


def filter_people(qs, params):
    """Apply ``q``, ``org_unit``, ``position``, ``manager`` and ``active`` from ``params`` (a QueryDict or dict)."""
    active = params.get("active", "true")
    if active in ("true", "1"):
        qs = qs.filter(active=True)
    elif active in ("false", "0"):
        qs = qs.filter(active=False)
    text = (params.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(user__username__icontains=text)
            | Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text)
            | Q(employee_number__iexact=text)
        )
    unit_code = params.get("org_unit")
    if unit_code:
        unit_path = OrgUnit.objects.filter(code=unit_code).values_list("path", flat=True).first()
        qs = qs.filter(subtree_q("org_unit__path", unit_path)) if unit_path else qs.none()
    position = params.get("position")
    if position:
        qs = qs.filter(position__code=position)
    manager = params.get("manager")
    if manager:
        qs = qs.filter(manager__user__username=manager)
    return qs


def find_people(names):
    """
    The active people named in ``names`` by username, email or employee number, in one query however many names
    are given: ``(people, unknown)``, ``unknown`` being the names that match nobody (compared without case), so a
    caller can report every typo instead of silently leaving someone out.
    """
    names = [name for name in names if name]
    if not names:
        return [], []
    found = list(
        Employee.objects.filter(
            Q(user__username__in=names) | Q(employee_number__in=names) | Q(user__email__in=names), active=True
        ).select_related("user")
    )
    known = set()
    for person in found:
        known.update(
            value.casefold() for value in (person.user.username, person.employee_number, person.user.email) if value
        )
    return found, [name for name in names if name.casefold() not in known]
