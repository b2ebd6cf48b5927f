"""
Reminders for overdue plan items: one email per person listing their overdue items, copied to their manager.
Each item is reminded at most once per ``interval_days``, so a daily cron or a retried task sends nothing twice.
"""

import datetime
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import Plan, PlanItem


@dataclass
class ReminderResult:
    people: int = 0
    items: int = 0
    emails: int = 0


@transaction.atomic
def send_overdue_reminders(today=None, interval_days=7, dry_run=False):
    """Email each person with overdue open items (manager in copy). Three queries and one SMTP connection."""
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
        if not owner.user.email:
            continue
        lines = [f"- {i.title} (due {i.due_date:%Y-%m-%d})" for i in person_items]
        manager = owner.manager.user if owner.manager_id and owner.manager else None
        messages.append(
            EmailMessage(
                subject=f"{len(person_items)} development plan item(s) overdue",
                body="These items of your development plan are past their due date:\n" + "\n".join(lines),
                to=[owner.user.email],
                cc=[manager.email] if manager and manager.email else [],
            )
        )
    result.emails = get_connection().send_messages(messages) or 0
    PlanItem.objects.filter(pk__in=[i.pk for i in items]).update(last_reminded_at=now)
    return result
