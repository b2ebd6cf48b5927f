"""
FAKE openedx-platform modules, for tests only: the platform cannot run here.

``installed_fake_platform()`` puts into ``sys.modules`` fakes of exactly the platform names that
``perf_mgmt_plugin.openedx.compat`` imports, with the attribute names and signatures checked in the platform's code
(see the list at the top of ``compat.py``). The fake models are real Django models in an isolated app registry,
mapped onto the host's tables (``managed = False``), so the backend's queries run through the ORM just as they would
against the platform's schema -- including ``CourseEnrollment.course`` being a foreign key whose ``course_id``
attname is what the backend filters on. Behaviour is reduced to what the contract needs: enrolment follows the
platform's rules and errors (the rules shared with the host, ``lms_host.courses.enrollment``) and sends
COURSE_ENROLLMENT_CREATED; other side effects (emails, caches, openedx-authz) are not reproduced, and no platform code
is copied.

``installed_fake_retirement_signals()`` fakes ``openedx.core.djangoapps.user_api.accounts.signals``.
"""

import contextlib
import sys
import types

from django.apps.registry import Apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.dispatch import Signal
from opaque_keys.edx.django.models import CourseKeyField
from opaque_keys.edx.keys import CourseKey

from lms_host.courses import enrollment as host_enrollment
from lms_host.courses import models as host_models
from perf_mgmt_plugin.openedx.backend import EnrollmentRefused

User = get_user_model()

#: Keeps the fake models out of the project's app registry (no checks, migrations or reverse relations on User).
FAKE_APPS = Apps(installed_apps=())
FAKE_APP_LABEL = "fake_openedx_platform"
# The fake models point at the real User: let the isolated registry resolve that relation (it adds nothing to User).
FAKE_APPS.register_model(User._meta.app_label, User)


class FakeCourseOverview(models.Model):
    """FAKE of ``openedx.core.djangoapps.content.course_overviews.models.CourseOverview`` (the fields we read)."""

    id = CourseKeyField(db_index=True, primary_key=True, max_length=255)
    display_name = models.TextField(null=True)
    start = models.DateTimeField(null=True)
    end = models.DateTimeField(null=True)
    org = models.TextField(max_length=255, blank=True)
    enrollment_start = models.DateTimeField(null=True)
    enrollment_end = models.DateTimeField(null=True)
    invitation_only = models.BooleanField(default=False)
    max_student_enrollments_allowed = models.IntegerField(null=True)

    class Meta:
        apps = FAKE_APPS
        app_label = FAKE_APP_LABEL
        db_table = host_models.Course._meta.db_table
        managed = False

    def save(self, *args, **kwargs):
        self.org = self.id.org  # the platform fills it from the key
        super().save(*args, **kwargs)

    @classmethod
    def course_exists(cls, course_id):
        """Like the platform's, minus the modulestore fallback (there is no modulestore here)."""
        return cls.objects.filter(id=course_id).exists()


