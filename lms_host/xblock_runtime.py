"""
The host's XBlock runtime for course pages: the xblock-sdk workbench runtime, bound to a course and a user.

Why not the workbench pages as they are: the workbench keys student state by a ``?student=`` query parameter
anyone can change, and its ids live in a per-process registry filled by parsing every scenario at start-up, so
an id names a different block after a restart if the scenarios change. A course page needs the signed-in user
and ids that stay put. So the host keeps the workbench's runtime class, field store (``XBlockState`` rows),
services, JavaScript runtime and wrapping, and changes three things:

* ids: :class:`HostIdManager` makes ids in the workbench's own shape (``{scenario}.{type}.d{n}.u0``, which its
  field store relies on) but reads them back from the string alone, so any process can load a block from the
  database without the registry; ids are numbered in document order per :class:`CourseBlock`, so re-parsing an
  edited OLX gives the same ids and learners keep their state.
* identity: :class:`HostRuntime` renders for the signed-in Django user (state is keyed by the user's id) and
  its handler URLs point at the host's course handler view, which takes the user from the session and ignores
  ``?student=``. The ``user`` service (``lms_host.xblock_services``) reports the same user, LMS-style.
* course: usage ids are :class:`HostUsageId` strings that also carry ``context_key``/``course_key`` like the
  LMS's usage keys, so ``self.scope_ids.usage_id.context_key`` and ``self.course_id`` give the course here too.

The course page embeds the rendered fragments directly (not in an iframe): one page, one CSRF cookie, one
jQuery and workbench JS runtime, and Playwright or the test client see the blocks as part of the course.
"""

import hashlib
import io
import logging
import re

from completion import waffle as completion_waffle
from completion.models import BlockCompletion
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from lxml import etree
from web_fragments.fragment import Fragment
from workbench.models import XBlockState
from workbench.runtime import WorkbenchDjangoKeyValueStore, WorkbenchI18NService, WorkbenchRuntime
from xblock.exceptions import NoSuchDefinition, NoSuchUsage
from xblock.field_data import ReadOnlyFieldData, SplitFieldData
from xblock.fields import Scope
from xblock.plugin import PluginMissingError
from xblock.runtime import IdGenerator, IdReader, KvsFieldData

from lms_host.courses.models import CourseBlock
from lms_host.xblock_services import HostI18nService, HostStudioPermissionsService, HostUserService

log = logging.getLogger(__name__)

_NAME = r"[A-Za-z0-9_-]+"
DEFINITION_RE = re.compile(rf"^(?P<scenario>{_NAME})\.(?P<block_type>{_NAME})\.d(?P<n>\d+)$")
USAGE_RE = re.compile(rf"^(?P<definition>{_NAME}\.{_NAME}\.d\d+)\.u\d+$")


class HostUsageId(str):
    """
    A usage id string that also knows its course, like the LMS's ``UsageKey`` (``context_key``/``course_key``).

    It stays a ``str`` so the workbench's field store and templates treat it as before.
    """

    context_key = None

    def __new__(cls, value, context_key=None):
        instance = super().__new__(cls, value)
        instance.context_key = context_key
        return instance

    @property
    def course_key(self):
        return self.context_key

    @property
    def block_type(self):
        return self.split(".")[1]

    @property
    def usage_key(self):
        """The LMS-style ``UsageKey`` of this block in its course (what edx-completion and events name blocks by)."""
        if self.context_key is None:
            return None
        return self.context_key.make_usage_key(self.block_type, str(self))


