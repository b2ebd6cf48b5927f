"""
Check-ins: recurring series (per manager-employee pair or per team), the meetings (prepared by the employee, held
or missed), per-objective progress, status and confidence, impediments, help requests routed to the manager, notes
(shared, or private to their author), and check-ins recorded from a course (the check-in XBlock).

Writes check the actor against the strategy rules; reads scope by the same rules; private notes are filtered here,
in the one function every entry point uses to read notes (:func:`visible_notes`).
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core.access import can, require
from ..core.concurrency import atomic_retry, lock, lock_rows
from ..core.paths import subtree_q
from ..core.release import anonymity_min_group, released_prefix
from ..core.sanitize import sanitize_html
from ..org.api import Employee
from .errors import NoEmployeeRecordForStrategy, StrategyConflict, StrategyError
from .models import CheckIn, CheckInNote, CheckInObjective, CheckInSeries, HelpRequest, Impediment, Objective

CADENCE_DAYS = {CheckInSeries.WEEKLY: 7, CheckInSeries.FORTNIGHTLY: 14}
OPEN_STATUSES = (CheckIn.SCHEDULED, CheckIn.PREPARED)
#: At most this many past meetings of one series are created in one scheduling run.
MAX_CATCH_UP = 12
#: A course check-in sent without an idempotency key is taken for a repeat of an identical one this recent.
REPEAT_WINDOW = datetime.timedelta(seconds=30)
#: The fields a check-in's transitions read under lock (reloading only these keeps the cached relations).
STATE_FIELDS = ("status", "mode", "held_at", "prepared_at")


def employee_of(user):
    """The user's active employee record, or :class:`NoEmployeeRecordForStrategy`."""
    employee = (
        Employee.objects.select_related("user", "manager__user").filter(user=user, active=True).first()
        if user is not None and user.is_authenticated
        else None
    )
    if employee is None:
        raise NoEmployeeRecordForStrategy(
            _("Check-ins are for people with an employee record; ask your HR team to add yours.")
        )
    return employee


def next_date(day, cadence):
    """The next meeting date after ``day`` at ``cadence`` (monthly: same day next month, clamped to its end)."""
    if cadence in CADENCE_DAYS:
        return day + datetime.timedelta(days=CADENCE_DAYS[cadence])
    month0 = day.month
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for dom in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, dom)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------------------------
# Series and scheduling
# ---------------------------------------------------------------------------------------------------------------


@atomic_retry
def create_series(actor, *, manager, employee=None, team=None, cadence=CheckInSeries.WEEKLY, agenda=None, start=None):
    """
    Start recurring check-ins of ``manager`` with ``employee`` or a ``team`` (org unit); the first meeting(s) are
    scheduled for ``start`` (today). The actor must be able to run check-ins with the people concerned.
    """
    if (employee is None) == (team is None):
        raise StrategyError(_("A check-in series is with one person or one team."))
    if employee is not None:
        require(actor, "perf_mgmt.run_check_in", employee)
    else:
        require(actor, "perf_mgmt.run_team_check_in", team)
    if cadence not in dict(CheckInSeries.CADENCE_CHOICES):
        raise StrategyError(_("Choose weekly, fortnightly or monthly."))
    start = start or timezone.localdate()
    series = CheckInSeries.objects.create(
        manager=manager,
        employee=employee,
        team=team,
        cadence=cadence,
        agenda=list(agenda) if agenda else list(CheckInSeries.DEFAULT_AGENDA),
        start_date=start,
        next_due=start,
    )
    schedule_due(today=start, series_ids=[series.pk])
    return series


def _series_members(series_list):
    """``{series_id: [employee_id, ...]}``: the pair's employee, or the team's active members (not the manager)."""
    team_paths = {s.team.path for s in series_list if s.team_id}
    members_by_path = {}
    if team_paths:
        condition = Q(pk__in=[])
        for path in team_paths:
            condition |= subtree_q("org_unit__path", path)
        for pk, unit_path in Employee.objects.filter(condition, active=True).values_list("pk", "org_unit__path"):
            for path in team_paths:
                if unit_path.startswith(path):
                    members_by_path.setdefault(path, []).append(pk)
    result = {}
    for series in series_list:
        if series.employee_id:
            result[series.pk] = [series.employee_id]
        else:
            result[series.pk] = [pk for pk in members_by_path.get(series.team.path, []) if pk != series.manager_id]
    return result


