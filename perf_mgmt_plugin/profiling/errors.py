"""Errors of the profiling domain (all derive from the plugin's one ``DomainError``)."""

from ..core.concurrency import Conflict
from ..core.errors import DomainError


class ProfilingError(DomainError):
    """A profiling request the domain refuses (bad input, a step the round does not allow)."""


class ProfilingConflict(ProfilingError, Conflict):
    """The round, subject or answer sheet changed state since the caller read it."""


class DeadlinePassed(ProfilingConflict):
    """A step of a round after its deadline (answers after ``answer_by``, nominations after ``nominate_by``)."""
