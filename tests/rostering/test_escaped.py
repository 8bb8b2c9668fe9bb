"""tables.base.escaped writes every list cell and quick drop-down option: it must show each
value exactly as Django's conditional_escape would (names with markup shown as text, safe
markup kept), or a page would show a name differently from every other page."""

import pytest
from django.utils.functional import lazy
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from rostering.tables.base import escaped


class Markup:
    def __html__(self):
        return "<b>ready</b>"


@pytest.mark.parametrize(
    "value",
    [
        "Ana <script>alert(1)</script> & O'Brien \"Jr\"",
        mark_safe('<a href="/x">Ana</a>'),
        format_html("<i>{}</i>", "<b>"),
        lazy(lambda: "Grade <7>", str)(),
        lazy(lambda: mark_safe("<em>safe</em>"), str)(),
        Markup(),
        42,
        None,
        "",
    ],
)
def test_a_cell_is_escaped_as_conditional_escape_escapes_it(value):
    assert escaped(value) == conditional_escape(value)
    assert f"<td>{escaped(value)}</td>" == f"<td>{conditional_escape(value)}</td>"
