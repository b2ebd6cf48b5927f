"""
Reminders for overdue plan items: one email per person listing their overdue items, copied to their manager.
Each item is reminded at most once per ``interval_days``, so a daily cron or a retried task sends nothing twice.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..core import notify
from .models import Plan, PlanItem


class OverduePlanItems(notify.PerfMgmtMessage):
    """The owner's overdue plan items (``items``), copied to their manager."""

    NAME = "overdue_plan_items"


@dataclass
class ReminderResult:
    people: int = 0
    items: int = 0
    emails: int = 0


@transaction.atomic
def send_overdue_reminders(today=None, interval_days=7, dry_run=False):
    """Email each person with overdue open items (manager in copy) through ``core.notify`` (edx-ace). Three queries."""
    today = today or timezone.localdate()
    now = timezone.now()
    cutoff = now - datetime.timedelta(days=interval_days)
    items = list(
        PlanItem.objects.filter(
            status__in=PlanItem.OPEN_STATUSES, due_date__lt=today, plan__status__in=Plan.OPEN_STATUSES
        )
        .exclude(last_reminded_at__gt=cutoff)
        .select_related("owner__user", "owner__manager__user")
        .order_by("owner_id", "due_date", "pk")
    )
    by_person = {}
    for item in items:
        by_person.setdefault(item.owner_id, []).append(item)
    result = ReminderResult(people=len(by_person), items=len(items))
    if dry_run or not items:
        return result
    messages = []
    for person_items in by_person.values():
        owner = person_items[0].owner
        manager = owner.manager.user if owner.manager_id and owner.manager else None
        cc = [manager] if manager is not None else []
        messages.append((OverduePlanItems.NAME, owner.user, {"items": person_items}, cc))
    result.emails = notify.send_many(messages)
    PlanItem.objects.filter(pk__in=[i.pk for i in items]).update(last_reminded_at=now)
    return result
