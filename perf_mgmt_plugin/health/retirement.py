"""The health domain's retirement step: a retired user's monthly-email preference is deleted."""

from ..core.retirement import register_retirement_step
from .models import HealthPackPreference


@register_retirement_step("health", order=40)
def retire_health(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    HealthPackPreference.objects.filter(user=user).delete()
