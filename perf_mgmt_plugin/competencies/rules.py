"""
Access rules of the competencies domain, registered into the plugin's one rule set (``core.access``).

Permissions (the object, where there is one, is the assessed person's Employee record):
    ``perf_mgmt.view_competencies`` (Employee): their assessments, current levels and gaps -- the person, their
        managers at any depth, HR admins in scope, delegates (the same people who may view the employee).
    ``perf_mgmt.assess_competencies`` (Employee): may record at least one kind of assessment of the person.
    ``perf_mgmt.self_assess`` (Employee): the person themselves.
    ``perf_mgmt.manager_assess`` (Employee): their managers at any depth and delegates.
    ``perf_mgmt.peer_assess`` (Employee): another active employee with the same manager or the same org unit.
    ``perf_mgmt.upward_assess`` (Employee): someone who reports directly to the person.
    ``perf_mgmt.course_assess`` (Employee): HR admins in scope (course evidence entered by hand).
    ``perf_mgmt.view_frameworks``: any signed-in user (learners read the scales they rate themselves on).
    ``perf_mgmt.manage_frameworks``: unrestricted HR admins -- frameworks, requirements and course links are
        organisation-wide, like positions (``manage_structure``).
    ``perf_mgmt.view_gap_audit``: HR admins (their scope) and anyone with a team (their reports).
    ``perf_mgmt.recommend_courses`` (Employee): recommend or assign linked courses to close the person's gaps --
        their managers at any depth and delegates (who act for a manager), HR admins in scope. Not the person
        themselves: they enrol from what was recommended to them, or from the course list on their page.
    ``perf_mgmt.respond_to_course_recommendation`` (Employee): enrol in or dismiss what was recommended to the
        person -- the person only.
"""

import rules

from ..core.access import add_rule
from ..org import access
from ..org.rules import (
    has_grant_for,
    has_team,
    is_hr_admin,
    is_hr_admin_for,
    is_manager_of,
    is_self,
    is_unrestricted_hr_admin,
)


def _rater_employee(user):
    """The rater's own active Employee row (cached on the user with the access context)."""
    from ..org.models import Employee  # pylint: disable=import-outside-toplevel

    context = access.access_context(user)
    if context.employee_id is None:
        return None
    cached = getattr(user, "_perf_mgmt_rater_employee", None)
    if cached is None or cached.pk != context.employee_id:
        cached = Employee.objects.filter(pk=context.employee_id).only("pk", "manager_id", "org_unit_id").first()
        user._perf_mgmt_rater_employee = cached  # pylint: disable=protected-access
    return cached


@rules.predicate
def is_peer_of(user, employee):
    if employee is None or employee.user_id == user.pk or not employee.active:
        return False
    rater = _rater_employee(user)
    if rater is None:
        return False
    same_manager = rater.manager_id is not None and rater.manager_id == employee.manager_id
    same_unit = rater.org_unit_id is not None and rater.org_unit_id == employee.org_unit_id
    return same_manager or same_unit


@rules.predicate
def is_direct_report_of(user, employee):
    rater = _rater_employee(user) if employee is not None else None
    return rater is not None and rater.manager_id == employee.pk


@rules.predicate
def is_signed_in(user):
    return user.is_authenticated


add_rule("perf_mgmt.view_competencies", is_self | is_manager_of | is_hr_admin_for | has_grant_for)
add_rule("perf_mgmt.self_assess", is_self, inactive_users=is_self)  # a learner not activated yet, in a course
add_rule("perf_mgmt.manager_assess", is_manager_of | has_grant_for)
add_rule("perf_mgmt.peer_assess", is_peer_of)
add_rule("perf_mgmt.upward_assess", is_direct_report_of)
add_rule("perf_mgmt.course_assess", is_hr_admin_for)
add_rule(
    "perf_mgmt.assess_competencies",
    is_self | is_manager_of | has_grant_for | is_peer_of | is_direct_report_of | is_hr_admin_for,
)
add_rule("perf_mgmt.view_frameworks", is_signed_in)
add_rule("perf_mgmt.manage_frameworks", is_unrestricted_hr_admin)
add_rule("perf_mgmt.view_gap_audit", is_hr_admin | has_team)
add_rule("perf_mgmt.recommend_courses", (is_manager_of | has_grant_for | is_hr_admin_for) & ~is_self)
add_rule("perf_mgmt.respond_to_course_recommendation", is_self)


# --- lane host: the HR requirements editor --------------------------------------------------------------------------
@rules.predicate
def is_hr_admin_for_position(user, position):
    """Unrestricted HR admins for any position; scoped HR admins for the positions of their units."""
    if position is None:
        return False
    context = access.access_context(user)
    if context.hr_unrestricted:
        return True
    return position.org_unit_id is not None and access.hr_covers_unit(context, position.org_unit)


#: ``perf_mgmt.manage_position_requirements`` (Position): edit the position's set of required competencies.
add_rule("perf_mgmt.manage_position_requirements", is_hr_admin_for_position)
