"""
Development plans: preset templates, a person's plans, the items of a plan (courses, parts of courses, on-the-job
activities...), the comments on them, and the logs that make the learning loop idempotent and lossless.

Each plan item keeps the facts the LMS told about it as registers stamped with the *event* time (not the arrival
time): ``enrolled``/``enrollment_at``, ``achieved``/``achieved_at`` (passed or certified), ``grade_percent``/
``grade_at``. An event older than a register's stamp does not overwrite it, so duplicates and out-of-order events
(a revoked certificate, then a late "passing" event from before the revocation) end in the same state as the
events in order would. ``owner`` is copied from the plan so that an event finds its items with one indexed query.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from opaque_keys.edx.django.models import CourseKeyField, UsageKeyField
from simple_history.models import HistoricalRecords

from ..competencies.api import Competency, CourseRecommendation
from ..org.api import Employee


class PlanHistory(models.Model):
    """
    History of a plan or plan item: its goals, titles and descriptions may be about the person.

    .. pii: Copies of the plan's or item's fields (goals, manager comments, descriptions) and the changing user.
       The development retirement step deletes the person's history rows and unlinks them as the changing user.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    class Meta:
        abstract = True


KIND_COURSE = "course"
KIND_COURSE_PART = "course_part"
KIND_CHOICES = [
    (KIND_COURSE, _("Course")),
    ("course_part", _("Part of a course")),
    ("on_the_job", _("On-the-job activity")),
    ("coaching", _("Coaching or mentoring")),
    ("reading", _("Reading")),
    ("other", _("Other")),
]
#: 70/20/10: experience (on the job), exposure (others), education (courses, reading).
CATEGORY_CHOICES = [
    ("experience", _("Experience (70)")),
    ("exposure", _("Exposure (20)")),
    ("education", _("Education (10)")),
]
DEFAULT_CATEGORY = {
    "course": "education",
    "course_part": "education",
    "reading": "education",
    "coaching": "exposure",
    "on_the_job": "experience",
    "other": "experience",
}


