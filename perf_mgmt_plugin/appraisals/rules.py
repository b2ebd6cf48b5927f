"""
Access rules of the appraisals domain, registered into the plugin's one rule set (``core.access``).

No object:
    ``perf_mgmt.manage_appraisals``: templates, cycles, launch, close -- unrestricted HR admins.
    ``perf_mgmt.view_appraisal_reports``: any HR admin (the reports scope their rows with ``hr_employees_q``).
Reviews (the object is a Review):
    ``perf_mgmt.view_review``: the employee; their managers at any depth; delegates; HR admins covering the
        employee; the coach assigned to the review's manager in the review's cycle. Never a peer.
    ``perf_mgmt.write_self_review``: the employee.
    ``perf_mgmt.write_manager_review``: the review's manager, the employee's managers at any depth, delegates.
    ``perf_mgmt.coach_review``: the coach assigned to the review's manager in the review's cycle.
    ``perf_mgmt.reopen_review``: HR admins covering the employee; managers above the review's manager.
    ``perf_mgmt.manage_follow_up``: the employee's managers and delegates (the employee may only mark their own
        actions done, which ``actions.complete_action`` checks itself).
People (the object is an Employee):
    ``perf_mgmt.assign_coach`` (the reviewing manager): HR admins covering them; their own managers.
    ``perf_mgmt.add_interim_note``: the person, their managers at any depth, delegates. The same people read the
        shared notes about the person (``notes.notes_for``); private notes only their author.

What the employee may see inside their own review (the manager's draft, coaching) is decided by
``reviews.review_detail``, not here: these rules say who may open a review at all.
"""

import rules

from ..core.access import add_rule
from ..org import api as org_api
from ..org.api import has_grant_for, is_hr_admin, is_hr_admin_for, is_manager_of, is_self, is_unrestricted_hr_admin


def _employee(review):
    return review.employee if review is not None else None


@rules.predicate
def is_reviewed_person(user, review):
    return review is not None and is_self(user, review.employee)


@rules.predicate
def manages_reviewed(user, review):
    """A manager of the reviewed person at any depth, or a delegate covering them (never the person)."""
    employee = _employee(review)
    return employee is not None and (is_manager_of(user, employee) or has_grant_for(user, employee))


@rules.predicate
def is_reviewing_manager(user, review):
    return review is not None and review.manager_id is not None and review.manager.user_id == user.pk


@rules.predicate
def hr_covers_reviewed(user, review):
    employee = _employee(review)
    return employee is not None and is_hr_admin_for(user, employee)


@rules.predicate
def is_assigned_coach(user, review):
    """
    The user coaches the review's manager in the review's cycle. One small query, asked only when the cheaper
    predicates before it failed; not cached, so an assignment made or removed a moment ago counts at once.
    """
    if review is None or review.manager_id is None:
        return False
    context = org_api.access_context(user)
    if context.employee_id is None:
        return False
    from .models import CoachAssignment  # pylint: disable=import-outside-toplevel

    return CoachAssignment.objects.filter(
        cycle_id=review.cycle_id, reviewer_id=review.manager_id, coach_id=context.employee_id
    ).exists()


@rules.predicate
def above_reviewing_manager(user, review):
    """A manager of the review's manager (a senior manager of the person); any manager when it has none."""
    employee = _employee(review)
    if employee is None or not is_manager_of(user, employee):
        return False
    if review.manager_id is None:
        return True
    return org_api.manages(org_api.access_context(user), review.manager)


not_the_person = ~is_reviewed_person

add_rule("perf_mgmt.manage_appraisals", is_unrestricted_hr_admin)
add_rule("perf_mgmt.view_appraisal_reports", is_hr_admin)
add_rule(
    "perf_mgmt.view_review",
    is_reviewed_person | manages_reviewed | hr_covers_reviewed | is_reviewing_manager | is_assigned_coach,
)
add_rule("perf_mgmt.write_self_review", is_reviewed_person)
add_rule("perf_mgmt.write_manager_review", (is_reviewing_manager | manages_reviewed) & not_the_person)
add_rule("perf_mgmt.coach_review", is_assigned_coach & not_the_person)
add_rule("perf_mgmt.reopen_review", (hr_covers_reviewed | above_reviewing_manager) & not_the_person)
add_rule("perf_mgmt.manage_follow_up", manages_reviewed & not_the_person)
add_rule("perf_mgmt.assign_coach", (is_hr_admin_for | is_manager_of) & ~is_self)
add_rule("perf_mgmt.add_interim_note", is_self | is_manager_of | has_grant_for)