class HostIdManager(IdReader, IdGenerator):
    """
    Workbench-shaped ids that can be read back without a registry (see the module docstring).

    ``scenario`` is only needed to create ids (parsing OLX); reading works for any id of the right shape.
    """

    def __init__(self, course_key=None, scenario=None):
        super().__init__()
        self.course_key = course_key
        self.scenario = scenario
        self._next_definition = 0
        self._next_usage = {}

    # IdGenerator
    def create_definition(self, block_type, slug=None):
        if not self.scenario:
            raise ValueError("a scenario is needed to create ids")
        if not re.fullmatch(_NAME, block_type):
            raise ValueError(f"block type {block_type!r} cannot be part of a workbench id")
        def_id = f"{self.scenario}.{block_type}.d{self._next_definition}"
        self._next_definition += 1
        return def_id

    def create_usage(self, def_id):
        n = self._next_usage.get(def_id, 0)
        self._next_usage[def_id] = n + 1
        return HostUsageId(f"{def_id}.u{n}", self.course_key)

    def create_aside(self, definition_id, usage_id, aside_type):
        return f"{definition_id}.{aside_type}", HostUsageId(f"{usage_id}.{aside_type}", self.course_key)

    # IdReader
    def get_definition_id(self, usage_id):
        match = USAGE_RE.match(str(usage_id))
        if not match:
            raise NoSuchUsage(repr(usage_id))
        return match.group("definition")

    def get_block_type(self, def_id):
        match = DEFINITION_RE.match(str(def_id))
        if not match:
            raise NoSuchDefinition(repr(def_id))
        return match.group("block_type")

    def get_usage_id_from_aside(self, aside_id):
        return HostUsageId(str(aside_id).rsplit(".", 1)[0], self.course_key)

    def get_definition_id_from_aside(self, aside_id):
        return str(aside_id).rsplit(".", 1)[0]

    def get_aside_type_from_usage(self, aside_id):
        return str(aside_id).rsplit(".", 1)[1]

    def get_aside_type_from_definition(self, aside_id):
        return str(aside_id).rsplit(".", 1)[1]


class HostKeyValueStore(WorkbenchDjangoKeyValueStore):
    """The workbench's field store, given plain ``str`` scope ids (database drivers need no str subclass)."""

    @staticmethod
    def _plain(key):
        return key._replace(block_scope_id=str(key.block_scope_id) if key.block_scope_id is not None else None)

    def get(self, key):
        return super().get(self._plain(key))

    def set(self, key, value):
        super().set(self._plain(key), value)

    def delete(self, key):
        super().delete(self._plain(key))

    def has(self, key):
        return super().has(self._plain(key))


HOST_KVS = HostKeyValueStore()


def lms_field_data(field_data):
    """
    Field data as the LMS gives blocks (``LmsFieldData``): the course's authored content, settings and structure
    read-only, learners' state writable. Only Studio changes what the course team authored.
    """
    authored = ReadOnlyFieldData(field_data)
    return SplitFieldData(
        {
            Scope.content: authored,
            Scope.settings: authored,
            Scope.parent: authored,
            Scope.children: authored,
            Scope.user_state_summary: field_data,
            Scope.user_state: field_data,
            Scope.user_info: field_data,
            Scope.preferences: field_data,
        }
    )