@atomic_retry
def schedule_due(today=None, series_ids=None):
    """
    Create the check-ins of every active series that is due (``next_due <= today``), move each series on by its
    cadence, and mark as missed the meetings whose date passed without being held. Idempotent for a given day.
    Constant queries: the due series, their members, one insert, one update per series moved, one missed update.
    """
    today = today or timezone.localdate()
    qs = CheckInSeries.objects.filter(active=True, next_due__lte=today).select_related("team")
    if series_ids is not None:
        qs = qs.filter(pk__in=series_ids)
    due = list(qs)
    members = _series_members(due)
    rows = []
    for series in due:
        # Every meeting date up to today gets its check-in (a run that was skipped leaves no hole in the history,
        # so missed meetings stay visible), capped so a long-dormant series does not flood the dashboard.
        day, dates = series.next_due, []
        while day <= today:
            dates.append(day)
            day = next_date(day, series.cadence)
        for when in dates[-MAX_CATCH_UP:]:
            for employee_id in members[series.pk]:
                rows.append(
                    CheckIn(
                        series=series,
                        employee_id=employee_id,
                        manager_id=series.manager_id,
                        scheduled_for=when,
                        agenda=series.agenda,
                    )
                )
        series.next_due = day
    CheckIn.objects.bulk_create(rows)
    if due:
        CheckInSeries.objects.bulk_update(due, ["next_due"])
    missed = mark_missed(today)
    return {"scheduled": len(rows), "missed": missed}


def mark_missed(today=None):
    """Meetings dated before today and never held become ``missed`` (they stay visible on the dashboards)."""
    today = today or timezone.localdate()
    return CheckIn.objects.filter(status__in=OPEN_STATUSES, scheduled_for__lt=today, series__isnull=False).update(
        status=CheckIn.MISSED
    )


# ---------------------------------------------------------------------------------------------------------------
# Preparing and holding a check-in
# ---------------------------------------------------------------------------------------------------------------


def _record_entries(actor, check_in, entries):
    """Per-objective progress, status and confidence; objectives must be the employee's and visible to the actor."""
    if not entries:
        return
    ids = [int(entry["objective"]) for entry in entries]
    objectives = {o.pk: o for o in Objective.objects.filter(pk__in=ids, active=True)}
    rows = []
    for entry in entries:
        objective = objectives.get(int(entry["objective"]))
        if objective is None or not can(actor, "perf_mgmt.view_objective", objective):
            raise StrategyError(_("Unknown objective."))
        confidence = entry.get("confidence")
        if confidence not in (None, "") and not 1 <= int(confidence) <= 10:
            raise StrategyError(_("Confidence is from 1 to 10."))
        status = entry.get("status") or ""
        if status and status not in dict(Objective.STATUS_CHOICES):
            raise StrategyError(_("Unknown status."))
        rows.append(
            CheckInObjective(
                check_in=check_in,
                objective=objective,
                progress=entry.get("progress"),
                status=status,
                confidence=int(confidence) if confidence not in (None, "") else None,
                comment=sanitize_html(entry.get("comment", "")),
            )
        )
    CheckInObjective.objects.filter(check_in=check_in, objective_id__in=ids).delete()
    CheckInObjective.objects.bulk_create(rows)


def _already(model, **lookups):
    """
    Whether a row like this exists, by a locking read (the latest committed rows, not the snapshot): called under
    the check-in's lock, so a repeated prepare or hold adds no second copy of the same impediment, request or note.
    """
    return model.objects.select_for_update().filter(**lookups).exists()


