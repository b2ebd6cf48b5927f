"""
The learning loop: what the LMS says (openedx-events, edx-completion) moves plan items, and a completed
competency-linked course adds course evidence to the person's assessments (their gap is recomputed with it).

Every event is applied to the person's course items through registers stamped with the event's own time (see
``models``): a duplicate (same openedx-events id) is skipped through :class:`ProcessedEvent`, an older event never
overwrites a newer fact, so any order of delivery ends in the same state. An event about an employee and a course
that no item tracks is kept as an :class:`UnmatchedEvent` and replayed onto the item when one is added
(:func:`catch_up`); block completions need no such log, edx-completion keeps them and ``catch_up`` counts them.

The work is split in two (ADR 0021). In the platform's request a receiver only *records* the event: one INSERT of
a pending :class:`ProcessedEvent` (``record_event`` / ``record_block_completion``), and asks for a worker after
the commit, once per person and course however many events the transaction sent (``tasks.enqueue_learning_events``).
The worker (``apply_pending``) applies every pending event of that person and course in one transaction: a fixed
number of queries (the locked items, the pending rows, one update by primary key, the rows stamped, plus the
evidence and its gap recomputation when an item completes), whatever the size of the plans or the organisation.
"""

import datetime
import logging
import uuid

from django.db import connections, router, transaction
from django.db.models import F
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..competencies import api as competencies_api
from ..competencies.api import Competency
from ..core.bulk import bulk_update_by_pk
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
    """
    Write the changed items -- one ``UPDATE ... WHERE id = %s`` of the changed columns for a single item (the
    usual case: one event, one item), one bulk update for several -- then evidence and recommendations for those
    that moved.
    """
    changed = [i for i in items if _state(i) != before[i.pk]]
    if not changed:
        return 0
    if len(changed) == 1:
        item = changed[0]
        old = dict(zip(ITEM_FIELDS, before[item.pk], strict=True))
        PlanItem.objects.filter(pk=item.pk).update(
            **{name: getattr(item, name) for name in ITEM_FIELDS if getattr(item, name) != old[name]}
        )
    else:  # a batch: one statement sent once with every row's values (no CASE per row and field)
        bulk_update_by_pk(PlanItem, ITEM_FIELDS, {i.pk: _state(i) for i in changed})
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
    # One batch for the assessments and the gap recomputation, whatever the number of items (a worker's batch).
    done, errors = competencies_api.record_course_evidence_batch(
        [
            (
                item.pk,
                people[item.owner_id],
                competencies[item.competency_id],
                item.target_level,
                item.course_key,
                f"plan-item:{item.pk}",
                f"Completed {item.course_key} (development plan item {item.pk}).",
            )
            for item in todo
        ]
    )
    for pk, exc in errors.items():  # an inactive person or a level no longer on the scale: keep the item done
        log.warning("perf-mgmt: no course evidence for plan item %s: %s", pk, exc)
    if done:
        PlanItem.objects.filter(pk__in=done).update(evidence_recorded=True)


# --- The platform's request: record the fact (one INSERT), a worker applies it after commit (ADR 0021) ----------


def record_event(event_id, event_type, user_id, course_key, occurred_at, fact, value, payload=None):
    """
    Record one openedx-events event for a worker (the receivers' only write in the platform's request): a pending
    :class:`ProcessedEvent` holding the fact -- ``enrollment`` (value: active), ``achievement`` (passed or
    certified) or ``grade`` (``(percent 0..1, passed_at)``) -- stamped with the event's own time. One
    ``INSERT ... ON CONFLICT DO NOTHING`` (``INSERT IGNORE`` on MySQL): a redelivered event (same id) is dropped by
    the database, with no savepoint and no error in the platform's transaction.
    """
    _insert(
        ProcessedEvent(
            event_id=str(event_id),
            event_type=event_type,
            user_id=user_id,
            course_key=course_key,
            occurred_at=occurred_at,
            payload={"fact": fact, "value": json_value(value), **(payload or {})},
        )
    )


