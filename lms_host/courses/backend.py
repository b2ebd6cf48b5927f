"""The plugin's platform backend for this host: the same contract as the real one, over the host's models."""

from django.urls import reverse

from perf_mgmt_plugin.openedx.backend import CourseInfo, PlatformBackend, parse_course_key

from .models import Course, CourseAccessRole, CourseEnrollment, UserProfile


class HostPlatformBackend(PlatformBackend):
    """Courses, enrollments and roles of the stand-in host."""

    def get_courses(self, course_keys):
        keys = [parse_course_key(key) for key in course_keys]
        if not keys:
            return {}
        return {
            course.id: CourseInfo(course.id, course.display_name, course.start, course.end)
            for course in Course.objects.filter(id__in=keys)
        }

    def is_course_staff(self, user, course_key):
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_staff:
            return True
        return CourseAccessRole.objects.filter(
            user=user, course_id=parse_course_key(course_key), role__in=self.STAFF_ROLES
        ).exists()

    def staff_course_keys(self, user):
        if not user.is_authenticated or not user.is_active:
            return set()
        rows = CourseAccessRole.objects.filter(user=user, role__in=self.STAFF_ROLES)
        return {key for key in rows.values_list("course_id", flat=True) if key}

    def enroll(self, user, course_key, mode="audit"):
        key = parse_course_key(course_key)
        if not Course.objects.filter(id=key).exists():
            raise ValueError(f"course {key} does not exist")
        enrollment, created = CourseEnrollment.objects.get_or_create(user=user, course_id=key, defaults={"mode": mode})
        if not created and not enrollment.is_active:
            enrollment.is_active = True
            enrollment.save(update_fields=["is_active"])

    def enrolled_course_keys(self, user, course_keys=None):
        rows = CourseEnrollment.objects.filter(user=user, is_active=True)
        if course_keys is not None:
            rows = rows.filter(course_id__in=[parse_course_key(key) for key in course_keys])
        return set(rows.values_list("course_id", flat=True))

    def course_url(self, course_key):
        return reverse("host_course", kwargs={"course_id": str(parse_course_key(course_key))})

    def create_user_profiles(self, users):
        # Like the LMS's registration: one profile per user, named after the account; existing ones are kept.
        UserProfile.objects.bulk_create(
            [UserProfile(user=user, name=user.get_full_name() or user.username) for user in users if user.pk],
            ignore_conflicts=True,
        )