def _raise_items(actor, employee, check_in, impediments, help_requests, notes=(), course_key=""):
    """
    The impediments, help requests and notes given with a prepare or hold of ``check_in`` (locked by the caller);
    one already on this check-in with the same text is not added again (a double submit, a retry).
    """
    for item in impediments or ():
        item = {"description": item} if isinstance(item, str) else item
        if not _already(Impediment, check_in=check_in, description=sanitize_html(item.get("description") or "")):
            raise_impediment(actor, employee, check_in=check_in, **item)
    for item in help_requests or ():
        item = {"body": item} if isinstance(item, str) else item
        if not _already(HelpRequest, check_in=check_in, body=sanitize_html(item.get("body") or "")):
            request_help(actor, employee, check_in=check_in, course_key=course_key, **item)
    for note in notes or ():
        note = {"body": note} if isinstance(note, str) else note
        if not _already(CheckInNote, check_in=check_in, author=actor, body=sanitize_html(note.get("body") or "")):
            add_note(actor, check_in, **note)


@atomic_retry
def prepare(actor, check_in, *, entries=(), impediments=(), help_requests=(), notes=()):
    """
    The employee's part, before the meeting: progress per objective, impediments, help needed, notes.

    The check-in is locked and its status checked under the lock: a prepare that loses the race with the manager's
    hold is refused (:class:`StrategyConflict`) instead of turning a held check-in back into a prepared one.
    """
    lock(check_in, fields=STATE_FIELDS)
    require(actor, "perf_mgmt.prepare_check_in", check_in)
    if check_in.status not in OPEN_STATUSES:
        raise StrategyConflict(_("This check-in is closed: it was recorded as held or missed in the meantime."))
    _record_entries(actor, check_in, entries)
    _raise_items(actor, check_in.employee, check_in, impediments, help_requests, notes)
    check_in.status = CheckIn.PREPARED
    check_in.prepared_at = timezone.now()
    check_in.save(update_fields=["status", "prepared_at"])
    return check_in


@atomic_retry
def hold(actor, check_in, *, mode, entries=(), next_actions="", notes=(), impediments=(), help_requests=()):
    """
    The manager records the meeting as held (face to face or by video) with what was agreed. Under the check-in's
    lock: a second hold (a double submit, another tab) is refused with :class:`StrategyConflict`.
    """
    lock(check_in, fields=STATE_FIELDS)
    require(actor, "perf_mgmt.run_check_in", check_in.employee)
    if mode not in (CheckIn.FACE_TO_FACE, CheckIn.VIDEO):
        raise StrategyError(_("Say whether the check-in was face to face or by video."))
    if check_in.status == CheckIn.HELD:
        raise StrategyConflict(_("This check-in is already recorded."))
    _record_entries(actor, check_in, entries)
    _raise_items(actor, check_in.employee, check_in, impediments, help_requests, notes)
    check_in.status = CheckIn.HELD
    check_in.mode = mode
    check_in.held_at = timezone.now()
    check_in.next_actions = sanitize_html(next_actions)
    check_in.save(update_fields=["status", "mode", "held_at", "next_actions"])
    return check_in


def add_note(actor, check_in, body, private=False):
    """A note by one of the two people of the check-in; a private note is only ever shown to its author."""
    require(actor, "perf_mgmt.view_check_in", check_in)
    if not body or not body.strip():
        raise StrategyError(_("Write the note first."))
    return CheckInNote.objects.create(check_in=check_in, author=actor, body=sanitize_html(body), private=bool(private))


def visible_notes(user, check_in_ids):
    """The notes of these check-ins ``user`` may read: shared ones, and private ones they wrote themselves."""
    return CheckInNote.objects.filter(check_in_id__in=check_in_ids).filter(Q(private=False) | Q(author=user))


# ---------------------------------------------------------------------------------------------------------------
# Impediments and help requests
# ---------------------------------------------------------------------------------------------------------------


