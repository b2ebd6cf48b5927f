"""
Signal receivers: thin adapters from platform and Django signals to the plugin's api.

Receivers for signals that exist everywhere are declared in ``apps.PerfMgmtConfig.plugin_app['signals_config']``
and connected by edx_django_utils. The platform's retirement signals only exist inside openedx-platform, so they
are connected here when importable (as openedx-authz does).
"""

import logging

from ccx_keys.locator import CCXLocator
from django.db import transaction
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from .openedx import compat

log = logging.getLogger(__name__)


def on_user_deleted(sender, instance, **kwargs):  # pylint: disable=unused-argument
    """
    A hard-deleted user also loses the personal data kept outside cascading tables (e.g. history rows).

    Runs before the cascade, while every record that a retirement step may need to find is still there.
    """
    _retire_safely(instance)


def after_user_deleted(sender, instance, **kwargs):  # pylint: disable=unused-argument
    """
    Retire again once the cascade is done: deleting the user's records wrote "deleted" history rows holding the
    values loaded before ``on_user_deleted`` ran (employee number, start date). Steps are idempotent and this runs
    in the deletion's transaction.
    """
    _retire_safely(instance)


#: Employee fields whose change can move competency gaps (the position's requirements; only active people have gaps).
_GAP_FIELDS = frozenset({"position", "position_id", "active"})
#: Employee fields whose change can bring someone into an active appraisal cycle's population (late joiners).
_POPULATION_FIELDS = frozenset({"org_unit", "org_unit_id", "position", "position_id", "active"})


def on_employee_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):  # pylint: disable=unused-argument
    """
    A saved employee record (new, moved to another position, deactivated) gets its competency gaps recomputed, and a
    review in the active appraisal cycles whose population it joined (late joiner; constant queries).

    Saves that name only other fields (``update_fields``, e.g. a new manager) are skipped. Bulk imports send no
    ``post_save``: ``on_employees_imported`` covers them.
    """
    if raw:
        return
    if instance.active and (created or update_fields is None or _POPULATION_FIELDS.intersection(update_fields)):
        from . import api  # pylint: disable=import-outside-toplevel

        api.add_late_joiners(employee_ids=[instance.pk])
    if update_fields is not None and not _GAP_FIELDS.intersection(update_fields):
        return
    from .competencies import api as competencies_api  # pylint: disable=import-outside-toplevel

    competencies_api.recompute_gaps(employee_ids=[instance.pk])


def on_employees_imported(sender, user_ids=(), **kwargs):  # pylint: disable=unused-argument
    """
    A bulk org import created or moved people (it sends no ``post_save``): their competency gaps are recomputed
    and the late joiners of active appraisal cycles get their reviews, in a worker, after the import has committed.
    """
    from . import tasks  # pylint: disable=import-outside-toplevel

    tasks.enqueue_import_follow_ups(user_ids)


def on_user_retired(sender, user=None, retired_username=None, retired_email=None, **kwargs):  # pylint: disable=unused-argument
    """
    The platform retires a user (USER_RETIRE_LMS_CRITICAL / USER_RETIRE_LMS_MISC). The platform sends these with
    a plain ``send``: an exception here would stop its retirement pipeline with a 500, so a failure is logged and
    kept, and ``replay_failed_lms_events`` retires the user later.
    """
    if user is None:
        log.warning("perf-mgmt retirement signal without a user: ignored")
        return
    _retire_safely(user, retired_username=retired_username, retired_email=retired_email)


def _retire_safely(user, retired_username=None, retired_email=None):
    from . import api  # pylint: disable=import-outside-toplevel
    from .development import api as development_api  # pylint: disable=import-outside-toplevel

    try:
        with transaction.atomic():
            api.retire_user(user, retired_username=retired_username, retired_email=retired_email)
    except Exception as exc:  # pylint: disable=broad-except  -- never raise into the platform
        log.exception("perf-mgmt could not retire user id=%s now; kept for replay_failed_lms_events", user.pk)
        _keep(
            "retirement",
            user_id=user.pk,
            error=exc,
            event_type=development_api.RETIREMENT_EVENT,
            event_id=f"retirement:{user.pk}",  # one kept retirement per user, however many signals failed
            payload={"retired_username": retired_username, "retired_email": retired_email},
        )


