"""
Who may see whom: the access context of a user and the predicates built on it.

The context is read once per user object (at most four small queries) and cached on it, so checking many objects
or scoping a list costs nothing more. ``visible_employees_q`` turns the same facts into one queryset filter, so
that lists are scoped in the database rather than object by object.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..core.paths import subtree_q
from .models import AccessGrant, Employee, HRAdminScope

_CACHE_ATTR = "_perf_mgmt_access_context"


@dataclass(frozen=True)
class AccessContext:
    """Everything the org rules need to know about one user."""

    user_id: int
    employee_id: int | None = None
    employee_path: str = ""
    is_hr_admin: bool = False
    #: Paths of the org units an HR admin is limited to; ``None`` means the whole organisation.
    hr_unit_paths: tuple | None = None
    granted_employee_paths: tuple = field(default_factory=tuple)
    granted_unit_paths: tuple = field(default_factory=tuple)

    @property
    def hr_unrestricted(self):
        return self.is_hr_admin and self.hr_unit_paths is None


def _is_hr_admin(user):
    if user.is_superuser:
        return True
    return user.groups.filter(name=settings.PERF_MGMT_HR_ADMIN_GROUP).exists()


def access_context(user):
    """The (cached) :class:`AccessContext` of ``user``."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    employee = Employee.objects.filter(user=user, active=True).values("pk", "path").first()
    is_hr = _is_hr_admin(user)
    hr_paths = None
    if is_hr and not user.is_superuser:
        scoped = tuple(HRAdminScope.objects.filter(user=user).values_list("org_unit__path", flat=True))
        hr_paths = scoped or None
    now = timezone.now()
    grants = AccessGrant.objects.filter(
        grantee=user, revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    ).values_list("subject__path", "org_unit__path")
    granted_emp, granted_units = [], []
    for subject_path, unit_path in grants:
        if subject_path:
            granted_emp.append(subject_path)
        if unit_path:
            granted_units.append(unit_path)
    context = AccessContext(
        user_id=user.pk,
        employee_id=employee["pk"] if employee else None,
        employee_path=employee["path"] if employee else "",
        is_hr_admin=is_hr,
        hr_unit_paths=hr_paths,
        granted_employee_paths=tuple(granted_emp),
        granted_unit_paths=tuple(granted_units),
    )
    setattr(user, _CACHE_ATTR, context)
    return context


def forget_access_context(user):
    """Drop the cached context (after a change to the user's own access)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _startswith_any(value, prefixes):
    return any(value.startswith(prefix) for prefix in prefixes if prefix)


def _unit_path(employee):
    return employee.org_unit.path if employee.org_unit_id and employee.org_unit else None


def manages(context, employee):
    """``employee`` reports to the user, directly or not."""
    return bool(
        context.employee_path and employee.pk != context.employee_id and employee.path.startswith(context.employee_path)
    )


def hr_covers(context, employee):
    """The user is an HR admin whose scope includes ``employee``."""
    if not context.is_hr_admin:
        return False
    if context.hr_unit_paths is None:
        return True
    unit_path = _unit_path(employee)
    return bool(unit_path) and _startswith_any(unit_path, context.hr_unit_paths)


def grant_covers(context, employee):
    """An active delegated-access grant covers ``employee`` (the subject, their reports, or their unit)."""
    if _startswith_any(employee.path, context.granted_employee_paths):
        return True
    unit_path = _unit_path(employee)
    return bool(unit_path) and _startswith_any(unit_path, context.granted_unit_paths)


def visible_employees_q(user):
    """A ``Q`` on Employee matching exactly the records ``user`` may view (self, reports, HR scope, grants)."""
    context = access_context(user)
    if context.hr_unrestricted:
        return Q()
    condition = Q(user_id=user.pk)
    if context.employee_path:
        condition |= subtree_q("path", context.employee_path)
    for path in context.granted_employee_paths:
        condition |= subtree_q("path", path)
    unit_paths = list(context.granted_unit_paths)
    if context.is_hr_admin:
        unit_paths.extend(context.hr_unit_paths or ())
    for path in unit_paths:
        condition |= subtree_q("org_unit__path", path)
    return condition


def team_q(user):
    """A ``Q`` on Employee for the user's team view: reports at any depth and granted people, not themselves."""
    context = access_context(user)
    condition = Q(pk__in=[])
    if context.employee_path:
        condition |= subtree_q("path", context.employee_path)
    for path in context.granted_employee_paths:
        condition |= subtree_q("path", path)
    for path in context.granted_unit_paths:
        condition |= subtree_q("org_unit__path", path)
    return condition & ~Q(user_id=user.pk)


def hr_units_q(user, prefix=""):
    """
    A ``Q`` matching the org units ``user`` administers as an HR admin: all of them when unrestricted, the subtrees
    of their scope rows when scoped, none for anyone else. ``prefix`` (e.g. ``"org_unit__"``) applies it to a model
    pointing at an org unit.
    """
    context = access_context(user)
    if not context.is_hr_admin:
        return Q(pk__in=[])
    if context.hr_unit_paths is None:
        return Q()
    condition = Q(pk__in=[])
    for path in context.hr_unit_paths:
        condition |= subtree_q(f"{prefix}path", path)
    return condition


def hr_employees_q(user):
    """
    A ``Q`` on Employee for the records ``user`` administers as an HR admin (``perf_mgmt.change_employee``): the
    HR scope only, without the user's own record, reports or grants, which they may view but not edit.
    """
    context = access_context(user)
    if context.hr_unrestricted:
        return Q()
    if not context.is_hr_admin:
        return Q(pk__in=[])
    return hr_units_q(user, prefix="org_unit__")


def hr_covers_unit(context, unit):
    """The user is an HR admin whose scope includes ``unit`` (an OrgUnit)."""
    if not context.is_hr_admin:
        return False
    if context.hr_unit_paths is None:
        return True
    return _startswith_any(unit.path, context.hr_unit_paths)