def raise_impediment(actor, employee, *, description, severity=Impediment.MEDIUM, check_in=None, objective=None):
    require(actor, "perf_mgmt.raise_for", employee)
    if severity not in dict(Impediment.SEVERITY_CHOICES):
        raise StrategyError(_("Unknown severity."))
    if not description or not description.strip():
        raise StrategyError(_("Describe the impediment."))
    return Impediment.objects.create(
        employee=employee,
        check_in=check_in,
        objective=objective,
        description=sanitize_html(description),
        severity=severity,
    )


def request_help(actor, employee, *, body, check_in=None, objective=None, course_key=""):
    """A request for help, routed to the employee's current manager (shown to them until resolved)."""
    require(actor, "perf_mgmt.raise_for", employee)
    if not body or not body.strip():
        raise StrategyError(_("Say what help you need."))
    return HelpRequest.objects.create(
        employee=employee,
        routed_to_id=employee.manager_id,
        check_in=check_in,
        objective=objective,
        body=sanitize_html(body),
        course_key=str(course_key or ""),
    )


@atomic_retry
def resolve(actor, item, resolution=""):
    """
    Close an impediment or a help request (their manager, a delegate or HR in scope). Idempotent: checked under
    the item's lock, a second resolve (double click, another manager) leaves the first one's resolution.
    """
    lock(item, fields=("resolved_at", "resolved_by", *(("resolution",) if isinstance(item, HelpRequest) else ())))
    require(actor, "perf_mgmt.resolve_for", item.employee)
    if item.resolved_at is not None:
        return item
    item.resolved_at = timezone.now()
    item.resolved_by = actor
    fields = ["resolved_at", "resolved_by"]
    if isinstance(item, HelpRequest):
        item.resolution = sanitize_html(resolution)
        fields.append("resolution")
    item.save(update_fields=fields)
    return item


def open_help_requests_for(user):
    """
    Unresolved help requests the user should act on: routed to them, from anyone in their team, or (HR admins) from
    anyone in their scope.
    """
    from .access import team_employees_q  # pylint: disable=import-outside-toplevel

    context_employee = Employee.objects.filter(user=user, active=True).values_list("pk", flat=True)
    return (
        HelpRequest.objects.filter(resolved_at__isnull=True)
        .filter(Q(routed_to_id__in=context_employee) | team_employees_q(user, "employee__"))
        .select_related("employee__user", "objective")
    )


# ---------------------------------------------------------------------------------------------------------------
# Check-ins from a course (the check-in XBlock)
# ---------------------------------------------------------------------------------------------------------------


def related_objective(employee, course_key):
    """The learner's open objective that names this course, else their nearest open one whose line names it."""
    course_key = str(course_key)
    own = Objective.objects.filter(owner=employee, active=True).exclude(status=Objective.DONE)
    found = own.filter(course_key=course_key).order_by("due_date", "pk").first()
    if found is not None:
        return found
    linked_paths = list(
        Objective.objects.filter(course_key=course_key, active=True).values_list("path", flat=True)[:50]
    )
    if not linked_paths:
        return None
    condition = Q(pk__in=[])
    for path in linked_paths:
        condition |= subtree_q("path", path)
    return own.filter(condition).order_by("due_date", "pk").first()


def _repeated_course_checkin(employee, course_key, usage_key, request_key, texts):
    """
    The check-in this submission repeats, if any (read under the employee's lock, by a locking read): the one made
    with the same ``request_key``; without a key, an identical one from the same block in the last
    :data:`REPEAT_WINDOW` (a double click of a client that sends no key).
    """
    mine = CheckIn.objects.select_for_update().filter(employee=employee)
    if request_key:
        return mine.filter(request_key=request_key).first()
    steps_done, reflection, impediments, help_request = texts
    same = mine.filter(
        course_key=str(course_key),
        usage_key=str(usage_key or ""),
        steps_done=steps_done,
        reflection=reflection,
        created__gte=timezone.now() - REPEAT_WINDOW,
    )
    same = same.filter(impediments__description=impediments) if impediments else same.filter(impediments=None)
    same = same.filter(help_requests__body=help_request) if help_request else same.filter(help_requests=None)
    return same.order_by("pk").first()


