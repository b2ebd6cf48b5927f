"""
Signal receivers: thin adapters from platform and Django signals to the plugin's api.

Receivers for signals that exist everywhere are declared in ``apps.PerfMgmtConfig.plugin_app['signals_config']``
and connected by edx_django_utils. The platform's retirement signals only exist inside openedx-platform, so they
are connected here when importable (as openedx-authz does).
"""

import logging

from .openedx import compat

log = logging.getLogger(__name__)


def on_user_deleted(sender, instance, **kwargs):  # pylint: disable=unused-argument
    """
    A hard-deleted user also loses the personal data kept outside cascading tables (e.g. history rows).

    Runs before the cascade, while every record that a retirement step may need to find is still there.
    """
    from . import api  # pylint: disable=import-outside-toplevel

    api.retire_user(instance)


def after_user_deleted(sender, instance, **kwargs):  # pylint: disable=unused-argument
    """
    Retire again once the cascade is done: deleting the user's records wrote "deleted" history rows holding the
    values loaded before ``on_user_deleted`` ran (employee number, start date). Steps are idempotent and this runs
    in the deletion's transaction.
    """
    from . import api  # pylint: disable=import-outside-toplevel

    api.retire_user(instance)


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
    from .competencies import gaps  # pylint: disable=import-outside-toplevel

    gaps.recompute_gaps(employee_ids=[instance.pk])


def on_employees_imported(sender, user_ids=(), **kwargs):  # pylint: disable=unused-argument
    """
    A bulk org import created or moved people (it sends no ``post_save``): their competency gaps are recomputed
    and the late joiners of active appraisal cycles get their reviews, in a worker, after the import has committed.
    """
    from . import tasks  # pylint: disable=import-outside-toplevel

    tasks.enqueue_import_follow_ups(user_ids)


def on_user_retired(sender, user=None, retired_username=None, retired_email=None, **kwargs):  # pylint: disable=unused-argument
    """The platform retires a user (USER_RETIRE_LMS_CRITICAL / USER_RETIRE_LMS_MISC)."""
    from . import api  # pylint: disable=import-outside-toplevel

    if user is None:
        log.warning("perf-mgmt retirement signal without a user: ignored")
        return
    api.retire_user(user, retired_username=retired_username, retired_email=retired_email)


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
# openedx-events and edx-completion are installed). Each receiver only unpacks the event's data class.


def _course_event(signal, metadata, user_id, course_key, fact, value, payload=None):
    from .development import progress  # pylint: disable=import-outside-toplevel

    return progress.apply_event(
        event_id=str(metadata.id),
        event_type=metadata.event_type,
        user_id=user_id,
        course_key=course_key,
        occurred_at=metadata.time,
        fact=fact,
        value=value,
        payload=payload,
    )


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
    """COURSE_PASSING_STATUS_UPDATED (CoursePassingStatusData): passing or no longer passing."""
    data = course_passing_status
    return _course_event(signal, metadata, data.user.id, data.course.course_key, "achievement", bool(data.is_passing))


#: CERTIFICATE_CHANGED statuses that mean the learner holds, or no longer holds, a certificate.
CERTIFIED_STATUSES = frozenset({"downloadable"})
UNCERTIFIED_STATUSES = frozenset({"revoked", "unavailable", "notpassing", "restricted", "unverified"})


def on_certificate(signal, sender=None, certificate=None, metadata=None, **kwargs):  # pylint: disable=unused-argument
    """CERTIFICATE_CREATED (certified), CERTIFICATE_REVOKED (not), CERTIFICATE_CHANGED (by its current status)."""
    event_type = metadata.event_type
    if event_type.endswith(".certificate.created.v1"):
        certified = True
    elif event_type.endswith(".certificate.revoked.v1"):
        certified = False
    elif certificate.current_status in CERTIFIED_STATUSES:
        certified = True
    elif certificate.current_status in UNCERTIFIED_STATUSES:
        certified = False
    else:  # generating, queued...: nothing decided yet
        return None
    return _course_event(
        signal,
        metadata,
        certificate.user.id,
        certificate.course.course_key,
        "achievement",
        certified,
        {"status": certificate.current_status},
    )


def on_persistent_grade(signal, sender=None, grade=None, metadata=None, **kwargs):  # pylint: disable=unused-argument
    """PERSISTENT_GRADE_SUMMARY_CHANGED (PersistentCourseGradeData): the course grade, passed once it has a date."""
    value = (float(grade.percent_grade or 0.0), grade.passed_timestamp is not None)
    return _course_event(signal, metadata, grade.user_id, grade.course.course_key, "grade", value)


def on_block_completion_saved(sender, instance, raw=False, **kwargs):  # pylint: disable=unused-argument
    """
    edx-completion's ``BlockCompletion`` was saved (the completion app sends no signal of its own, so its
    ``post_save`` is the event): the person's course items recount their completed blocks.
    """
    if raw:
        return None
    from .development import progress  # pylint: disable=import-outside-toplevel

    return progress.apply_block_completion(
        instance.user_id, instance.context_key, instance.block_key, float(instance.completion)
    )


def on_course_recommendations_changed(sender, person_ids=(), **kwargs):  # pylint: disable=unused-argument
    """The gap audit recommended or assigned courses (or a person enrolled / dismissed): plan items follow."""
    from .development import services  # pylint: disable=import-outside-toplevel

    services.absorb_recommendations(person_ids)