def record_block_completion(user_id, course_key, block_key, completion, occurred_at=None):
    """
    Record that a BlockCompletion of the person in the course was saved (a fresh id: the worker recounts, so a
    repeated save is harmless). One INSERT.
    """
    _insert(
        ProcessedEvent(
            event_id=f"completion:{uuid.uuid4().hex}",
            event_type=BLOCK_COMPLETION_EVENT,
            user_id=user_id,
            course_key=course_key,
            occurred_at=occurred_at or timezone.now(),
            payload={"block_key": str(block_key), "completion": float(completion)},
        )
    )


#: Every column but the key: Django sets no database defaults, and ``INSERT OR IGNORE`` would drop a row missing a
#: NOT NULL column as silently as a duplicate.
_RECORD_FIELDS = tuple(f.name for f in ProcessedEvent._meta.concrete_fields if not f.primary_key)
_record_sql = {}


def _insert(row):
    """
    One ``INSERT`` that the database drops on a duplicate event id (``INSERT OR IGNORE`` / ``INSERT IGNORE`` /
    ``ON CONFLICT DO NOTHING``, as ``bulk_create(ignore_conflicts=True)`` writes it), built once per database and
    sent with each field's own ``get_db_prep_save`` values: the ORM's per-call compilation is most of an event's
    cost in the platform's request (benchmarks/bench_development.py).
    """
    connection = connections[router.db_for_write(ProcessedEvent)]
    meta = ProcessedEvent._meta
    fields = [meta.get_field(name) for name in _RECORD_FIELDS]
    sql = _record_sql.get(connection.alias)
    if sql is None:
        quote = connection.ops.quote_name
        on_conflict = OnConflict.IGNORE
        columns = ", ".join(quote(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = _record_sql[connection.alias] = " ".join(
            part
            for part in (
                connection.ops.insert_statement(on_conflict=on_conflict),
                f"{quote(meta.db_table)} ({columns}) VALUES ({marks})",
                connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
            )
            if part
        )
    if row.received_at is None:
        row.received_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields])


# --- The worker: apply the pending facts of one person and course ---------------------------------------------------


#: Pending events one task applies at most besides its own pair's (oldest first): set-wise under a backlog.
BATCH = 500


def apply_pending(user_id, course_key, batch=BATCH):
    """
    Apply the pending recorded events of the person in the course -- and, set-wise in the same transaction, up to
    ``batch`` other pending events, oldest first, so a worker behind a burst catches up in a few statements per
    batch rather than per event (the tasks of those pairs then find nothing to do: one indexed read). Raises on
    failure (see :func:`run_pending`); the task of ADR 0021.

    In order: the pending rows (plain reads), the course items of their people and courses (a locking read in
    primary-key order: workers for the same items take turns, the learner's requests never touch them), the same
    rows again by primary key with a locking read (those another worker applied meanwhile are skipped), the
    completed block counts (one query) when completions are among them. Each row is applied in event-time order
    to the registers (an older event never overwrites a newer fact: duplicates and any order of delivery end in the
    same state). Changed items are written by primary key (one bulk update when several), rows stamped applied
    (consumed completions deleted). Events of an employee no item tracks are kept as :class:`UnmatchedEvent` for
    :func:`catch_up`; anyone else's are none of the plugin's business. Returns the number of items changed.
    """
    course_key = parse_course_key(course_key)
    pending = ProcessedEvent.objects.filter(applied_at__isnull=True)
    mine = list(pending.filter(user_id=user_id, course_key=course_key).values_list("pk", flat=True))
    if not mine:
        return 0  # applied by an earlier task's batch
    others = list(pending.exclude(pk__in=mine).order_by("pk").values_list("pk", flat=True)[:batch]) if batch else []
    with transaction.atomic():
        pairs = set(ProcessedEvent.objects.filter(pk__in=mine + others).values_list("user_id", "course_key").distinct())
        items = _items_of_pairs(pairs)
        rows = list(
            ProcessedEvent.objects.select_for_update()
            .filter(pk__in=mine + others, applied_at__isnull=True)
            .order_by("occurred_at", "pk")
            .only("pk", "event_id", "event_type", "user_id", "course_key", "occurred_at", "payload")
        )
        if not rows:
            return 0
        return _apply_rows(rows, items)


