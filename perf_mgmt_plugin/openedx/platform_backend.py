"""
The backend used inside openedx-platform: thin calls to the platform's own models and classmethods.

Only platform APIs that have been stable for several releases are used; see ``compat`` for the import paths.
"""

from django.conf import settings

from . import compat
from .backend import CourseInfo, PlatformBackend, parse_course_key


class OpenedxPlatformBackend(PlatformBackend):
    """Reads courses, enrollments and course roles from openedx-platform."""

    def get_courses(self, course_keys):
        keys = [parse_course_key(key) for key in course_keys]
        if not keys:
            return {}
        overviews = compat.course_overview_model().objects.filter(id__in=keys)
        return {
            overview.id: CourseInfo(
                course_key=overview.id,
                display_name=overview.display_name or str(overview.id),
                start=overview.start,
                end=overview.end,
            )
            for overview in overviews
        }

    def is_course_staff(self, user, course_key):
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_staff:
            return True
        return (
            compat.course_access_role_model()
            .objects.filter(user=user, course_id=parse_course_key(course_key), role__in=self.STAFF_ROLES)
            .exists()
        )

    def staff_course_keys(self, user):
        if not user.is_authenticated or not user.is_active:
            return set()
        rows = compat.course_access_role_model().objects.filter(user=user, role__in=self.STAFF_ROLES)
        return {key for key in rows.values_list("course_id", flat=True) if key}

    def enroll(self, user, course_key, mode="audit"):
        # CourseEnrollment.enroll is idempotent for an active enrollment and emits the platform's own signals
        # (including openedx-events COURSE_ENROLLMENT_CREATED), which the plugin's receivers consume.
        compat.course_enrollment_model().enroll(user, parse_course_key(course_key), mode=mode)

    def enrolled_course_keys(self, user, course_keys=None):
        rows = compat.course_enrollment_model().objects.filter(user=user, is_active=True)
        if course_keys is not None:
            rows = rows.filter(course_id__in=[parse_course_key(key) for key in course_keys])
        return set(rows.values_list("course_id", flat=True))

    def course_url(self, course_key):
        base = getattr(settings, "LEARNING_MICROFRONTEND_URL", "") or getattr(settings, "LMS_ROOT_URL", "")
        return f"{base.rstrip('/')}/course/{parse_course_key(course_key)}/home"
