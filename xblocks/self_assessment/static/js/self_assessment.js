/* The self-assessment XBlock in the learner's course page: native radio groups (arrow keys move within a
   competency, Tab between them), one JSON call to the block's "submit" handler, the result shown in place and
   focused so screen-reader and keyboard users land on it. Messages come translated from the server. Uses the
   shared helpers of xblocks/common (PerfMgmtXBlock). */
function PerfMgmtSelfAssessment(runtime, element, init) {
  "use strict";
  var $root = $(element).find(".psa").addBack(".psa").first();
  var messages = (init && init.messages) || {};
  var $form = $root.find("form.psa-form");
  var $error = $form.find(".psa-error");
  var $status = $form.find(".psa-status");
  var $button = $form.find(".psa-submit");

  function collect() {
    var ratings = {}, evidence = {};
    $form.find("fieldset.psa-competency").each(function () {
      var code = $(this).data("code");
      var $checked = $(this).find("input[type=radio]:checked");
      if ($checked.length) {
        ratings[code] = parseInt($checked.val(), 10);
        var text = $(this).find("textarea.psa-evidence").val();
        if (text) { evidence[code] = text; }
      }
    });
    return {ratings: ratings, evidence: evidence};
  }

  $form.on("submit", function (event) {
    event.preventDefault();
    var payload = collect();
    $error.text("");
    if ($.isEmptyObject(payload.ratings)) {
      $error.text(messages.choose || "");
      $form.find("input[type=radio]").first().trigger("focus");
      return;
    }
    $button.prop("disabled", true);
    $status.text(messages.saving || "");
    PerfMgmtXBlock.postJson(runtime, element, "submit", payload).done(function (data) {
      $status.text(data.message || "");
      $form.find("textarea.psa-evidence").val("");
      $root.find(".psa-result").html(data.result_html || "").trigger("focus");
    }).fail(function (xhr) {
      $status.text("");
      $error.text(PerfMgmtXBlock.errorText(xhr, messages.failed));
    }).always(function () {
      $button.prop("disabled", false);
    });
  });
}
