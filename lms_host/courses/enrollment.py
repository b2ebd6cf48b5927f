"""
The host's enrolment, imitating openedx-platform's so that the plugin meets the same refusals here as in the LMS.

Read in openedx-platform (not copied): ``openedx/core/djangoapps/enrollments/api.py`` (``add_enrollment``: the
course's default mode when none is given -- ``audit``, else ``honor`` --, then ``validate_course_mode`` against the
course's unexpired modes), ``.../enrollments/data.py`` (``create_course_enrollment`` calls ``CourseEnrollment.enroll``
with ``check_access=True``), ``common/djangoapps/student/models/course_enrollment.py`` (``enroll``: the
``CourseEnrollmentStarted`` filter first, which may refuse; then, with ``check_access``, an unknown course, enrolment
closed and a full course; an active enrollment is "already enrolled"; it reads ``user.profile.name`` for the
COURSE_ENROLLMENT_CREATED event it sends) and ``lms/djangoapps/courseware/access.py`` (``_can_enroll_courselike``:
an invitation for the user's email or staff access lets anyone in; otherwise invitation-only courses refuse, and the
enrolment dates decide). A full course counts active enrollments minus the course's staff and instructors.

The fake platform of ``tests/contract`` uses these same rules behind the platform's exception classes.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from openedx_events.learning.data import CourseData, CourseEnrollmentData, UserData, UserPersonalData
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

from perf_mgmt_plugin.openedx.backend import EnrollmentRefused

from .models import Course, CourseAccessRole, CourseEnrollment, CourseEnrollmentAllowed, CourseMode

#: openedx-filters' filter type of ``CourseEnrollmentStarted``; its pipeline is configured as in the LMS.
ENROLLMENT_STARTED = "org.openedx.learning.course.enrollment.started.v1"
DEFAULT_MODE = "audit"
ALREADY_ENROLLED = "already_enrolled"


class PreventEnrollment(Exception):
    """A ``CourseEnrollmentStarted`` step refuses (openedx-filters' ``CourseEnrollmentStarted.PreventEnrollment``)."""


class Refused(Exception):
    """The host refuses, for ``reason`` (an ``EnrollmentRefused`` reason or ``ALREADY_ENROLLED``)."""

    def __init__(self, reason, detail=""):
        self.reason, self.detail = reason, str(detail or "")
        super().__init__(self.detail or reason)


def run_enrollment_started_filter(user, course_key, mode):
    """
    Run the ``CourseEnrollmentStarted`` pipeline of ``OPEN_EDX_FILTERS_CONFIG`` as openedx-filters does: each step
    (a class with ``run_filter(user, course_key, mode)``) may change the arguments or raise
    :class:`PreventEnrollment`, which always stops the enrolment; other errors are skipped unless the config sets
    ``fail_silently`` to False.
    """
    config = getattr(settings, "OPEN_EDX_FILTERS_CONFIG", {}).get(ENROLLMENT_STARTED) or {}
    for path in config.get("pipeline", []):
        try:
            result = import_string(path)().run_filter(user=user, course_key=course_key, mode=mode) or {}
        except PreventEnrollment:
            raise
        except Exception:  # pylint: disable=broad-except
            if not config.get("fail_silently", True):
                raise
            continue
        user = result.get("user", user)
        course_key, mode = result.get("course_key", course_key), result.get("mode", mode)
    return user, course_key, mode


def available_modes(course_key, now=None):
    """The course's unexpired mode slugs; the default mode alone when it defines none (``modes_for_course``)."""
    now = now or timezone.now()
    rows = CourseMode.objects.filter(course_id=course_key).values_list("mode_slug", "expiration_datetime")
    modes = [slug for slug, expires in rows if expires is None or expires > now]
    return modes if rows else [DEFAULT_MODE]


def default_mode(course_key):
    """The mode an enrolment without one gets (the enrolment API's ``_default_course_mode``)."""
    modes = available_modes(course_key)
    for slug in (DEFAULT_MODE, "honor"):
        if slug in modes:
            return slug
    return DEFAULT_MODE


def check_mode(course_key, mode):
    """``validate_course_mode``: an unknown course, or a mode the course does not offer now, is refused."""
    if not Course.objects.filter(id=course_key).exists():
        raise Refused(EnrollmentRefused.COURSE_NOT_FOUND)
    modes = available_modes(course_key)
    if mode not in modes:
        raise Refused(EnrollmentRefused.MODE_UNAVAILABLE, f"'{mode}' is not one of: {', '.join(modes)}")


def _has_staff_access(user, course_key):
    from .backend import HostPlatformBackend  # pylint: disable=import-outside-toplevel

    return HostPlatformBackend().is_course_staff(user, course_key)


def access_refusal(user, course):
    """``has_access(user, "enroll", course)`` as a refusal reason, or ``None`` when the user may enrol."""
    invitation = CourseEnrollmentAllowed.objects.filter(email=user.email, course_id=course.id).first()
    if invitation is not None and user.email:
        if invitation.user_id in (None, user.pk):
            return None
        return EnrollmentRefused.INVITATION_ONLY  # the invitation was used by someone else
    if _has_staff_access(user, course.id):
        return None
    if course.invitation_only:
        return EnrollmentRefused.INVITATION_ONLY
    if course.is_enrollment_open():
        return None
    return EnrollmentRefused.ENROLLMENT_CLOSED


def is_full(course, enrollment_model=CourseEnrollment):
    """Active enrollments, minus the course's staff and instructors, reached ``max_student_enrollments_allowed``."""
    if course.max_student_enrollments_allowed is None:
        return False
    team = CourseAccessRole.objects.filter(course_id=course.id, role__in=("staff", "instructor")).values("user_id")
    learners = enrollment_model.objects.filter(course_id=course.id, is_active=True).exclude(user_id__in=team)
    return learners.count() >= course.max_student_enrollments_allowed


def enroll(user, course_key, mode=None, check_access=True, enrollment_model=CourseEnrollment):
    """
    ``CourseEnrollment.enroll``: the filter, the access checks, then the enrollment created or reactivated with
    ``mode`` and COURSE_ENROLLMENT_CREATED sent (reading ``user.profile.name``: a user without a profile fails here,
    as in the LMS). Raises :class:`Refused`. Returns the enrollment.
    """
    try:
        user, course_key, mode = run_enrollment_started_filter(user, course_key, mode)
    except PreventEnrollment as exc:
        raise Refused(EnrollmentRefused.NOT_ALLOWED, exc) from exc
    mode = mode or default_mode(course_key)
    course = Course.objects.filter(id=course_key).first()
    if check_access:
        if course is None:
            raise Refused(EnrollmentRefused.COURSE_NOT_FOUND)
        reason = access_refusal(user, course)
        if reason is not None:
            raise Refused(reason)
        if is_full(course, enrollment_model):
            raise Refused(EnrollmentRefused.COURSE_FULL)
    active = enrollment_model.objects.filter(user=user, course_id=course_key, is_active=True).exists()
    if active and check_access:
        raise Refused(ALREADY_ENROLLED)
    enrollment, _created = enrollment_model.objects.get_or_create(
        user=user, course_id=course_key, defaults={"mode": mode, "is_active": False}
    )
    enrollment.is_active, enrollment.mode = True, mode
    enrollment.save()
    CourseEnrollmentAllowed.objects.filter(email=user.email, course_id=course_key, user__isnull=True).update(user=user)
    COURSE_ENROLLMENT_CREATED.send_event(
        enrollment=CourseEnrollmentData(
            user=UserData(
                pii=UserPersonalData(username=user.username, email=user.email, name=user.profile.name),
                id=user.pk,
                is_active=user.is_active,
            ),
            course=CourseData(course_key=course_key, display_name=course.display_name if course else ""),
            mode=enrollment.mode,
            is_active=True,
            creation_date=enrollment.created,
        )
    )
    return enrollment


def add_enrollment(user, course_key, mode=None, enrollment_model=CourseEnrollment):
    """The enrolment API's ``add_enrollment``: the course's default mode, checked, then :func:`enroll` with access."""
    mode = mode or default_mode(course_key)
    check_mode(course_key, mode)
    return enroll(user, course_key, mode=mode, check_access=True, enrollment_model=enrollment_model)
