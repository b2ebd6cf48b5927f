"""Retirement step of the blended-modules domain."""

from ..core.retirement import register_retirement_step
from .models import GuideApplication, JobAidDownload


@register_retirement_step("blended", order=360)
def retire_blended_data(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    """
    The user's own applications of guides go (their reflections and evidence are about them); where they observed
    others, they are unlinked and their comment emptied; their job-aid download counts go. Runs before the
    ``competencies`` and ``org`` steps, while the employee record is still found by user. Idempotent.
    """
    GuideApplication.objects.filter(person__user=user).delete()
    GuideApplication.objects.filter(observer=user).update(observer=None, manager_comment="")
    JobAidDownload.objects.filter(user=user).delete()
