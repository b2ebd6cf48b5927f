"""Errors of the development domain: entry points show their message to the user (400 in REST)."""

from ..core.errors import Conflict, DomainError


class DevelopmentError(DomainError):
    """A request the development services refuse (wrong status, missing course, unknown kind...)."""


class DevelopmentConflict(DevelopmentError, Conflict):
    """
    The plan or item changed since the page was shown (completed, cancelled, sent back by someone else) so this
    action no longer applies: pages show the message, REST answers 409 (ADR 0015).
    """
