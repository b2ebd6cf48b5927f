/* Launch progress of a review cycle: polls the cycle's progress URL and reloads the page when the launch ends. */
(function () {
  "use strict";
  var box = document.querySelector("[data-launch-progress-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-launch-progress-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-launch-progress-text]");
  var format = box.getAttribute("data-progress-format") || "%(done)s / %(total)s";

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (launch) {
        if (launch.status !== "running") {
          window.location.reload();
          return;
        }
        if (bar) { bar.max = launch.total || 1; bar.value = launch.done || 0; }
        if (text) { text.textContent = format.replace("%(done)s", launch.done).replace("%(total)s", launch.total); }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
}());