class HostRuntime(WorkbenchRuntime):
    """
    The workbench runtime for one course and one user, shaped like the LMS's: the ``user`` service reports the user
    with their course role, the course's authored fields are read-only, ``i18n`` is looked up per block as the
    platform does. ``user=None`` is a runtime without a learner: parsing OLX (which writes the authored fields) and
    what the Blocks API does when it collects ``student_view_data``.

    A masquerade (:func:`lms_host.courses.views.setup_masquerade`) gives ``user`` as the learner carrying
    ``real_user``, as the LMS's ``setup_masquerade`` does.
    """

    #: Whether handler URLs go to the host's Studio handler view (:class:`HostStudioRuntime`).
    is_studio = False

    def __init__(self, course_key, user=None):
        # Read by HostUserService, which the workbench builds in super().__init__ from settings.WORKBENCH.
        self.django_user = user
        self.course_key = course_key
        super().__init__(user_id=user.pk if user is not None else None)
        field_data = KvsFieldData(HOST_KVS)
        self._services["field-data"] = field_data if user is None else lms_field_data(field_data)
        if user is not None:  # as the LMS builds it: DjangoXBlockUserService(user, user_is_staff=..., ...)
            self._services["user"] = HostUserService(django_user=user, course_key=course_key)
        self.id_reader = self.id_generator = HostIdManager(course_key)

    def service(self, block, service_name):
        """
        As the platform's runtimes, the ``i18n`` service is made per block (``XBlockI18nService(block)``: the
        catalogue of the block's package); a service a test put in place of the workbench's is kept.
        """
        service = super().service(block, service_name)
        if service_name == "i18n" and isinstance(service, WorkbenchI18NService):
            return HostI18nService(block)
        return service

    def get_block(self, usage_id, for_parent=None):
        return super().get_block(HostUsageId(str(usage_id), self.course_key), for_parent=for_parent)

    def load_block_type(self, block_type):
        """The host's own blocks (a scored knowledge check, a video: ``lms_host.blocks``) first, then installed ones."""
        from lms_host.blocks import HOST_BLOCK_TYPES  # pylint: disable=import-outside-toplevel

        if block_type in HOST_BLOCK_TYPES:
            return HOST_BLOCK_TYPES[block_type]
        return super().load_block_type(block_type)

    def _patch_xblock(self, block):
        """What the LMS's mixins give blocks, with this course rather than the workbench's fake one."""
        try:
            block.course_id = self.course_key
            block.location = block.scope_ids.usage_id
        except AttributeError:  # a block that defines these itself keeps its own
            pass

    def publish(self, block, event_type, event_data):
        """
        As the LMS does for ``completion`` events (edx-completion's handler): store the user's ``BlockCompletion``.
        ``grade`` events of scored blocks (the LMS's ``handle_grade_event``) become the learner's score, the block's
        completion and a new course grade, with the platform's events (``lms_host.courses.grading``); course staff
        viewing as a learner score nothing for them. Other events are only logged, as the workbench does.
        """
        if event_type == "grade":
            usage_key = getattr(block.scope_ids.usage_id, "usage_key", None)
            if self.django_user is None or usage_key is None:
                raise ValueError("a grade needs a signed-in user and a block of a course")
            if getattr(self.django_user, "real_user", None) is not None:
                log.info("masquerade: the grade of %s is not stored for the learner", usage_key)
                return
            from lms_host.courses import grading  # pylint: disable=import-outside-toplevel

            grading.score_published(
                self.django_user,
                usage_key,
                event_data["value"],
                event_data["max_value"],
                getattr(block, "weight", None),
            )
            return
        if event_type == "completion":
            if not completion_waffle.ENABLE_COMPLETION_TRACKING_SWITCH.is_enabled():
                # As the LMS's handler: with tracking off (the switch is missing, e.g. after a test flush), no row.
                log.info("completion tracking is off: completion of %s not stored", block.scope_ids.usage_id)
                return
            usage_key = getattr(block.scope_ids.usage_id, "usage_key", None)
            if self.django_user is None or usage_key is None:
                raise ValueError("a completion needs a signed-in user and a block of a course")
            BlockCompletion.objects.submit_completion(self.django_user, usage_key, float(event_data["completion"]))
            return
        super().publish(block, event_type, event_data)

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):  # noqa: PLR0913
        func = getattr(block, handler_name, None)
        if not getattr(func, "_is_xblock_handler", False):
            raise ValueError(f"{handler_name!r} is not a handler of {block!r}")
        if thirdparty:
            raise NotImplementedError("the host has no unauthenticated (third-party) XBlock handlers")
        url = handler_base_url(self.course_key, self.is_studio) + f"{block.scope_ids.usage_id}/{handler_name}/{suffix}"
        return f"{url}?{query}" if query else url


