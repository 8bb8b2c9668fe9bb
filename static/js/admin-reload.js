// An admin page whose work runs in the background (an assisted submission being checked or
// imported) reloads itself every few seconds until the work is done; it waits while someone
// is typing in a field, so nothing they type is lost.
(function () {
  var script = document.currentScript;
  var seconds = Number(script && script.dataset.reloadSeconds) || 3;

  function reloadWhenIdle() {
    var active = document.activeElement;
    if (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) {
      window.setTimeout(reloadWhenIdle, seconds * 1000);
      return;
    }
    window.location.reload();
  }

  window.setTimeout(reloadWhenIdle, seconds * 1000);
})();
