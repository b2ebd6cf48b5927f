"""
The only place that talks to the platform.

Everything above calls :func:`get_backend` and the small :class:`~.backend.PlatformBackend` contract. Two
implementations exist: :class:`~.platform_backend.OpenedxPlatformBackend` (the real openedx-platform calls, imports
guarded) and the stand-in host's (``lms_host.courses.backend``). Both pass ``tests/contract``.
"""

from .backend import (
    CourseInfo,
    EnrollmentRefused,
    PlatformBackend,
    TaggedObject,
    TagInfo,
    TaxonomyInfo,
    TaxonomyTree,
    get_backend,
)

__all__ = [
    "CourseInfo",
    "EnrollmentRefused",
    "PlatformBackend",
    "TagInfo",
    "TaggedObject",
    "TaxonomyInfo",
    "TaxonomyTree",
    "get_backend",
]
