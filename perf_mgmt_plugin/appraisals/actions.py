"""
Follow-up actions: every review ends with actions (owner, due date) so that something follows.

A development action becomes an item of the person's open development plan (a plan is created when there is none)
through the development domain, with source ``appraisal`` and ``source_ref`` ``appraisal:<review id>``, so it is
tracked, reminded and reported like any plan item. Open actions show in the person's next check-ins and in their
next review (:func:`open_actions_of`).
"""

import contextlib
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core.access import can, require
from ..core.concurrency import atomic_retry, lock
from ..core.idempotency import idempotent
from ..core.sanitize import sanitize_html
from ..development import api as development_api
from ..development.api import DevelopmentError, Plan, PlanItem
from ..org.api import Employee
from .errors import AppraisalConflict, AppraisalError
from .models import Cycle, FollowUpAction, ReviewEvent

MANAGE = "perf_mgmt.manage_follow_up"
#: The plan item kind of a development action (not a course: the person's manager may later link one).
PLAN_ITEM_KIND = "on_the_job"


def _check_owner(review, owner):
    """The owner is the person or one of their managers (who support them)."""
    if owner is None:
        return review.employee
    employee = review.employee
    if owner.pk == employee.pk or (owner.path and employee.path.startswith(owner.path)):
        return owner
    raise AppraisalError(_("An action is owned by the person or one of their managers."))


def _plan_for(user, employee, due_date):
    """The person's open development plan (the newest), or a new one the manager assigns."""
    plan = Plan.objects.filter(owner=employee, status__in=Plan.OPEN_STATUSES).order_by("-period_end", "-pk").first()
    if plan is not None:
        return plan
    today = timezone.localdate()
    return development_api.create_plan(
        user, employee, period_start=today, period_end=max(due_date, today + datetime.timedelta(days=364))
    )


@transaction.atomic
@idempotent("action", FollowUpAction)
def add_action(user, review, *, title, due_date, owner=None, kind=FollowUpAction.WORK, description=""):
    """
    The person's manager (or a delegate) adds an agreed action to ``review``. A development action becomes an
    approved item of the person's development plan, linked from the action.
    """
    require(user, MANAGE, review)
    if review.cycle.status == Cycle.CLOSED:
        raise AppraisalError(_("The cycle is closed."))
    title = (title or "").strip()
    if not title:
        raise AppraisalError(_("Give the action a title."))
    if kind not in dict(FollowUpAction.KIND_CHOICES):
        raise AppraisalError(_("Unknown kind of action."))
    if not isinstance(due_date, datetime.date):
        raise AppraisalError(_("Give the action a due date."))
    owner = _check_owner(review, owner)
    description = sanitize_html(description or "")
    plan_item = None
    if kind == FollowUpAction.DEVELOPMENT:
        try:
            plan = _plan_for(user, review.employee, due_date)
            plan_item = development_api.add_item(
                user,
                plan,
                source="appraisal",
                source_ref=f"appraisal:{review.pk}",
                kind=PLAN_ITEM_KIND,
                title=title[:255],
                description=description,
                due_date=due_date,
            )
        except DevelopmentError as exc:
            raise AppraisalError(str(exc)) from exc
    action = FollowUpAction.objects.create(
        review=review,
        employee=review.employee,
        owner=owner,
        kind=kind,
        title=title[:255],
        description=description,
        due_date=due_date,
        plan_item=plan_item,
        created_by=user,
    )
    ReviewEvent.objects.create(
        review=review, action="action_added", actor=user, from_stage=review.stage, to_stage=review.stage, note=title
    )
    return action


def _may_complete(user, action):
    """The person's managers and delegates; the person their own actions (they own them)."""
    if can(user, MANAGE, action.review):
        return True
    return action.owner_id is not None and action.owner_id == action.employee_id and action.employee.user_id == user.pk


@atomic_retry
def complete_action(user, action):
    """
    Mark an open action done; its plan item (if still open and not a course) is completed too. The status is checked
    under the action's lock: one cancelled or done meanwhile is a conflict (ADR 0015).
    """
    lock(action, fields=("status", "done_at"))
    if not _may_complete(user, action):
        require(user, MANAGE, action.review)
    if action.status != FollowUpAction.OPEN:
        raise AppraisalConflict(_("Only an open action can be marked done."))
    action.status, action.done_at = FollowUpAction.DONE, timezone.now()
    action.save(update_fields=["status", "done_at"])
    item = action.plan_item
    if item is not None and item.status in (PlanItem.APPROVED, PlanItem.IN_PROGRESS):
        # A course item is completed by the course itself; the action is done all the same.
        with contextlib.suppress(DevelopmentError):
            development_api.complete_item(user, item)
    return action


@atomic_retry
def cancel_action(user, action):
    """
    The manager (or a delegate) cancels an open action; its open plan item is cancelled too (kept as history). Checked
    under the action's lock, like :func:`complete_action`.
    """
    lock(action, fields=("status", "done_at"))
    require(user, MANAGE, action.review)
    if action.status != FollowUpAction.OPEN:
        raise AppraisalConflict(_("Only an open action can be cancelled."))
    action.status = FollowUpAction.CANCELLED
    action.save(update_fields=["status"])
    item = action.plan_item
    if item is not None and item.status in PlanItem.OPEN_STATUSES:
        development_api.cancel_item(user, item)
    return action


def open_actions_of(employees):
    """
    The open actions of ``employees`` (Employees, ids or a queryset), soonest due first, with their review's cycle
    and owner: for the next check-ins and the next review. Callers check who may see the people.
    """
    if hasattr(employees, "model") and employees.model is Employee:
        ids = employees.values("pk")
    else:
        ids = [getattr(employee, "pk", employee) for employee in employees]
    return (
        FollowUpAction.objects.filter(employee_id__in=ids, status=FollowUpAction.OPEN)
        .select_related("review__cycle", "owner", "employee")
        .order_by("due_date", "pk")
    )
