"""The axe check itself: it finds a real violation on a page as it loads, and passes a clean
page, so a journey that passes it has been checked."""

from __future__ import annotations

from . import axe

BAD = """<!doctype html><html lang="en"><head><title>Low contrast</title></head>
<body><main><h1>Cards</h1><p style="color:#bbb;background:#fff">Hard to read</p>
<ul role="tablist"><li><a href="#a">Not a tab</a></li></ul></main></body></html>"""
GOOD = """<!doctype html><html lang="en"><head><title>Fine</title></head>
<body><main><h1>Cards</h1><p>Easy to read</p></main></body></html>"""


def _visit(
    browser,
    html: str,
    *,
    ours: str = "http://axe.test",
    url: str = "http://axe.test/page",
    css=None,
):
    """Serve ``html`` at ``url`` to a context whose own pages are at ``ours`` (``css``: the
    stylesheet at /site.css, or None for a request the server drops); what axe found."""
    context = browser.new_context()
    found = axe.watch(context, ours)
    context.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
    context.route(
        "**/site.css",
        lambda route: (
            route.abort() if css is None else route.fulfill(body=css, content_type="text/css")
        ),
    )
    page = context.new_page()
    page.goto(url)
    axe.check(page)
    context.close()
    return found


def test_a_page_with_violations_is_reported_with_rule_and_element(browser):
    found = _visit(browser, BAD)
    rules = {rule for _url, rule in found}
    assert {"color-contrast", "aria-required-children"} <= rules
    text = axe.describe(found)
    assert "http://axe.test/page [serious] color-contrast" in text and "p ::" in text


def test_a_clean_page_passes(browser):
    assert _visit(browser, GOOD) == {}


def test_pages_of_another_site_are_not_ours_to_check(browser):
    """A district's identity provider serves its own sign-in page during single sign-on."""
    assert (
        _visit(browser, BAD, ours="http://homeroom.test", url="http://provider.test/authorize")
        == {}
    )


STYLED = BAD.replace("<title>", '<link rel="stylesheet" href="/site.css"><title>')


def test_a_page_whose_stylesheet_the_server_dropped_is_not_judged_but_one_that_loaded_is(browser):
    """A test server on a loaded machine may drop a stylesheet request (Bootstrap missing,
    links left #0000ee): the colours are then not the page's, so that document is left out."""
    assert _visit(browser, STYLED) == {}
    assert "color-contrast" in {rule for _url, rule in _visit(browser, STYLED, css="h1{}")}
