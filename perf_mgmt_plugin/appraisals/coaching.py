"""
Reviewing the reviews: HR or a senior manager assigns a coach manager to another manager's reviews in a cycle; the
coach reads the drafts before they are shared and leaves feedback that the reviewing manager sees (the reviewed
person never does). ``reviews.share_review`` waits for that feedback when a coach is assigned.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..core.access import require
from ..core.paths import subtree_q
from ..core.sanitize import sanitize_html
from ..org.api import Employee, access_context, hr_employees_q
from .errors import AppraisalError
from .models import CoachAssignment, CoachingFeedback, Cycle, Review, ReviewEvent
from .reviews import COACH, coached_q

ASSIGN = "perf_mgmt.assign_coach"
#: The refusal of a coach the assigner may not name (the same words whether the person exists or not).
NOT_A_COACH = _lazy("Choose the coach among the active managers in your scope.")


def _check_open(cycle):
    if cycle.status == Cycle.CLOSED:
        raise AppraisalError(_("The cycle is closed."))


@transaction.atomic
def assign_coach(user, cycle, reviewer, coach):
    """
    ``coach`` reads ``reviewer``'s reviews in ``cycle`` (one coach per reviewing manager; assigning again
    replaces). The coach must be one ``user`` may name (:func:`may_name_coach`: an active manager in their scope),
    another person than ``reviewer``, and not reviewed by ``reviewer`` in the cycle, since they would read their own
    review.
    """
    require(user, ASSIGN, reviewer)
    _check_open(cycle)
    if coach is None or not may_name_coach(user, coach):
        raise AppraisalError(NOT_A_COACH)
    if coach.pk == reviewer.pk:
        raise AppraisalError(_("A manager cannot coach their own reviews."))
    if Review.objects.filter(cycle=cycle, manager=reviewer, employee=coach).exists():
        raise AppraisalError(_("%(coach)s is reviewed by this manager in the cycle.") % {"coach": coach})
    assignment, _created = CoachAssignment.objects.update_or_create(
        cycle=cycle, reviewer=reviewer, defaults={"coach": coach, "assigned_by": user}
    )
    return assignment


@transaction.atomic
def remove_coach(user, cycle, reviewer):
    """No coach for ``reviewer`` in ``cycle`` any more; returns whether there was one."""
    require(user, ASSIGN, reviewer)
    _check_open(cycle)
    deleted, _rows = CoachAssignment.objects.filter(cycle=cycle, reviewer=reviewer).delete()
    return bool(deleted)


def coached_reviews(user):
    """The reviews ``user`` coaches (of their assigned managers, in the assigned cycles)."""
    return Review.objects.filter(coached_q(user))


@transaction.atomic
def add_feedback(user, review, body):
    """The assigned coach's feedback on the draft, before it is shared (audited)."""
    require(user, COACH, review)
    if review.manager_shared_at is not None or review.stage not in (Review.SELF_REVIEW, Review.MANAGER_REVIEW):
        raise AppraisalError(_("The review is already shared: coaching comes before."))
    body = sanitize_html(body or "")
    if not body.strip():
        raise AppraisalError(_("Write your feedback."))
    feedback = CoachingFeedback.objects.create(review=review, coach_id=access_context(user).employee_id, body=body)
    ReviewEvent.objects.create(
        review=review, action="coaching_feedback", actor=user, from_stage=review.stage, to_stage=review.stage
    )
    return feedback


# -- who may assign coaches to whom (the coaches page) -------------------------------------------------------------


def _scope_q(user):
    """A ``Q`` on Employee: the HR admin's scope and the user with everyone below them at any depth."""
    context = access_context(user)
    if context.hr_unrestricted:
        # Everyone; (an empty Q OR'd with the subtree below would narrow it to the subtree).
        return Q()
    condition = hr_employees_q(user)
    if context.employee_path:
        condition |= subtree_q("path", context.employee_path)
    return condition


def _assignable_q(user):
    """
    A ``Q`` on Employee for the reviewing managers ``user`` may give a coach (``perf_mgmt.assign_coach``, as a
    query): HR admins' scope, and the people below the user at any depth; never the user.
    """
    return _scope_q(user) & ~Q(user_id=user.pk)


@dataclass(frozen=True)
class ReviewerRow:
    """A reviewing manager of the cycle, how many reviews they write in it, and their coach (or ``None``)."""

    reviewer: Employee
    reviews: int
    coach: Employee | None


def reviewers_to_coach(user, cycle):
    """
    The managers who write reviews in ``cycle`` and whom ``user`` may give a coach, with their number of reviews
    and current coach, by name. Two queries whatever the number of managers.
    """
    counts = dict(
        Review.objects.filter(cycle_id=cycle.pk, manager__isnull=False)
        .filter(manager__in=Employee.objects.filter(_assignable_q(user)))
        .order_by()
        .values_list("manager_id")
        .annotate(n=Count("pk"))
    )
    reviewers = Employee.objects.filter(pk__in=list(counts)).select_related("user")
    coaches = {
        a.reviewer_id: a.coach
        for a in CoachAssignment.objects.filter(cycle_id=cycle.pk, reviewer_id__in=list(counts)).select_related(
            "coach__user"
        )
    }
    rows = [ReviewerRow(reviewer=r, reviews=counts[r.pk], coach=coaches.get(r.pk)) for r in reviewers]
    return sorted(rows, key=lambda row: (row.reviewer.display_name.casefold(), row.reviewer.pk))


def coach_candidates(user):
    """
    Whom ``user`` may name as a coach, on every entry point (page, REST, and :func:`assign_coach` itself): active
    managers (someone reports to them) in their HR scope or at or below the user (a senior manager may coach
    themselves or name a manager below them). A coach reads unshared drafts, check-ins, plans and gaps, so nobody
    outside the assigner's own scope can be made one.
    """
    leads = Employee.objects.filter(manager_id=OuterRef("pk"), active=True)
    return (
        Employee.objects.filter(_scope_q(user), Exists(leads), active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def coach_by_id(user, coach_id):
    """
    The person with id ``coach_id`` if ``user`` may name them as a coach (:func:`coach_candidates`), else ``None``
    (unknown, out of scope and not a number alike): how the page and REST read the coach the user chose.
    """
    value = str(coach_id if coach_id is not None else "")
    return coach_candidates(user).filter(pk=value).first() if value.isdigit() else None


def may_name_coach(user, coach):
    """Whether ``user`` may name ``coach`` (an Employee) as a coach: the one rule, :func:`coach_candidates`."""
    return coach is not None and coach_candidates(user).filter(pk=coach.pk).exists()


def cycles_to_assign_coaches(user):
    """The active cycles in which ``user`` may give a coach to at least one reviewing manager (one query)."""
    reviewers = Review.objects.filter(cycle_id=OuterRef("pk"), manager__in=Employee.objects.filter(_assignable_q(user)))
    return Cycle.objects.filter(Exists(reviewers), status=Cycle.ACTIVE).order_by("-start", "name")
