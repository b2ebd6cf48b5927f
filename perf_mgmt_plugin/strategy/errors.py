"""Errors of the strategy domain, each with a message fit to show to the person who caused it."""

from ..core.errors import Conflict, DomainError, NoEmployeeRecord


class StrategyError(DomainError):
    """A change to the cascade or a check-in that cannot be made."""


class NoEmployeeRecordForStrategy(StrategyError, NoEmployeeRecord):
    """
    The user has no active employee record, so there is nobody to check in as (the LMS still works for them).
    Also an ``api.NoEmployeeRecord``, so callers handle it the same way in every domain.
    """


class StrategyConflict(StrategyError, Conflict):
    """
    The check-in, objective or request changed since the page was shown (someone else held, prepared, resolved...)
    so this action no longer applies: pages show the message, REST answers 409 (ADR 0015).
    """
