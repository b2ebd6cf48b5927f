"""
Guarded imports of openedx-platform modules.

Each function imports inside its body so that this package imports cleanly outside the platform (tests, the host),
and fails with one clear message when the platform backend is configured somewhere the platform is not installed.

Checked against openedx/openedx-platform (master, 2026) -- read, not copied:

- ``common/djangoapps/student/models/course_enrollment.py``: ``CourseEnrollment`` has ``user``, ``course`` (a FK to
  ``CourseOverview`` with ``db_constraint=False``, so ``course_id`` is its attname and ``course_id=`` /
  ``course_id__in=`` / ``values_list("course_id")`` work; the platform itself queries it that way), ``is_active``,
  ``mode``, ``created``. ``CourseEnrollment.enroll(user, course_key, mode=None, check_access=False,
  can_upgrade=False, enterprise_uuid=None)`` is NOT a no-op for an active enrollment: it calls
  ``update_enrollment(is_active=True, mode=mode)`` (so a verified learner would be moved to the given mode) and sends
  ``COURSE_ENROLLMENT_CREATED`` again; with ``check_access=False`` it enrolls in courses that do not exist.
- ``common/djangoapps/student/models/user.py``: ``CourseAccessRole`` (``user``, ``org``, ``course_id``
  CourseKeyField blank for org-wide roles, ``role``), re-exported by ``common.djangoapps.student.models``.
- ``common/djangoapps/student/models/user.py``: ``UserProfile`` (``user`` OneToOne with ``related_name="profile"``,
  ``name`` CharField(255, blank); table ``auth_userprofile``): the LMS creates one at registration and its pages
  and APIs read ``user.profile``; every other field is optional.
- ``common/djangoapps/student/roles.py``: ``CourseStaffRole(course_key)`` / ``CourseInstructorRole(course_key)``
  ``.has_user(user)`` and ``UserBasedRole(user, role).courses_with_role()`` (items with ``.course_id``; a queryset of
  CourseAccessRole in older releases, dataclasses whose ``course_id`` may be a string on master). On master these
  also see roles kept in openedx-authz (``authz.enable_course_authoring`` flag), which a raw CourseAccessRole query
  misses, and ``staff`` includes the inherited ``limited_staff`` role.
- ``openedx/core/djangoapps/content/course_overviews/models.py``: ``CourseOverview`` (``id`` CourseKeyField primary
  key, ``display_name`` nullable, ``start``, ``end``) and ``CourseOverview.course_exists(course_id)`` (table, then
  modulestore).
- ``openedx/features/course_experience/url_helpers.py``: ``get_learning_mfe_home_url(course_key, url_fragment=None,
  params=None)`` builds ``{LEARNING_MICROFRONTEND_URL}/course/{key}/{fragment}`` and honours site configuration.
- ``openedx/core/djangoapps/user_api/accounts/signals.py`` and the senders in ``.../accounts/views.py``:
  ``USER_RETIRE_LMS_CRITICAL.send(sender=<view class>, user=, retired_username=, retired_email=)`` (older releases
  send ``user`` only) and ``USER_RETIRE_LMS_MISC.send(sender=<view class>, user=)``.
- openedx/openedx-events ``openedx_events/learning/signals.py``: ``COURSE_ENROLLMENT_CREATED`` carries
  ``enrollment: CourseEnrollmentData``; the platform sends it from ``CourseEnrollment.enroll``.

- openedx-core's content tagging (``openedx_tagging``; PyPI ``openedx-core``, formerly ``openedx-learning``), read in
  openedx-core 0.36.0 and in openedx/openedx-learning's ``openedx_tagging/core/tagging``: the models module is
  ``openedx_tagging.models`` in openedx-core (openedx-platform master imports ``openedx_tagging.api`` and
  ``openedx_tagging.models``) and ``openedx_tagging.core.tagging.models`` in openedx-learning up to the 0.30 series
  pinned by Teak and Ulmo; the app label is ``oel_tagging`` in both. ``Taxonomy`` (``id``, ``name``,
  ``description``, ``enabled``, ``allow_free_text``, ``export_id`` since its migration 0015), ``Tag`` (``taxonomy``,
  ``parent`` -> Tag or NULL for a root, ``value`` unique per taxonomy ignoring case, ``external_id`` nullable, at most
  3 levels below a root: ``TAXONOMY_MAX_DEPTH``), ``ObjectTag`` (``object_id`` string -- a course key, usage key or
  library key --, ``taxonomy``, ``tag`` -> Tag, NULL for free-text values and for deleted tags). These fields are the
  same in every release read. The api's ``get_tags(taxonomy)`` changed its return type across releases (a list of
  Tag, then a values queryset with per-tag child counts), and the platform itself reads ``ObjectTag`` through the
  ORM for bulk reads (``content_tagging.api.get_all_object_tags``), so the backend reads these three models with
  plain ``values_list`` queries. In the LMS the app is installed (``openedx_tagging`` in INSTALLED_APPS) and LMS and
  Studio share the database, so tags applied in Studio are visible to the LMS.

- ``openedx/core/djangoapps/enrollments/api.py``: ``add_enrollment(username, course_id: str, mode=None, is_active=True,
  ...)`` -- the platform's own enrolment API: ``mode=None`` is the course's default mode (``_default_course_mode``:
  ``audit``, else ``honor``), ``validate_course_mode`` raises ``CourseModeNotFoundError`` for a mode the course does
  not offer (a paid-only course) and ``CourseNotFoundError`` for an unknown course; then
  ``data.create_course_enrollment`` calls ``CourseEnrollment.enroll(user, key, check_access=True)`` and turns its
  errors into
  ``CourseEnrollmentClosedError`` (enrolment dates, and invitation-only courses: ``has_access(user, "enroll")`` in
  ``courseware/access.py``), ``CourseEnrollmentFullError`` (``max_student_enrollments_allowed``, staff not counted)
  and ``CourseEnrollmentExistsError``. ``enroll`` first runs the ``CourseEnrollmentStarted`` filter, whose
  ``PreventEnrollment`` becomes ``common.djangoapps.student.models.EnrollmentNotAllowed`` (not caught by the API),
  and reads ``user.profile.name`` for COURSE_ENROLLMENT_CREATED, which it sends in the same request (the plugin's
  receiver gets its own enrolment back). Errors live in ``openedx/core/djangoapps/enrollments/errors.py``
  (``CourseEnrollmentError`` and subclasses) and ``openedx/core/lib/exceptions.py`` (``CourseNotFoundError``, older
  releases: in ``enrollments.errors``).
- ``common/djangoapps/student/roles.py``: ``OrgStaffRole(org)`` / ``OrgInstructorRole(org)`` ``.has_user(user)``:
  org-level roles (CourseAccessRole with the org and no course), which ``courseware/access.py``
  (``administrative_accesses_to_course_for_user``) counts as staff / instructor access to every course of the org.
  ``CourseOverview.org`` is the course key's org.

``tests/contract/fake_platform.py`` fakes the platform names and signatures above for the contract tests, except
content tagging: there the tests install the real openedx-core in the host and this module imports it.
"""


