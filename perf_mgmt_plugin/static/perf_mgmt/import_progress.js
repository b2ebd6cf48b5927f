/* Import progress: polls the job's REST status and reloads the page when the job ends. No dependencies. */
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-import-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-import-progress-text]");
  var format = box.getAttribute("data-progress-format") || "%(done)s / %(total)s";

  function show(job) {
    if (bar) {
      bar.max = job.total_rows || 1;
      bar.value = job.processed_rows || 0;
    }
    if (text) {
      var phase = job.phase ? box.getAttribute("data-phase-" + job.phase) : "";
      text.textContent = format.replace("%(done)s", job.processed_rows || 0).replace("%(total)s", job.total_rows || 0) +
        (phase ? " (" + phase + ")" : "");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        if (job.status === "succeeded" || job.status === "failed") {
          window.location.reload();
          return;
        }
        show(job);
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
}());
