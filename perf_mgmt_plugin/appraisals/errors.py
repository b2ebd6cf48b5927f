"""Errors of the appraisals domain, each with a message fit to show to the person who caused it."""

from ..core.errors import Conflict, DomainError


class AppraisalError(DomainError):
    """
    A template, cycle, launch or review change that cannot be made. Raised before anything is written (callers run
    inside ``transaction.atomic``), so the message can be shown as is and the request retried.
    """


class AppraisalConflict(AppraisalError, Conflict):
    """An action or step already moved on (done or cancelled by someone else meanwhile): 409 in REST (ADR 0015)."""
