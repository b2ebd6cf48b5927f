"""
Stand-ins for the platform's CourseOverview, CourseEnrollment, CourseAccessRole and UserProfile, with the same field
names.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from opaque_keys.edx.django.models import CourseKeyField


class Course(models.Model):
    """
    A course the host knows (the LMS's CourseOverview).

    .. no_pii:
    """

    id = CourseKeyField(max_length=255, primary_key=True)
    display_name = models.CharField(max_length=255)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    # What the LMS's enrolment checks read on CourseOverview (``has_access(user, "enroll", course)``, course full).
    org = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    enrollment_start = models.DateTimeField(null=True, blank=True)
    enrollment_end = models.DateTimeField(null=True, blank=True)
    invitation_only = models.BooleanField(default=False)
    max_student_enrollments_allowed = models.IntegerField(null=True, blank=True)
    # The grading policy's pass mark, as CourseOverview.lowest_passing_grade (the lowest of the course's
    # GRADE_CUTOFFS): a course grade at or above it passes. ``None``: the course is not graded.
    lowest_passing_grade = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, default=0.5)

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.org = self.id.org  # CourseOverview.org is the key's org
        super().save(*args, **kwargs)

    def is_enrollment_open(self, now=None):
        """Like CourseOverview.is_enrollment_open: between the enrolment dates, where set."""
        now = now or timezone.now()
        return (self.enrollment_start is None or self.enrollment_start <= now) and (
            self.enrollment_end is None or now < self.enrollment_end
        )


class CourseMode(models.Model):
    """
    A course's enrolment track (the LMS's ``course_modes.CourseMode``): ``audit``, ``honor``, ``verified``... A course
    without any row offers the default mode, ``audit``, as in the LMS. An expired mode cannot be chosen.

    .. no_pii:
    """

    course_id = CourseKeyField(max_length=255, db_index=True)
    mode_slug = models.CharField(max_length=100)
    mode_display_name = models.CharField(max_length=255, blank=True)
    expiration_datetime = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("course_id", "mode_slug")]

    def __str__(self):
        return f"{self.course_id} {self.mode_slug}"


class CourseEnrollmentAllowed(models.Model):
    """
    An invitation to enrol (the LMS's ``CourseEnrollmentAllowed``): lets the invited email enrol in an
    invitation-only course, or after enrolment closed.

    .. pii: the invited email address.
    .. pii_types: email_address
    .. pii_retirement: local_api
    """

    email = models.CharField(max_length=255, db_index=True)
    course_id = CourseKeyField(max_length=255, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        unique_together = [("email", "course_id")]

    def __str__(self):
        return f"{self.email} {self.course_id}"


class CourseEnrollment(models.Model):
    """
    A user's enrollment in a course.

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = CourseKeyField(max_length=255, db_index=True)
    mode = models.CharField(max_length=100, default="audit")
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("user", "course_id")]


class CourseAccessRole(models.Model):
    """
    A course role (staff, instructor...) of a user.

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    org = models.CharField(max_length=64, blank=True, db_index=True)
    course_id = CourseKeyField(max_length=255, db_index=True, blank=True)
    role = models.CharField(max_length=64, db_index=True)

    class Meta:
        unique_together = [("user", "org", "course_id", "role")]


class UserProfile(models.Model):
    """
    The LMS's ``auth_userprofile`` (the full name the LMS shows), which every LMS user is expected to have.

    .. pii: the user's full name.
    .. pii_types: name
    .. pii_retirement: local_api
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    name = models.CharField(max_length=255, blank=True, db_index=True)

    def __str__(self):
        return self.name


class CourseBlock(models.Model):
    """
    One top-level XBlock of a course, as OLX, shown in ``order`` on the host's course page.

    The LMS keeps course content in its modulestore; the host keeps just enough of it to render XBlocks with the
    xblock-sdk workbench runtime (see ``lms_host.xblock_runtime``). The OLX is parsed into the workbench's
    field store the first time the block is shown after it was created or edited; ``usage_id`` and
    ``olx_digest`` remember that parse so that it happens once per edit, not once per page view or process.

    .. no_pii:
    """

    course_id = CourseKeyField(max_length=255)
    order = models.PositiveIntegerField(default=0)
    display_name = models.CharField(max_length=255, blank=True)
    olx = models.TextField(help_text="OLX of the block, e.g. <vertical_demo><html_demo>Hi</html_demo></vertical_demo>")
    usage_id = models.CharField(max_length=255, blank=True, editable=False)
    olx_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["course_id", "order", "id"]
        indexes = [models.Index(fields=["course_id", "order"], name="host_courseblock_course_order")]

    def __str__(self):
        return f"{self.course_id} #{self.order} {self.display_name}".strip()


class StudentScore(models.Model):
    """
    A learner's score on one scored block (the LMS keeps it in ``StudentModule.grade``/``max_grade`` and the
    grades app's ``PersistentSubsectionGrade``): the raw points the block published and the block's weight, so the
    course grade can be recomputed without running the block.

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = CourseKeyField(max_length=255)
    usage_key = models.CharField(max_length=255)
    raw_earned = models.FloatField()
    raw_possible = models.FloatField()
    weight = models.FloatField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("user", "course_id", "usage_key")]

    @property
    def weighted(self):
        """(earned, possible) in the block's weight (the LMS's ``weighted_score``): the raw points when unweighted."""
        if self.weight is None or not self.raw_possible:
            return self.raw_earned, self.raw_possible
        return self.raw_earned * self.weight / self.raw_possible, self.weight


class PersistentCourseGrade(models.Model):
    """
    A learner's course grade as the grades app persists it (``grades.models.PersistentCourseGrade``, same field
    names): ``passed_timestamp`` is set the first time the learner passes and never cleared.

    .. no_pii:
    """

    user_id = models.IntegerField(db_index=True)
    course_id = CourseKeyField(max_length=255)
    course_edited_timestamp = models.DateTimeField(null=True, blank=True)
    course_version = models.CharField(max_length=255, blank=True)
    grading_policy_hash = models.CharField(max_length=255)
    percent_grade = models.FloatField()
    letter_grade = models.CharField(max_length=255, blank=True)
    passed_timestamp = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("course_id", "user_id")]


class GeneratedCertificate(models.Model):
    """
    A learner's course certificate (``certificates.models.GeneratedCertificate``, same field names and the
    platform's ``CertificateStatuses`` values in ``status``).

    .. pii: the learner's name as printed on the certificate.
    .. pii_types: name
    .. pii_retirement: local_api
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = CourseKeyField(max_length=255, blank=True)
    grade = models.CharField(max_length=5, blank=True)
    status = models.CharField(max_length=32, default="unavailable")
    mode = models.CharField(max_length=32, default="honor")
    name = models.CharField(blank=True, max_length=255)
    download_url = models.CharField(max_length=128, blank=True)
    created_date = models.DateTimeField(auto_now_add=True)
    modified_date = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("user", "course_id")]

    def __str__(self):
        return f"{self.user_id} {self.course_id} {self.status}"
