"""A list filter's drop-down written in Python: Django renders a Select through a template per
option, a good share of a list page's time; this writes the same markup (optgroups aside,
which no list filter uses) straight from the choices, choosing the selected option as Django
does (the first whose value matches, or every one for a multiple select)."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from rostering.tables.base import escaped


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        wanted = set(self.format_value(value))
        options, has_selected = [], False
        for option_value, option_label in self.choices:
            group = option_label if isinstance(option_label, (list, tuple)) else None
            for subvalue, label in group or [(option_value, option_label)]:
                subvalue = "" if subvalue is None else subvalue
                selected = (not has_selected or self.allow_multiple_selected) and (
                    str(subvalue) in wanted
                )
                has_selected |= selected
                options.append(
                    f'\n  <option value="{escaped(subvalue)}"{" selected" if selected else ""}>'
                    f"{escaped(label)}</option>\n"
                )
        return format_html(
            '<select name="{}"{}>{}\n</select>', name, flatatt(attrs), mark_safe("".join(options))
        )