class PlanTemplate(models.Model):
    """
    A preset plan ("New manager") whose items HR assigns to a person or a whole population.

    .. no_pii:
    """

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    active = models.BooleanField(default=True, db_index=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["name"]

    def __str__(self):
        return self.name


class TemplateItem(models.Model):
    """
    One item of a template; ``due_days`` after the assignment gives the item's due date.

    .. no_pii:
    """

    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    course_key = CourseKeyField(max_length=255, blank=True, null=True, default=None)
    usage_key = UsageKeyField(max_length=255, blank=True, null=True, default=None)
    competency = models.ForeignKey(Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_level = models.PositiveSmallIntegerField(null=True, blank=True)
    category = models.CharField(max_length=16, choices=CATEGORY_CHOICES, blank=True, default="")
    due_days = models.PositiveIntegerField(null=True, blank=True)
    self_enrol = models.BooleanField(default=True)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["template", "order", "pk"]

    def __str__(self):
        return self.title


class Plan(models.Model):
    """
    A person's development plan for a period.

    Lifecycle: ``draft`` (the person writes it) -> ``proposed`` (sent to the manager) -> ``active`` (approved, or
    assigned by the manager or HR) -> ``completed``; any plan may be ``archived``.

    .. pii: The owner, the goals (free text about the person) and the manager's comments. The development retirement
       step deletes the person's plans (items, comments and history with them).
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    DRAFT = "draft"
    PROPOSED = "proposed"
    ACTIVE = "active"
    COMPLETED = "completed"
    ARCHIVED = "archived"
    STATUS_CHOICES = [
        (DRAFT, _("Draft")),
        (PROPOSED, _("Awaiting approval")),
        (ACTIVE, _("Active")),
        (COMPLETED, _("Completed")),
        (ARCHIVED, _("Archived")),
    ]
    OPEN_STATUSES = (DRAFT, PROPOSED, ACTIVE)

    owner = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="development_plans")
    title = models.CharField(max_length=255)
    period_start = models.DateField()
    period_end = models.DateField()
    goals = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=DRAFT)
    template = models.ForeignKey(PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans")
    manager_comments = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0, db_default=0, help_text=_("Optimistic concurrency (ADR 0016)."))
    history = HistoricalRecords(app="perf_mgmt", bases=[PlanHistory], excluded_fields=["updated", "version"])

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-period_start", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status"], name="perf_plan_owner_status"),
            models.Index(fields=["status", "period_end"], name="perf_plan_status_end"),
            models.Index(fields=["template", "owner"], name="perf_plan_template_owner"),
        ]

    def __str__(self):
        return self.title


class PlanItem(models.Model):
    """
    One activity of a plan. Course items follow the LMS (see the module's docstring).

    .. pii: Free text (title, description) that may be about the person, the people who proposed and approved it.
       Deleted with the plan by the development retirement step; unlinked where the user only approved.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    PROPOSED = "proposed"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    STATUS_CHOICES = [
        (PROPOSED, _("Proposed")),
        (APPROVED, _("Approved")),
        (IN_PROGRESS, _("In progress")),
        (COMPLETED, _("Completed")),
        (CANCELLED, _("Cancelled")),
    ]
    #: Statuses whose item the LMS may still move (an approved item starts with the first sign of activity).
    TRACKED_STATUSES = (APPROVED, IN_PROGRESS, COMPLETED)
    OPEN_STATUSES = (PROPOSED, APPROVED, IN_PROGRESS)

    SOURCE_CHOICES = [
        ("template", _("Template")),
        ("gap", _("Competency gap")),
        ("appraisal", _("Appraisal")),
        ("manager", _("Manager")),
        ("self", _("Self")),
    ]

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    owner = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", editable=False)
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    course_key = CourseKeyField(max_length=255, blank=True, null=True, default=None)
    usage_key = UsageKeyField(max_length=255, blank=True, null=True, default=None)
    competency = models.ForeignKey(Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_level = models.PositiveSmallIntegerField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    category = models.CharField(max_length=16, choices=CATEGORY_CHOICES)
    source = models.CharField(max_length=16, choices=SOURCE_CHOICES)
    source_ref = models.CharField(max_length=64, blank=True, default="", help_text=_("e.g. appraisal:12"))
    template_item = models.ForeignKey(TemplateItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recommendation = models.ForeignKey(
        CourseRecommendation, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_items"
    )
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=PROPOSED)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent, 0-100."))
    self_enrol = models.BooleanField(default=True, help_text=_("The person may enrol themselves in the course."))
    # LMS registers (event time stamps; see the module docstring).
    enrolled = models.BooleanField(default=False)
    enrollment_at = models.DateTimeField(null=True, blank=True)
    achieved = models.BooleanField(default=False)
    achieved_at = models.DateTimeField(null=True, blank=True)
    grade_percent = models.FloatField(null=True, blank=True)
    grade_at = models.DateTimeField(null=True, blank=True)
    blocks_completed = models.PositiveIntegerField(default=0)
    evidence_recorded = models.BooleanField(default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(app="perf_mgmt", bases=[PlanHistory])

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["plan", "order", "pk"]
        indexes = [
            models.Index(fields=["owner", "course_key"], name="perf_item_owner_course"),
            models.Index(fields=["owner", "usage_key"], name="perf_item_owner_usage"),
            models.Index(fields=["course_key", "status"], name="perf_item_course_status"),
            models.Index(fields=["status", "due_date"], name="perf_item_status_due"),
            models.Index(fields=["plan", "order"], name="perf_item_plan_order"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return bool(self.due_date and self.status in self.OPEN_STATUSES and self.due_date < timezone.localdate())


class PlanComment(models.Model):
    """
    A comment of the owner or a manager on a plan (or one of its items).

    .. pii: The author and the text. Deleted with the plan by the retirement step; comments the user wrote on
       others' plans are unlinked from them and emptied.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(help_text=_("Sanitised HTML."))
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["plan", "created"], name="perf_plancomment_plan")]

    def __str__(self):
        return self.body[:60]


class ProcessedEvent(models.Model):
    """
    An LMS event the receivers recorded (ADR 0021): an openedx-events event by its metadata id, or a block
    completion (a fresh id). The receiver's only write in the platform's request is this row, ``applied_at`` empty
    (pending) and ``payload`` the fact; a worker applies the pending rows of one person and course together and
    stamps ``applied_at`` (a consumed block completion row is deleted: it only said "recount"). A redelivered event
    finds its id here and is skipped. Applied rows are small and can be pruned after a few weeks (events are not
    redelivered after that); pending rows are never pruned, ``replay_failed_lms_events`` applies stale ones.

    .. pii: The LMS user id the event was about. The retirement step deletes the user's rows.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=128)
    user_id = models.IntegerField(null=True, db_index=True)
    course_key = CourseKeyField(max_length=255, blank=True, null=True, default=None)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    items = models.PositiveIntegerField(default=0, help_text=_("Plan items it moved."))
    payload = models.JSONField(default=dict, blank=True, help_text=_("The fact the event carries, until applied."))
    applied_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty while a worker has still to apply it."))

    class Meta:
        app_label = "perf_mgmt"
        indexes = [
            models.Index(fields=["received_at"], name="perf_procevent_received"),
            models.Index(fields=["user_id", "course_key", "applied_at"], name="perf_procevent_pending"),
            models.Index(fields=["applied_at"], name="perf_procevent_applied"),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class UnmatchedEvent(models.Model):
    """
    An LMS event about an employee and a course that no plan item tracked (yet). Kept, not lost: when a course item
    is later added for that person and course, its events are replayed onto it (a course finished before it was
    put in the plan still counts) and the rows are marked ``resolved_at``.

    A platform signal whose handling failed on the plugin's side (the receiver logs it and never raises into the
    platform) is kept here too, with its ``error``: ``replay_failed_lms_events`` applies it again. Such rows may be
    a block completion or a user retirement (no course key).

    .. pii: The LMS user id and the event's payload (course, grade, status). Deleted by the retirement step.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=128)
    user_id = models.IntegerField()
    course_key = CourseKeyField(max_length=255, null=True, blank=True, default=None)
    occurred_at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(
        blank=True, default="", help_text=_("Why handling the signal failed; empty for an event no item tracked.")
    )

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["user_id", "course_key", "resolved_at"], name="perf_unmatched_user_course")]

    def __str__(self):
        return f"{self.event_type} {self.user_id} {self.course_key}"
