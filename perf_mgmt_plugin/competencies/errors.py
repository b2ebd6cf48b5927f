"""Errors of the competencies domain, each with a message fit to show to the person who caused it."""


class CompetencyError(ValueError):
    """A change to frameworks, requirements or assessments that cannot be made."""


class InvalidLevel(CompetencyError):
    """A level that is not on the competency's scale."""


class NoEmployeeRecord(CompetencyError):
    """The user has no active employee record, so there is nobody to assess (the LMS still works for them)."""
