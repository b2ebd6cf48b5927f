"""Errors of the health domain (all :class:`~perf_mgmt_plugin.core.errors.DomainError`)."""

from ..core.errors import DomainError


class HealthError(DomainError):
    """A health-pack request the domain refuses (no such period, a unit out of reach)."""


class NotLagging(HealthError):
    """The coaching plan is offered only to a manager whose process figures lag."""
