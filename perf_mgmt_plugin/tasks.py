"""
Celery tasks: thin adapters over the domains, safe to run more than once (a retried or duplicated message finds
its work already done and does nothing).

Pages and API views enqueue them through the ``enqueue_*`` helpers, which wait for the surrounding transaction to
commit so that a worker never looks for a row that is not visible yet.
"""

from celery import shared_task
from django.conf import settings
from django.db import transaction

from .org import api as org_api


@shared_task(name="perf_mgmt.run_org_import", ignore_result=True)
def run_org_import(job_id):
    """Run a pending org chart import job (progress, result and status are recorded on the job)."""
    org_api.run_job(job_id)


def enqueue_org_import(job):
    """Run ``job`` in a worker once the current transaction commits, on ``PERF_MGMT_CELERY_QUEUE`` if set."""
    queue = settings.PERF_MGMT_CELERY_QUEUE
    options = {"queue": queue} if queue else {}
    transaction.on_commit(lambda: run_org_import.apply_async((job.pk,), **options))


@shared_task(name="perf_mgmt.recompute_gaps", ignore_result=True)
def recompute_gaps(employee_ids=None, competency_ids=None, snapshot=True):
    """
    Recompute stored competency gaps (everyone, or the given people / competencies) and, for a full run, store
    today's snapshot for the trends. Safe to repeat: the recomputation writes only real differences and the
    snapshot replaces the day's rows. Schedule it nightly: a safety net for changes made outside the plugin
    (e.g. directly in the database).
    """
    from .competencies import api as competencies_api  # pylint: disable=import-outside-toplevel

    result = competencies_api.recompute_gaps(employee_ids=employee_ids, competency_ids=competency_ids)
    if snapshot and employee_ids is None and competency_ids is None:
        competencies_api.create_snapshot()
    return result.__dict__


@shared_task(name="perf_mgmt.recompute_gaps_of_users", ignore_result=True)
def recompute_gaps_of_users(user_ids):
    """Recompute the competency gaps of the people with these LMS user ids (after a bulk org import)."""
    from .competencies import api as competencies_api  # pylint: disable=import-outside-toplevel
    from .org.api import employee_ids_of_users  # pylint: disable=import-outside-toplevel

    return competencies_api.recompute_gaps(employee_ids=employee_ids_of_users(user_ids)).__dict__


def enqueue_gap_recompute_of_users(user_ids):
    """Recompute these people's gaps in a worker once the current transaction commits."""
    queue = settings.PERF_MGMT_CELERY_QUEUE
    options = {"queue": queue} if queue else {}
    user_ids = list(user_ids)
    transaction.on_commit(lambda: recompute_gaps_of_users.apply_async((user_ids,), **options))


@shared_task(name="perf_mgmt.send_plan_reminders", ignore_result=True)
def send_plan_reminders(interval_days=7):
    """
    Email people (manager in copy) about their overdue development plan items. Schedule it daily; each item is
    reminded at most once per ``interval_days``, so a retried or duplicated run sends nothing twice.
    """
    from .development import api as development_api  # pylint: disable=import-outside-toplevel

    return development_api.send_overdue_reminders(interval_days=interval_days).__dict__


@shared_task(name="perf_mgmt.recompute_strategy", ignore_result=True)
def recompute_strategy(period_ids=None, notify=True):
    """
    Recompute progress, pace, status and forecast of every active objective (or those of ``period_ids``), notifying
    owners' managers of worse statuses. Schedule it nightly: forecasts move with the calendar even when nobody
    records progress. Safe to repeat: unchanged objectives are not written and an unchanged status notifies nobody.
    """
    from .strategy import api as strategy_api  # pylint: disable=import-outside-toplevel

    return strategy_api.recompute_all(period_ids=period_ids, notify=notify).as_dict()


@shared_task(name="perf_mgmt.schedule_check_ins", ignore_result=True)
def schedule_check_ins():
    """
    Create the due meetings of every check-in series and mark past unheld meetings as missed. Schedule it daily;
    idempotent for a given day.
    """
    from .strategy import api as strategy_api  # pylint: disable=import-outside-toplevel

    return strategy_api.schedule_due()


