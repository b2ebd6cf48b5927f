"""Retirement step of the competencies domain."""

from ..core.retirement import register_retirement_step
from .models import Assessment, CompetencyGap, CourseRecommendation


@register_retirement_step("competencies", order=500)
def retire_competency_data(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    """
    Forget what the user wrote and what was written about them, keep the ratings others rely on.

    * Their self-assessments are deleted: they are the user's own statements about themselves.
    * Ratings of them by others lose their evidence text (free text about the user); the levels stay on the
      (anonymised, deactivated) employee record so team aggregates and trends remain consistent.
    * Ratings they gave others lose the rater link and the evidence text: the rated person's history keeps the
      level and the source, no longer who the rater was or what they wrote.
    * Their stored gaps are deleted (gaps exist only for active people), and so are the courses recommended or
      assigned to them (their learning history stays on the platform, which retires it itself).
    * Recommendations they made to others lose the link to them: the course stays recommended.

    Runs before the ``org`` step (order 900), while the employee record is still found by user. Idempotent.
    """
    Assessment.objects.filter(person__user=user, source=Assessment.SELF).delete()
    Assessment.objects.filter(person__user=user).exclude(evidence="").update(evidence="")
    Assessment.objects.filter(rater=user).update(rater=None, evidence="")
    CourseRecommendation.objects.filter(person__user=user).delete()
    CourseRecommendation.objects.filter(created_by=user).update(created_by=None)
    CompetencyGap.objects.filter(person__user=user).delete()
