"""
A video that completes when watched: the host's stand-in for the LMS's video block, with its field names
(``html5_sources``, ``transcripts`` by language) and its way of reporting completion -- the block has custom
completion and its player calls the ``publish_completion`` handler with ``{"completion": 1.0}`` once the learner has
watched 95% of it (the LMS's ``COMPLETION_VIDEO_COMPLETE_PERCENTAGE``), which publishes a ``completion`` event.

Sources and transcripts are static files of the host (the LMS keeps them as course assets): a transcript is a WebVTT
file, given to the player as captions and shown as text under it, so the clip is usable without sound or sight.

OLX::

    <video display_name="Introduction" html5_sources='["host_courses/video/intro.webm"]'
        transcripts='{"en": "host_courses/video/coaching.vtt"}'/>
"""

import html
import re

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, List, Scope, String

from .completion import PublishCompletionMixin

#: The share of the clip after which it counts as watched (the LMS's default ``COMPLETION_VIDEO_COMPLETE_PERCENTAGE``).
COMPLETE_PERCENTAGE = 0.95
_TIMING = re.compile(r"^\d\d:\d\d[:.]\d\d.*-->")

JS = """
function HostVideoBlock(runtime, element, init) {
  "use strict";
  var video = $(element).find("video")[0], $status = $(element).find(".hv-status"), sent = init.completed;
  function complete() {
    if (sent) { return; }
    sent = true;
    $.ajax({type: "POST", url: runtime.handlerUrl(element, "publish_completion"),
            data: JSON.stringify({completion: 1.0}), contentType: "application/json", dataType: "json"})
      .done(function () { $status.text(init.watched); })
      .fail(function () { sent = false; });
  }
  video.addEventListener("timeupdate", function () {
    if (video.duration && video.currentTime >= init.percentage * video.duration) { complete(); }
  });
  video.addEventListener("ended", complete);
}
"""


def transcript_text(path):
    """The spoken text of a WebVTT file among the static files (cue lines only), or '' when there is none."""
    found = finders.find(path) if path else None
    if not found:
        return ""
    with open(found, encoding="utf-8") as handle:
        lines = [line.strip() for line in handle]
    cues = [ln for ln in lines if ln and ln != "WEBVTT" and not _TIMING.match(ln) and not ln.isdigit()]
    return " ".join(cues)


class HostVideoBlock(PublishCompletionMixin, XBlock):
    """An HTML5 video with a transcript, complete when watched."""

    completed_field = "watched"

    display_name = String(default="Video", scope=Scope.settings)
    html5_sources = List(default=[], scope=Scope.settings, help="Static paths of the clip, in preference order.")
    transcripts = Dict(default={}, scope=Scope.settings, help="Language -> static path of a WebVTT transcript.")
    watched = Boolean(default=False, scope=Scope.user_state)

    def student_view(self, context=None):  # pylint: disable=unused-argument
        sources = "".join(
            f'<source src="{html.escape(static(src))}" type="video/{html.escape(src.rsplit(".", 1)[-1])}">'
            for src in self.html5_sources
        )
        tracks, texts = "", ""
        for lang, path in sorted(self.transcripts.items()):
            tracks += (
                f'<track kind="captions" srclang="{html.escape(lang)}" label="{html.escape(lang)}" '
                f'src="{html.escape(static(path))}">'
            )
            texts += f'<p lang="{html.escape(lang)}">{html.escape(transcript_text(path))}</p>'
        status = "Watched." if self.watched else ""
        frag = Fragment(
            f'<div class="host-video"><h3>{html.escape(self.display_name)}</h3>'
            f'<video controls muted preload="metadata" width="320">{sources}{tracks}</video>'
            f'<details class="hv-transcript"><summary>Transcript</summary>{texts}</details>'
            f'<p class="hv-status" role="status">{status}</p></div>'
        )
        frag.add_javascript(JS)
        frag.initialize_js(
            "HostVideoBlock",
            {"completed": self.watched, "percentage": COMPLETE_PERCENTAGE, "watched": "Watched."},
        )
        return frag

    def student_view_data(self, context=None):  # pylint: disable=unused-argument
        return {
            "display_name": self.display_name,
            "encoded_videos": {"fallback": {"url": static(self.html5_sources[0])}} if self.html5_sources else {},
            "transcripts": {lang: static(path) for lang, path in self.transcripts.items()},
        }
