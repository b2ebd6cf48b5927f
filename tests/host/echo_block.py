"""
A test-only XBlock that shows what the host's runtime tells it, and records a value through a JSON handler.

Registered per test with ``XBlock.register_temp_plugin`` (see :func:`with_echo_block`), so no entry point of
the package carries it. It reads the user the way our XBlocks will in the LMS (the ``user`` service's
``edx-platform.*`` attributes) and the course from ``scope_ids.usage_id.context_key``.
"""

from markupsafe import escape
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Scope, String

ECHO_BLOCK_TYPE = "host_echo"

ECHO_JS = """
function HostEchoBlock(runtime, element) {
  var $el = $(element);
  $el.find("form.echo-form").on("submit", function (event) {
    event.preventDefault();
    $.ajax({
      type: "POST",
      url: runtime.handlerUrl(element, "record"),
      data: JSON.stringify({value: $el.find("input[name=value]").val()}),
      contentType: "application/json",
      dataType: "json"
    }).done(function (data) {
      $el.find("[data-testid=echo-recorded]").text(data.recorded);
      $el.find("[data-testid=echo-status]").text("saved by " + data.username);
    }).fail(function (xhr) {
      $el.find("[data-testid=echo-status]").text("error " + xhr.status);
    });
  });
}
"""


def _user_attrs(block):
    return block.runtime.service(block, "user").get_current_user().opt_attrs


@XBlock.wants("user")
class HostEchoBlock(XBlock):
    """Echoes the current user and course; ``record`` stores a value in the user's state."""

    recorded = String(scope=Scope.user_state, default="")

    def student_view(self, context=None):
        attrs = _user_attrs(self)
        course_key = getattr(self.scope_ids.usage_id, "context_key", None)
        html = f"""
<div class="host-echo">
  <p>user_id=<span data-testid="echo-user-id">{escape(attrs.get("edx-platform.user_id"))}</span>
     username=<span data-testid="echo-username">{escape(attrs.get("edx-platform.username"))}</span>
     staff=<span data-testid="echo-staff">{escape(attrs.get("edx-platform.user_is_staff"))}</span>
     role=<span data-testid="echo-role">{escape(attrs.get("edx-platform.user_role"))}</span></p>
  <p>course=<span data-testid="echo-course">{escape(course_key)}</span>
     course_id=<span data-testid="echo-course-id">{escape(getattr(self, "course_id", None))}</span></p>
  <p>recorded=<span data-testid="echo-recorded">{escape(self.recorded)}</span>
     <span data-testid="echo-status" role="status"></span></p>
  <p>handler=<span data-testid="echo-handler-url">{escape(self.runtime.handler_url(self, "record"))}</span></p>
  <form class="echo-form">
    <label>Value <input name="value" type="text"></label>
    <button type="submit">Record</button>
  </form>
</div>"""
        frag = Fragment(html)
        frag.add_javascript(ECHO_JS)
        frag.initialize_js("HostEchoBlock")
        return frag

    @XBlock.json_handler
    def record(self, data, suffix=""):  # pylint: disable=unused-argument
        """Store ``data['value']`` for the current user; answer with who the runtime says that is."""
        self.recorded = str(data.get("value", ""))
        if data.get("complete"):
            self.runtime.publish(self, "completion", {"completion": 1.0})
        attrs = _user_attrs(self)
        return {
            "recorded": self.recorded,
            "user_id": attrs.get("edx-platform.user_id"),
            "username": attrs.get("edx-platform.username"),
        }


def with_echo_block(func):
    """Decorate a test so that ``host_echo`` is an installed XBlock type while it runs."""
    return XBlock.register_temp_plugin(HostEchoBlock, ECHO_BLOCK_TYPE)(func)
