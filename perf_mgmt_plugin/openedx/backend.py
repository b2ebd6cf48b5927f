"""
The contract between the plugin and the platform, and how the configured backend is chosen.

Kept deliberately small: each method is something the platform owns (courses, enrollments, course roles, content
tagging) that the plugin needs to read or trigger. Batch methods exist so that pages keep a constant number of queries.
"""

import functools
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey


@dataclass(frozen=True)
class CourseInfo:
    """What the plugin shows about a course; ``None`` dates mean the platform has none."""

    course_key: CourseKey
    display_name: str
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class TaxonomyInfo:
    """A tagging taxonomy of the platform (``openedx_tagging``), as the plugin lists it."""

    id: int
    name: str
    description: str = ""
    export_id: str = ""
    enabled: bool = True
    #: Free-text taxonomies have no predefined tags (authors type values), so there is no tree to import.
    allow_free_text: bool = False


@dataclass(frozen=True)
class TagInfo:
    """One predefined tag; ``parent_id`` is ``None`` for a root tag. ``external_id`` is ``""`` when it has none."""

    id: int
    value: str
    external_id: str = ""
    parent_id: int | None = None


@dataclass(frozen=True)
class TaxonomyTree:
    """A taxonomy and all its predefined tags (in no particular order; ``parent_id`` gives the hierarchy)."""

    taxonomy: TaxonomyInfo
    tags: tuple = ()


@dataclass(frozen=True)
class TaggedObject:
    """
    One object tag: the tagged object's id as the platform stores it (a course key or usage key string, or another
    content key such as a library's) and the tag applied to it.
    """

    object_id: str
    tag_id: int
    value: str


class EnrollmentRefused(ValueError):
    """
    The platform refused an enrolment by its own rules (as its enrolment API does: the course's enrolment dates,
    invitation-only courses, a full course, the course's modes, a ``CourseEnrollmentStarted`` filter step, a course
    it does not know). ``reason`` is one of the constants below; ``str()`` is a sentence for people.
    """

    COURSE_NOT_FOUND = "course_not_found"
    ENROLLMENT_CLOSED = "enrollment_closed"
    INVITATION_ONLY = "invitation_only"
    COURSE_FULL = "course_full"
    MODE_UNAVAILABLE = "mode_unavailable"
    NOT_ALLOWED = "not_allowed"

    MESSAGES = {
        COURSE_NOT_FOUND: _("course %(course)s does not exist."),
        ENROLLMENT_CLOSED: _("enrolment in %(course)s is closed."),
        INVITATION_ONLY: _("%(course)s is by invitation only."),
        COURSE_FULL: _("%(course)s is full."),
        MODE_UNAVAILABLE: _("%(course)s offers no enrolment track that can be chosen here (it may be paid only)."),
        NOT_ALLOWED: _("the platform does not allow this enrolment in %(course)s."),
    }

    def __init__(self, reason, course_key, detail=""):
        self.reason = reason
        self.course_key = course_key
        self.detail = str(detail or "")
        super().__init__(self.message)

    @property
    def message(self):
        text = str(self.MESSAGES.get(self.reason, self.MESSAGES[self.NOT_ALLOWED]) % {"course": self.course_key})
        if self.reason == self.NOT_ALLOWED and self.detail:
            text = f"{text} {self.detail}"
        return text


