"""The list filters' drop-downs (rostering.filters.widgets.QuickSelect) write what Django's own
Select writes through its templates: the same options, the same one selected, names escaped."""

from __future__ import annotations

import re

import pytest
from django import forms

from rostering.filters.widgets import QuickSelect

CHOICES = [("", "All schools"), (3, "North <Elementary>"), ("KG", "Kindergarten"), (None, "None")]


def _flat(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "3", 3, "KG", "missing", ["3", "KG"]])
@pytest.mark.parametrize("multiple", [False, True])
def test_quick_select_writes_what_select_writes(value, multiple):
    attrs = {"class": "form-select", "id": "id_school"}
    plain = (forms.SelectMultiple if multiple else forms.Select)(choices=CHOICES)
    quick_class = type("QuickMultiple", (QuickSelect,), {"allow_multiple_selected": multiple})
    quick = quick_class(choices=CHOICES)
    expected = _flat(plain.render("school", value, attrs=attrs))
    assert _flat(quick.render("school", value, attrs=attrs)) == expected
    assert "North &lt;Elementary&gt;" in expected


def test_only_the_first_matching_option_is_selected():
    choices = [("a", "One"), ("a", "Again")]
    html = QuickSelect(choices=choices).render("x", "a")
    assert html.count(" selected") == 1
    assert _flat(html) == _flat(forms.Select(choices=choices).render("x", "a"))
