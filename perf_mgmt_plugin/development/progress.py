"""
The learning loop: what the LMS says (openedx-events, edx-completion) moves plan items, and a completed
competency-linked course adds course evidence to the person's assessments (their gap is recomputed with it).

Every event is applied to the person's course items through registers stamped with the event's own time (see
``models``): a duplicate (same openedx-events id) is skipped through :class:`ProcessedEvent`, an older event never
overwrites a newer fact, so any order of delivery ends in the same state. An event about an employee and a course
that no item tracks is kept as an :class:`UnmatchedEvent` and replayed onto the item when one is added
(:func:`catch_up`); block completions need no such log, edx-completion keeps them and ``catch_up`` counts them.

Each event costs a fixed number of queries (the items, the processed-event insert, one update, plus the evidence
and its gap recomputation when an item completes), whatever the size of the plans or the organisation.
"""

import logging
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..competencies import api as competencies_api
from ..competencies.api import Competency, CompetencyError
from ..openedx import get_backend
from ..openedx.backend import parse_course_key
from ..org.api import Employee
from .models import KIND_COURSE, KIND_COURSE_PART, PlanItem, ProcessedEvent, UnmatchedEvent

log = logging.getLogger(__name__)

COURSE_KINDS = (KIND_COURSE, KIND_COURSE_PART)
ENROLLMENT = "enrollment"
ACHIEVEMENT = "achievement"
GRADE = "grade"
#: Fields an event may change on an item (one bulk update).
ITEM_FIELDS = [
    "status",
    "progress",
    "enrolled",
    "enrollment_at",
    "achieved",
    "achieved_at",
    "grade_percent",
    "grade_at",
    "blocks_completed",
    "completed_at",
]


def _newer(stamp, when):
    return stamp is None or when >= stamp


def _apply(item, fact, value, when):
    """Set one register of ``item`` if ``when`` is not older than what it holds. Returns whether it changed."""
    if fact == ENROLLMENT and item.kind in COURSE_KINDS and _newer(item.enrollment_at, when):
        item.enrolled, item.enrollment_at = bool(value), when
        return True
    if item.kind != KIND_COURSE:
        return False
    if fact == ACHIEVEMENT and _newer(item.achieved_at, when):
        item.achieved, item.achieved_at = bool(value), when
        return True
    if fact == GRADE and _newer(item.grade_at, when):
        percent, passed_at = value
        item.grade_percent, item.grade_at = percent, when
        # ``passed_timestamp`` says the learner *ever* passed, and when: the pass is stamped with that time, so a
        # revocation or a "no longer passing" newer than the pass still wins over any later grade change.
        passed_at = _passed_at(passed_at, when)
        if passed_at is not None and _newer(item.achieved_at, passed_at):
            item.achieved, item.achieved_at = True, passed_at
        return True
    return False


def _passed_at(passed, when):
    """The time of the pass a grade event carries: a datetime (or its ISO text, once stored), or ``None``."""
    if passed is None or passed is False:
        return None
    if passed is True:  # events kept before the pass time was recorded
        return when
    if isinstance(passed, str):
        parsed = parse_datetime(passed)
        return parsed if parsed is not None else when
    return passed


def _derive(item, total_blocks=None, now=None):
    """Status and progress from the registers. Untracked (proposed, cancelled) items only keep their registers."""
    if item.status not in PlanItem.TRACKED_STATUSES:
        return
    now = now or timezone.now()
    if item.kind == KIND_COURSE:
        parts = []
        if total_blocks:
            parts.append(100.0 * item.blocks_completed / total_blocks)
        if item.grade_percent is not None:
            parts.append(100.0 * item.grade_percent)
        item.progress = min(99, round(max(parts))) if parts else 0
    if item.achieved:
        item.status, item.progress = PlanItem.COMPLETED, 100
        item.completed_at = item.completed_at or now
        return
    if item.status == PlanItem.COMPLETED:  # a revoked certificate (newer than any pass) reopens the item
        item.status, item.completed_at = PlanItem.IN_PROGRESS, None
    if item.status == PlanItem.APPROVED and (item.enrolled or item.blocks_completed or item.progress):
        item.status = PlanItem.IN_PROGRESS


def _save(items, before):
    """One update for the changed items, then evidence and recommendations for those that moved."""
    changed = [i for i in items if _state(i) != before[i.pk]]
    if not changed:
        return 0
    PlanItem.objects.bulk_update(changed, ITEM_FIELDS)
    completed = [i for i in changed if i.status == PlanItem.COMPLETED and before[i.pk][0] != PlanItem.COMPLETED]
    _record_evidence(completed)
    enrolled = [i.recommendation_id for i in changed if i.recommendation_id and i.enrolled]
    competencies_api.follow_plan_items(
        enrolled_ids=enrolled, completed_ids=[i.recommendation_id for i in completed if i.recommendation_id]
    )
    return len(changed)


def _state(item):
    return tuple(getattr(item, name) for name in ITEM_FIELDS)


