"""Retirement step of the appraisals domain."""

from django.db.models import Q

from ..core.retirement import register_retirement_step
from .models import (
    CoachAssignment,
    CoachingFeedback,
    FollowUpAction,
    InterimNote,
    Review,
    ReviewEvent,
    ReviewItem,
    SurveyInvitation,
)


@register_retirement_step("appraisals", order=350)
def retire_appraisal_data(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    """
    Forget what the user wrote and what was written about them in appraisals; keep the figures reports rely on.

    * Their own reviews lose every text (summaries, comments on items, sign-off comment, disagreement) but keep
      stages, dates and ratings (anonymised with the employee record, they still count in distributions and
      completion); notes and coaching feedback about them are deleted; their actions lose title and description.
    * Text they wrote about others: their manager summaries and comments are blanked (the ratings stay), notes and
      coaching feedback they wrote are deleted, audit events lose their reasons and the link to them.
    * Their survey invitations go (the answers were never linked to them); coach assignments naming them go.

    Runs before the ``org`` step (order 900), while the employee record is still found by user. Idempotent.
    """
    own = Review.objects.filter(employee__user=user)
    own.update(self_summary="", manager_summary="", employee_comment="", disagreement="")
    ReviewItem.objects.filter(review__employee__user=user).update(self_comment="", manager_comment="")
    InterimNote.objects.filter(Q(employee__user=user) | Q(author=user)).delete()
    CoachingFeedback.objects.filter(Q(review__employee__user=user) | Q(coach__user=user)).delete()
    FollowUpAction.objects.filter(employee__user=user).update(title="-", description="")
    FollowUpAction.objects.filter(created_by=user).update(created_by=None)
    Review.objects.filter(manager__user=user).update(manager_summary="")
    ReviewItem.objects.filter(review__manager__user=user).update(manager_comment="")
    ReviewEvent.objects.filter(review__employee__user=user).update(note="")
    ReviewEvent.objects.filter(actor=user).update(note="", actor=None)
    SurveyInvitation.objects.filter(employee__user=user).delete()
    CoachAssignment.objects.filter(Q(coach__user=user) | Q(reviewer__user=user)).delete()