def connect_platform_receivers():
    """Connect to the platform's retirement signals when the platform is installed; True if connected."""
    signals = compat.retirement_signals()
    if signals is None:
        return False
    for name, signal in zip(("critical", "misc"), signals, strict=False):
        signal.connect(on_user_retired, dispatch_uid=f"perf_mgmt.handlers.on_user_retired.{name}")
    return True


# --- The learning loop: openedx-events and edx-completion -> development plan items --------------------------------
# Declared in ``apps.PerfMgmtConfig.plugin_app['signals_config']`` for the LMS (the signals exist wherever
# openedx-events and edx-completion are installed). Each receiver only unpacks the event's data class, records the
# fact (one INSERT in the platform's transaction) and asks for a worker after the commit (ADR 0021).


def _course_event(signal, metadata, user_id, course_key, fact, value, payload=None):
    """
    Record one openedx-events event for a worker, never raising into the platform: a key that is not a course's (a
    content library's, from the v2 XBlock runtime) is none of the plugin's business; a failure on our side is
    logged and the event kept for ``replay_failed_lms_events``.
    """
    from . import tasks  # pylint: disable=import-outside-toplevel
    from .development import api as development_api  # pylint: disable=import-outside-toplevel

    key = plugin_course_key(course_key)
    if key is None:
        log.debug("perf-mgmt ignores %s for %r: not a course", metadata.event_type, course_key)
        return None
    try:
        development_api.record_event(
            event_id=str(metadata.id),
            event_type=metadata.event_type,
            user_id=user_id,
            course_key=key,
            occurred_at=metadata.time,
            fact=fact,
            value=value,
            payload=payload,
        )
        tasks.enqueue_learning_events(user_id, key)
    except Exception as exc:  # pylint: disable=broad-except
        log.exception("perf-mgmt could not record %s (%s); kept for replay", metadata.event_type, metadata.id)
        _keep(
            metadata.event_type,
            user_id=user_id,
            error=exc,
            course_key=key,
            event_id=str(metadata.id),
            occurred_at=metadata.time,
            payload={"fact": fact, "value": development_api.json_value(value), **(payload or {})},
        )
    return None


def _keep(what, user_id, error, event_type=None, **fields):
    """Keep a failed signal for replay; if even that fails (the database is down), the log is all there is."""
    from .development import api as development_api  # pylint: disable=import-outside-toplevel

    try:
        with transaction.atomic():
            development_api.keep_failed_event(
                event_type or what, user_id, fields.pop("occurred_at", None), error, **fields
            )
    except Exception:  # pylint: disable=broad-except
        log.critical("perf-mgmt could not keep the failed %s of user id=%s for replay", what, user_id, exc_info=True)


def plugin_course_key(key):
    """
    The course a key from the platform is about, or ``None`` when it is not a course: library keys (``lib:...``)
    come from the v2 XBlock runtime. A CCX counts as a run of its master course (``ccx-v1:`` -> ``course-v1:``).
    """
    if isinstance(key, str):
        try:
            key = CourseKey.from_string(key)
        except InvalidKeyError:
            return None
    if not isinstance(key, CourseKey):
        return None
    if isinstance(key, CCXLocator):
        return key.to_course_locator()
    return key


def on_course_enrollment(signal, sender=None, enrollment=None, metadata=None, **kwargs):  # pylint: disable=unused-argument
    """COURSE_ENROLLMENT_CREATED / _CHANGED / COURSE_UNENROLLMENT_COMPLETED (CourseEnrollmentData)."""
    active = (
        bool(enrollment.is_active) and metadata.event_type != "org.openedx.learning.course.unenrollment.completed.v1"
    )
    return _course_event(
        signal,
        metadata,
        enrollment.user.id,
        enrollment.course.course_key,
        "enrollment",
        active,
        {"mode": enrollment.mode},
    )


def on_course_passing_status(signal, sender=None, course_passing_status=None, metadata=None, **kwargs):  # pylint: disable=unused-argument
    """
    COURSE_PASSING_STATUS_UPDATED (CoursePassingStatusData) and CCX_COURSE_PASSING_STATUS_UPDATED
    (CcxCoursePassingStatusData, whose course is a CcxCourseData: the CCX counts for its master course). Passing now,
    or no longer passing (a newer "not passing" reopens a completed item until the learner passes again).
    """
    data = course_passing_status
    course = data.course
    key = getattr(course, "ccx_course_key", None) or getattr(course, "course_key", None)
    return _course_event(signal, metadata, data.user.id, key, "achievement", bool(data.is_passing))