class FakeUserProfile(models.Model):
    """FAKE of ``common.djangoapps.student.models.UserProfile`` (``user`` one-to-one, ``name``)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255, blank=True)

    class Meta:
        apps = FAKE_APPS
        app_label = FAKE_APP_LABEL
        db_table = host_models.UserProfile._meta.db_table
        managed = False


class FakeCourseEnrollmentException(Exception):
    """FAKE of ``common.djangoapps.student.models.CourseEnrollmentException`` and its subclasses below."""


class FakeNonExistentCourseError(FakeCourseEnrollmentException):
    """FAKE of ``common.djangoapps.student.models.NonExistentCourseError``."""


class FakeEnrollmentClosedError(FakeCourseEnrollmentException):
    """FAKE of ``common.djangoapps.student.models.EnrollmentClosedError`` (closed, or invitation only)."""


class FakeCourseFullError(FakeCourseEnrollmentException):
    """FAKE of ``common.djangoapps.student.models.CourseFullError``."""


class FakeAlreadyEnrolledError(FakeCourseEnrollmentException):
    """FAKE of ``common.djangoapps.student.models.AlreadyEnrolledError``."""


class FakeEnrollmentNotAllowed(FakeCourseEnrollmentException):
    """FAKE of ``common.djangoapps.student.models.EnrollmentNotAllowed`` (a CourseEnrollmentStarted step said no)."""


#: What ``CourseEnrollment.enroll`` raises for each of the shared enrolment rules' refusals (``lms_host``'s).
_ENROLL_ERRORS = {
    EnrollmentRefused.NOT_ALLOWED: FakeEnrollmentNotAllowed,
    EnrollmentRefused.COURSE_NOT_FOUND: FakeNonExistentCourseError,
    EnrollmentRefused.ENROLLMENT_CLOSED: FakeEnrollmentClosedError,
    EnrollmentRefused.INVITATION_ONLY: FakeEnrollmentClosedError,  # has_access("enroll") says no, as for closed
    EnrollmentRefused.COURSE_FULL: FakeCourseFullError,
    host_enrollment.ALREADY_ENROLLED: FakeAlreadyEnrolledError,
}


class FakeCourseEnrollment(models.Model):
    """
    FAKE of ``common.djangoapps.student.models.CourseEnrollment``: ``course`` is a FK to CourseOverview without a
    database constraint, as in the platform, and ``enroll`` has the platform's signature and behaviour: the
    ``CourseEnrollmentStarted`` filter, the course's default mode, with ``check_access`` the access checks (unknown
    course, enrolment dates, invitation only, full course, already enrolled), reading ``user.profile.name`` and
    sending COURSE_ENROLLMENT_CREATED. Without ``check_access`` it (re)activates and *overwrites the mode* even for an
    active enrollment. The rules are the host's (``lms_host.courses.enrollment``), raised as the platform's errors.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(FakeCourseOverview, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+")
    created = models.DateTimeField(auto_now_add=True, null=True)
    is_active = models.BooleanField(default=True)
    mode = models.CharField(default="audit", max_length=100)

    class Meta:
        apps = FAKE_APPS
        app_label = FAKE_APP_LABEL
        db_table = host_models.CourseEnrollment._meta.db_table
        managed = False

    @classmethod
    def enroll(cls, user, course_key, mode=None, check_access=False, can_upgrade=False, enterprise_uuid=None):  # pylint: disable=unused-argument
        """Same signature as the platform's; a missing course only fails with ``check_access``, as there."""
        assert isinstance(course_key, CourseKey), "the platform asserts a CourseKey here"
        try:
            return host_enrollment.enroll(user, course_key, mode, check_access=check_access, enrollment_model=cls)
        except host_enrollment.Refused as exc:
            raise _ENROLL_ERRORS[exc.reason](exc.detail) from exc


class FakeEnrollmentErrors:
    """FAKE of ``openedx.core.djangoapps.enrollments.errors`` (the classes the enrolment API raises)."""

    class CourseEnrollmentError(Exception):
        def __init__(self, msg, data=None):
            super().__init__(msg)
            self.data = data

    class CourseEnrollmentClosedError(CourseEnrollmentError):
        pass

    class CourseEnrollmentFullError(CourseEnrollmentError):
        pass

    class CourseEnrollmentExistsError(CourseEnrollmentError):
        def __init__(self, message, enrollment):
            super().__init__(message)
            self.enrollment = enrollment

    class CourseModeNotFoundError(CourseEnrollmentError):
        pass


class FakeCourseNotFoundError(Exception):
    """FAKE of ``openedx.core.lib.exceptions.CourseNotFoundError``."""


def fake_add_enrollment(
    username,
    course_id,
    mode=None,
    is_active=True,
    enrollment_attributes=None,
    enterprise_uuid=None,
    force_enrollment=False,
    include_expired=False,
):  # noqa: E501  pylint: disable=unused-argument,too-many-arguments
    """
    FAKE of ``openedx.core.djangoapps.enrollments.api.add_enrollment``: the course's default mode, the mode check
    (CourseNotFoundError, CourseModeNotFoundError), then ``CourseEnrollment.enroll(check_access=True)`` with its
    errors turned into the API's, as ``enrollments.data.create_course_enrollment`` does (EnrollmentNotAllowed passes).
    """
    key = CourseKey.from_string(course_id)
    mode = mode or host_enrollment.default_mode(key)
    try:
        host_enrollment.check_mode(key, mode)
    except host_enrollment.Refused as exc:
        if exc.reason == EnrollmentRefused.COURSE_NOT_FOUND:
            raise FakeCourseNotFoundError(course_id) from exc
        raise FakeEnrollmentErrors.CourseModeNotFoundError(exc.detail, {}) from exc
    user = User.objects.get(username=username)
    errors = FakeEnrollmentErrors
    try:
        enrollment = FakeCourseEnrollment.enroll(user, key, check_access=True, can_upgrade=force_enrollment)
    except FakeNonExistentCourseError as exc:
        raise FakeCourseNotFoundError(str(exc)) from exc
    except FakeEnrollmentClosedError as exc:
        raise errors.CourseEnrollmentClosedError(str(exc)) from exc
    except FakeCourseFullError as exc:
        raise errors.CourseEnrollmentFullError(str(exc)) from exc
    except FakeAlreadyEnrolledError as exc:
        raise errors.CourseEnrollmentExistsError(str(exc), None) from exc
    if enrollment.mode != mode or enrollment.is_active != is_active:
        enrollment.mode, enrollment.is_active = mode, is_active
        enrollment.save()
    return {"mode": enrollment.mode, "is_active": enrollment.is_active, "user": username, "course_id": course_id}


class FakeCourseAccessRole(models.Model):
    """FAKE of ``common.djangoapps.student.models.CourseAccessRole`` (user, org, course_id, role)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    org = models.CharField(max_length=64, db_index=True, blank=True)
    course_id = CourseKeyField(db_index=True, blank=True, max_length=255)
    role = models.CharField(max_length=64, db_index=True)

    class Meta:
        apps = FAKE_APPS
        app_label = FAKE_APP_LABEL
        db_table = host_models.CourseAccessRole._meta.db_table
        managed = False


#: Roles that also grant another (the platform registers ``limited_staff`` with ``staff`` as its base role).
_GRANTED_BY = {"staff": {"staff", "limited_staff"}}


def _granting(role):
    return _GRANTED_BY.get(role, {role})


class _FakeCourseRole:
    """FAKE of ``common.djangoapps.student.roles.CourseRole``: ``Role(course_key).has_user(user)``."""

    ROLE = ""

    def __init__(self, course_key):
        self.course_key = course_key
        self.org = course_key.org

    def has_user(self, user, check_user_activation=True):
        if check_user_activation and not (user.is_authenticated and user.is_active):
            return False
        return FakeCourseAccessRole.objects.filter(
            user=user, role__in=_granting(self.ROLE), course_id=self.course_key, org=self.org
        ).exists()


class _FakeOrgRole:
    """FAKE of ``common.djangoapps.student.roles.OrgRole``: ``Role(org).has_user(user)`` (roles with no course)."""

    ROLE = ""

    def __init__(self, org):
        self.org = org

    def has_user(self, user, check_user_activation=True):
        if check_user_activation and not (user.is_authenticated and user.is_active):
            return False
        return FakeCourseAccessRole.objects.filter(
            user=user, role__in=_granting(self.ROLE), course_id=CourseKeyField.Empty, org=self.org
        ).exists()


class FakeOrgStaffRole(_FakeOrgRole):
    """FAKE of ``common.djangoapps.student.roles.OrgStaffRole``."""

    ROLE = "staff"


class FakeOrgInstructorRole(_FakeOrgRole):
    """FAKE of ``common.djangoapps.student.roles.OrgInstructorRole``."""

    ROLE = "instructor"


class FakeCourseStaffRole(_FakeCourseRole):
    """FAKE of ``common.djangoapps.student.roles.CourseStaffRole``."""

    ROLE = "staff"


class FakeCourseInstructorRole(_FakeCourseRole):
    """FAKE of ``common.djangoapps.student.roles.CourseInstructorRole``."""

    ROLE = "instructor"


class FakeUserBasedRole:
    """FAKE of ``common.djangoapps.student.roles.UserBasedRole`` (``courses_with_role`` only)."""

    def __init__(self, user, role):
        self.user = user
        self.role = role

    def courses_with_role(self):
        """Items with ``.course_id`` (empty for org-wide roles), as the platform's."""
        return FakeCourseAccessRole.objects.filter(user=self.user, role__in=_granting(self.role))


def fake_get_learning_mfe_home_url(course_key, url_fragment=None, params=None):
    """FAKE of ``openedx.features.course_experience.url_helpers.get_learning_mfe_home_url`` (no site config)."""
    url = f"{settings.LEARNING_MICROFRONTEND_URL}/course/{course_key}"
    if url_fragment:
        url += f"/{url_fragment}"
    if params:
        url += f"?{params.urlencode()}"
    return url


def _module_tree(leaves):
    """``{dotted name: module}`` for ``leaves`` and every parent package, children set as attributes."""
    modules = {}
    for dotted, attrs in leaves.items():
        parts = dotted.split(".")
        for depth in range(1, len(parts) + 1):
            name = ".".join(parts[:depth])
            if name not in modules:
                module = types.ModuleType(name, "FAKE openedx-platform module (tests only)")
                module.__path__ = []  # a package, so that submodules import
                modules[name] = module
                if depth > 1:
                    setattr(modules[".".join(parts[: depth - 1])], parts[depth - 1], module)
        for attr, value in attrs.items():
            setattr(modules[dotted], attr, value)
    return modules


@contextlib.contextmanager
def installed_fake_modules(leaves):
    """
    Install ``leaves`` (``{module: {attr: value}}``) and their parents in ``sys.modules`` for the block.

    Only these names are put back afterwards (``mock.patch.dict`` would also drop every module first imported
    inside the block, and a later re-import of a models module breaks Django's registry).
    """
    fakes = _module_tree(leaves)
    missing = object()
    saved = {name: sys.modules.get(name, missing) for name in fakes}
    sys.modules.update(fakes)
    try:
        yield
    finally:
        for name, previous in saved.items():
            if previous is missing:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous


@contextlib.contextmanager
def hidden_modules(*names):
    """Make ``import`` of ``names`` fail with ImportError for the block, as if the package were not installed."""
    missing = object()
    saved = {name: sys.modules.get(name, missing) for name in names}
    sys.modules.update(dict.fromkeys(names))  # a None entry makes the import system raise ImportError
    try:
        yield
    finally:
        for name, previous in saved.items():
            if previous is missing:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous


def installed_fake_platform():
    """The FAKE platform modules the platform backend imports, for the duration of a ``with`` block."""
    return installed_fake_modules(
        {
            "common.djangoapps.student.models": {
                "CourseEnrollment": FakeCourseEnrollment,
                "CourseAccessRole": FakeCourseAccessRole,
                "CourseEnrollmentException": FakeCourseEnrollmentException,
                "NonExistentCourseError": FakeNonExistentCourseError,
                "EnrollmentClosedError": FakeEnrollmentClosedError,
                "CourseFullError": FakeCourseFullError,
                "AlreadyEnrolledError": FakeAlreadyEnrolledError,
                "EnrollmentNotAllowed": FakeEnrollmentNotAllowed,
                "UserProfile": FakeUserProfile,
            },
            "common.djangoapps.student.roles": {
                "CourseStaffRole": FakeCourseStaffRole,
                "CourseInstructorRole": FakeCourseInstructorRole,
                "OrgStaffRole": FakeOrgStaffRole,
                "OrgInstructorRole": FakeOrgInstructorRole,
                "UserBasedRole": FakeUserBasedRole,
            },
            "openedx.core.djangoapps.enrollments.api": {"add_enrollment": fake_add_enrollment},
            "openedx.core.djangoapps.enrollments.errors": {
                name: getattr(FakeEnrollmentErrors, name)
                for name in (
                    "CourseEnrollmentError",
                    "CourseEnrollmentClosedError",
                    "CourseEnrollmentFullError",
                    "CourseEnrollmentExistsError",
                    "CourseModeNotFoundError",
                )
            },
            "openedx.core.lib.exceptions": {"CourseNotFoundError": FakeCourseNotFoundError},
            "openedx.core.djangoapps.content.course_overviews.models": {"CourseOverview": FakeCourseOverview},
            "openedx.features.course_experience.url_helpers": {
                "get_learning_mfe_home_url": fake_get_learning_mfe_home_url
            },
        }
    )


@contextlib.contextmanager
def installed_fake_retirement_signals():
    """
    FAKE ``openedx.core.djangoapps.user_api.accounts.signals``: two fresh Signals, yielded as
    ``(USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC)``.
    """
    critical, misc = Signal(), Signal()
    leaves = {
        "openedx.core.djangoapps.user_api.accounts.signals": {
            "USER_RETIRE_LMS_CRITICAL": critical,
            "USER_RETIRE_LMS_MISC": misc,
        }
    }
    with installed_fake_modules(leaves):
        yield critical, misc
