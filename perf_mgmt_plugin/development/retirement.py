"""Retirement step of the development domain."""

from django.db.models import Q

from ..core.retirement import register_retirement_step
from ..org.api import Employee
from .models import Plan, PlanComment, PlanItem, ProcessedEvent, UnmatchedEvent


@register_retirement_step("development", order=400)
def retire_development_data(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    """
    The user's plans go (items, comments and their history rows with them): they are about the person. What they
    wrote on others' plans is emptied and unlinked; where they proposed or approved others' items, the link goes.
    Their LMS event logs are deleted. Runs before the ``competencies`` and ``org`` steps, while the employee record
    is still found by user. Idempotent.
    """
    owner_ids = list(Plan.objects.filter(owner__user=user).values_list("owner_id", flat=True).distinct())
    Plan.objects.filter(owner_id__in=owner_ids).delete()
    # After the delete, which itself writes "deleted" history rows.
    Plan.history.filter(owner_id__in=owner_ids).delete()
    PlanItem.history.filter(owner_id__in=owner_ids).delete()
    # A hard-deleted user: the cascade removed the employee and the plans (writing "deleted" history rows) before
    # this second run, so the owner is no longer found by user; rows of owners that no longer exist go.
    gone = ~Q(owner_id__in=Employee.objects.values("pk"))
    Plan.history.filter(gone).delete()
    PlanItem.history.filter(gone).delete()
    PlanComment.objects.filter(author=user).update(author=None, body="")
    PlanItem.objects.filter(proposed_by=user).update(proposed_by=None)
    PlanItem.objects.filter(approved_by=user).update(approved_by=None)
    Plan.objects.filter(created_by=user).update(created_by=None)
    Plan.objects.filter(approved_by=user).update(approved_by=None)
    Plan.history.filter(history_user=user).update(history_user=None)
    PlanItem.history.filter(history_user=user).update(history_user=None)
    ProcessedEvent.objects.filter(user_id=user.pk).delete()
    UnmatchedEvent.objects.filter(user_id=user.pk).delete()
