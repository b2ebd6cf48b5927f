"""
The registry of user-retirement steps.

Each domain that stores personal data registers one step; retiring a user runs every step in one transaction, so
a failure leaves nothing half-erased and the platform's retirement pipeline can simply retry. Steps must be
idempotent: the platform may send the retirement signals more than once.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetirementStep:
    """One domain's retirement step: ``func(user, retired_username, retired_email)``."""

    name: str
    func: Callable
    order: int = 100


_STEPS: dict[str, RetirementStep] = {}


def register_retirement_step(name, order=100):
    """Decorator registering ``func(user, retired_username, retired_email)`` under a unique name."""

    def decorator(func):
        _STEPS[name] = RetirementStep(name=name, func=func, order=order)
        return func

    return decorator


def retirement_steps():
    """The registered steps in the order they run (lower ``order`` first; later domains before ``org``)."""
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.name))


def retire_user(user, retired_username=None, retired_email=None):
    """Run every registered step for ``user`` atomically; returns the names of the steps run."""
    ran = []
    with transaction.atomic():
        for step in retirement_steps():
            step.func(user, retired_username, retired_email)
            ran.append(step.name)
    log.info("perf-mgmt retired user id=%s (%s)", user.pk, ", ".join(ran))
    return ran
