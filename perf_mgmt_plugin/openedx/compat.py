"""
Guarded imports of openedx-platform modules.

Each function imports inside its body so that this package imports cleanly outside the platform (tests, the host),
and fails with one clear message when the platform backend is configured somewhere the platform is not installed.
The module paths and signatures were checked against openedx/openedx-platform (master, 2026).
"""


class PlatformUnavailable(ImportError):
    """The openedx-platform modules this backend needs are not importable here."""


def _platform_import(what):
    raise PlatformUnavailable(
        f"{what} needs openedx-platform; set PERF_MGMT_PLATFORM_BACKEND to another backend outside the LMS"
    )


def course_enrollment_model():
    """``common.djangoapps.student.models.CourseEnrollment``."""
    try:
        from common.djangoapps.student.models import CourseEnrollment  # pylint: disable=import-outside-toplevel
    except ImportError:
        _platform_import("CourseEnrollment")
    return CourseEnrollment


def course_access_role_model():
    """``common.djangoapps.student.models.CourseAccessRole`` (user, org, course_id, role)."""
    try:
        from common.djangoapps.student.models import CourseAccessRole  # pylint: disable=import-outside-toplevel
    except ImportError:
        _platform_import("CourseAccessRole")
    return CourseAccessRole


def course_overview_model():
    """``openedx.core.djangoapps.content.course_overviews.models.CourseOverview``."""
    try:
        # pylint: disable=import-outside-toplevel
        from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
    except ImportError:
        _platform_import("CourseOverview")
    return CourseOverview


def retirement_signals():
    """``(USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC)`` or ``None`` outside the platform."""
    try:
        # pylint: disable=import-outside-toplevel
        from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC
    except ImportError:
        return None
    return USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC
