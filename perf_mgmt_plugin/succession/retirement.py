"""The succession retirement step: a retired person's pool entries and potential rating go; as confirmer or rater
they are unlinked."""

from ..core.retirement import register_retirement_step
from .models import PotentialRating, SuccessorCandidate


@register_retirement_step("succession", order=35)
def retire_succession(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    SuccessorCandidate.objects.filter(employee__user=user).delete()
    PotentialRating.objects.filter(employee__user=user).delete()
    SuccessorCandidate.objects.filter(confirmed_by=user).update(confirmed_by=None)
    PotentialRating.objects.filter(rated_by=user).update(rated_by=None)