class PlatformBackend(ABC):
    """The operations the plugin needs from the LMS. Every backend must pass ``tests/contract``."""

    #: Course access roles that count as "course staff" for the plugin's access rules.
    STAFF_ROLES = ("staff", "instructor")

    @abstractmethod
    def get_courses(self, course_keys):
        """``{course_key: CourseInfo}`` for the keys that exist (unknown keys are left out), in one batch."""

    @abstractmethod
    def is_course_staff(self, user, course_key):
        """
        Whether ``user`` has staff access to the course as the LMS's ``has_access(user, "staff", course)`` sees it:
        global staff, a staff or instructor role in the course, or one in its organisation (an org-level
        CourseAccessRole: an org and no course). Never for inactive or anonymous users.
        """

    @abstractmethod
    def staff_course_keys(self, user):
        """
        The set of course keys where ``user`` has a course staff or instructor role, directly or through an org-level
        role (every known course of that organisation).
        """

    @abstractmethod
    def enroll(self, user, course_key, mode=None):
        """
        Enroll ``user`` the way the platform's enrolment API does (``mode=None``: the course's default mode), or
        reactivate their inactive enrollment. Idempotent: an existing active enrollment is left as it is (mode
        included). A user without the profile the platform reads gets one first. Raises :class:`EnrollmentRefused`
        (a ``ValueError``) when the platform refuses: unknown course, enrolment closed, invitation only, course full,
        no such mode, or a ``CourseEnrollmentStarted`` filter step; nothing is enrolled then.
        """

    @abstractmethod
    def enrolled_course_keys(self, user, course_keys=None):
        """The subset of ``course_keys`` (all when ``None``) in which ``user`` has an active enrollment."""

    @abstractmethod
    def course_url(self, course_key):
        """The learner-facing URL of the course's home."""

    @abstractmethod
    def create_user_profiles(self, users):
        """
        Give new accounts what the platform expects every user to have (in the LMS: a ``UserProfile`` holding the
        full name, which its pages and APIs read). Called in one batch after the plugin creates users; users who
        already have one are left as they are.
        """

    @abstractmethod
    def list_taxonomies(self):
        """Every tagging taxonomy (enabled or not) as :class:`TaxonomyInfo`, by name then id, in one query."""

    @abstractmethod
    def get_taxonomy_tree(self, taxonomy_id):
        """
        The :class:`TaxonomyTree` of the taxonomy, or ``None`` if there is no such taxonomy. A constant number of
        queries whatever the size of the taxonomy; a free-text taxonomy has no tags.
        """

    @abstractmethod
    def tagged_objects(self, taxonomy_id):
        """
        Every object tagged with a predefined tag of the taxonomy, as :class:`TaggedObject` (one per object and tag),
        in one query. Object tags whose tag was deleted, and free-text values, are left out.
        """

    # --- learning progress (edx-completion, installed in the LMS and in the host alike) ---------------------------

    def completed_blocks(self, user_ids, course_keys):
        """
        ``{(user_id, course_key): number of blocks fully completed}`` from edx-completion's ``BlockCompletion``, for
        the users and courses given (pairs with none are left out). One query.
        """
        from completion.models import BlockCompletion  # pylint: disable=import-outside-toplevel

        keys = [parse_course_key(key) for key in course_keys]
        if not user_ids or not keys:
            return {}
        rows = (
            BlockCompletion.objects.filter(user_id__in=list(user_ids), context_key__in=keys, completion__gte=1.0)
            .values_list("user_id", "context_key")
            .annotate(done=models.Count("id"))
        )
        return {(user_id, key): done for user_id, key, done in rows}

    def block_completions(self, user_ids, usage_keys):
        """``{(user_id, str(usage_key)): completion 0..1}`` of the blocks given (``BlockCompletion``), one query."""
        from completion.models import BlockCompletion  # pylint: disable=import-outside-toplevel

        if not user_ids or not usage_keys:
            return {}
        rows = BlockCompletion.objects.filter(user_id__in=list(user_ids), block_key__in=list(usage_keys))
        return {
            (user_id, str(block_key)): completion
            for user_id, block_key, completion in rows.values_list("user_id", "block_key", "completion")
        }

    def completable_block_counts(self, course_keys):  # pylint: disable=unused-argument
        """
        ``{course_key: number of completable blocks}`` for the courses the backend can count, to turn completed
        blocks into a progress percentage. The default knows none: the platform's count needs its course blocks
        API (a modulestore read per course), so progress there follows the course grade instead.
        """
        return {}

    def get_course(self, course_key):
        """One course, or ``None`` if the platform does not know it."""
        key = parse_course_key(course_key)
        return self.get_courses([key]).get(key)


def parse_course_key(value):
    """A :class:`CourseKey` from a key or a string; raises ``ValueError`` with a clear message otherwise."""
    if isinstance(value, CourseKey):
        return value
    try:
        return CourseKey.from_string(str(value))
    except InvalidKeyError as exc:
        raise ValueError(f"'{value}' is not a valid course key") from exc


@functools.lru_cache(maxsize=4)
def _load_backend(dotted_path):
    return import_string(dotted_path)()


def get_backend():
    """The backend named by ``PERF_MGMT_PLATFORM_BACKEND`` (one instance per path)."""
    return _load_backend(settings.PERF_MGMT_PLATFORM_BACKEND)