def _record_evidence(items):
    """
    A completed competency-linked course item becomes ``course`` evidence at its target level (once per item: a
    course passed again after a revocation adds nothing). The person's gap is recomputed by the competencies
    services.
    """
    todo = [i for i in items if i.competency_id and i.target_level and i.course_key and not i.evidence_recorded]
    if not todo:
        return
    people = {e.pk: e for e in Employee.objects.filter(pk__in={i.owner_id for i in todo})}
    competencies = {c.pk: c for c in Competency.objects.filter(pk__in={i.competency_id for i in todo})}
    done = []
    for item in todo:  # one item per event in practice; a template catch-up is bounded by the template's items
        try:
            competencies_api.record_course_evidence(
                people[item.owner_id],
                competencies[item.competency_id],
                item.target_level,
                item.course_key,
                context_id=f"plan-item:{item.pk}",
                evidence=f"Completed {item.course_key} (development plan item {item.pk}).",
            )
        except CompetencyError as exc:  # an inactive person or a level no longer on the scale: keep the item done
            log.warning("perf-mgmt: no course evidence for plan item %s: %s", item.pk, exc)
            continue
        done.append(item.pk)
    if done:
        PlanItem.objects.filter(pk__in=done).update(evidence_recorded=True)


def _items_of(user_id, course_key, kinds=COURSE_KINDS):
    return list(
        PlanItem.objects.filter(owner__user_id=user_id, course_key=course_key, kind__in=kinds).exclude(
            status=PlanItem.CANCELLED
        )
    )


@transaction.atomic
def apply_event(event_id, event_type, user_id, course_key, occurred_at, fact, value, payload=None):
    """
    Apply one openedx-events event: ``fact`` is ``enrollment`` (value: active), ``achievement`` (value: passed or
    certified) or ``grade`` (value: ``(percent 0..1, passed_at)``, the time the learner first passed or ``None``),
    ``occurred_at`` the event's own time. Returns
    ``"duplicate"``, ``"unmatched"`` (logged), ``"ignored"`` (not an employee) or the number of items changed.
    """
    course_key = parse_course_key(course_key)
    items = _items_of(user_id, course_key)
    try:
        with transaction.atomic():
            ProcessedEvent.objects.create(
                event_id=str(event_id),
                event_type=event_type,
                user_id=user_id,
                course_key=course_key,
                occurred_at=occurred_at,
                items=len(items),
            )
    except IntegrityError:
        return "duplicate"
    if not items:
        if not Employee.objects.filter(user_id=user_id).exists():
            return "ignored"  # learners outside the organisation are none of the plugin's business
        UnmatchedEvent.objects.create(
            event_id=str(event_id),
            event_type=event_type,
            user_id=user_id,
            course_key=course_key,
            occurred_at=occurred_at,
            payload={"fact": fact, "value": json_value(value), **(payload or {})},
        )
        return "unmatched"
    before = {i.pk: _state(i) for i in items}
    for item in items:
        _apply(item, fact, value, occurred_at)
        _derive(item)
    return _save(items, before)


def json_value(value):
    """An event's value as JSON can store it (a grade's pass time as ISO text)."""
    if isinstance(value, tuple):
        return [item.isoformat() if hasattr(item, "isoformat") else item for item in value]
    return value


@transaction.atomic
def apply_block_completion(user_id, course_key, block_key, completion):
    """
    A BlockCompletion row was saved: the course's items count the completed blocks (progress against the number
    of completable blocks, where the platform backend knows it), an item for that very block (a part of a course)
    takes its completion. Recounting makes it idempotent and order-free. Returns the number of items changed.
    """
    course_key = parse_course_key(course_key)
    items = _items_of(user_id, course_key)
    if not items:
        return 0
    backend = get_backend()
    before = {i.pk: _state(i) for i in items}
    totals = {}
    if any(i.kind == KIND_COURSE for i in items):
        count = backend.completed_blocks([user_id], [course_key]).get((user_id, course_key), 0)
        totals = backend.completable_block_counts([course_key])
        for item in items:
            if item.kind == KIND_COURSE:
                item.blocks_completed = count
    for item in items:
        if item.kind == KIND_COURSE_PART and str(item.usage_key) == str(block_key):
            _part_progress(item, completion)
        _derive(item, totals.get(course_key))
    return _save(items, before)


def _part_progress(item, completion):
    item.progress = round(100 * max(0.0, min(1.0, completion)))
    if completion >= 1.0:
        item.achieved, item.achieved_at = True, item.achieved_at or timezone.now()
    elif item.progress and item.status == PlanItem.APPROVED:
        item.status = PlanItem.IN_PROGRESS


def mark_enrolled(items, when=None):
    """The plugin enrolled the owners itself (assignment, approval, self-enrolment): items follow at once."""
    items = [i for i in items if i.kind in COURSE_KINDS]
    if not items:
        return 0
    when = when or timezone.now()
    before = {i.pk: _state(i) for i in items}
    for item in items:
        if not item.enrolled:
            item.enrolled, item.enrollment_at = True, max(item.enrollment_at or when, when)
        _derive(item)
    return _save(items, before)