@atomic_retry
def record_course_checkin(
    user,
    course_key,
    usage_key,
    steps_done="",
    reflection="",
    impediments="",
    help_request="",
    request_key=None,
):
    """
    A learner's check-in from inside a course: how they are applying the module on the job. Linked to their related
    objective where one exists (:func:`related_objective`); an impediment and a help request (routed to their
    manager) are raised when given. Raises ``NoEmployeeRecord`` for users without an employee record.

    Idempotent (ADR 0015): the employee's row is locked, then a submission with the ``request_key`` of an earlier
    one (the XBlock's form sends one per filling), or without a key identical to one made seconds ago, returns that
    check-in and writes nothing.
    """
    employee = employee_of(user)
    steps_done, reflection = (steps_done or "").strip(), (reflection or "").strip()
    impediments, help_request = (impediments or "").strip(), (help_request or "").strip()
    if not any((steps_done, reflection, impediments, help_request)):
        raise StrategyError(_("Write at least one answer before submitting."))
    request_key = str(request_key or "").strip()[:64] or None
    lock_rows(Employee, [employee.pk])
    texts = tuple(sanitize_html(text) for text in (steps_done, reflection, impediments, help_request))
    repeated = _repeated_course_checkin(employee, course_key, usage_key, request_key, texts)
    if repeated is not None:
        return repeated
    objective = related_objective(employee, course_key)
    check_in = CheckIn.objects.create(
        request_key=request_key,
        employee=employee,
        manager_id=employee.manager_id,
        scheduled_for=timezone.localdate(),
        status=CheckIn.HELD,
        mode=CheckIn.ASYNC,
        held_at=timezone.now(),
        steps_done=sanitize_html(steps_done),
        reflection=sanitize_html(reflection),
        course_key=str(course_key),
        usage_key=str(usage_key or ""),
    )
    if objective is not None:
        CheckInObjective.objects.create(check_in=check_in, objective=objective, comment=sanitize_html(steps_done))
    if impediments:
        raise_impediment(user, employee, description=impediments, check_in=check_in, objective=objective)
    if help_request:
        request_help(user, employee, body=help_request, check_in=check_in, objective=objective, course_key=course_key)
    return check_in


def course_checkins_of(user, course_key, usage_key=None):
    """The user's own check-ins recorded in this course (newest first)."""
    qs = CheckIn.objects.filter(employee__user=user, course_key=str(course_key))
    if usage_key is not None:
        qs = qs.filter(usage_key=str(usage_key))
    return qs


def course_checkin_summary(course_key, usage_key=None):
    """
    Aggregates for the course's staff (entry points check ``perf_mgmt.view_course_data``): how many check-ins and
    people, how many raised impediments and asked for help (open or resolved), how many are linked to an objective.
    No names and no free text: staff of a course are not the learners' managers.

    The figures are released in steps (``core.release.released_prefix``): only the check-ins up to the last step
    holding check-ins of at least ``anonymity_min_group()`` distinct learners are counted, so reading before and
    after one learner checks in shows no change, or a change made by that many learners (all zero before the first
    step). Two queries.
    """
    qs = CheckIn.objects.filter(course_key=str(course_key))
    if usage_key is not None:
        qs = qs.filter(usage_key=str(usage_key))
    cutoff = released_prefix(qs.order_by("pk").values_list("employee_id", "pk"), anonymity_min_group())
    figures = qs.filter(pk__lte=cutoff or 0).aggregate(
        check_ins=Count("pk", distinct=True),
        learners=Count("employee", distinct=True),
        with_impediment=Count("pk", filter=Q(impediments__isnull=False), distinct=True),
        with_help_request=Count("pk", filter=Q(help_requests__isnull=False), distinct=True),
        open_help_requests=Count("help_requests", filter=Q(help_requests__resolved_at__isnull=True), distinct=True),
        linked_to_objective=Count("pk", filter=Q(objective_entries__isnull=False), distinct=True),
    )
    return figures
