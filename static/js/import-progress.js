// Import progress: poll the job's JSON status and move the bar; reload once the import has
// finished so the page shows its result (counts, downloads, undo).
(function () {
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "true") return;
  var url = box.dataset.statusUrl;
  var outer = box.querySelector(".progress");
  var bar = box.querySelector(".progress-bar");
  var message = document.getElementById("progress-message");
  var delay = 700;

  function show(data) {
    var percent = Math.max(0, Math.min(100, data.progress || 0));
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    outer.setAttribute("aria-valuenow", String(percent));
    if (data.message) message.textContent = data.message;
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
          bar.classList.add(data.status === "committed" ? "bg-success" : "bg-danger");
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