@shared_task(name="perf_mgmt.launch_review_cycle", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def launch_review_cycle(cycle_id):
    """
    Create the reviews of a launching appraisal cycle in batches, recording progress on the cycle (the cycle page
    shows it). Acknowledged late: a message whose worker was killed is delivered again (the run resumes once the
    launch is stale). Safe to repeat: a duplicated message finds the launch held or done and does nothing; people
    who already have a review in the cycle are skipped, so a re-run after a failure only adds what is missing.
    """
    from . import api  # pylint: disable=import-outside-toplevel

    return api.run_cycle_launch(cycle_id)


def enqueue_cycle_launch(cycle):
    """Launch ``cycle`` (after ``api.start_cycle_launch``) in a worker once the current transaction commits."""
    queue = settings.PERF_MGMT_CELERY_QUEUE
    options = {"queue": queue} if queue else {}
    cycle_id = cycle.pk
    transaction.on_commit(lambda: launch_review_cycle.apply_async((cycle_id,), **options))


@shared_task(name="perf_mgmt.add_late_joiners_of_users", ignore_result=True)
def add_late_joiners_of_users(user_ids):
    """Give the people with these LMS user ids a review in the active cycles they now belong to (after an import)."""
    from . import api  # pylint: disable=import-outside-toplevel

    return api.add_late_joiners(user_ids=user_ids)


def enqueue_import_follow_ups(user_ids):
    """
    The follow-ups of a bulk org import for the people it created or moved, sent to workers once it commits (one
    commit callback): their competency gaps, and their reviews in the active appraisal cycles they joined.
    """
    queue = settings.PERF_MGMT_CELERY_QUEUE
    options = {"queue": queue} if queue else {}
    user_ids = list(user_ids)

    def send():
        recompute_gaps_of_users.apply_async((user_ids,), **options)
        add_late_joiners_of_users.apply_async((user_ids,), **options)

    transaction.on_commit(send)


@shared_task(name="perf_mgmt.send_appraisal_reminders", ignore_result=True)
def send_appraisal_reminders(days_before=None):
    """
    Email the people who owe a step of a review in an active cycle, ``PERF_MGMT_APPRAISAL_REMINDER_DAYS`` before its
    deadline and once overdue. Schedule it daily; each review's reminder is sent once, so a retried or duplicated run
    (or the ``send_appraisal_reminders`` command the same day) sends nothing twice.
    """
    from .appraisals import api as appraisals_api  # pylint: disable=import-outside-toplevel

    return appraisals_api.send_appraisal_reminders(days_before=days_before).__dict__


# -- lane profiling2: periodic reminders of 360 raters ---------------------------------------------------------------
@shared_task(name="perf_mgmt.send_profiling_reminders", ignore_result=True)
def send_profiling_reminders(interval_days=None):
    """
    Remind the raters of open 360 rounds who have not answered, at most once per ``interval_days``
    (``PERF_MGMT_PROFILING_REMINDER_DAYS``, default 3). Schedule it daily; a retried or duplicated run (or the
    ``send_profiling_reminders`` command the same day) reminds nobody twice.
    """
    from .profiling import api as profiling_api  # pylint: disable=import-outside-toplevel

    return profiling_api.send_profiling_reminders(interval=interval_days).__dict__


# lane health: the monthly organisational health pack (issue 19)
@shared_task(name="perf_mgmt.send_health_packs", ignore_result=True)
def send_health_packs():
    """Email this month's health packs; scheduled daily, only the month's first run sends (``health.sending``)."""
    from .health import api as health  # pylint: disable=import-outside-toplevel

    packs, emails = health.send_packs()
    return {"packs": packs, "emails": emails}


# --- lane speed: the learning loop's worker side (ADR 0021) ---------------------------------------------------------


@shared_task(name="perf_mgmt.apply_learning_events", ignore_result=True, acks_late=True)
def apply_learning_events(user_id, course_key):
    """
    Apply the LMS events the receivers recorded for one person and course (all that are pending, in event-time
    order). Safe to repeat: applied rows are no longer pending, and applying is idempotent and order-free. A failure
    keeps the events for ``replay_failed_lms_events``.
    """
    from .development import api as development_api  # pylint: disable=import-outside-toplevel

    result = development_api.run_pending(user_id, course_key)
    return result if isinstance(result, int | str) else None


class _LearningEventFlush:
    """The one commit callback of a transaction: a task per (user, course) it recorded events for."""

    def __init__(self):
        self.pairs, self.sent = {}, False

    def __call__(self):
        self.sent = True
        _send_learning_tasks(self.pairs)


def _send_learning_tasks(pairs):
    queue = settings.PERF_MGMT_CELERY_QUEUE
    options = {"queue": queue} if queue else {}
    for user_id, course_key in pairs:
        apply_learning_events.apply_async((user_id, course_key), **options)


def enqueue_learning_events(user_id, course_key, using=None):
    """
    Ask for :func:`apply_learning_events` of ``(user_id, course_key)`` once the current transaction commits, once
    per pair however many events the transaction recorded (a burst of events for one learner is one task). No query.
    """
    connection = transaction.get_connection(using)
    pair = (user_id, str(course_key))
    if not connection.in_atomic_block:
        _send_learning_tasks([pair])  # autocommit: the event's row is already committed
        return
    # Django keeps the commit callbacks of the transaction (and drops those of a rolled-back savepoint): reuse ours.
    for _savepoints, callback, *_rest in connection.run_on_commit:
        if isinstance(callback, _LearningEventFlush) and not callback.sent:
            callback.pairs[pair] = None
            return
    flush = _LearningEventFlush()
    flush.pairs[pair] = None
    transaction.on_commit(flush, using=using)
