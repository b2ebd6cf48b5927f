/* The check-in XBlock in the learner's course page: labelled text areas in fieldsets (plain Tab order), one JSON
   call to the block's "submit" handler through the shared helpers (xblocks/common, PerfMgmtXBlock), then the
   learner's check-ins shown in place and focused so that keyboard and screen-reader users land on them. Messages
   come translated from the server. */
function PerfMgmtCheckIn(runtime, element, init) {
  "use strict";
  var $root = $(element).find(".pci").addBack(".pci").first();
  var messages = (init && init.messages) || {};
  var $form = $root.find("form.pci-form");
  var $error = $form.find(".pci-error");
  var $status = $form.find(".pci-status");
  var $button = $form.find(".pci-submit");
  // One idempotency key per filling of the form: a double click or a retry of the same answers records one
  // check-in; a new key after each saved check-in.
  function newKey() {
    var random = window.crypto && window.crypto.getRandomValues ?
      Array.prototype.map.call(window.crypto.getRandomValues(new Uint32Array(4)), function (n) { return n.toString(16); }).join("") :
      String(Math.random()).slice(2) + String(Date.now());
    return random.slice(0, 64);
  }
  var submissionKey = newKey();

  function collect() {
    var answers = {}, any = false;
    $form.find("fieldset.pci-section textarea").each(function () {
      answers[this.name] = $(this).val();
      if ($.trim($(this).val())) { any = true; }
    });
    return any ? answers : null;
  }

  $form.on("submit", function (event) {
    event.preventDefault();
    var answers = collect();
    $error.text("");
    if (!answers) {
      $error.text(messages.empty || "");
      $form.find("textarea").first().trigger("focus");
      return;
    }
    $button.prop("disabled", true);
    $status.text(messages.saving || "");
    PerfMgmtXBlock.postJson(runtime, element, "submit", {answers: answers, submission_key: submissionKey}).done(function (data) {
      submissionKey = newKey();
      $status.text(data.message || "");
      $form.find("textarea").val("");
      $root.find(".pci-history").html(data.history_html || "").trigger("focus");
    }).fail(function (xhr) {
      $status.text("");
      $error.text(PerfMgmtXBlock.errorText(xhr, messages.failed));
    }).always(function () {
      $button.prop("disabled", false);
    });
  });
}
