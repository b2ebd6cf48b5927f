"""
Deadline reminders of active review cycles: one email per person listing every step they owe, a few days before
the step's deadline and once after it has passed.

Who owes a step is ``reports.owed_by``: the person for the self review, the manager for the manager review and
sharing, both for the meeting until each confirmed attendance, whoever has not signed at sign-off. Each review
remembers the last reminder sent for it (``Review.reminded_key``: stage, before/overdue and the deadline), so a
daily cron, a retried Celery task or both running the same day send each reminder once; a moved deadline or a
reopened review is reminded again because its key changes.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core import notify
from ..core.bulk import bulk_set
from .models import Cycle, Review
from .reports import owed_by, stage_deadline


class StepsWaiting(notify.PerfMgmtMessage):
    """The review steps a person owes (``lines``), a few days before their deadline and once overdue."""

    NAME = "appraisal_steps_waiting"


BEFORE, OVERDUE = "before", "overdue"


@dataclass
class ReminderResult:
    reviews: int = 0
    people: int = 0
    emails: int = 0


def reminder_days():
    """Days before a deadline when its reminder is sent (``PERF_MGMT_APPRAISAL_REMINDER_DAYS``, at least 0)."""
    return max(0, int(getattr(settings, "PERF_MGMT_APPRAISAL_REMINDER_DAYS", 3)))


def reminder_key(review, today, days_before):
    """The reminder ``review`` is due on ``today`` (``"<stage>:before|overdue:<deadline>"``), or ``None``."""
    due = stage_deadline(review, review.cycle)
    if due is None:
        return None
    if today > due:
        kind = OVERDUE
    elif (due - today).days <= days_before:
        kind = BEFORE
    else:
        return None
    return f"{review.stage}:{kind}:{due:%Y%m%d}"


def _window_q(today, days_before):
    """Reviews whose current stage's deadline is at most ``days_before`` days away (or past), in active cycles."""
    horizon = today + datetime.timedelta(days=days_before)
    condition = Q(pk__in=[])
    for stage, deadline in Cycle.PHASE_DEADLINES:
        condition |= Q(stage=stage, **{f"cycle__{deadline}__lte": horizon})
    return condition & Q(cycle__status=Cycle.ACTIVE)


def _line(review, side, today):
    due = stage_deadline(review, review.cycle)
    stage = str(dict(Review.STAGE_CHOICES)[review.stage])
    whose = _("your review") if side == "employee" else review.employee.display_name
    when = (
        _("{days} day(s) overdue (due {due:%Y-%m-%d})").format(days=(today - due).days, due=due)
        if today > due
        else _("due {due:%Y-%m-%d}").format(due=due)
    )
    return f"{stage}: {whose} ({review.cycle.name}) -- {when}"


@transaction.atomic
def send_appraisal_reminders(today=None, days_before=None, dry_run=False):
    """
    Email everyone who owes the current step of a review in an active cycle: ``days_before`` days (default
    ``PERF_MGMT_APPRAISAL_REMINDER_DAYS``) before its deadline, and once it is overdue. One email per person for all
    their steps; each review's reminder is sent once. ``dry_run`` counts and sends nothing. Two queries however many
    reviews; the emails go through ``core.notify`` (edx-ace).
    """
    today = today or timezone.localdate()
    days_before = reminder_days() if days_before is None else max(0, int(days_before))
    reviews = (
        Review.objects.filter(_window_q(today, days_before))
        .select_related("cycle", "employee__user", "manager__user")
        .select_for_update()
        .order_by("pk")
    )
    due = {}
    by_person = defaultdict(list)
    people = {}
    for review in reviews:
        key = reminder_key(review, today, days_before)
        if key is None or key == review.reminded_key:
            continue
        due[review.pk] = key
        for side in owed_by(review):
            person = review.employee if side == "employee" else review.manager
            if person is None or not person.active:
                continue
            people[person.pk] = person
            by_person[person.pk].append(_line(review, side, today))
    result = ReminderResult(reviews=len(due), people=len(by_person))
    if dry_run or not due:
        return result
    messages = [
        (StepsWaiting.NAME, people[person_id].user, {"lines": lines}, ()) for person_id, lines in by_person.items()
    ]
    result.emails = notify.send_many(messages)
    now = timezone.now()
    bulk_set(Review, ["reminded_key", "reminded_at"], {pk: (key, now) for pk, key in due.items()})
    return result
