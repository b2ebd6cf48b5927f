"""
Blended competency modules (issue 13): what a learner does with a module's implementation guide on the job, the
manager's observation of it, and the module's job aids with their downloads.

The guide's steps are authored in the course (the implementation-guide XBlock's settings); a
:class:`GuideApplication` is one learner's work on one step, with a copy of what the step asked when it was
applied (title, whether the manager must observe it, the competency it develops), so that the manager's queue,
evidence and reports never need the course content.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from opaque_keys.edx.django.models import CourseKeyField

from ..competencies.api import Competency
from ..org.api import Employee


class GuideApplication(models.Model):
    """
    One learner applying one step of an implementation guide on the job: planned (a date), applied (reflection and
    evidence), then -- for a step the manager must observe -- observed by the manager or sent back with feedback.

    Status: ``planned`` -> ``applied`` -> ``observed`` (done) or ``feedback`` (the manager asks for more; the learner
    applies again). A step without observation is done once applied.

    .. pii: The learner (employee), their reflection and evidence (free text about their work), the observing
       manager and their comment. The blended retirement step deletes the learner's rows and, where the user only
       observed, unlinks them and empties their comment.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    PLANNED = "planned"
    APPLIED = "applied"
    OBSERVED = "observed"
    FEEDBACK = "feedback"
    STATUS_CHOICES = [
        (PLANNED, _("Planned")),
        (APPLIED, _("Applied")),
        (OBSERVED, _("Observed")),
        (FEEDBACK, _("Feedback from the manager")),
    ]

    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="guide_applications")
    course_key = CourseKeyField(max_length=255)
    usage_key = models.CharField(max_length=255, help_text=_("The implementation guide block (its usage key)."))
    step_id = models.CharField(max_length=40)
    step_title = models.CharField(max_length=255)
    guide_title = models.CharField(max_length=255, blank=True, default="")
    competency = models.ForeignKey(Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    evidence_level = models.PositiveSmallIntegerField(null=True, blank=True)
    needs_observation = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=PLANNED)
    planned_for = models.DateField(null=True, blank=True)
    reflection = models.TextField(blank=True, default="", help_text=_("Plain text."))
    evidence = models.TextField(blank=True, default="", help_text=_("Plain text."))
    applied_at = models.DateTimeField(null=True, blank=True)
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    observed_at = models.DateTimeField(null=True, blank=True)
    manager_comment = models.TextField(blank=True, default="", help_text=_("Plain text."))
    version = models.PositiveIntegerField(default=0, db_default=0, help_text=_("Optimistic concurrency (ADR 0016)."))
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["usage_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "usage_key", "step_id"], name="perf_guideapp_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "needs_observation", "person"], name="perf_guideapp_queue"),
            models.Index(fields=["usage_key", "step_id", "applied_at"], name="perf_guideapp_step"),
            models.Index(fields=["course_key", "person"], name="perf_guideapp_course"),
        ]

    def __str__(self):
        return f"{self.person_id}: {self.step_title} ({self.status})"

    @property
    def is_done(self):
        """Applied, and observed where the step asks for it."""
        if self.needs_observation:
            return self.status == self.OBSERVED
        return self.status in (self.APPLIED, self.OBSERVED)

    @property
    def awaits_observation(self):
        return self.needs_observation and self.status == self.APPLIED


class JobAid(models.Model):
    """
    A job aid of a module (course): a file in the host's storage, or a link -- in the LMS, a course asset's URL
    (``/asset-v1:...``) or any https address. Downloaded through a counted view that checks access.

    .. no_pii:
    """

    course_key = CourseKeyField(max_length=255, db_index=True)
    title = models.CharField(max_length=255)
    description = models.CharField(max_length=500, blank=True, default="")
    url = models.CharField(max_length=1000, blank=True, default="", help_text=_("A course asset or an https link."))
    file = models.FileField(upload_to="perf_mgmt/job_aids/", blank=True, max_length=255)
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["course_key", "order", "pk"]

    def __str__(self):
        return self.title


class JobAidDownload(models.Model):
    """
    How often one user downloaded one job aid (one row per user and aid, counted up).

    .. pii: The user id and when they downloaded. Deleted by the blended retirement step.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    job_aid = models.ForeignKey(JobAid, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        constraints = [models.UniqueConstraint(fields=["job_aid", "user"], name="perf_jobaid_dl_unique")]

    def __str__(self):
        return f"{self.job_aid_id}/{self.user_id}: {self.count}"
