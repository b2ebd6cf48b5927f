"""
Appraisals: review cycles, templates, reviews and their items, the audit trail, coaching, interim notes, follow-up
actions and the process survey.

Rating scales are the competencies domain's descriptive scales (``competencies.Scale``: any number of points, each
with sanitised text): a key-result-area section names its scale, a competency item is rated on its framework's scale,
so a manager's or self rating can become a competency ``Assessment`` without translation. A review's items are
snapshots taken at launch (the objective's title, the required level), so later edits of the cascade or of the
position's requirements do not rewrite a review under way; the links stay for the evidence shown beside them.

Survey answers are stored without any link to the person who gave them (``SurveyResponse`` holds the answer,
``SurveyInvitation`` only whether someone answered), so they cannot be shown per person by any page, API, export or
database query; results are shown only for groups of at least ``PERF_MGMT_SURVEY_MIN_GROUP`` answers.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..competencies.api import Competency, Scale
from ..development.api import PlanItem
from ..org.api import Employee, OrgUnit, Position
from ..strategy.api import Objective, Period


class ReviewTemplate(models.Model):
    """
    The form of a review: ordered sections (key result areas, competencies, free questions, development).

    .. no_pii:
    """

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    active = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["name"]

    def __str__(self):
        return self.name


class TemplateSection(models.Model):
    """
    One section of a template. ``kra``: one item per objective the person owns in the cycle's period (line of
    sight, no retyping), rated on ``scale``; ``competencies``: one item per requirement of the person's position,
    rated on the competency's framework scale; ``questions``: the section's free questions; ``development``: the
    follow-up actions agreed in the review. ``weight`` counts in the overall score of scored cycles.

    .. no_pii:
    """

    KRA = "kra"
    COMPETENCIES = "competencies"
    QUESTIONS = "questions"
    DEVELOPMENT = "development"
    KIND_CHOICES = [
        (KRA, _("Key result areas (from the person's objectives)")),
        (COMPETENCIES, _("Competencies (from the position's requirements)")),
        (QUESTIONS, _("Free questions")),
        (DEVELOPMENT, _("Development and follow-up actions")),
    ]
    RATED_KINDS = (KRA, COMPETENCIES)

    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    title = models.CharField(max_length=255)
    instructions = models.TextField(blank=True, default="", help_text=_("Sanitised HTML shown to both people."))
    order = models.PositiveSmallIntegerField(default=0)
    weight = models.FloatField(default=1)
    scale = models.ForeignKey(
        Scale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The rating scale of a key-result-area section."),
    )

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["template", "order", "pk"]

    def __str__(self):
        return self.title


class TemplateQuestion(models.Model):
    """
    A free question of a ``questions`` section, answered in text by the person and their manager.

    .. no_pii:
    """

    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    required = models.BooleanField(default=False)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["section", "order", "pk"]

    def __str__(self):
        return self.text[:80]


class Cycle(models.Model):
    """
    One round of appraisals for a population, at a cadence, with phase deadlines.

    The population is the union of ``units`` (with their sub-units), ``positions`` and ``people``; people who join
    it while the cycle is active get a review too (``launch.add_late_joiners``). Launching creates the reviews in a
    Celery task that records its progress here and may be re-run: it only adds the reviews that are missing.

    .. no_pii:
    """

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    CUSTOM = "custom"
    CADENCE_CHOICES = [
        (MONTHLY, _("Monthly")),
        (QUARTERLY, _("Quarterly")),
        (HALF_YEARLY, _("Half-yearly")),
        (YEARLY, _("Yearly")),
        (CUSTOM, _("Custom")),
    ]
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"
    STATUS_CHOICES = [(DRAFT, _("Draft")), (ACTIVE, _("Active")), (CLOSED, _("Closed"))]
    LAUNCH_IDLE = "idle"
    LAUNCH_RUNNING = "running"
    LAUNCH_DONE = "done"
    LAUNCH_FAILED = "failed"
    LAUNCH_CHOICES = [
        (LAUNCH_IDLE, _("Not launched")),
        (LAUNCH_RUNNING, _("Launching")),
        (LAUNCH_DONE, _("Launched")),
        (LAUNCH_FAILED, _("Launch failed")),
    ]
    #: The phases in order, each with the deadline field that ends it.
    PHASE_DEADLINES = (
        ("self_review", "self_review_due"),
        ("manager_review", "manager_review_due"),
        ("meeting", "meeting_due"),
        ("sign_off", "sign_off_due"),
    )

    name = models.CharField(max_length=255, unique=True)
    template = models.ForeignKey(ReviewTemplate, on_delete=models.PROTECT, related_name="cycles")
    cadence = models.CharField(max_length=16, choices=CADENCE_CHOICES, default=YEARLY)
    period = models.ForeignKey(
        Period,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The strategy period whose objectives become the key result areas (by dates when empty)."),
    )
    start = models.DateField(help_text=_("First day of the period under review."))
    end = models.DateField(help_text=_("Last day of the period under review."))
    self_review_due = models.DateField()
    manager_review_due = models.DateField()
    meeting_due = models.DateField()
    sign_off_due = models.DateField()
    scored = models.BooleanField(default=True, help_text=_("Show ratings' overall score (off: ratings only)."))
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=DRAFT, db_index=True)
    units = models.ManyToManyField(OrgUnit, blank=True, related_name="+")
    positions = models.ManyToManyField(Position, blank=True, related_name="+")
    people = models.ManyToManyField(Employee, blank=True, related_name="+")
    launch_status = models.CharField(max_length=16, choices=LAUNCH_CHOICES, default=LAUNCH_IDLE)
    launch_total = models.PositiveIntegerField(default=0)
    launch_done = models.PositiveIntegerField(default=0)
    launch_error = models.TextField(blank=True, default="")
    launched_at = models.DateTimeField(null=True, blank=True)
    launch_heartbeat = models.DateTimeField(
        null=True, blank=True, help_text=_("Last sign of life of the running launch (stale when old: resumable).")
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="perf_cycle_order"),
        ]

    def __str__(self):
        return self.name


class Review(models.Model):
    """
    The review of one person in one cycle, moving through the phases: self review, manager review, meeting,
    sign-off, completed. The manager's ratings and comments are a private draft until ``manager_shared_at``.

    .. pii: Ratings, comments, the meeting and sign-off comments and disagreement are personal data about the
       reviewed person, written by them and their manager. Deleted with the person's employee record; text written by
       a retired user as manager is blanked by the appraisals retirement step.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    SELF_REVIEW = "self_review"
    MANAGER_REVIEW = "manager_review"
    MEETING = "meeting"
    SIGN_OFF = "sign_off"
    COMPLETED = "completed"
    STAGE_CHOICES = [
        (SELF_REVIEW, _("Self review")),
        (MANAGER_REVIEW, _("Manager review")),
        (MEETING, _("Meeting")),
        (SIGN_OFF, _("Sign-off")),
        (COMPLETED, _("Completed")),
    ]
    STAGE_ORDER = [SELF_REVIEW, MANAGER_REVIEW, MEETING, SIGN_OFF, COMPLETED]
    IN_PERSON = "in_person"
    VIDEO = "video"
    MEETING_MODE_CHOICES = [(IN_PERSON, _("In person")), (VIDEO, _("Video call, cameras on"))]

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reviews")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="perf_reviews")
    manager = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="perf_reviews_as_manager"
    )
    stage = models.CharField(max_length=16, choices=STAGE_CHOICES, default=SELF_REVIEW)
    joined_late = models.BooleanField(default=False, help_text=_("Added after the cycle was launched."))
    self_summary = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    self_missed = models.BooleanField(default=False, help_text=_("The manager went on after the self-review deadline."))
    manager_summary = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    coaching_requested_at = models.DateTimeField(null=True, blank=True)
    manager_shared_at = models.DateTimeField(null=True, blank=True)
    self_score = models.FloatField(null=True, blank=True)
    manager_score = models.FloatField(null=True, blank=True)
    meeting_at = models.DateTimeField(null=True, blank=True)
    meeting_mode = models.CharField(max_length=16, choices=MEETING_MODE_CHOICES, blank=True, default="")
    employee_attended_at = models.DateTimeField(null=True, blank=True)
    manager_attended_at = models.DateTimeField(null=True, blank=True)
    employee_signed_at = models.DateTimeField(null=True, blank=True)
    manager_signed_at = models.DateTimeField(null=True, blank=True)
    employee_comment = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    disagrees = models.BooleanField(default=False)
    disagreement = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    completed_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True, help_text=_("When the last deadline reminder was sent."))
    reminded_key = models.CharField(
        max_length=48, blank=True, default="", help_text=_("Which reminder that was (stage and before/after).")
    )
    created = models.DateTimeField(default=timezone.now)
    #: Optimistic concurrency (ADR 0016): each part people write has its own version, moved on by every save of it.
    self_version = models.PositiveIntegerField(default=0, db_default=0, help_text=_("Version of the self review."))
    manager_version = models.PositiveIntegerField(
        default=0, db_default=0, help_text=_("Version of the manager's review.")
    )

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["cycle", "pk"]
        constraints = [models.UniqueConstraint(fields=["cycle", "employee"], name="perf_review_once_per_cycle")]
        indexes = [
            models.Index(fields=["cycle", "stage"], name="perf_review_cycle_stage"),
            models.Index(fields=["manager", "cycle"], name="perf_review_manager_cycle"),
            models.Index(fields=["employee", "cycle"], name="perf_review_employee_cycle"),
        ]

    def __str__(self):
        return f"{self.cycle_id}: {self.employee_id}"


