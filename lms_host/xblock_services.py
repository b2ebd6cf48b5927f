"""
XBlock runtime services of the stand-in host, shaped like the LMS's.

The xblock-sdk workbench's own ``user`` service only knows the ``?student=`` id of its demo pages, while XBlocks
written for Open edX read the signed-in LMS user from ``opt_attrs['edx-platform.*']`` (openedx-platform,
``common/djangoapps/xblock_django/user_service.py``). ``settings.WORKBENCH['services']['user']`` points the
workbench at :class:`HostUserService`, so every workbench runtime in this host -- the course pages'
:class:`lms_host.xblock_runtime.HostRuntime` and the workbench's own scenario pages -- hands XBlocks the same
LMS-shaped user, and XBlock code that works here reads the user the way it will in the LMS.
"""

import contextlib
import gettext
import hashlib
import hmac
from importlib import resources

import crum
from django.conf import settings
from django.utils import translation
from xblock.reference.user_service import UserService, XBlockUser

# The opt_attrs keys the LMS sets (names as in openedx-platform's xblock_django constants).
ATTR_ANONYMOUS_USER_ID = "edx-platform.anonymous_user_id"
ATTR_IS_AUTHENTICATED = "edx-platform.is_authenticated"
ATTR_REQUEST_COUNTRY_CODE = "edx-platform.request_country_code"
ATTR_USER_ID = "edx-platform.user_id"
ATTR_USERNAME = "edx-platform.username"
ATTR_USER_IS_BETA_TESTER = "edx-platform.user_is_beta_tester"
ATTR_USER_IS_GLOBAL_STAFF = "edx-platform.user_is_global_staff"
ATTR_USER_IS_STAFF = "edx-platform.user_is_staff"
ATTR_USER_PREFERENCES = "edx-platform.user_preferences"
ATTR_USER_ROLE = "edx-platform.user_role"

#: Course roles that give staff access, in increasing power (the LMS reports the strongest as ``user_role``).
STAFF_ROLES = ("staff", "instructor")


def anonymous_user_id(user, course_key):
    """
    A stable per-course pseudonym of ``user``, as the LMS gives XBlocks (which must not need the real id to
    keep anonymous data). Derived with the host's secret so it cannot be reversed without it.
    """
    message = f"{user.pk}:{course_key or ''}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


class HostUserService(UserService):
    """
    The ``user`` service: the signed-in Django user as an ``XBlockUser`` with the LMS's ``opt_attrs``.

    The user is, in order: one given to the constructor (tests, scripts), the ``django_user`` of the runtime
    (the host's course runtime knows whom it renders for), else the user of the current request (django-crum,
    which the LMS also installs) -- the workbench builds services with no arguments, so its own pages only have
    the request to go by. ``user_is_staff`` and ``user_role`` are per course when the runtime knows its course,
    as in the LMS; without a course only global staff count as staff.
    """

    def __init__(self, django_user=None, course_key=None, authoring=False, **kwargs):
        super().__init__(**kwargs)
        self._django_user = django_user
        self._course_key = course_key
        #: Built as Studio's ``load_services_for_studio`` does (``DjangoXBlockUserService(user)``): no course role,
        #: both staff flags False for everyone -- Studio's write access is the ``studio_user_permissions`` service.
        self._authoring = authoring
        # Set by WorkbenchRuntime._load_service after construction.
        self.runtime = kwargs.get("runtime")

    def _resolve_user(self):
        return self._django_user or getattr(self.runtime, "django_user", None) or crum.get_current_user()

    def _resolve_course_key(self):
        return self._course_key or getattr(self.runtime, "course_key", None)

    def get_current_user(self):
        """The current user as the LMS describes it; an anonymous ``XBlockUser`` when nobody is signed in."""
        user = self._resolve_user()
        xblock_user = XBlockUser(is_current_user=True)
        xblock_user.opt_attrs[ATTR_REQUEST_COUNTRY_CODE] = None
        if user is None or not user.is_authenticated:
            xblock_user.opt_attrs[ATTR_IS_AUTHENTICATED] = False
            return xblock_user

        course_key = self._resolve_course_key()
        role = "student" if self._authoring else self._course_role(user, course_key)
        xblock_user.full_name = user.get_full_name() or None
        xblock_user.emails = [user.email] if user.email else []
        xblock_user.opt_attrs.update(
            {
                ATTR_IS_AUTHENTICATED: True,
                ATTR_USER_ID: user.pk,
                ATTR_USERNAME: user.username,
                ATTR_ANONYMOUS_USER_ID: anonymous_user_id(user, course_key),
                ATTR_USER_IS_GLOBAL_STAFF: bool(user.is_staff) and not self._authoring,
                ATTR_USER_IS_STAFF: role in STAFF_ROLES,
                ATTR_USER_IS_BETA_TESTER: False,
                ATTR_USER_ROLE: role,
                ATTR_USER_PREFERENCES: {},
            }
        )
        return xblock_user

    def _course_role(self, user, course_key):
        """'instructor', 'staff' or 'student' in ``course_key``; global staff are staff everywhere."""
        if not user.is_active:
            return "student"
        roles = set()
        if course_key is not None:
            from lms_host.courses.models import CourseAccessRole  # pylint: disable=import-outside-toplevel

            roles = set(
                CourseAccessRole.objects.filter(user=user, course_id=course_key, role__in=STAFF_ROLES).values_list(
                    "role", flat=True
                )
            )
        if "instructor" in roles:
            return "instructor"
        if "staff" in roles or user.is_staff:
            return "staff"
        return "student"


class HostStudioPermissionsService:
    """
    Studio's ``studio_user_permissions`` service (openedx-platform ``StudioPermissionsService``): read and write
    access to a course's content. Write access, as ``has_studio_write_access``, is the course team's (staff and
    instructors of the course) and global staff's; the host's course team is its ``CourseAccessRole`` rows.
    """

    def __init__(self, user):
        self._user = user

    def can_read(self, course_key):
        return self.can_write(course_key)

    def can_write(self, course_key):
        from lms_host.courses.backend import HostPlatformBackend  # pylint: disable=import-outside-toplevel

        user = self._user
        if user is None or not user.is_authenticated or course_key is None:
            return False
        return HostPlatformBackend().is_course_staff(user, course_key)


class HostI18nService:
    """
    The ``i18n`` service, per block, looked up where the platform's ``XBlockI18nService`` looks: the compiled
    catalogue ``<top-level package of the block's class>/translations/<locale>/LC_MESSAGES/text.mo`` for the active
    language, else Django's own translations. The workbench's service only passes Django's translations through, so
    a block whose catalogue sits anywhere else would look translated here and not in the LMS.
    """

    DOMAIN = "text"

    def __init__(self, block=None):
        self.translator = translation
        if block is None:
            return
        package = getattr(block, "unmixed_class", type(block)).__module__.split(".")[0]
        try:
            locale_dir = resources.files(package) / "translations"
        except (ModuleNotFoundError, TypeError):
            return
        if not locale_dir.is_dir():
            return
        language = translation.get_language() or settings.LANGUAGE_CODE
        # No catalogue for this language: Django's translations, as the platform falls back.
        with contextlib.suppress(OSError):
            self.translator = gettext.translation(self.DOMAIN, str(locale_dir), [translation.to_locale(language)])

    def __getattr__(self, name):
        return getattr(self.translator, "gettext" if name == "ugettext" else name)