#: The platform's CertificateStatuses (lms/djangoapps/certificates/data.py), by what each says about the learner.
#: Passed: ``is_passing_status`` (downloadable, generating -- CERTIFICATE_CREATED fires on every save in these) and
#: the audit/honor tracks' passing grade without a certificate.
PASSED_CERTIFICATE_STATUSES = frozenset({"downloadable", "generating", "audit_passing", "honor_passing"})
#: Not (or no longer) holding a certificate: invalidated or withdrawn, not passing, not allowed, deleted.
NOT_PASSED_CERTIFICATE_STATUSES = frozenset(
    {"unavailable", "invalidated", "notpassing", "audit_notpassing", "restricted", "unverified", "deleted", "deleting"}
)
#: Says nothing about passing: an error generating the PDF, a request in progress, an audit enrolment. Ignored.
UNDECIDED_CERTIFICATE_STATUSES = frozenset({"error", "requesting", "auditing"})


def certificate_passed(event_type, status):
    """True, False or ``None`` (nothing decided) for a certificate event and its certificate's current status."""
    if event_type.endswith(".certificate.revoked.v1"):
        return False
    if status in PASSED_CERTIFICATE_STATUSES:
        return True
    if status in NOT_PASSED_CERTIFICATE_STATUSES:
        return False
    return None  # undecided or a status this version does not know


def on_certificate(signal, sender=None, certificate=None, metadata=None, **kwargs):  # pylint: disable=unused-argument
    """CERTIFICATE_CREATED, CERTIFICATE_CHANGED (by the certificate's current status), CERTIFICATE_REVOKED."""
    passed = certificate_passed(metadata.event_type, certificate.current_status)
    if passed is None:
        log.debug("perf-mgmt: certificate status %r decides nothing", certificate.current_status)
        return None
    return _course_event(
        signal,
        metadata,
        certificate.user.id,
        certificate.course.course_key,
        "achievement",
        passed,
        {"status": certificate.current_status},
    )


def on_persistent_grade(signal, sender=None, grade=None, metadata=None, **kwargs):  # pylint: disable=unused-argument
    """
    PERSISTENT_GRADE_SUMMARY_CHANGED (PersistentCourseGradeData): the course grade, and ``passed_timestamp``, the
    time the learner first passed -- it stays set after the grade drops, so it is "ever passed", stamped with its
    own time rather than the event's.
    """
    value = (float(grade.percent_grade or 0.0), grade.passed_timestamp)
    return _course_event(signal, metadata, grade.user_id, grade.course.course_key, "grade", value)


def on_block_completion_saved(sender, instance, raw=False, **kwargs):  # pylint: disable=unused-argument
    """
    edx-completion's ``BlockCompletion`` was saved (the completion app sends no signal of its own, so its
    ``post_save`` is the event): the person's course items recount their completed blocks. Completions in a
    content library (``lib:`` context keys) are not a course's; a failure is logged and kept for replay.
    """
    if raw:
        return None
    from . import tasks  # pylint: disable=import-outside-toplevel
    from .development import api as development_api  # pylint: disable=import-outside-toplevel

    key = plugin_course_key(instance.context_key)
    if key is None:
        return None
    completion = float(instance.completion)
    try:
        development_api.record_block_completion(instance.user_id, key, instance.block_key, completion)
        tasks.enqueue_learning_events(instance.user_id, key)
    except Exception as exc:  # pylint: disable=broad-except
        log.exception("perf-mgmt could not record the completion of %s; kept for replay", instance.block_key)
        _keep(
            "block completion",
            user_id=instance.user_id,
            error=exc,
            event_type=development_api.BLOCK_COMPLETION_EVENT,
            course_key=key,
            payload={"block_key": str(instance.block_key), "completion": completion},
        )
    return None


def on_course_recommendations_changed(sender, person_ids=(), **kwargs):  # pylint: disable=unused-argument
    """The gap audit recommended or assigned courses (or a person enrolled / dismissed): plan items follow."""
    from .development import api as development_api  # pylint: disable=import-outside-toplevel

    development_api.absorb_recommendations(person_ids)
