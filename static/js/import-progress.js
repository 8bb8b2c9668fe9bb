// Import progress (checking the file, importing, undoing): poll the job's JSON status and move
// the bar; reload once the worker is done so the page shows the preview or the result. A
// warning appears when no worker has picked the job up for a while.
(function () {
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "true") return;
  var url = box.dataset.statusUrl;
  var outer = box.querySelector(".progress");
  var bar = box.querySelector(".progress-bar");
  var message = document.getElementById("progress-message");
  var warning = document.getElementById("worker-warning");
  var delay = 700;

  function show(data) {
    var percent = Math.max(0, Math.min(100, data.progress || 0));
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    outer.setAttribute("aria-valuenow", String(percent));
    if (data.message) message.textContent = data.message;
    if (warning) {
      warning.querySelector("span").textContent = data.warning || "";
      warning.classList.toggle("d-none", !data.warning);
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          bar.classList.remove("progress-bar-animated", "progress-bar-striped");
          bar.classList.add(data.status === "failed" || data.status === "invalid" ? "bg-danger" : "bg-success");
          window.setTimeout(function () { window.location.reload(); }, 400);
          return;
        }
        delay = Math.min(delay * 1.2, 3000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        message.textContent = "Lost contact with the server; retrying…";
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, delay);
})();
