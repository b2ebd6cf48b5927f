"""Errors of the blended-modules domain: entry points show their message (400 in REST, JSON error in XBlocks)."""

from ..core.errors import DomainError


class BlendedError(DomainError):
    """A request the guide or job-aid services refuse (wrong step, wrong status, text too long...)."""


class NoEmployeeRecordForGuide(BlendedError):
    """The user has no active employee record, so nothing can be saved in their name."""
