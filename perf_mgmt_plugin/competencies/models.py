"""
Competencies: frameworks with their descriptive scales, what each position requires, which courses develop what,
the append-only history of assessments from every source, and the gaps computed from them.

Levels are stored as the integer ``value`` of a :class:`ScaleLevel` (not a foreign key) so that gaps and the
audit heatmap are plain arithmetic and aggregates in SQL, at any data size. The services validate every level
against the competency's scale.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from opaque_keys.edx.django.models import CourseKeyField, UsageKeyField
from simple_history.models import HistoricalRecords

from ..core.history import NoPiiHistory
from ..org.api import Employee, OrgUnit, Position


class Scale(models.Model):
    """
    A descriptive proficiency scale (e.g. 1 Aware ... 5 Expert) shared by the competencies of one or more frameworks.

    .. no_pii:
    """

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ScaleLevel(models.Model):
    """
    One level of a scale: its ordered value, a name and a rich (sanitised HTML) description of what it looks like.

    .. no_pii:
    """

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(help_text=_("Higher is more proficient; 0 is reserved for 'none'."))
    name = models.CharField(max_length=128)
    description = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["scale", "value"]
        unique_together = [("scale", "value")]

    def __str__(self):
        return f"{self.value}. {self.name}"


class Framework(models.Model):
    """
    A competency framework (Leadership, Project Management...): competencies rated on one scale.

    .. no_pii:
    """

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="frameworks")
    active = models.BooleanField(default=True, db_index=True)
    #: Where the framework came from when it was imported from a tagging taxonomy (``openedx_tagging``).
    source_taxonomy_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Cluster(models.Model):
    """
    An optional grouping of competencies inside a framework (e.g. "Leading people").

    .. no_pii:
    """

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="clusters")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["framework", "order", "name"]
        unique_together = [("framework", "code")]

    def __str__(self):
        return self.name


class Competency(models.Model):
    """
    One competency of a framework, rated on the framework's scale.

    .. no_pii:
    """

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="competencies")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    #: The tag this competency was imported from (``openedx_tagging`` Tag id), if any.
    source_tag_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["framework", "order", "code"]
        unique_together = [("framework", "code")]
        verbose_name_plural = "competencies"

    def __str__(self):
        return f"{self.code} {self.name}"


class BehaviouralIndicator(models.Model):
    """
    An observable behaviour showing a competency at one level of its scale.

    .. no_pii:
    """

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="indicators")
    level = models.PositiveSmallIntegerField(help_text=_("The scale level value."))
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["competency", "level", "order", "pk"]
        indexes = [models.Index(fields=["competency", "level"], name="perf_indicator_comp_level")]

    def __str__(self):
        return self.text[:60]


class PositionRequirement(models.Model):
    """
    A position needs a competency at a level, with a criticality. Changes are kept in history.

    .. no_pii:
    """

    CRITICALITY_CHOICES = [
        ("low", _("Nice to have")),
        ("medium", _("Important")),
        ("high", _("Critical")),
    ]

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="competency_requirements")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="requirements")
    required_level = models.PositiveSmallIntegerField()
    criticality = models.CharField(max_length=16, choices=CRITICALITY_CHOICES, default="medium")
    history = HistoricalRecords(app="perf_mgmt", bases=[NoPiiHistory])

    class Meta:
        app_label = "perf_mgmt"
        unique_together = [("position", "competency")]
        indexes = [models.Index(fields=["competency", "position"], name="perf_req_comp_pos")]

    def __str__(self):
        return f"{self.position} needs {self.competency} at {self.required_level}"


class CourseCompetencyLink(models.Model):
    """
    A course (or one block of it) develops a competency up to a target level.

    .. no_pii:
    """

    course_key = CourseKeyField(max_length=255, db_index=True)
    usage_key = UsageKeyField(max_length=255, blank=True, default=None, null=True)
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="course_links")
    target_level = models.PositiveSmallIntegerField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        indexes = [models.Index(fields=["competency", "target_level"], name="perf_link_comp_level")]
        constraints = [
            models.UniqueConstraint(fields=["course_key", "competency"], name="perf_link_course_comp_unique"),
        ]

    def __str__(self):
        return f"{self.course_key} → {self.competency} ({self.target_level})"


class Assessment(models.Model):
    """
    One rating of one person on one competency by one source. Append-only: never updated or deleted by the
    services, so the history of who said what, when and in which context is kept; the current level is derived.

    .. pii: The rater and the evidence text (free text written by the rater, possibly about the person). The
       retirement step deletes the person's self-assessments, clears evidence about them and unlinks them as rater.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    DIRECT_REPORT = "direct_report"
    COURSE = "course"
    OBSERVED = "observed"
    SOURCE_CHOICES = [
        (SELF, _("Self")),
        (MANAGER, _("Manager")),
        (PEER, _("Peer")),
        (DIRECT_REPORT, _("Direct report")),
        (COURSE, _("Course evidence")),
        (OBSERVED, _("Observed application")),
    ]

    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="competency_assessments")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="assessments")
    level = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=16, choices=SOURCE_CHOICES)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="perf_competency_ratings",
    )
    context_type = models.CharField(max_length=32, blank=True, default="", help_text=_("course, appraisal, ..."))
    context_id = models.CharField(max_length=255, blank=True, default="")
    course_key = CourseKeyField(max_length=255, blank=True, null=True, default=None)
    evidence = models.TextField(blank=True, default="", help_text=_("Sanitised HTML."))
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["person", "competency", "created"], name="perf_assess_person_comp"),
            models.Index(fields=["competency", "created"], name="perf_assess_comp_created"),
            models.Index(fields=["course_key", "competency"], name="perf_assess_course_comp"),
            models.Index(fields=["rater", "created"], name="perf_assess_rater"),
        ]

    def __str__(self):
        return f"{self.person_id}/{self.competency_id}: {self.level} ({self.source})"


