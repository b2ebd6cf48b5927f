"""Errors of the org domain, each with a message fit to show to the person who caused it."""

from ..core.errors import DomainError


class OrgError(DomainError):
    """A change to the org chart that cannot be made."""


class ReportingCycleError(OrgError):
    """Someone would end up (indirectly) managing themselves."""
