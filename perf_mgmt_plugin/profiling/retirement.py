"""Retirement step of the profiling domain."""

from ..core.retirement import register_retirement_step
from .models import Comment, Rater, Round, Subject


@register_retirement_step("profiling", order=340)
def retire_profiling_data(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    """
    Forget the user in rounds of feedback.

    * As a subject: their subjects go, with every rater row, answer and comment about them.
    * As a rater: their comments and decline reasons go and the row is unlinked from them; their levels stay,
      anonymous, so a released report about someone else reads the same before and after (ADR 0024: a report
      that changed when one rater left would tell that rater's answers).
    * Rounds they started, subjects they coach or released: unlinked.

    Runs before the ``org`` step (order 900), while the employee record is still found by user. Idempotent.
    """
    Subject.objects.filter(person__user=user).delete()
    Comment.objects.filter(rater__user=user).delete()
    Rater.objects.filter(user=user).update(user=None, decline_reason="")
    Round.objects.filter(created_by=user).update(created_by=None)
    Subject.objects.filter(coach=user).update(coach=None)
    Subject.objects.filter(released_by=user).update(released_by=None)