class ReviewItem(models.Model):
    """
    One rated or answered line of a review: a key result area (an objective), a competency or a free question,
    with the person's and the manager's rating and comment. The manager's part is shown to the person only once the
    review is shared.

    .. pii: Ratings and comments about the reviewed person; deleted with their review.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(TemplateSection, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=255, help_text=_("Snapshot at launch."))
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    competency = models.ForeignKey(Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    question = models.ForeignKey(TemplateQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scale = models.ForeignKey(Scale, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    required_level = models.PositiveSmallIntegerField(null=True, blank=True)
    weight = models.FloatField(default=1)
    self_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    self_comment = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    manager_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    manager_comment = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["review", "order", "pk"]

    def __str__(self):
        return self.title

    @property
    def rated(self):
        return self.scale_id is not None


class ReviewEvent(models.Model):
    """
    The audit trail of a review (append-only): submissions, sharing, meeting, attendance, signatures, reopening
    with its reason, deadline misses.

    .. pii: The acting user and the free-text note (a reopening's reason).
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    #: What each recorded action is called on the review's history (an action not listed shows as recorded).
    ACTION_LABELS = {
        "self_submitted": _("Self review submitted"),
        "manager_ready": _("Manager review ready"),
        "coaching_requested": _("Coaching asked for"),
        "coaching_feedback": _("Coaching feedback given"),
        "self_missed": _("Self-review deadline missed; the manager went on"),
        "shared": _("Manager review shared"),
        "meeting_scheduled": _("Meeting scheduled"),
        "attended": _("Attendance confirmed"),
        "meeting_held": _("Meeting held"),
        "signed": _("Signed"),
        "completed": _("Review completed"),
        "reopened": _("Reopened"),
        "action_added": _("Follow-up action added"),
    }
    #: Steps between the reviewing manager and their coach: never in the history the reviewed person sees.
    PRIVATE_ACTIONS = frozenset({"manager_ready", "coaching_requested", "coaching_feedback"})

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_stage = models.CharField(max_length=16, blank=True, default="")
    to_stage = models.CharField(max_length=16, blank=True, default="")
    note = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["review", "created", "pk"]

    def __str__(self):
        return f"{self.review_id}: {self.action}"

    @property
    def label(self):
        return self.ACTION_LABELS.get(self.action, self.action)


class CoachAssignment(models.Model):
    """
    A coach manager assigned to read another manager's reviews in a cycle before they are shared.

    .. no_pii:
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="coach_assignments")
    reviewer = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="perf_coaching_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        constraints = [models.UniqueConstraint(fields=["cycle", "reviewer"], name="perf_coach_once_per_reviewer")]
        indexes = [models.Index(fields=["coach", "cycle"], name="perf_coach_coach_cycle")]

    def __str__(self):
        return f"{self.coach_id} coaches {self.reviewer_id}"


class CoachingFeedback(models.Model):
    """
    A coach's feedback on a manager's draft review; the reviewing manager sees it, the reviewed person never does.

    .. pii: Free text about the draft review (and so about the reviewed person), by the coach.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="coaching")
    coach = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(help_text=_("Sanitised HTML."))
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["review", "created", "pk"]

    def __str__(self):
        return f"{self.review_id}: coaching"


