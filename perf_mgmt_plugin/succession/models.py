"""
Succession: key positions marked by HR, their successor pools with readiness, and managers' judgement of potential
(the second axis of the talent-review grid). Suggestions are computed (``succession.suggestions``); a candidate's
readiness is what the talent review confirmed or changed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..org.api import Employee, Position

READY_NOW = "ready_now"
ONE_TWO_YEARS = "one_two_years"
LATER = "later"
READINESS_CHOICES = [
    (READY_NOW, _("Ready now")),
    (ONE_TWO_YEARS, _("Ready in 1-2 years")),
    (LATER, _("Later")),
]


class KeyPosition(models.Model):
    """
    A position HR marked as key: it needs successors. ``expected_vacancy`` is when the incumbent is expected to
    leave (retirement, a move), if known.

    .. no_pii:
    """

    position = models.OneToOneField(Position, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=255, blank=True, default="")
    expected_vacancy = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0, db_default=0, help_text=_("Optimistic concurrency (ADR 0016)."))

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["pk"]

    def __str__(self):
        return str(self.position_id)


class SuccessorCandidate(models.Model):
    """
    One person in the successor pool of a key position: the suggested readiness and fit when they were added, and
    the readiness the talent review confirmed or changed. Never shown to the person.

    .. pii: A judgement about the person's readiness for another position, and who confirmed it. Deleted with the
       person by the succession retirement step; unlinked where the retired user only confirmed.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    key_position = models.ForeignKey(KeyPosition, on_delete=models.CASCADE, related_name="candidates")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    fit = models.FloatField(default=0)
    suggested_readiness = models.CharField(max_length=16, choices=READINESS_CHOICES, default=LATER)
    readiness = models.CharField(max_length=16, choices=READINESS_CHOICES, blank=True, default="")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0, db_default=0, help_text=_("Optimistic concurrency (ADR 0016)."))

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["key_position", "-fit", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["key_position", "employee"], name="perf_successor_once"),
        ]

    def __str__(self):
        return f"{self.employee_id} for {self.key_position_id}"

    @property
    def effective_readiness(self):
        return self.readiness or self.suggested_readiness


class PotentialRating(models.Model):
    """
    A manager's (or HR's) judgement of a person's potential (low / medium / high), the vertical axis of the grid.
    One current row per person, versioned.

    .. pii: A judgement about the person and who made it. Deleted with the person by the succession retirement step;
       unlinked where the retired user only rated.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    LOW, MEDIUM, HIGH = 1, 2, 3
    POTENTIAL_CHOICES = [(LOW, _("Low")), (MEDIUM, _("Medium")), (HIGH, _("High"))]

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="+")
    potential = models.PositiveSmallIntegerField(choices=POTENTIAL_CHOICES)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0, db_default=0, help_text=_("Optimistic concurrency (ADR 0016)."))

    class Meta:
        app_label = "perf_mgmt"

    def __str__(self):
        return f"{self.employee_id}: {self.potential}"
