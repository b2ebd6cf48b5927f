"""
Profiling: profiles (questionnaires built from competencies), rounds of feedback, who rates whom, and the answers.

A profile is versioned as a whole (ADR 0025): once a round uses it, it is frozen and editing makes a new version
(same ``family``, ``number`` + 1); a round always points at the exact version its raters answered. Answers are
levels of the competency's framework scale, stored as the level's integer ``value`` (as assessments are).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SELF = "self"
MANAGER = "manager"
PEER = "peer"
DIRECT_REPORT = "direct_report"
OTHER = "other"
GROUP_CHOICES = [
    (SELF, _("Self")),
    (MANAGER, _("Manager")),
    (PEER, _("Peers")),
    (DIRECT_REPORT, _("Direct reports")),
    (OTHER, _("Others")),
]


class Profile(models.Model):
    """
    One version of a profile: which competencies and behavioural items are rated, the open questions, the type.

    .. no_pii:
    """

    KIND_360 = "360"
    KIND_180 = "180"
    KIND_SELF = "self"
    KIND_CHOICES = [(KIND_360, _("360 feedback")), (KIND_180, _("180 feedback")), (KIND_SELF, _("Self only"))]
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"
    STATUS_CHOICES = [(DRAFT, _("Draft")), (ACTIVE, _("Active")), (RETIRED, _("Retired"))]

    family = models.SlugField(max_length=64, help_text=_("The profile's stable name across its versions."))
    number = models.PositiveIntegerField(default=1, help_text=_("The version number inside the family."))
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=8, choices=KIND_CHOICES, default=KIND_360)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=DRAFT, db_index=True)
    allow_self_request = models.BooleanField(default=False, help_text=_("People may start a round for themselves."))
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=0, help_text=_("Edit counter (optimistic concurrency)."))
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["family", "-number"]
        constraints = [models.UniqueConstraint(fields=["family", "number"], name="perf_profile_family_number")]

    def __str__(self):
        return f"{self.name} (v{self.number})"

    @property
    def groups(self):
        """The rater groups this type of profile asks."""
        if self.kind == self.KIND_SELF:
            return [SELF]
        if self.kind == self.KIND_180:
            return [SELF, MANAGER]
        return [SELF, MANAGER, PEER, DIRECT_REPORT, OTHER]


class ProfileItem(models.Model):
    """
    One behavioural statement of a profile, rated on its competency's scale.

    .. no_pii:
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="items")
    competency = models.ForeignKey("perf_mgmt.Competency", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["profile", "order", "pk"]

    def __str__(self):
        return self.text[:60]


class ProfileQuestion(models.Model):
    """
    An open question of a profile (answered in free text).

    .. no_pii:
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["profile", "order", "pk"]

    def __str__(self):
        return self.text[:60]


class Round(models.Model):
    """
    A round of feedback on one profile version for chosen people, with its deadlines and rules.

    .. pii: Who started the round (user id). The retirement step unlinks them.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    OPEN = "open"
    CLOSED = "closed"
    STATUS_CHOICES = [(OPEN, _("Open")), (CLOSED, _("Closed"))]
    RELEASE_HR = "hr"
    RELEASE_COACH = "coach"
    RELEASE_MANAGER = "manager"
    RELEASE_CHOICES = [(RELEASE_HR, _("HR")), (RELEASE_COACH, _("A coach")), (RELEASE_MANAGER, _("The manager"))]

    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=OPEN, db_index=True)
    release_by = models.CharField(max_length=16, choices=RELEASE_CHOICES, default=RELEASE_MANAGER)
    counts_as_assessment = models.BooleanField(
        default=True, help_text=_("Results become peer, direct-report and manager assessments when it closes.")
    )
    min_raters = models.PositiveSmallIntegerField(default=3, help_text=_("Fewest raters per group to nominate."))
    max_raters = models.PositiveSmallIntegerField(default=8, help_text=_("Most raters per group to nominate."))
    nominate_by = models.DateField(null=True, blank=True)
    answer_by = models.DateField(null=True, blank=True)
    self_requested = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["-created", "-pk"]

    def __str__(self):
        return self.name


class Subject(models.Model):
    """
    One person a round gives feedback on: their nominations, the manager's approval and the report's release.

    .. pii: The person (employee id) and their coach. The retirement step deletes the subjects of a retired person.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    NOMINATING = "nominating"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    STATUS_CHOICES = [
        (NOMINATING, _("Nominating")),
        (SUBMITTED, _("Nominations awaiting approval")),
        (APPROVED, _("Raters invited")),
    ]

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey("perf_mgmt.Employee", on_delete=models.CASCADE, related_name="profiling_subjects")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=NOMINATING)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "perf_mgmt"
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="perf_prof_subject_unique")]
        indexes = [models.Index(fields=["person", "round"], name="perf_prof_subject_person")]

    def __str__(self):
        return f"{self.round_id}/{self.person_id}"


class Rater(models.Model):
    """
    One person asked to rate one subject, in one group, with their answer sheet's state. Who rated is never shown
    with what they answered (only the manager group is named, and its rater is told so before answering).

    .. pii: The rater (user id) and a decline reason they wrote. The retirement step unlinks a retired rater and
       clears the reason and their comments; their anonymous levels stay, so a released report cannot be
       differenced before and after a retirement (ADR 0024).
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    NOMINATED = "nominated"
    INVITED = "invited"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    DECLINED = "declined"
    STATUS_CHOICES = [
        (NOMINATED, _("Nominated")),
        (INVITED, _("Invited")),
        (DRAFT, _("Draft saved")),
        (SUBMITTED, _("Submitted")),
        (DECLINED, _("Declined")),
    ]

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="raters")
    #: ``NULL`` once the rater's account is retired: their anonymous answers stay, so a released report never changes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="perf_profiling_raters"
    )
    group = models.CharField(max_length=16, choices=GROUP_CHOICES)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=NOMINATED)
    decline_reason = models.CharField(max_length=500, blank=True, default="")
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, help_text=_("Draft counter (optimistic concurrency)."))

    class Meta:
        app_label = "perf_mgmt"
        constraints = [models.UniqueConstraint(fields=["subject", "user"], name="perf_prof_rater_unique")]
        indexes = [models.Index(fields=["user", "status"], name="perf_prof_rater_user")]

    def __str__(self):
        return f"{self.subject_id}/{self.user_id} ({self.group})"


class Answer(models.Model):
    """
    One rater's level on one item (``None``: not able to say).

    .. no_pii: Anonymous by design: linked to the rater row only, shown only aggregated (see ADR 0024).
    """

    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ProfileItem, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        app_label = "perf_mgmt"
        constraints = [models.UniqueConstraint(fields=["rater", "item"], name="perf_prof_answer_unique")]

    def __str__(self):
        return f"{self.rater_id}/{self.item_id}: {self.level}"


class Comment(models.Model):
    """
    One rater's answer to an open question, shown without a name and only when the rater's group is shown.

    .. pii: Free text written by the rater. Cleared when the rater is retired.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(ProfileQuestion, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True, default="")

    class Meta:
        app_label = "perf_mgmt"
        constraints = [models.UniqueConstraint(fields=["rater", "question"], name="perf_prof_comment_unique")]

    def __str__(self):
        return f"{self.rater_id}/{self.question_id}"
