"""
The pieces every perf-mgmt XBlock needs in the same way, kept in one place so that the blocks cannot drift apart:

* who is looking: the runtime's ``user`` service (``opt_attrs['edx-platform.*']``, as the LMS sets them) turned into
  a Django user through ``perf_mgmt_plugin.api`` -- the only part of the plugin an XBlock may import (checked by
  import-linter), imported lazily as the LMS loads XBlock classes before Django apps are ready;
* the block's course (``scope_ids.usage_id.context_key``), never a made-up one;
* strings through the runtime's ``i18n`` service, templates rendered with it;
* the editor's save handler: only where the platform lets the course team write (Studio's
  ``studio_user_permissions`` service, else an authoring runtime), never in the LMS; known fields only, the block's
  own validation before anything is set (a 400 with every message otherwise);
* masquerade: when course staff "view as a specific learner", the runtime runs for the learner while the request
  is the staff member's; every handler that writes refuses then (:meth:`PerfMgmtXBlock._writer`), views stay
  read-only;
* the shared JavaScript (``static/js/perf_mgmt_xblock.js``: JSON calls to handlers, error texts, the editor form).
"""

from web_fragments.fragment import Fragment  # noqa: F401  (re-exported for the blocks)
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.utils.resources import ResourceLoader
from xblock.utils.studio_editable import FutureFields
from xblock.validation import Validation

ATTR_USER_ID = "edx-platform.user_id"
ATTR_USER_IS_STAFF = "edx-platform.user_is_staff"
ATTR_USER_IS_GLOBAL_STAFF = "edx-platform.user_is_global_staff"
#: The value of ``runtime.authored_data_mode`` in the platform's Learning Core runtime when it runs in Studio
#: (``openedx.core.djangoapps.xblock.data.AuthoredDataMode``; the LMS's is ``STRICTLY_PUBLISHED``).
AUTHORING_DATA_MODE = "DEFAULT_DRAFT"

common_loader = ResourceLoader(__name__)


def _(text):
    """Mark a string for extraction; it is translated at use through the runtime's i18n service (``self._``)."""
    return text


def api():
    """``perf_mgmt_plugin.api``, imported when first needed (after Django's apps are ready)."""
    from perf_mgmt_plugin import api as plugin_api  # pylint: disable=import-outside-toplevel

    return plugin_api


class Viewer:
    """Who is looking, from one call to the runtime's ``user`` service (it may query course roles)."""

    def __init__(self, user=None, is_staff=False, masquerading=False):
        self.user = user
        self.is_staff = is_staff
        #: The runtime runs for ``user`` but someone else (course staff "viewing as" this learner) is asking.
        self.masquerading = masquerading

    @property
    def is_real(self):
        return self.user is not None


def is_authoring_runtime(runtime):
    """
    Whether ``runtime`` edits authored content where the platform itself checks write access: Studio's preview
    runtime (``is_author_mode``) and the Learning Core runtime in Studio (``authored_data_mode`` DEFAULT_DRAFT).
    The LMS's runtimes are neither, and keep course settings read-only.
    """
    if getattr(runtime, "is_author_mode", False) is True:
        return True
    mode = getattr(runtime, "authored_data_mode", None)
    return getattr(mode, "name", mode) == AUTHORING_DATA_MODE


