"""Errors of the competencies domain, each with a message fit to show to the person who caused it."""

from ..core.errors import DomainError, NoEmployeeRecord


class CompetencyError(DomainError):
    """A change to frameworks, requirements or assessments that cannot be made."""


class InvalidLevel(CompetencyError):
    """A level that is not on the competency's scale."""


class NoEmployeeRecordForCompetencies(CompetencyError, NoEmployeeRecord):
    """
    The user has no active employee record, so there is nobody to assess (the LMS still works for them). Also the
    one ``core.errors.NoEmployeeRecord`` (``api.NoEmployeeRecord``), which every domain raises the same way.
    """
