"""
Strategy execution: periods, the objective cascade, progress history, check-ins, forecasts and notifications.

The cascade is a tree with a materialized path (``core.paths``), like the org trees: a subtree ("everything that
serves this objective") is one ``path LIKE`` query and a line of sight ("what this task serves") is one
``pk IN (...)`` query on the ids decoded from the path, whatever the depth. Paths are written only by
``strategy.services``. Progress, pace, status and the projected date are stored on each objective and kept up to date
by ``strategy.rollup`` (incrementally along the path to the root, or recomputed in full); the method is
docs/decisions/0006-strategy-forecasts.rst.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..core.paths import PATH_MAX_LENGTH
from ..org.api import Employee, OrgUnit


class Period(models.Model):
    """
    The time frame of objectives: a quarter, a half year, a financial year (per the fiscal calendar) or custom dates.

    .. no_pii:
    """

    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    CUSTOM = "custom"
    KIND_CHOICES = [
        (QUARTER, _("Quarter")),
        (HALF, _("Half year")),
        (YEAR, _("Financial year")),
        (CUSTOM, _("Custom")),
    ]

    name = models.CharField(max_length=128, unique=True)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES, default=CUSTOM)
    start = models.DateField()
    end = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-start", "name"]
        indexes = [models.Index(fields=["start", "end"], name="perf_period_dates")]
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="perf_period_order")]

    def __str__(self):
        return self.name


class Level(models.Model):
    """
    A named level of the cascade (data, not code): rank 1 is the top (Strategic objective), higher ranks lie below.

    .. no_pii:
    """

    name = models.CharField(max_length=128)
    rank = models.PositiveSmallIntegerField(unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["rank"]

    def __str__(self):
        return self.name


class Objective(models.Model):
    """
    One node of the cascade: owned by a person or an org unit, in a period, with a due date, a measure and a weight.

    ``measure`` ``numeric`` (start -> target, current value, unit), ``milestones`` (share of weighted milestones
    done), ``binary`` (done / not done) or ``rollup`` (no measure of its own: the weighted mean of its children).
    A node with its own measure keeps it whatever its children say. ``template`` links the goals created by one bulk
    cascade to the goal they were made from, so later edits of the template can be applied to all of them.

    .. no_pii:
    """

    NUMERIC = "numeric"
    MILESTONES = "milestones"
    BINARY = "binary"
    ROLLUP = "rollup"
    MEASURE_CHOICES = [
        (NUMERIC, _("Number (start, target, current)")),
        (MILESTONES, _("Milestones")),
        (BINARY, _("Done / not done")),
        (ROLLUP, _("From its sub-objectives")),
    ]
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    DONE = "done"
    STATUS_CHOICES = [
        (NOT_STARTED, _("Not started")),
        (ON_TRACK, _("On track")),
        (AT_RISK, _("At risk")),
        (OFF_TRACK, _("Off track")),
        (DONE, _("Done")),
    ]
    #: How bad a status is: a change to a higher number notifies the owner's manager.
    SEVERITY = {DONE: 0, NOT_STARTED: 0, ON_TRACK: 0, AT_RISK: 1, OFF_TRACK: 2}

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="objectives")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=PATH_MAX_LENGTH, db_index=True, editable=False, default="")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="objectives")
    owner = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="perf_objectives"
    )
    owner_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="perf_objectives"
    )
    start_date = models.DateField(help_text=_("When work starts (defaults to the period's start)."))
    due_date = models.DateField()
    measure = models.CharField(max_length=16, choices=MEASURE_CHOICES, default=ROLLUP)
    start_value = models.FloatField(default=0)
    target_value = models.FloatField(default=100)
    current_value = models.FloatField(default=0)
    unit = models.CharField(max_length=32, blank=True, default="")
    done = models.BooleanField(default=False)
    weight = models.FloatField(default=1)
    course_key = models.CharField(
        max_length=255,
        blank=True,
        default="",
        db_index=True,
        help_text=_("A course that supports this objective: check-ins recorded in that course are linked to it."),
    )
    template = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="cascaded_copies"
    )
    active = models.BooleanField(default=True, db_index=True)
    # Computed by strategy.rollup: progress 0..1, pace (progress per day), status and projected completion.
    progress = models.FloatField(default=0)
    pace = models.FloatField(default=0)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=NOT_STARTED, db_index=True)
    forecast_date = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=0,
        db_default=0,
        help_text=_("Optimistic concurrency (ADR 0016): moved on by every edit of the definition."),
    )

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["owner", "active"], name="perf_obj_owner_active"),
            models.Index(fields=["owner_unit", "active"], name="perf_obj_unit_active"),
            models.Index(fields=["period", "active"], name="perf_obj_period_active"),
            models.Index(fields=["parent", "active"], name="perf_obj_parent_active"),
        ]

    def __str__(self):
        return self.title

    @property
    def depth(self):
        from ..core.paths import depth_of  # pylint: disable=import-outside-toplevel

        return depth_of(self.path)

    @property
    def has_own_measure(self):
        return self.measure != self.ROLLUP


class Milestone(models.Model):
    """
    A step of an objective measured by milestones; the objective's progress is the weighted share done.

    .. no_pii:
    """

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=255)
    due_date = models.DateField(null=True, blank=True)
    weight = models.FloatField(default=1)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["objective", "position", "pk"]

    def __str__(self):
        return self.title


class ProgressUpdate(models.Model):
    """
    One reading of an objective's own measure (append-only): the history forecasts are computed from.

    .. pii: The note is free text by the person who recorded the update, linked to their user.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="updates")
    progress = models.FloatField(help_text=_("0..1 after this update."))
    value = models.FloatField(null=True, blank=True, help_text=_("The measure's value (numeric measures)."))
    note = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["objective", "created", "pk"]
        indexes = [models.Index(fields=["objective", "created"], name="perf_update_obj_created")]

    def __str__(self):
        return f"{self.objective_id}: {self.progress:.0%} at {self.created:%Y-%m-%d}"


