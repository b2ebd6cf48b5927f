"""
Reviewing the reviews: HR or a senior manager assigns a coach manager to another manager's reviews in a cycle; the
coach reads the drafts before they are shared and leaves feedback that the reviewing manager sees (the reviewed
person never does). ``reviews.share_review`` waits for that feedback when a coach is assigned.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from ..core.access import require
from ..core.sanitize import sanitize_html
from ..org.access import access_context
from .errors import AppraisalError
from .models import CoachAssignment, CoachingFeedback, Cycle, Review, ReviewEvent
from .reviews import COACH, coached_q

ASSIGN = "perf_mgmt.assign_coach"


def _check_open(cycle):
    if cycle.status == Cycle.CLOSED:
        raise AppraisalError(_("The cycle is closed."))


@transaction.atomic
def assign_coach(user, cycle, reviewer, coach):
    """
    ``coach`` reads ``reviewer``'s reviews in ``cycle`` (one coach per reviewing manager; assigning again
    replaces). The coach must be another active person and must not be reviewed by ``reviewer`` in the cycle,
    since they would read their own review.
    """
    require(user, ASSIGN, reviewer)
    _check_open(cycle)
    if coach is None or not coach.active:
        raise AppraisalError(_("Choose an active person as coach."))
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
