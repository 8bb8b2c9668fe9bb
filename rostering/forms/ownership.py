"""Forms of roster records show each field's ownership state (rostering.ownership).

Locked fields are disabled (so Django ignores whatever the browser posts for them, and the
services refuse them anyway), carry a lock icon and say they must be changed in the SIS.
Shared fields say the next sync puts the SIS value back, and carry that value so the page can
warn before saving a different one.
"""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from rostering.ownership import LOCKED_MESSAGE, SHARED_MESSAGE, FieldState, field_states


class OwnershipFormMixin:
    """Mix into a form whose field names are the record's field names; call
    ``apply_ownership(record)`` in ``__init__`` once the fields exist."""

    field_ownership: dict[str, FieldState]

    def apply_ownership(self, record) -> None:
        self.field_ownership = {}
        if record is None or record.pk is None:
            return
        states = field_states(record, list(self.fields))
        for name, state in states.items():
            self.field_ownership[name] = state
            field = self.fields[name]
            if state is FieldState.LOCKED:
                field.disabled = True
                field.widget.attrs.update({"title": LOCKED_MESSAGE, "data-field-state": "locked"})
                field.label = format_html(
                    '<i class="bi bi-lock-fill lock-icon me-1" title="{}" aria-hidden="true"></i>'
                    '{}<span class="visually-hidden"> (locked: {})</span>',
                    LOCKED_MESSAGE,
                    field.label or name,
                    LOCKED_MESSAGE,
                )
                field.help_text = LOCKED_MESSAGE
            elif state is FieldState.SHARED:
                sis_value = (getattr(record, "sis_values", None) or {}).get(name)
                field.widget.attrs.update({"data-field-state": "shared"})
                if sis_value is not None:
                    field.widget.attrs["data-sis-value"] = str(sis_value)
                    field.widget.attrs["data-sis-label"] = shown_value(field, sis_value)
                help_text = SHARED_MESSAGE
                if sis_value not in (None, ""):
                    help_text += f" (SIS value: {escape(shown_value(field, sis_value))})"
                field.help_text = mark_safe(help_text)

    @property
    def locked_field_names(self) -> list[str]:
        return [
            n for n, s in getattr(self, "field_ownership", {}).items() if s is FieldState.LOCKED
        ]


def shown_value(field, value) -> str:
    """A value as the field shows it: a choice's label ("Grade 2", not "02"), else the value."""
    choices = dict(getattr(field, "choices", None) or [])
    return str(choices.get(value, value))