class PlatformUnavailable(ImportError):
    """The openedx-platform modules this backend needs are not importable here."""


def _platform_import(what):
    raise PlatformUnavailable(
        f"{what} needs openedx-platform; set PERF_MGMT_PLATFORM_BACKEND to another backend outside the LMS"
    )


def course_enrollment_model():
    """``common.djangoapps.student.models.CourseEnrollment``."""
    try:
        from common.djangoapps.student.models import CourseEnrollment  # pylint: disable=import-outside-toplevel
    except ImportError:
        _platform_import("CourseEnrollment")
    return CourseEnrollment


def user_profile_model():
    """``common.djangoapps.student.models.UserProfile``."""
    try:
        from common.djangoapps.student.models import UserProfile  # pylint: disable=import-outside-toplevel
    except ImportError:
        _platform_import("UserProfile")
    return UserProfile


def student_roles():
    """``common.djangoapps.student.roles`` (CourseStaffRole, CourseInstructorRole, UserBasedRole)."""
    try:
        from common.djangoapps.student import roles  # pylint: disable=import-outside-toplevel
    except ImportError:
        _platform_import("Course roles")
    return roles


def course_overview_model():
    """``openedx.core.djangoapps.content.course_overviews.models.CourseOverview``."""
    try:
        # pylint: disable=import-outside-toplevel
        from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
    except ImportError:
        _platform_import("CourseOverview")
    return CourseOverview


def learning_mfe_home_url(course_key):
    """The Learning MFE home of the course, built by the platform (LEARNING_MICROFRONTEND_URL, site-aware)."""
    try:
        # pylint: disable=import-outside-toplevel
        from openedx.features.course_experience.url_helpers import get_learning_mfe_home_url
    except ImportError:
        _platform_import("The course home URL")
    return get_learning_mfe_home_url(course_key, url_fragment="home")


def tagging_models():
    """
    ``(Taxonomy, Tag, ObjectTag)`` of ``openedx_tagging``: openedx-core's ``openedx_tagging.models``, or
    ``openedx_tagging.core.tagging.models`` of the openedx-learning releases that Teak and Ulmo install.
    """
    try:
        from openedx_tagging import models  # pylint: disable=import-outside-toplevel
    except ImportError:
        try:
            from openedx_tagging.core.tagging import models  # pylint: disable=import-outside-toplevel
        except ImportError:
            _platform_import("Content tagging (openedx_tagging)")
    return models.Taxonomy, models.Tag, models.ObjectTag


def retirement_signals():
    """``(USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC)`` or ``None`` outside the platform."""
    try:
        # pylint: disable=import-outside-toplevel
        from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC
    except ImportError:
        return None
    return USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC


def enrollment_api():
    """
    ``(add_enrollment, refusals)``: the platform's ``enrollments.api.add_enrollment`` and its refusals as
    ``[(exception class, EnrollmentRefused reason or None for "already enrolled")]``, most specific first.
    """
    from .backend import EnrollmentRefused  # pylint: disable=import-outside-toplevel

    try:
        # pylint: disable=import-outside-toplevel
        from common.djangoapps.student.models import EnrollmentNotAllowed
        from openedx.core.djangoapps.enrollments import api, errors
    except ImportError:
        _platform_import("Enrolment")
    try:
        from openedx.core.lib.exceptions import CourseNotFoundError  # pylint: disable=import-outside-toplevel
    except ImportError:  # older releases
        CourseNotFoundError = errors.CourseNotFoundError  # pylint: disable=invalid-name
    refusals = [
        (errors.CourseEnrollmentExistsError, None),
        (CourseNotFoundError, EnrollmentRefused.COURSE_NOT_FOUND),
        (errors.CourseEnrollmentClosedError, EnrollmentRefused.ENROLLMENT_CLOSED),
        (errors.CourseEnrollmentFullError, EnrollmentRefused.COURSE_FULL),
        (errors.CourseModeNotFoundError, EnrollmentRefused.MODE_UNAVAILABLE),
        (EnrollmentNotAllowed, EnrollmentRefused.NOT_ALLOWED),
        (errors.CourseEnrollmentError, EnrollmentRefused.NOT_ALLOWED),
    ]
    return api.add_enrollment, refusals