class CompetencyGap(models.Model):
    """
    The stored gap of one person on one required competency: required minus current level (0 when met).

    Recomputed by the services when an assessment, a requirement or the person's position changes, and in bulk by
    the ``recompute_gaps`` task. ``in_development`` is set by development plans and kept while the gap stays open.

    .. no_pii:
    """

    OPEN = "open"
    IN_DEVELOPMENT = "in_development"
    CLOSED = "closed"
    STATUS_CHOICES = [(OPEN, _("Open")), (IN_DEVELOPMENT, _("In development")), (CLOSED, _("Closed"))]

    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="competency_gaps")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="gaps")
    required_level = models.PositiveSmallIntegerField()
    current_level = models.FloatField(null=True, blank=True, help_text=_("Empty: never assessed (counts as 0)."))
    gap = models.FloatField()
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=OPEN)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        unique_together = [("person", "competency")]
        indexes = [
            models.Index(fields=["competency", "status"], name="perf_gap_comp_status"),
            models.Index(fields=["person", "status"], name="perf_gap_person_status"),
        ]

    def __str__(self):
        return f"{self.person_id}/{self.competency_id}: gap {self.gap}"


class GapSnapshot(models.Model):
    """
    Aggregated gaps on one date for one org unit and position and competency, for trends over time.

    .. no_pii:
    """

    date = models.DateField(db_index=True)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="snapshots")
    people = models.PositiveIntegerField(default=0)
    open_gaps = models.PositiveIntegerField(default=0)
    total_gap = models.FloatField(default=0)
    avg_gap = models.FloatField(default=0)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["date"]
        indexes = [
            models.Index(fields=["competency", "date"], name="perf_snap_comp_date"),
            models.Index(fields=["org_unit", "date"], name="perf_snap_unit_date"),
            models.Index(fields=["position", "date"], name="perf_snap_pos_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "org_unit", "position", "competency"], name="perf_snap_unique_cell"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.competency_id}: {self.open_gaps}/{self.people}"


class CourseRecommendation(models.Model):
    """
    A linked course put in front of one person to close one competency gap: recommended (the person decides) or
    assigned (enrolled for them). Written only by ``competencies.recommendations``.

    Kept small on purpose: the development-plans domain will turn each live row into a plan item (person,
    competency, course, who asked, when), so nothing here duplicates what a plan item will hold.

    Lifecycle (``status``): ``open`` (recommended, waiting for the person) -> ``enrolled`` (they enrolled themselves,
    or it was assigned, which enrolls at once) -> ``completed`` (set by the learning loop when the course is passed);
    or ``open`` -> ``dismissed`` (the person declined). ``live`` is ``True`` while open or enrolled and ``NULL``
    afterwards: with it, one unique index allows a single live row per person, course and competency on every
    database (MySQL has no partial indexes; NULLs never collide), so re-running an action never duplicates, while
    dismissed and completed rows stay as history.

    .. pii: Who the course was recommended to and who asked (user id). The retirement step deletes the person's
       recommendations and unlinks them as the one who asked.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    RECOMMEND = "recommend"
    ASSIGN = "assign"
    KIND_CHOICES = [(RECOMMEND, _("Recommended")), (ASSIGN, _("Assigned"))]

    OPEN = "open"
    ENROLLED = "enrolled"
    DISMISSED = "dismissed"
    COMPLETED = "completed"
    STATUS_CHOICES = [
        (OPEN, _("Open")),
        (ENROLLED, _("Enrolled")),
        (DISMISSED, _("Dismissed")),
        (COMPLETED, _("Completed")),
    ]
    LIVE_STATUSES = (OPEN, ENROLLED)

    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="course_recommendations")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="course_recommendations")
    #: The gap it was made for; kept ``NULL`` when that gap is recomputed away (requirement dropped).
    gap = models.ForeignKey(
        CompetencyGap, null=True, blank=True, on_delete=models.SET_NULL, related_name="course_recommendations"
    )
    course_key = CourseKeyField(max_length=255)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=OPEN)
    live = models.BooleanField(null=True, default=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="perf_course_recommendations_made",
    )
    created = models.DateTimeField(default=timezone.now)
    enrolled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "competency", "course_key", "live"], name="perf_courserec_one_live"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="perf_courserec_person_status"),
            models.Index(fields=["competency", "status"], name="perf_courserec_comp_status"),
            models.Index(fields=["course_key", "status"], name="perf_courserec_course_status"),
        ]

    def __str__(self):
        return f"{self.person_id}/{self.competency_id}: {self.course_key} ({self.kind}, {self.status})"


# --- lane host: the version of a position's requirement set (the HR requirements editor) ---------------------------
class PositionRequirementSet(models.Model):
    """
    The version of one position's set of competency requirements, moved on by every save of the set
    (``core.versioning``): two HR admins editing the same position's requirements cannot overwrite each other.

    .. no_pii:
    """

    position = models.OneToOneField(Position, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveIntegerField(default=0)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "perf_mgmt"

    def __str__(self):
        return f"{self.position_id} v{self.version}"