def _items_of_pairs(pairs):
    """``{(user_id, course_key): [items]}`` of the pairs, locked (one query)."""
    users, keys = {u for u, _k in pairs}, {k for _u, k in pairs}
    items = {}
    rows = (
        PlanItem.objects.filter(owner__user_id__in=users, course_key__in=keys, kind__in=COURSE_KINDS)
        .exclude(status=PlanItem.CANCELLED)
        .annotate(owner_user_id=F("owner__user_id"))
        .select_for_update()
        .order_by("pk")
    )
    for item in rows:
        if (item.owner_user_id, item.course_key) in pairs:
            items.setdefault((item.owner_user_id, item.course_key), []).append(item)
    return items


def _apply_rows(rows, items_of):
    by_pair = {}
    for row in rows:
        by_pair.setdefault((row.user_id, row.course_key), []).append(row)
    unmatched = [pair for pair in by_pair if not items_of.get(pair)]
    kept = _keep_unmatched([r for pair in unmatched for r in by_pair[pair]], {u for u, _k in unmatched})
    items = [item for pair in by_pair for item in items_of.get(pair, ())]
    before = {i.pk: _state(i) for i in items}
    recount = {pair for pair, pair_rows in by_pair.items() if items_of.get(pair) and _has_completion(pair_rows)}
    counts = totals = {}
    if any(i.kind == KIND_COURSE for pair in recount for i in items_of[pair]):
        backend = get_backend()
        counts = backend.completed_blocks({u for u, _k in recount}, {k for _u, k in recount})
        totals = backend.completable_block_counts({k for _u, k in recount})
    changed_of = {}
    for pair, pair_rows in by_pair.items():
        pair_items = items_of.get(pair, ())
        for row in pair_rows:
            if row.event_type == BLOCK_COMPLETION_EVENT:
                for item in pair_items:
                    if item.kind == KIND_COURSE_PART and str(item.usage_key) == row.payload.get("block_key"):
                        _part_progress(item, float(row.payload.get("completion", 0.0)))
            else:
                fact, value = _fact(row.payload)
                for item in pair_items:
                    _apply(item, fact, value, row.occurred_at)
        for item in pair_items:
            if pair in recount and item.kind == KIND_COURSE:
                item.blocks_completed = counts.get(pair, 0)
            _derive(item, totals.get(pair[1]) if pair in recount else None)
            changed_of[pair] = changed_of.get(pair, 0) + (_state(item) != before[item.pk])
    changed = _save(items, before) if items else 0
    _consume(rows, changed_of, kept)
    return changed


def _has_completion(rows):
    return any(r.event_type == BLOCK_COMPLETION_EVENT for r in rows)


def _keep_unmatched(rows, users):
    """Keep the events of employees that no item tracks (one read, one insert); returns the pks kept or ignored."""
    if not rows:
        return set()
    employees = set(Employee.objects.filter(user_id__in=users).values_list("user_id", flat=True))
    UnmatchedEvent.objects.bulk_create(
        [
            UnmatchedEvent(
                event_id=row.event_id,
                event_type=row.event_type,
                user_id=row.user_id,
                course_key=row.course_key,
                occurred_at=row.occurred_at,
                payload=row.payload,
            )
            for row in rows
            if row.user_id in employees and row.event_type != BLOCK_COMPLETION_EVENT
        ],
        ignore_conflicts=True,
    )
    return {row.pk for row in rows}


def _fact(payload):
    fact, value = payload.get("fact"), payload.get("value")
    if fact == GRADE:
        value = tuple(value)
    return fact, value