class InterimNote(models.Model):
    """
    A note about a person written through the period by the person or their manager, tagged, private (its author
    only) or shared (the person and their managers), shown in the review of the period it falls in.

    .. pii: Free text about the person, by them or their manager.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    RECOGNITION = "recognition"
    OBSERVATION = "observation"
    CONCERN = "concern"
    IDEA = "idea"
    TAG_CHOICES = [
        (RECOGNITION, _("Recognition")),
        (OBSERVATION, _("Observation")),
        (CONCERN, _("Concern")),
        (IDEA, _("Idea")),
    ]

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="perf_interim_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tag = models.CharField(max_length=16, choices=TAG_CHOICES, default=OBSERVATION)
    body = models.TextField(help_text=_("Sanitised HTML."))
    private = models.BooleanField(default=False)
    noted_on = models.DateField(default=timezone.localdate)
    created = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0, db_default=0, help_text=_("Optimistic concurrency (ADR 0016)."))

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-noted_on", "-pk"]
        indexes = [models.Index(fields=["employee", "noted_on"], name="perf_note_employee_date")]

    def __str__(self):
        return f"{self.employee_id}: {self.tag}"


class FollowUpAction(models.Model):
    """
    An action agreed in a review, with an owner and a due date. Development actions become items of the person's
    development plan (``plan_item``); open actions show in the person's next check-ins and next review.

    .. pii: Free text about the reviewed person's work or development.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    DEVELOPMENT = "development"
    WORK = "work"
    SUPPORT = "support"
    KIND_CHOICES = [
        (DEVELOPMENT, _("Development (becomes a plan item)")),
        (WORK, _("Work")),
        (SUPPORT, _("Support from the manager")),
    ]
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"
    STATUS_CHOICES = [(OPEN, _("Open")), (DONE, _("Done")), (CANCELLED, _("Cancelled"))]

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="perf_review_actions")
    owner = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES, default=WORK)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=OPEN)
    plan_item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["employee", "status"], name="perf_action_employee_status")]

    def __str__(self):
        return self.title


