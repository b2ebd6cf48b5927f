/* The implementation guide XBlock in the learner's course page: per step a "plan" form (a date) and an "applied"
   form (reflection, evidence), each one JSON call to the block's handler through the shared helpers
   (xblocks/common, PerfMgmtXBlock) with the version the learner read and an idempotency key; the steps are then
   redrawn from the server's answer and the focus goes to the step's heading so keyboard and screen-reader users
   stay where they were. Messages come translated from the server. */
function PerfMgmtImplementationGuide(runtime, element, init) {
  "use strict";
  var $root = $(element).find(".pig").addBack(".pig").first();
  var messages = (init && init.messages) || {};
  var $steps = $root.find(".pig-steps");
  var $status = $root.find(".pig-status");

  function newKey() {
    var random = window.crypto && window.crypto.getRandomValues ?
      Array.prototype.map.call(window.crypto.getRandomValues(new Uint32Array(4)), function (n) { return n.toString(16); }).join("") :
      String(Math.random()).slice(2) + String(Date.now());
    return random.slice(0, 64);
  }
  var keys = {};  // one idempotency key per step and action until it is saved

  function send(handler, $form, payload) {
    var $step = $form.closest(".pig-step");
    var stepId = $step.data("step");
    var keyName = handler + ":" + stepId;
    keys[keyName] = keys[keyName] || newKey();
    payload.step = String(stepId);
    payload.version = parseInt($step.attr("data-version"), 10) || 0;
    payload.submission_key = keys[keyName];
    var $error = $form.find(".pig-error");
    $error.text("");
    $form.find("button").prop("disabled", true);
    $status.text(messages.saving || "");
    PerfMgmtXBlock.postJson(runtime, element, handler, payload).done(function (data) {
      delete keys[keyName];
      $steps.html(data.steps_html || "");
      $status.text(data.message || "");
      $steps.find('.pig-step[data-step="' + stepId + '"] h4').attr("tabindex", "-1").trigger("focus");
    }).fail(function (xhr) {
      $status.text("");
      var text = PerfMgmtXBlock.errorText(xhr, messages.failed);
      if ($error.length) { $error.text(text); } else { $status.text(text); }
      $form.find("button").prop("disabled", false);
    });
  }

  $steps.on("submit", "form.pig-plan", function (event) {
    event.preventDefault();
    var $form = $(this);
    var date = $form.find("input[name=date]").val();
    if (!date) { $status.text(messages.no_date || ""); $form.find("input[name=date]").trigger("focus"); return; }
    send("plan", $form, {date: date});
  });

  $steps.on("submit", "form.pig-apply", function (event) {
    event.preventDefault();
    var $form = $(this);
    var reflection = $form.find("textarea[name=reflection]").val();
    if (!$.trim(reflection)) {
      $form.find(".pig-error").text(messages.no_reflection || "");
      $form.find("textarea[name=reflection]").trigger("focus");
      return;
    }
    send("apply", $form, {reflection: reflection, evidence: $form.find("textarea[name=evidence]").val() || ""});
  });
}
