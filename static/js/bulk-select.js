// The Students list's bulk actions: the heading's box chooses every row of the page, the
// button counts the chosen rows, "all N matching" is offered once the whole page is chosen,
// only the selects the chosen action needs are shown, and "Deactivate" asks to confirm first
// (confirm.js reads the question when the form is sent).
(function () {
  var form = document.getElementById("bulk-form");
  if (!form) return;
  var page = form.querySelector("[data-select-page]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-select-row]"));
  var count = form.querySelector("[data-bulk-count]");
  var all = form.querySelector("[data-bulk-all]");
  var allBox = all && all.querySelector("input");
  var total = parseInt(form.dataset.total, 10) || rows.length;
  function refresh() {
    var chosen = rows.filter(function (r) { return r.checked; }).length;
    var everyRow = rows.length > 0 && chosen === rows.length;
    if (page) {
      page.checked = everyRow;
      page.indeterminate = chosen > 0 && !everyRow;
    }
    if (all) {
      all.hidden = !everyRow;
      if (!everyRow) allBox.checked = false;
    }
    if (count) count.textContent = allBox && allBox.checked ? total : chosen;
    askBeforeDeactivating();
  }
  if (page) page.addEventListener("change", function () {
    rows.forEach(function (r) { r.checked = page.checked; });
    refresh();
  });
  rows.forEach(function (r) { r.addEventListener("change", refresh); });
  if (allBox) allBox.addEventListener("change", refresh);
  var action = form.querySelector("[data-bulk-action]");
  function showNeeded() {
    if (!action) return;
    form.querySelectorAll("[data-bulk-needs]").forEach(function (box) {
      box.hidden = box.dataset.bulkNeeds.split(" ").indexOf(action.value) < 0;
    });
  }
  function askBeforeDeactivating() {
    if (action && action.value === "deactivate") {
      var n = count ? count.textContent : "";
      form.dataset.confirm = "Deactivate " + n + " chosen student" + (n === "1" ? "" : "s") +
        "? They cannot sign in to their products until reactivated.";
      form.dataset.confirmYes = "Yes, deactivate";
    } else {
      delete form.dataset.confirm;
      delete form.dataset.confirmYes;
    }
  }
  if (action) action.addEventListener("change", function () { showNeeded(); askBeforeDeactivating(); });
  showNeeded();
  refresh();
})();