class SurveyInvitation(models.Model):
    """
    Who is asked to rate a cycle's process and whether they answered: never which answer was theirs.

    .. pii: Whether the person answered the survey of a cycle; deleted by the appraisals retirement step.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    EMPLOYEE = "employee"
    MANAGER = "manager"
    ROLE_CHOICES = [(EMPLOYEE, _("Reviewed person")), (MANAGER, _("Reviewing manager"))]

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="survey_invitations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=ROLE_CHOICES, default=EMPLOYEE)
    responded = models.BooleanField(default=False, help_text=_("No time is kept: it could be matched to an answer."))

    class Meta:
        app_label = "perf_mgmt"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee", "role"], name="perf_survey_invite_once"),
        ]

    def __str__(self):
        return f"{self.cycle_id}: {self.employee_id} ({self.role})"


class SurveyResponse(models.Model):
    """
    One anonymous answer to a cycle's process survey: ratings 1-5 of clarity, usefulness, fairness and the meeting,
    and free text. Kept with the respondent's org unit and role (for groups of at least the minimum size), never
    with the respondent.

    .. pii: The free text may mention people; it is never linked to its author, so retirement cannot find it.
    .. pii_types: other
    .. pii_retirement: retained
    """

    QUESTIONS = ("clarity", "usefulness", "fairness", "meeting")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="survey_responses")
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=16, choices=SurveyInvitation.ROLE_CHOICES, default=SurveyInvitation.EMPLOYEE)
    clarity = models.PositiveSmallIntegerField()
    usefulness = models.PositiveSmallIntegerField()
    fairness = models.PositiveSmallIntegerField()
    meeting = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    submitted_on = models.DateField(default=timezone.localdate, help_text=_("A date only, to keep answers anonymous."))

    class Meta:
        app_label = "perf_mgmt"
        indexes = [models.Index(fields=["cycle", "org_unit"], name="perf_survey_cycle_unit")]

    def __str__(self):
        return f"{self.cycle_id}: survey answer"
