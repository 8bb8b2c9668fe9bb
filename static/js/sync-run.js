// A sync run in progress: poll its JSON status and reload the page when it changes, so the
// page shows the counts, plan and problems once the run has finished (or is held). A warning
// appears when no worker has picked the run up for a while.
(function () {
  var box = document.getElementById("run-progress");
  if (!box) return;
  var url = box.dataset.statusUrl;
  var status = box.dataset.status;
  var delay = 1000;
  var warning = document.getElementById("worker-warning");

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.finished || data.status !== status) {
          window.location.reload();
          return;
        }
        if (warning) {
          warning.querySelector("span").textContent = data.warning || "";
          warning.classList.toggle("d-none", !data.warning);
        }
        delay = Math.min(delay * 1.3, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, delay);
})();