class CheckInSeries(models.Model):
    """
    Recurring check-ins of a manager with one employee or with a team, at a cadence, with an agenda template.

    .. no_pii:
    """

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    CADENCE_CHOICES = [(WEEKLY, _("Weekly")), (FORTNIGHTLY, _("Fortnightly")), (MONTHLY, _("Monthly"))]
    DEFAULT_AGENDA = ["Progress", "Priorities", "Impediments", "Support needed", "Development"]

    manager = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="perf_led_checkin_series")
    employee = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.CASCADE, related_name="perf_checkin_series"
    )
    team = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="perf_checkin_series"
    )
    cadence = models.CharField(max_length=16, choices=CADENCE_CHOICES, default=WEEKLY)
    agenda = models.JSONField(default=list, blank=True)
    start_date = models.DateField(default=timezone.localdate)
    next_due = models.DateField(db_index=True)
    active = models.BooleanField(default=True)

    class Meta:
        app_label = "perf_mgmt"
        indexes = [models.Index(fields=["manager", "active"], name="perf_series_mgr_active")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employee__isnull=False) | models.Q(team__isnull=False),
                name="perf_series_has_employee_or_team",
            ),
        ]

    def __str__(self):
        return f"{self.get_cadence_display()} check-in of {self.manager} with {self.employee or self.team}"