class HostStudioRuntime(HostRuntime):
    """
    The course team's runtime (the host's Studio): authored fields writable, and services as Studio's
    ``load_services_for_studio`` gives them -- ``user`` is ``DjangoXBlockUserService(user)``, so both staff flags
    are False even for the course team and superusers, and write access is the ``studio_user_permissions``
    service's ``can_write(course_key)``. Handlers go to the Studio handler view, which stores nothing for anyone
    without write access (as ``component_handler`` does).
    """

    is_studio = True

    def __init__(self, course_key, user):
        super().__init__(course_key, user)
        self._services["field-data"] = KvsFieldData(HOST_KVS)
        self._services["user"] = HostUserService(django_user=user, course_key=course_key, authoring=True)
        self._services["studio_user_permissions"] = HostStudioPermissionsService(user)


def handler_base_url(course_key, studio=False):
    """
    The prefix the workbench's JS runtime puts before ``{usage}/{handler}/{suffix}`` (``handlerBaseUrl``): the
    course page's handler view, or Studio's (``studio=True``) on the editor pages.

    Built from the handler route with a placeholder usage, since the route has all four parts.
    """
    url = reverse(
        "host_studio_xblock_handler" if studio else "host_course_xblock_handler",
        kwargs={"course_id": str(course_key), "usage_id": "USAGE", "handler": "HANDLER", "suffix": ""},
    )
    return url[: url.index("USAGE")]


def scenario_of(course_block):
    """The workbench "scenario" (first id component) of a course block: unique, stable, no dots."""
    return f"cb{course_block.pk}"


def olx_digest(olx):
    return hashlib.sha256(olx.encode("utf-8")).hexdigest()


def ensure_parsed(course_block):
    """
    The root usage id of ``course_block``, parsing its OLX into the field store if it is new or was edited.

    Definition-level rows of the block (content, settings, children, parent: those without a user) are
    replaced; learners' state is kept, and stays attached because ids are numbered the same way every time.
    Raises ``PluginMissingError`` for an unknown block type.
    """
    digest = olx_digest(course_block.olx)
    if course_block.usage_id and course_block.olx_digest == digest:
        return HostUsageId(course_block.usage_id, course_block.course_id)
    scenario = scenario_of(course_block)
    with transaction.atomic():
        XBlockState.objects.filter(scenario=scenario, user_id__isnull=True).delete()
        runtime = HostRuntime(course_block.course_id)
        runtime.id_generator = HostIdManager(course_block.course_id, scenario=scenario)
        usage_id = runtime.parse_xml_string(course_block.olx)
        type(course_block).objects.filter(pk=course_block.pk).update(usage_id=str(usage_id), olx_digest=digest)
    course_block.usage_id, course_block.olx_digest = str(usage_id), digest
    return usage_id


def render_course_blocks(course_blocks, user, course_key, view_name="student_view"):
    """
    Render ``course_blocks`` of one course for ``user``.

    Returns ``(units, resources)``: one ``{"block", "html", "error"}`` per course block in order, and a
    fragment holding the JS/CSS of all of them (deduplicated) for the page's head and foot. An unknown block
    type becomes an error notice so one missing XBlock package does not hide the rest of the course; any other
    error propagates, to be seen rather than hidden.
    """
    runtime = HostRuntime(course_key, user)
    resources = Fragment()
    units = []
    for course_block in course_blocks:
        try:
            usage_id = ensure_parsed(course_block)
            frag = runtime.get_block(usage_id).render(view_name, {})
        except PluginMissingError as exc:
            units.append({"block": course_block, "html": "", "error": str(exc)})
            continue
        resources.add_fragment_resources(frag)
        units.append({"block": course_block, "html": frag.body_html(), "error": ""})
    return units, resources


def is_parsed_usage(usage_id):
    """
    Whether ``usage_id`` came out of parsing OLX (every parsed block has its definition-level ``parent`` row).

    Ids are read from the string alone, so without this check a made-up id of the right shape would build a
    block of any installed type with default fields and let its handlers run.
    """
    return XBlockState.objects.filter(scope="parent", scope_id=str(usage_id), user_id__isnull=True).exists()