def _consume(rows, changed_of, kept):
    """Stamp the applied rows with the items their pair changed (one update per distinct count); delete completions."""
    now = timezone.now()
    by_count = {}
    for row in rows:
        if row.event_type != BLOCK_COMPLETION_EVENT:
            count = 0 if row.pk in kept else changed_of.get((row.user_id, row.course_key), 0)
            by_count.setdefault(count, []).append(row.pk)
    for count, pks in by_count.items():
        ProcessedEvent.objects.filter(pk__in=pks).update(applied_at=now, items=count, payload={})
    completions = [row.pk for row in rows if row.event_type == BLOCK_COMPLETION_EVENT]
    if completions:
        ProcessedEvent.objects.filter(pk__in=completions).delete()


def run_pending(user_id, course_key):
    """
    The worker's entry point: :func:`apply_pending`, never lost on failure -- the pending rows become kept failures
    (:class:`UnmatchedEvent` with the error) for ``replay_failed_lms_events``; if even that fails they stay pending,
    and the same command applies stale pending rows.
    """
    try:
        return apply_pending(user_id, course_key)
    except Exception:  # pylint: disable=broad-except
        log.warning("perf-mgmt: a batch with the events of user id=%s failed; applying theirs alone", user_id)
    try:  # another pair's event in the batch may be the bad one: this pair alone
        return apply_pending(user_id, course_key, batch=0)
    except Exception as exc:  # pylint: disable=broad-except
        log.exception("perf-mgmt could not apply the events of user id=%s in %s; kept for replay", user_id, course_key)
        try:
            with transaction.atomic():
                _keep_pending_as_failed(user_id, course_key, exc)
        except Exception:  # pylint: disable=broad-except
            log.critical(
                "perf-mgmt could not keep the failed events of user id=%s; still pending", user_id, exc_info=True
            )
        return None


def _keep_pending_as_failed(user_id, course_key, error):
    rows = list(ProcessedEvent.objects.filter(user_id=user_id, course_key=course_key, applied_at__isnull=True))
    for row in rows:
        keep_failed_event(
            row.event_type,
            user_id,
            row.occurred_at,
            error,
            course_key=course_key,
            event_id=row.event_id,
            payload=row.payload,
        )
    ProcessedEvent.objects.filter(pk__in=[r.pk for r in rows]).delete()  # frees the ids for the replay


def json_value(value):
    """An event's value as JSON can store it (a grade's pass time as ISO text)."""
    if isinstance(value, tuple):
        return [item.isoformat() if hasattr(item, "isoformat") else item for item in value]
    return value


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


#: A recorded event still pending after this long lost its task (broker down, worker killed): replayed.
STALE_PENDING = datetime.timedelta(minutes=10)


def stale_pending_pairs(now=None):
    """``(user_id, course_key)`` of recorded events still pending ``STALE_PENDING`` after they were received."""
    cutoff = (now or timezone.now()) - STALE_PENDING
    return list(
        ProcessedEvent.objects.filter(applied_at__isnull=True, received_at__lt=cutoff)
        .values_list("user_id", "course_key")
        .distinct()
    )


def replay_failed_events(retire, limit=None):
    """
    Apply the recorded events whose task never ran (stale pending, one transaction per person and course), then
    the kept failures again, oldest first, each in its own transaction: a success removes the row (an event that
    still matches no item is kept again as an ordinary unmatched event); a new failure keeps the row with the new
    error. ``retire(user_id, retired_username, retired_email)`` replays a retirement. Returns
    ``(replayed, still_failing)``.
    """
    replayed = failing = 0
    for user_id, course_key in stale_pending_pairs():
        if run_pending(user_id, course_key) is None:
            failing += 1
        else:
            replayed += 1
    rows = list(failed_events()[:limit] if limit else failed_events())
    for row in rows:
        try:
            with transaction.atomic():
                row.delete()  # frees the event id for the bookkeeping of record_event
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
        return
    if row.event_type == BLOCK_COMPLETION_EVENT:
        record_block_completion(row.user_id, row.course_key, payload.get("block_key"), payload.get("completion", 1.0))
    else:
        fact, value = payload.get("fact"), payload.get("value")
        extra = {k: v for k, v in payload.items() if k not in ("fact", "value")}
        record_event(row.event_id, row.event_type, row.user_id, row.course_key, row.occurred_at, fact, value, extra)
    apply_pending(row.user_id, row.course_key)
