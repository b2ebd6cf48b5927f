"""
A scored knowledge check: multiple-choice questions the learner answers in the browser, scored like the LMS's
problem block (``has_score``, ``weight``, ``max_score()``, a ``grade`` event with ``value``/``max_value`` through
``runtime.publish``), which the host's runtime turns into a score, a completion and a course grade
(``lms_host.courses.grading``).

OLX (the questions as JSON, so the runtime's own OLX export and import carry them unchanged)::

    <knowledge_check display_name="Check: coaching" weight="1" max_attempts="0"
        questions='[{"prompt": "...", "choices": ["A", "B", "C"], "answer": 1}]'/>

The right answers never reach the browser before an answer is submitted; after it, each question says whether it
was right. ``max_attempts`` 0 allows any number of attempts; the latest answer counts, as a problem's does.
"""

import html

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Dict, Float, Integer, List, Scope, String

JS = """
function HostKnowledgeCheck(runtime, element) {
  "use strict";
  var $el = $(element), $form = $el.find("form"), $status = $el.find(".hkc-status");
  $form.on("submit", function (event) {
    event.preventDefault();
    var answers = {};
    $form.find("fieldset").each(function () {
      var picked = $(this).find("input:checked");
      if (picked.length) { answers[$(this).data("question")] = parseInt(picked.val(), 10); }
    });
    $status.text("");
    $.ajax({type: "POST", url: runtime.handlerUrl(element, "submit"), data: JSON.stringify({answers: answers}),
            contentType: "application/json", dataType: "json"})
      .done(function (result) {
        $form.find("fieldset").each(function () {
          var q = $(this).data("question"), right = result.correct[q];
          $(this).find(".hkc-mark").text(right ? "Correct" : "Not quite").attr("data-correct", right ? "1" : "0");
        });
        $status.text(result.message);
        if (result.attempts_left === 0) { $form.find("button").prop("disabled", true); }
      })
      .fail(function (xhr) {
        var text = "The answer could not be sent.";
        try { text = JSON.parse(xhr.responseText).error || text; } catch (ignore) {}
        $status.text(text);
      });
  });
}
"""


class KnowledgeCheckBlock(XBlock):
    """A graded multiple-choice check (the host's stand-in for the LMS's problem block)."""

    has_score = True
    #: A scored block completes when it is scored (edx-completion's ``scorable_block_completion``), right or wrong.
    completion_mode = "completable"

    display_name = String(default="Knowledge check", scope=Scope.settings)
    weight = Float(default=None, scope=Scope.settings, help="Points in the course grade.")
    max_attempts = Integer(default=0, scope=Scope.settings, help="0: any number of attempts.")
    questions = List(default=[], scope=Scope.content, help='[{"prompt": str, "choices": [str], "answer": int}]')

    answers = Dict(default={}, scope=Scope.user_state)
    attempts = Integer(default=0, scope=Scope.user_state)
    raw_earned = Float(default=None, scope=Scope.user_state)

    def max_score(self):
        return float(len(self.questions))

    def _questions(self):
        return [q for q in self.questions if isinstance(q, dict) and q.get("choices")]

    def student_view(self, context=None):  # pylint: disable=unused-argument
        parts = [f'<div class="host-knowledge-check"><h3>{html.escape(self.display_name)}</h3><form>']
        for index, question in enumerate(self._questions()):
            qid = f"q{index}"
            chosen = self.answers.get(qid)
            parts.append(
                f'<fieldset data-question="{qid}"><legend>{html.escape(str(question.get("prompt", "")))}</legend>'
            )
            for value, choice in enumerate(question["choices"]):
                group = f"{self.scope_ids.usage_id}-{qid}".replace(".", "-")
                input_id = f"{group}-{value}"
                checked = " checked" if chosen == value else ""
                parts.append(
                    f'<div><input type="radio" id="{html.escape(input_id)}" name="{html.escape(group)}" '
                    f'value="{value}"{checked}> <label for="{html.escape(input_id)}">{html.escape(str(choice))}</label>'
                    "</div>"
                )
            parts.append('<p class="hkc-mark" aria-live="polite"></p></fieldset>')
        disabled = " disabled" if self._attempts_left() == 0 else ""
        parts.append(f'<button type="submit"{disabled}>Submit</button></form>')
        parts.append(f'<p class="hkc-status" role="status">{html.escape(self._score_text())}</p></div>')
        frag = Fragment("".join(parts))
        frag.add_javascript(JS)
        frag.initialize_js("HostKnowledgeCheck")
        return frag

    def _attempts_left(self):
        return None if not self.max_attempts else max(0, self.max_attempts - self.attempts)

    def _score_text(self):
        if self.raw_earned is None:
            return ""
        return f"Your score: {self.raw_earned:g} of {self.max_score():g}."

    @XBlock.json_handler
    def submit(self, data, suffix=""):  # pylint: disable=unused-argument
        """Score the learner's answers (one per question), keep them, and publish the grade."""
        if getattr(getattr(self.runtime, "django_user", None), "real_user", None) is not None:
            raise JsonHandlerError(403, "Viewing as a learner: answers are not submitted for them.")
        if self._attempts_left() == 0:
            raise JsonHandlerError(409, "No attempts left.")
        questions = self._questions()
        answers = data.get("answers") if isinstance(data, dict) else None
        if not isinstance(answers, dict):
            raise JsonHandlerError(400, "answers must be an object.")
        picked = {}
        for index, question in enumerate(questions):
            value = answers.get(f"q{index}")
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(question["choices"]):
                raise JsonHandlerError(400, "Answer every question.")
            picked[f"q{index}"] = value
        correct = {qid: picked[qid] == q.get("answer") for qid, q in zip(picked, questions, strict=True)}
        self.answers, self.attempts = picked, self.attempts + 1
        self.raw_earned = float(sum(correct.values()))
        self.runtime.publish(self, "grade", {"value": self.raw_earned, "max_value": self.max_score()})
        return {
            "correct": correct,
            "earned": self.raw_earned,
            "possible": self.max_score(),
            "attempts_left": self._attempts_left(),
            "message": self._score_text(),
        }

    def student_view_data(self, context=None):  # pylint: disable=unused-argument
        """What a mobile app needs (no answers)."""
        return {
            "display_name": self.display_name,
            "questions": [{"prompt": q.get("prompt", ""), "choices": q["choices"]} for q in self._questions()],
            "weight": self.weight,
        }