@XBlock.needs("i18n")
@XBlock.wants("user", "studio_user_permissions")
class PerfMgmtXBlock(XBlock):
    """
    Base class of the perf-mgmt XBlocks (never placed in a course itself: it has no entry point). A block sets
    ``loader`` (its own ResourceLoader), ``editable_fields`` and ``validate_field_data(validation, data)``; it may
    override ``clean_studio_values``.
    """

    loader = None

    def _(self, text):
        return self.runtime.service(self, "i18n").gettext(text)

    def _viewer(self):
        """The signed-in Django user (``None`` when anonymous or in a runtime without a real user) and staff flag."""
        service = self.runtime.service(self, "user")
        if service is None:
            return Viewer()
        attrs = service.get_current_user().opt_attrs
        user = api().get_user_by_id(attrs.get(ATTR_USER_ID))
        is_staff = bool(attrs.get(ATTR_USER_IS_STAFF) or attrs.get(ATTR_USER_IS_GLOBAL_STAFF))
        masquerading = api().is_masquerade(attrs.get(ATTR_USER_ID), service)
        return Viewer(user, is_staff, masquerading)

    def _masquerade_notice(self):
        return self._(
            "You are viewing this as another learner. Nothing can be saved in their name: sign in as yourself to "
            "answer."
        )

    def _writer(self):
        """
        The viewer, for a handler that writes in the viewer's name: a 403 when someone else is acting for them
        (course staff viewing the course as this learner -- the platform then runs handlers with the learner's id).
        """
        viewer = self._viewer()
        if viewer.masquerading:
            raise JsonHandlerError(403, self._masquerade_notice())
        if self._in_studio():
            raise JsonHandlerError(403, self._("This is the course team's preview: nothing is saved here."))
        return viewer

    def _in_studio(self):
        """Whether the block runs in Studio (its permissions service or an authoring runtime): no learner there."""
        return self.runtime.service(self, "studio_user_permissions") is not None or is_authoring_runtime(self.runtime)

    def _may_edit_settings(self):
        """
        Whether the current user may change this block's settings here. Studio gives blocks the
        ``studio_user_permissions`` service (its user service says "not staff" for everyone, so its flags cannot
        decide); where Studio's preview or Learning Core runtime edits without it, Studio has checked already.
        Anywhere else -- the LMS, whose course settings are read-only -- nobody may.
        """
        permissions = self.runtime.service(self, "studio_user_permissions")
        if permissions is not None:
            return self.course_key is not None and bool(permissions.can_write(self.course_key))
        return is_authoring_runtime(self.runtime)

    @property
    def course_key(self):
        """
        The course of this block: the usage key's ``context_key`` (LMS, Studio and the host's course runtime), or a
        real ``CourseKey`` in ``course_id``. ``None`` elsewhere -- the xblock-sdk workbench's own pages put a made-up
        course id string in ``course_id``, and answers must not be filed under a course that does not exist.
        """
        key = getattr(self.scope_ids.usage_id, "context_key", None)
        if key is not None:
            return key
        course_id = getattr(self, "course_id", None)
        return None if course_id is None or isinstance(course_id, str) else course_id

    @property
    def dom_id(self):
        """The block's id as a fragment of HTML ids (unique on a page with several blocks)."""
        return str(self.scope_ids.usage_id).replace(".", "-")

    def _render(self, template, context):
        return self.loader.render_django_template(template, context, i18n_service=self.runtime.service(self, "i18n"))

    def _fragment(self, html, css, js, js_class, js_init):
        """A fragment with the block's CSS, the shared JS before the block's own, and its JS initialiser."""
        frag = Fragment(html)
        frag.add_css(self.loader.load_unicode(css))
        frag.add_javascript(common_loader.load_unicode("static/js/perf_mgmt_xblock.js"))
        frag.add_javascript(self.loader.load_unicode(js))
        frag.initialize_js(js_class, js_init)
        return frag

    def _help_texts(self):
        """Each editable field's help text, translated, for the editor's described controls."""
        return {name: self._(self.fields[name].help) for name in self.editable_fields}

    # --------------------------------------------------------------------------------------------------------------
    # The editor's save, and validation
    # --------------------------------------------------------------------------------------------------------------

    def clean_studio_values(self, values):
        """Normalise the editor's values (parsed by their fields) before validation; the default keeps them."""
        return values

    @XBlock.json_handler
    def submit_studio_edits(self, data, suffix=""):  # pylint: disable=unused-argument
        """
        Save the editor's ``{"values": {field: value}}`` after validation (400 with the messages otherwise).

        Only where :meth:`_may_edit_settings` says so: Studio's own save (``component_handler``) runs the handler
        for anyone signed in and only skips storing the result for non-authors, so the block answers them with a
        clear 403 instead of a "saved" that was not.
        """
        if not self._may_edit_settings():
            raise JsonHandlerError(403, self._("Only the course team can change this component."))
        values = {}
        raw = (data or {}).get("values") if isinstance(data, dict) else None
        for name, value in (raw or {}).items():
            if name not in self.editable_fields:
                raise JsonHandlerError(400, self._("'%(field)s' cannot be edited.") % {"field": name})
            try:
                values[name] = self.fields[name].from_json(value)
            except (TypeError, ValueError) as exc:
                raise JsonHandlerError(400, self._("'%(field)s' has a wrong value.") % {"field": name}) from exc
        values = self.clean_studio_values(values)
        validation = Validation(self.scope_ids.usage_id)
        self.validate_field_data(validation, FutureFields(values, [], self))
        if not validation:
            raise JsonHandlerError(400, {"messages": [message.text for message in validation.messages]})
        for name, value in values.items():
            setattr(self, name, value)
        return {"result": "success"}

    def validate(self):
        """What Studio shows on the component when it cannot work as configured."""
        validation = super().validate()
        self.validate_field_data(validation, self)
        return validation

    def _validation_texts(self):
        return [message.text for message in self.validate().messages]