class CheckIn(models.Model):
    """
    One check-in: a meeting of a series (scheduled, prepared by the employee, held or missed) or an update recorded
    by the employee alone, e.g. from the check-in XBlock in a course (``course_key`` / ``usage_key``).

    .. pii: Free text the employee and their manager wrote (reflection, steps done, next actions), linked to them.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    SCHEDULED = "scheduled"
    PREPARED = "prepared"
    HELD = "held"
    MISSED = "missed"
    STATUS_CHOICES = [(SCHEDULED, _("Scheduled")), (PREPARED, _("Prepared")), (HELD, _("Held")), (MISSED, _("Missed"))]
    FACE_TO_FACE = "face_to_face"
    VIDEO = "video"
    ASYNC = "async"
    MODE_CHOICES = [(FACE_TO_FACE, _("Face to face")), (VIDEO, _("Video")), (ASYNC, _("Written update"))]

    series = models.ForeignKey(CheckInSeries, null=True, blank=True, on_delete=models.CASCADE, related_name="check_ins")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="perf_check_ins")
    manager = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="perf_led_check_ins"
    )
    scheduled_for = models.DateField(db_index=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=SCHEDULED, db_index=True)
    mode = models.CharField(max_length=16, choices=MODE_CHOICES, blank=True, default="")
    held_at = models.DateTimeField(null=True, blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)
    agenda = models.JSONField(default=list, blank=True)
    steps_done = models.TextField(blank=True, default="")
    reflection = models.TextField(blank=True, default="")
    next_actions = models.TextField(blank=True, default="")
    course_key = models.CharField(max_length=255, blank=True, default="", db_index=True)
    usage_key = models.CharField(max_length=255, blank=True, default="")
    #: The idempotency key of the submission that created it (the check-in XBlock's form sends one per filling):
    #: the same submission sent twice makes one check-in (ADR 0015). ``NULL`` for check-ins made otherwise.
    request_key = models.CharField(max_length=64, null=True, blank=True, default=None)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-scheduled_for", "-pk"]
        indexes = [
            models.Index(fields=["employee", "scheduled_for"], name="perf_checkin_emp_date"),
            models.Index(fields=["manager", "status", "scheduled_for"], name="perf_checkin_mgr_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["employee", "request_key"], name="perf_checkin_request_key"),
        ]

    def __str__(self):
        return f"Check-in of {self.employee} on {self.scheduled_for}"


class CheckInObjective(models.Model):
    """
    What a check-in says about one objective: progress, status and confidence (1-10) it will be met.

    .. no_pii:
    """

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="objective_entries")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="check_in_entries")
    progress = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Objective.STATUS_CHOICES, blank=True, default="")
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")

    class Meta:
        app_label = "perf_mgmt"
        unique_together = [("check_in", "objective")]

    def __str__(self):
        return f"{self.check_in_id}/{self.objective_id}"


class CheckInNote(models.Model):
    """
    A note on a check-in: shared (both people see it) or private (only its author ever sees it).

    .. pii: Free text written by the author about the meeting, linked to them.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    private = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{'Private' if self.private else 'Shared'} note on {self.check_in_id}"


class Impediment(models.Model):
    """
    Something in the way of an objective, raised in a check-in, open until resolved.

    .. pii: The description is free text by the employee who raised it.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
    SEVERITY_CHOICES = [(LOW, _("Low")), (MEDIUM, _("Medium")), (HIGH, _("High")), (CRITICAL, _("Critical"))]

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="perf_impediments")
    check_in = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="impediments")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="impediments"
    )
    description = models.TextField()
    severity = models.CharField(max_length=16, choices=SEVERITY_CHOICES, default=MEDIUM)
    created = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["employee", "resolved_at"], name="perf_imped_emp_open")]

    def __str__(self):
        return self.description[:60]


class HelpRequest(models.Model):
    """
    A request for help, routed to the employee's manager at the time it is raised and shown to them until resolved.

    .. pii: The request and the answer are free text between the employee and their manager.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="perf_help_requests")
    routed_to = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="perf_help_requests_received"
    )
    check_in = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="help_requests")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="help_requests"
    )
    body = models.TextField()
    course_key = models.CharField(max_length=255, blank=True, default="")
    created = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True, default="")

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["routed_to", "resolved_at"], name="perf_help_routed_open"),
            models.Index(fields=["employee", "resolved_at"], name="perf_help_emp_open"),
        ]

    def __str__(self):
        return self.body[:60]


class Notification(models.Model):
    """
    A message stored for a user (and also emailed): e.g. an objective's forecast got worse.

    .. pii: The recipient; the text names the objective and its owner.
    .. pii_types: name
    .. pii_retirement: local_api
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="perf_notifications")
    kind = models.CharField(max_length=32)
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True, default="")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="perf_notif_recipient")]

    def __str__(self):
        return self.subject
