"""
People and structure: who works where, in which position, reporting to whom.

Trees (org units and reporting lines) carry a materialized path (``core.paths``) so subtree and chain queries take
a constant number of queries at any depth. Paths are maintained only by ``org.services``; never write them directly.
Every change is kept in django-simple-history tables so reports can show the org as it was.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..core.history import NoPiiHistory
from ..core.paths import PATH_MAX_LENGTH


class EmployeeHistory(models.Model):
    """
    History of employee records (who changed what, when), kept for reports of the org as it was.

    .. pii: The employee number and start date as they were; cleared by the org retirement step.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    class Meta:
        abstract = True


class OrgUnit(models.Model):
    """
    A unit of the organisation (company, division, department, team...), arranged in a tree.

    .. no_pii:
    """

    KIND_CHOICES = [
        ("company", _("Company")),
        ("division", _("Division")),
        ("department", _("Department")),
        ("team", _("Team")),
        ("other", _("Other")),
    ]

    code = models.CharField(max_length=64, unique=True, help_text=_("Stable identifier used by imports."))
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=32, choices=KIND_CHOICES, default="team")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=PATH_MAX_LENGTH, db_index=True, editable=False, default="")
    active = models.BooleanField(default=True)
    history = HistoricalRecords(app="perf_mgmt", bases=[NoPiiHistory])

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def depth(self):
        from ..core.paths import depth_of  # pylint: disable=import-outside-toplevel

        return depth_of(self.path)


class Position(models.Model):
    """
    A position / job title, optionally tied to an org unit; competency requirements hang off it.

    .. no_pii:
    """

    code = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions")
    active = models.BooleanField(default=True)
    history = HistoricalRecords(app="perf_mgmt", bases=[NoPiiHistory])

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["title"]

    def __str__(self):
        return self.title


class Employee(models.Model):
    """
    The HR record of one LMS user: position, unit, manager and employment facts.

    .. pii: Employee number and start date identify a person at their employer; linked to the user.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="perf_employee")
    employee_number = models.CharField(max_length=64, unique=True, null=True, blank=True)
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.SET_NULL, related_name="holders")
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports")
    path = models.CharField(max_length=PATH_MAX_LENGTH, db_index=True, editable=False, default="")
    start_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True, db_index=True)
    history = HistoricalRecords(app="perf_mgmt", excluded_fields=["path"], bases=[EmployeeHistory])

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["org_unit", "active"], name="perf_emp_unit_active"),
            models.Index(fields=["position", "active"], name="perf_emp_pos_active"),
            models.Index(fields=["manager", "active"], name="perf_emp_mgr_active"),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def display_name(self):
        return self.user.get_full_name() or self.user.get_username()


class HRAdminScope(models.Model):
    """
    Limits an HR admin to some org units (and everything under them). An HR admin with no scope row sees all.

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="perf_hr_scopes")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="hr_scopes")

    class Meta:
        app_label = "perf_mgmt"
        unique_together = [("user", "org_unit")]

    def __str__(self):
        return f"{self.user} → {self.org_unit}"


class AccessGrant(models.Model):
    """
    Time-limited delegated access (a coach, an acting manager) granted by HR to one person's or one unit's records.

    The grantee gets the same rights as a manager over the subject for the validity window; revoking keeps the row.

    .. no_pii:
    """

    grantee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="perf_grants")
    subject = models.ForeignKey(
        Employee,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants_on",
        help_text=_("The person (and everyone reporting to them) the grant covers."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants_on",
        help_text=_("Or a whole unit and its sub-units."),
    )
    reason = models.CharField(max_length=255, blank=True, default="")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="perf_grants_given"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "perf_mgmt"
        indexes = [models.Index(fields=["grantee", "ends_at"], name="perf_grant_grantee_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subject__isnull=False) | models.Q(org_unit__isnull=False),
                name="perf_grant_has_subject_or_unit",
            ),
        ]

    def __str__(self):
        return f"{self.grantee} on {self.subject or self.org_unit} until {self.ends_at:%Y-%m-%d}"


class ImportJob(models.Model):
    """
    One run of the org chart import (people, org units or positions): who started it, how far it got, what it did.

    Jobs make large imports possible outside the request (a Celery task updates the progress) and let the HR page
    keep an uploaded file between its preview and "Apply" on the server rather than in the browser. The uploaded
    rows (``payload``) are kept only while the job needs them: cleared when it ends, or when its preview is applied
    or expires. The result keeps a capped summary of the row changes for the people who ran it.

    .. pii: The starting user; the uploaded rows and the result's row changes name the people imported (employee
       numbers, usernames, emails, names). Removed for a retired user by the org import retirement step.
    .. pii_types: id, name, username, email_address
    .. pii_retirement: local_api
    """

    KIND_EMPLOYEES = "employees"
    KIND_ORG_UNITS = "org_units"
    KIND_POSITIONS = "positions"
    KIND_CHOICES = [
        (KIND_EMPLOYEES, _("People")),
        (KIND_ORG_UNITS, _("Org units")),
        (KIND_POSITIONS, _("Positions")),
    ]
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUS_CHOICES = [
        (PENDING, _("Pending")),
        (RUNNING, _("Running")),
        (SUCCEEDED, _("Succeeded")),
        (FAILED, _("Failed")),
    ]
    ORIGIN_CHOICES = [("page", _("HR page")), ("api", _("REST API")), ("command", _("Command line"))]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="perf_import_jobs"
    )
    kind = models.CharField(max_length=32, choices=KIND_CHOICES, default=KIND_EMPLOYEES)
    origin = models.CharField(max_length=16, choices=ORIGIN_CHOICES, default="api")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    dry_run = models.BooleanField(default=True)
    create_users = models.BooleanField(default=False)
    source_name = models.CharField(max_length=255, blank=True, default="", help_text=_("The uploaded file's name."))
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=16, blank=True, default="", help_text=_("validating or writing"))
    payload = models.JSONField(null=True, blank=True, help_text=_("Uploaded rows awaiting processing."))
    result = models.JSONField(null=True, blank=True, help_text=_("Counts, row changes (capped) and errors."))
    errors = models.JSONField(default=list, blank=True)
    applied_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="previews",
        help_text=_("For a preview (dry run): the job that applied it."),
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "created"], name="perf_import_user_created")]

    def __str__(self):
        return f"{self.kind} import #{self.pk} ({self.status})"

    @property
    def finished(self):
        return self.status in (self.SUCCEEDED, self.FAILED)
