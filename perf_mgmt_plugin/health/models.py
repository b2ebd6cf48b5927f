"""
The health domain's own records: monthly snapshots of a unit's pack figures (for trends) and each reader's
preference about the monthly email. Everything else the pack shows is computed from the other domains' records.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..org.api import OrgUnit


class HealthSnapshot(models.Model):
    """
    The headline figures of one unit's pack on one date (taken by the monthly job), so the pack can show trends.
    Only figures released to the pack's readers are kept (never a group below the anonymity minimum).

    .. no_pii:
    """

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("perf_mgmt.Period", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    taken_on = models.DateField(default=timezone.localdate)
    figures = models.JSONField(default=dict)

    class Meta:
        app_label = "perf_mgmt"
        ordering = ["org_unit", "taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "period", "taken_on"], name="perf_health_snapshot_once"),
        ]
        indexes = [models.Index(fields=["org_unit", "taken_on"], name="perf_health_snap_unit_date")]

    def __str__(self):
        return f"{self.org_unit_id} on {self.taken_on}"


class HealthPackPreference(models.Model):
    """
    Whether a reader wants the monthly health pack by email (the default is yes; a row records an opt-out).

    .. pii: The user's choice about the monthly email. Deleted by the health retirement step.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    monthly_email = models.BooleanField(default=True, help_text=_("Send me the monthly health pack."))
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "perf_mgmt"

    def __str__(self):
        return f"{self.user_id}: {'monthly' if self.monthly_email else 'opted out'}"
