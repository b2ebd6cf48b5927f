"""Errors of the succession domain (all :class:`~perf_mgmt_plugin.core.errors.DomainError`)."""

from ..core.errors import DomainError


class SuccessionError(DomainError):
    """A succession request the domain refuses."""
