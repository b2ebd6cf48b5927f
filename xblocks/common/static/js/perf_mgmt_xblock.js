/* Shared by the perf-mgmt XBlocks' scripts (loaded before each block's own; defined once however many blocks a
   page has): a JSON POST to a block handler, the error text of a failed call, and the editor form (save through
   "submit_studio_edits", validation messages listed and focused so keyboard and screen-reader users hear what to
   fix; in Studio the runtime's notify() reports the save, other runtimes have none). */
window.PerfMgmtXBlock = window.PerfMgmtXBlock || (function () {
  "use strict";

  function postJson(runtime, element, handler, payload) {
    return $.ajax({
      type: "POST",
      url: runtime.handlerUrl(element, handler),
      data: JSON.stringify(payload),
      contentType: "application/json",
      dataType: "json"
    });
  }

  /* The handler's "error" (a string, or {messages: [...]}) or null when the answer is not JSON. */
  function errorOf(xhr) {
    try { return JSON.parse(xhr.responseText).error; } catch (ignore) { return null; }
  }

  function errorText(xhr, fallback) {
    var error = errorOf(xhr);
    return typeof error === "string" && error ? error : (fallback || "");
  }

  /* Wire an editor form: collect() gives the field values to save; init has the "saved" and "failed" texts. */
  function studioForm(runtime, element, $form, collect, init) {
    var $error = $form.find(".pmx-error");
    var $status = $form.find(".pmx-status");
    var saving = false;  // a second Enter while saving is ignored; the button is not disabled, so it keeps the focus
    var notify = typeof runtime.notify === "function" ? function (name, data) { runtime.notify(name, data); } : function () {};
    $form.on("submit", function (event) {
      event.preventDefault();
      if (saving) { return; }
      $error.empty();
      $status.text("");
      saving = true;
      notify("save", {state: "start"});
      postJson(runtime, element, "submit_studio_edits", {values: collect()}).done(function () {
        $status.text(init.saved || "");
        notify("save", {state: "end"});
      }).fail(function (xhr) {
        var error = errorOf(xhr);
        var texts = error && error.messages ? error.messages : [errorText(xhr, init.failed)];
        var $list = $("<ul>");
        $.each(texts, function (i, text) { $("<li>").text(text).appendTo($list); });
        $error.append($("<p>").text(init.failed || "")).append($list).trigger("focus");
        notify("error", {title: init.failed || "", message: texts.join(" ")});
      }).always(function () {
        saving = false;
      });
    });
  }

  return {postJson: postJson, errorText: errorText, studioForm: studioForm};
}());
