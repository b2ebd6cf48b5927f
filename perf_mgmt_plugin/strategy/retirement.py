"""Retirement step of the strategy domain."""

from django.db.models import Q

from ..core.retirement import register_retirement_step
from .models import CheckIn, CheckInNote, HelpRequest, Impediment, Notification, ProgressUpdate


@register_retirement_step("strategy", order=400)
def retire_strategy_data(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    """
    Forget what the user wrote and what was written about them in check-ins; keep the figures the cascade needs.

    * Their check-ins lose their free text (steps done, reflection, next actions); their notes, impediments, help
      requests and notifications are deleted, and so are notes others wrote on their check-ins.
    * Notes they wrote on others' check-ins are deleted (free text by them); help requests they resolved keep the
      resolution but lose the link to them.
    * Progress readings keep the numbers (objectives' forecasts rely on them) but lose the note and who recorded
      them. Objectives they owned stay (owned by the anonymised, deactivated employee record) so roll-ups hold.

    Runs before the ``org`` step (order 900), while the employee record is still found by user. Idempotent.
    """
    CheckIn.objects.filter(employee__user=user).update(steps_done="", reflection="", next_actions="")
    CheckInNote.objects.filter(Q(check_in__employee__user=user) | Q(author=user)).delete()
    Impediment.objects.filter(employee__user=user).delete()
    HelpRequest.objects.filter(employee__user=user).delete()
    HelpRequest.objects.filter(resolved_by=user).update(resolved_by=None)
    Impediment.objects.filter(resolved_by=user).update(resolved_by=None)
    ProgressUpdate.objects.filter(Q(recorded_by=user) | Q(objective__owner__user=user)).update(
        note="", recorded_by=None
    )
    Notification.objects.filter(recipient=user).delete()
