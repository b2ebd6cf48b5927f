/* The self-assessment XBlock's editor: the competency list follows the chosen framework; Save posts the fields to
   the block's "submit_studio_edits" handler and shows the validation messages it returns, moving the focus to them
   so that keyboard and screen-reader users hear what to fix. In Studio the runtime's notify() reports the save;
   other runtimes have none. */
function PerfMgmtSelfAssessmentStudio(runtime, element, init) {
  "use strict";
  var $form = $(element).find("form.psa-studio-form");
  var $framework = $form.find("select[name=framework]");
  var $error = $form.find(".psa-error");
  var $status = $form.find(".psa-status");
  var saving = false;  // a second Enter while saving is ignored; the button is not disabled, so it keeps the focus
  var notify = typeof runtime.notify === "function" ? function (name, data) { runtime.notify(name, data); } : function () {};

  function showCompetencies() {
    var slug = $framework.val();
    $form.find("fieldset.psa-studio-competencies").each(function () {
      $(this).prop("hidden", $(this).data("framework") !== slug);
    });
  }
  $framework.on("change", showCompetencies);

  $form.on("submit", function (event) {
    event.preventDefault();
    if (saving) { return; }
    var slug = $framework.val();
    var codes = $form.find("fieldset.psa-studio-competencies").filter(function () {
      return $(this).data("framework") === slug;
    }).find("input[type=checkbox]:checked").map(function () { return $(this).val(); }).get();
    var values = {
      display_name: $form.find("input[name=display_name]").val(),
      framework: slug,
      competencies: codes,
      mode: $form.find("fieldset.psa-studio-mode input[type=radio]:checked").val(),
      prompt: $form.find("textarea[name=prompt]").val(),
      allow_evidence: $form.find("input[name=allow_evidence]").is(":checked")
    };
    $error.empty();
    $status.text("");
    saving = true;
    notify("save", {state: "start"});
    $.ajax({
      type: "POST",
      url: runtime.handlerUrl(element, "submit_studio_edits"),
      data: JSON.stringify({values: values}),
      contentType: "application/json",
      dataType: "json"
    }).done(function () {
      $status.text(init.saved || "");
      notify("save", {state: "end"});
    }).fail(function (xhr) {
      var error = null;
      try { error = JSON.parse(xhr.responseText).error; } catch (ignore) { /* not JSON */ }
      var texts = error && error.messages ? error.messages : [typeof error === "string" ? error : (init.failed || "")];
      var $list = $("<ul>");
      $.each(texts, function (i, text) { $("<li>").text(text).appendTo($list); });
      $error.append($("<p>").text(init.failed || "")).append($list).trigger("focus");
      notify("error", {title: init.failed || "", message: texts.join(" ")});
    }).always(function () {
      saving = false;
    });
  });
}