def course_block_for_usage(course_blocks, usage_id):
    """The course block whose tree holds ``usage_id``, or ``None`` (ids start with the block's scenario)."""
    scenario = str(usage_id).split(".", 1)[0]
    return next((cb for cb in course_blocks if scenario_of(cb) == scenario), None)


# ----------------------------------------------------------------------------------------------------------------
# The course team's side (the host's stand-in for Studio): a block's editor, OLX export and import.
# ----------------------------------------------------------------------------------------------------------------

#: Largest OLX file the host imports: one component's OLX is a few kilobytes.
MAX_OLX_BYTES = 1_000_000
#: Entities are not expanded and nothing is fetched: an imported file is untrusted input.
OLX_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class OlxError(ValueError):
    """The OLX cannot become a course block; the message says why, for the person importing it."""


def render_editor(course_block, user, course_key):
    """
    What Studio shows the course team for ``course_block``: its editor (``studio_view``) and its preview
    (``author_view`` when the block has one, as Studio does, else ``student_view``), rendered for ``user``.

    Returns ``(editor_html, preview_html, resources)``; ``editor_html`` is ``None`` for a block with no editor.
    """
    runtime = HostStudioRuntime(course_key, user)
    block = runtime.get_block(ensure_parsed(course_block))
    resources = Fragment()
    editor_html = None
    if callable(getattr(block, "studio_view", None)):  # not a ``fallback_view`` that shows any view alike
        editor = block.render("studio_view", {})
        resources.add_fragment_resources(editor)
        editor_html = editor.body_html()
    preview = block.render("author_view" if getattr(block, "has_author_view", False) else "student_view", {})
    resources.add_fragment_resources(preview)
    return editor_html, preview.body_html(), resources


def export_olx(course_block):
    """
    The OLX of ``course_block`` as it is now, exported by the runtime from the field store -- so it carries what
    the course team saved in the editor, not only the OLX the block was created from (as Studio's export does).
    """
    runtime = HostRuntime(course_block.course_id)
    out = io.BytesIO()
    runtime.export_to_xml(runtime.get_block(ensure_parsed(course_block)), out)
    return out.getvalue().decode("utf-8")


def import_course_block(course_key, olx, display_name=""):
    """
    A new course block at the end of ``course_key`` from ``olx`` (bytes or text, e.g. a file :func:`export_olx`
    gave), parsed at once so that a file that cannot work is refused whole (:class:`OlxError`) rather than stored.

    The unit heading is ``display_name``, else the OLX's own ``display_name``.
    """
    data = olx.encode("utf-8") if isinstance(olx, str) else olx
    if len(data) > MAX_OLX_BYTES:
        raise OlxError(_("The file is larger than %(max)s bytes.") % {"max": f"{MAX_OLX_BYTES:,}"})
    try:
        root = etree.fromstring(data, OLX_PARSER)
    except etree.XMLSyntaxError as exc:
        raise OlxError(_("The file is not well-formed XML: %(error)s") % {"error": exc}) from exc
    if root is None:
        raise OlxError(_("The file holds no XML element."))
    text = etree.tostring(root, encoding="unicode")  # stored as text, without the XML declaration
    heading = (display_name or root.get("display_name") or "").strip()[:255]
    try:
        with transaction.atomic():
            last = CourseBlock.objects.filter(course_id=course_key).aggregate(last=Max("order"))["last"]
            course_block = CourseBlock.objects.create(
                course_id=course_key, order=0 if last is None else last + 1, display_name=heading, olx=text
            )
            ensure_parsed(course_block)
    except PluginMissingError as exc:
        raise OlxError(_("This LMS has no XBlock of type '%(type)s'.") % {"type": root.tag}) from exc
    except (ValueError, TypeError, etree.XMLSyntaxError) as exc:  # a field value its XBlock cannot read
        raise OlxError(_("The OLX cannot be read: %(error)s") % {"error": exc}) from exc
    return course_block
