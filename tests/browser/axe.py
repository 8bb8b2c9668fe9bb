"""axe-core in every page a browser test loads.

`watch(context)` injects axe into each document of the context and runs it when the page has
loaded (reporting back through a binding, so a page the journey leaves at once is still
checked when axe finished first; one left while axe ran is not, its results being those of a
document torn down); `check(page)` runs it on the page as it is now and waits.
Only serious and critical violations of the WCAG 2.0/2.1 A and AA rules count.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import BrowserContext, Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IMPACTS = ("serious", "critical")

# One run at a time per document (axe refuses concurrent runs); the load-time run and an
# explicit check share the same promise. Results keep the rule, its impact, the help text and
# the first few offending elements.
_RUNNER = """
// A stylesheet the test server failed to deliver (a dropped request on a loaded machine:
// Bootstrap missing, links left #0000ee on the navbar) says nothing about the page: such a
// document is not judged (its colours are not the page's), and the next page is.
// (Chromium keeps an empty sheet for a failed load whose rules cannot be read; Homeroom's
// stylesheets are all its own, so a readable one has loaded.)
window.__homeroomUnstyled = function () {
  return Array.prototype.some.call(document.querySelectorAll('link[rel="stylesheet"]'),
    function (link) {
      try { return !link.sheet || link.sheet.cssRules === null; } catch (e) { return true; }
    });
};
window.__homeroomAxe = function () {
  if (window.__homeroomUnstyled()) return Promise.resolve([]);
  if (!window.__homeroomAxeRun) {
    window.__homeroomAxeRun = axe.run(document, {runOnly: {type: "tag", values: __TAGS__},
                                                 resultTypes: ["violations"]})
      .then(function (r) {
        return r.violations.filter(function (v) { return __IMPACTS__.indexOf(v.impact) >= 0; })
          .map(function (v) {
            return {id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(function (n) {
                      return n.target.join(" ") + " :: " + (n.failureSummary || "");
                    })};
          });
      })
      .finally(function () { setTimeout(function () { window.__homeroomAxeRun = null; }, 0); });
  }
  return window.__homeroomAxeRun;
};
// A document the journey leaves while axe runs is torn down under it (its stylesheets go
// first: colours read as the browser's defaults), so what axe found then is not reported.
window.addEventListener("beforeunload", function () { window.__homeroomLeaving = true; });
window.addEventListener("pagehide", function () { window.__homeroomLeaving = true; });
window.addEventListener("load", function () {
  setTimeout(function () {
    window.__homeroomAxe().then(function (found) {
      if (window.__homeroomLeaving || window.__homeroomUnstyled()) return;
      if (window.__homeroomAxeReport) window.__homeroomAxeReport(location.href, found);
    });
  }, 50);
});
""".replace("__TAGS__", json.dumps(TAGS)).replace("__IMPACTS__", json.dumps(IMPACTS))


def watch(context: BrowserContext, origin: str) -> dict:
    """Check every page of `context` served from `origin` (Homeroom's own pages: a district's
    identity provider is not ours to fix); returns the dict it fills: {(url, rule): violation}."""
    found: dict = {}
    context.add_init_script(path=str(AXE_JS))
    context.add_init_script(script=_RUNNER)
    context._homeroom_axe_origin = origin.rstrip("/")  # noqa: SLF001

    def report(_source, url, violations):
        if not _ours(context, url):
            return
        for violation in violations:
            found.setdefault((url, violation["id"]), violation)

    context.expose_binding("__homeroomAxeReport", report)
    context._homeroom_axe_found = found  # noqa: SLF001 - check() adds to the same dict
    return found


def check(page: Page) -> None:
    """Run axe on the page as it is now (after any script changed it) and record what it finds."""
    if not _ours(page.context, page.url):
        return
    found = page.context._homeroom_axe_found  # noqa: SLF001
    if page.evaluate("typeof window.__homeroomAxe") != "function":
        return  # a download or a non-HTML response
    for violation in page.evaluate("window.__homeroomAxe()"):
        found.setdefault((page.url, violation["id"]), violation)


def _ours(context: BrowserContext, url: str) -> bool:
    origin = context._homeroom_axe_origin  # noqa: SLF001
    return url == origin or url.startswith(origin + "/")


def describe(found: dict) -> str:
    lines = [f"axe-core: {len(found)} serious or critical WCAG 2.1 A/AA violation(s)"]
    for (url, rule), violation in sorted(found.items()):
        lines.append(f"- {url} [{violation['impact']}] {rule}: {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"])
    return "\n".join(lines)
