"""
A lesson page: the course team's HTML, shown as written (the LMS's HTML block trusts its course authors the same
way), complete once the learner has seen it -- the LMS marks HTML blocks complete when viewed, through the blocks'
``publish_completion`` handler; here the page calls it when the lesson has been in view for a moment.

OLX: the HTML is the element's text (escaped), which the XBlock runtime reads into ``content`` and writes back on
export::

    <html display_name="Lesson">&lt;p&gt;Coaching starts with a question.&lt;/p&gt;</html>
"""

import html

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Boolean, Scope, String

from .completion import PublishCompletionMixin

#: How long the lesson must be in view before it counts as read (milliseconds), as the LMS's viewed-completion delay.
VIEW_DELAY_MS = 1500

JS = """
function HostHtmlBlock(runtime, element, init) {
  "use strict";
  if (init.completed || !("IntersectionObserver" in window)) { return; }
  var timer = null, sent = false;
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting && !timer && !sent) {
        timer = setTimeout(function () {
          sent = true;
          observer.disconnect();
          $.ajax({type: "POST", url: runtime.handlerUrl(element, "publish_completion"),
                  data: JSON.stringify({completion: 1.0}), contentType: "application/json", dataType: "json"});
        }, init.delay);
      } else if (!entry.isIntersecting && timer) { clearTimeout(timer); timer = null; }
    });
  });
  observer.observe(element);
}
"""


class HostHtmlBlock(PublishCompletionMixin, XBlock):
    """Authored HTML, complete when viewed."""

    completed_field = "viewed"

    display_name = String(default="Lesson", scope=Scope.settings)
    content = String(default="", scope=Scope.content, help="The lesson's HTML.")
    viewed = Boolean(default=False, scope=Scope.user_state)

    def student_view(self, context=None):  # pylint: disable=unused-argument
        frag = Fragment(
            f'<div class="host-html"><h3>{html.escape(self.display_name)}</h3>'
            f'<div class="host-html-content">{self.content}</div></div>'
        )
        frag.add_javascript(JS)
        frag.initialize_js("HostHtmlBlock", {"completed": self.viewed, "delay": VIEW_DELAY_MS})
        return frag

    def student_view_data(self, context=None):  # pylint: disable=unused-argument
        return {"display_name": self.display_name, "html": self.content}
