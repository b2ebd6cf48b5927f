"""
Access rules of the org domain, registered into the plugin's one rule set (``core.access``).

Permissions:
    ``perf_mgmt.view_employee`` (Employee): self, their managers at any depth, HR admins in scope, grantees.
    ``perf_mgmt.change_employee`` (Employee): HR admins in scope.
    ``perf_mgmt.view_team``: anyone with reports or an active grant.
    ``perf_mgmt.hr_admin``: HR admins (scoped or not) -- the People and Org chart pages, the Django admin.
    ``perf_mgmt.view_org_unit`` (OrgUnit): HR admins whose scope includes the unit (Django admin).
    ``perf_mgmt.import_org``, ``perf_mgmt.manage_structure``, ``perf_mgmt.manage_grants``: unrestricted HR admins.
    ``perf_mgmt.course_staff``: users with a staff or instructor role in at least one course.
    ``perf_mgmt.view_course_data`` (course key): the course's staff, and unrestricted HR admins.
"""

import rules

from ..core.access import add_rule
from ..openedx import get_backend
from . import access


@rules.predicate
def is_self(user, employee):
    return employee is not None and employee.user_id == user.pk


@rules.predicate
def is_manager_of(user, employee):
    return employee is not None and access.manages(access.access_context(user), employee)


@rules.predicate
def is_hr_admin_for(user, employee):
    return employee is not None and access.hr_covers(access.access_context(user), employee)


@rules.predicate
def is_hr_admin_for_unit(user, unit):
    return unit is not None and access.hr_covers_unit(access.access_context(user), unit)


@rules.predicate
def has_grant_for(user, employee):
    return employee is not None and access.grant_covers(access.access_context(user), employee)


@rules.predicate
def is_hr_admin(user):
    return access.access_context(user).is_hr_admin


@rules.predicate
def is_unrestricted_hr_admin(user):
    return access.access_context(user).hr_unrestricted


@rules.predicate
def has_team(user):
    from .models import Employee  # pylint: disable=import-outside-toplevel

    context = access.access_context(user)
    if context.granted_employee_paths or context.granted_unit_paths:
        return True
    return (
        context.employee_id is not None
        and Employee.objects.filter(manager_id=context.employee_id, active=True).exists()
    )


@rules.predicate
def is_course_staff(user, course_key):
    return course_key is not None and get_backend().is_course_staff(user, course_key)


@rules.predicate
def is_any_course_staff(user):
    return bool(get_backend().staff_course_keys(user))


add_rule("perf_mgmt.view_employee", is_self | is_manager_of | is_hr_admin_for | has_grant_for)
add_rule("perf_mgmt.change_employee", is_hr_admin_for)
add_rule("perf_mgmt.view_team", has_team)
add_rule("perf_mgmt.hr_admin", is_hr_admin)
add_rule("perf_mgmt.view_org_unit", is_hr_admin_for_unit)
add_rule("perf_mgmt.import_org", is_unrestricted_hr_admin)
add_rule("perf_mgmt.manage_structure", is_unrestricted_hr_admin)
add_rule("perf_mgmt.manage_grants", is_unrestricted_hr_admin)
add_rule("perf_mgmt.course_staff", is_any_course_staff)
add_rule("perf_mgmt.view_course_data", is_course_staff | is_unrestricted_hr_admin)