def catch_up(items):
    """
    New course items learn what the LMS already said: unmatched events of the same person and course (replayed in
    event-time order, then marked resolved) and the blocks already completed. A constant number of queries for any
    number of items.
    """
    items = [i for i in items if i.kind in COURSE_KINDS and i.course_key and i.status != PlanItem.CANCELLED]
    if not items:
        return 0
    user_of = dict(Employee.objects.filter(pk__in={i.owner_id for i in items}).values_list("pk", "user_id"))
    keys = {i.course_key for i in items}
    before = {i.pk: _state(i) for i in items}
    events = list(
        UnmatchedEvent.objects.filter(
            user_id__in=set(user_of.values()), course_key__in=keys, resolved_at__isnull=True, error=""
        ).order_by("occurred_at", "pk")
    )
    by_pair = {}
    for item in items:
        by_pair.setdefault((user_of[item.owner_id], item.course_key), []).append(item)
    events = [e for e in events if (e.user_id, e.course_key) in by_pair]  # the query crosses users and courses
    for event in events:
        fact, value = event.payload.get("fact"), event.payload.get("value")
        if fact == GRADE:
            value = tuple(value)
        for item in by_pair[(event.user_id, event.course_key)]:
            _apply(item, fact, value, event.occurred_at)
    backend = get_backend()
    counts = backend.completed_blocks(set(user_of.values()), keys)
    totals = backend.completable_block_counts(keys)
    parts = {}
    part_keys = [i.usage_key for i in items if i.kind == KIND_COURSE_PART and i.usage_key]
    if part_keys:
        parts = backend.block_completions(set(user_of.values()), part_keys)
    for item in items:
        user_id = user_of[item.owner_id]
        if item.kind == KIND_COURSE:
            item.blocks_completed = counts.get((user_id, item.course_key), item.blocks_completed)
        elif (user_id, str(item.usage_key)) in parts:
            _part_progress(item, parts[(user_id, str(item.usage_key))])
        _derive(item, totals.get(item.course_key))
    if events:
        UnmatchedEvent.objects.filter(pk__in=[e.pk for e in events]).update(resolved_at=timezone.now())
    return _save(items, before)


# ----------------------------------------------------------------------------------------------------------------
# Platform signals whose handling failed on our side: kept, then replayed (``replay_failed_lms_events``)
# ----------------------------------------------------------------------------------------------------------------

#: ``event_type`` of kept signals that are not openedx-events events.
BLOCK_COMPLETION_EVENT = "perf_mgmt.completion.block_completion.saved"
RETIREMENT_EVENT = "perf_mgmt.user.retirement"


def keep_failed_event(event_type, user_id, occurred_at, error, course_key=None, event_id=None, payload=None):
    """
    Keep a platform signal whose handling failed (the receiver logged it and returned): an :class:`UnmatchedEvent`
    with the error, replayed by :func:`replay_failed_events`. An event already kept is updated, not duplicated.
    """
    UnmatchedEvent.objects.update_or_create(
        event_id=str(event_id or uuid.uuid4()),
        defaults={
            "event_type": event_type,
            "user_id": user_id,
            "course_key": course_key,
            "occurred_at": occurred_at or timezone.now(),
            "payload": payload or {},
            "error": str(error)[:2000] or type(error).__name__,
            "resolved_at": None,
        },
    )


def failed_events():
    """The kept failures not replayed yet, oldest first."""
    return UnmatchedEvent.objects.exclude(error="").filter(resolved_at__isnull=True).order_by("occurred_at", "pk")


def replay_failed_events(retire, limit=None):
    """
    Apply the kept failures again, oldest first, each in its own transaction: a success removes the row (an event
    that still matches no item is kept again as an ordinary unmatched event); a new failure keeps the row with the
    new error. ``retire(user_id, retired_username, retired_email)`` replays a retirement. Returns
    ``(replayed, still_failing)``.
    """
    rows = list(failed_events()[:limit] if limit else failed_events())
    replayed = failing = 0
    for row in rows:
        try:
            with transaction.atomic():
                row.delete()  # frees the event id for apply_event's own bookkeeping
                _replay(row, retire)
        except Exception as exc:  # pylint: disable=broad-except
            log.exception("perf-mgmt: replaying %s (%s) failed again", row.event_type, row.event_id)
            # The transaction rolled back the delete: the row is still there, with the new error.
            UnmatchedEvent.objects.filter(pk=row.pk).update(error=str(exc)[:2000] or type(exc).__name__)
            failing += 1
        else:
            replayed += 1
    return replayed, failing


def _replay(row, retire):
    payload = row.payload or {}
    if row.event_type == RETIREMENT_EVENT:
        retire(row.user_id, payload.get("retired_username"), payload.get("retired_email"))
    elif row.event_type == BLOCK_COMPLETION_EVENT:
        apply_block_completion(row.user_id, row.course_key, payload.get("block_key"), float(payload["completion"]))
    else:
        fact, value = payload.get("fact"), payload.get("value")
        if fact == GRADE:
            value = tuple(value)
        extra = {k: v for k, v in payload.items() if k not in ("fact", "value")}
        apply_event(row.event_id, row.event_type, row.user_id, row.course_key, row.occurred_at, fact, value, extra)
