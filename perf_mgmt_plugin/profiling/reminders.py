"""
Periodic reminders of 360 raters (the ``send_profiling_reminders`` command and Celery task, scheduled daily).

Who: raters invited to an open round who have neither submitted nor declined, invited at least ``interval_days``
ago. How often: at most once per ``interval_days`` (``Rater.reminded_at``, shared with the round page's "Remind"
button), so a repeated or duplicated run sends nothing twice. Rounds past their ``answer_by`` are left alone:
their raters can no longer answer until HR extends the round. Constant queries per run, plus one email each.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Rater, Round
from .services import _invite

#: Days between two reminders of the same rater (setting ``PERF_MGMT_PROFILING_REMINDER_DAYS``).
DEFAULT_INTERVAL_DAYS = 3


@dataclass
class ReminderResult:
    rounds: int = 0
    raters: int = 0


def interval_days():
    return int(getattr(settings, "PERF_MGMT_PROFILING_REMINDER_DAYS", DEFAULT_INTERVAL_DAYS))


def due_raters(now, interval):
    """The raters due a reminder at ``now`` (a queryset, ids only where the caller needs them)."""
    since = now - datetime.timedelta(days=interval)
    today = timezone.localdate(now)
    return (
        Rater.objects.filter(
            subject__round__status=Round.OPEN,
            status__in=(Rater.INVITED, Rater.DRAFT),
            user__isnull=False,
            invited_at__lte=since,
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=since))
        .filter(Q(subject__round__answer_by__isnull=True) | Q(subject__round__answer_by__gte=today))
    )


def send_due_reminders(now=None, interval=None, dry_run=False):
    """Remind every rater due a reminder (see the module); returns a :class:`ReminderResult`."""
    now = now or timezone.now()
    interval = interval_days() if interval is None else int(interval)
    with transaction.atomic():
        rows = list(due_raters(now, interval).select_for_update().values_list("pk", "subject__round_id"))
        ids = [pk for pk, _round in rows]
        result = ReminderResult(rounds=len({round_id for _pk, round_id in rows}), raters=len(ids))
        if dry_run or not ids:
            return result
        Rater.objects.filter(pk__in=ids).update(reminded_at=now)
        transaction.on_commit(lambda: _invite(ids, "profiling_reminder"))
    return result
