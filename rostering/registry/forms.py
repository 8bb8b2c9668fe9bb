"""The registry's verdict on a Django form (portal forms and the admin's): each field of the
kind is checked by the registry before the form field's own checks, so a bad email, a grade
outside the vocabulary or a value too long gets the words every other channel uses."""

from __future__ import annotations

from django import forms

from rostering.text import clean_text

from .base import Kind


def add_text_fields(form_class: type[forms.Form], kind: Kind, *, after: str) -> tuple[str, ...]:
    """Give ``form_class`` a text field for each of ``kind``'s optional free-text fields it
    does not declare (a preferred first name): its label, help and length the registry's,
    placed after the field ``after``. So a new optional field of the registry is on the
    portal's forms without a line of its own here. The names added, in the registry's
    order (a crispy layout lists them)."""
    declared = form_class.base_fields
    added = {}
    for spec in kind.fields:
        if spec.name in kind.text_fields and spec.name not in declared and not spec.required:
            added[spec.name] = forms.CharField(
                label=spec.label,
                max_length=spec.max_length,
                required=False,
                help_text=spec.help,
            )
    if added:
        fields = {}
        for name, field in declared.items():
            fields[name] = field
            if name == after:
                fields.update(added)
        form_class.base_fields = form_class.declared_fields = fields
    return tuple(added)


def check_fields(form, kind: Kind) -> None:
    """Make each of ``form``'s fields that ``kind`` registers run the registry's check first
    (and pass on its normalised value: a typed "Grade 7" is 07); a field the form gives no
    label takes the registry's."""
    for name, field in form.fields.items():
        spec = kind.get(name)
        if spec is None:
            continue
        if field.label is None:
            field.label = spec.label
        if spec.many or (spec.normalise is None and not spec.max_length):
            continue  # nothing to check (a password keeps its spaces)
        field.clean = _checked(field.clean, spec)


def _checked(clean, spec):
    def checked_clean(value):
        if isinstance(value, str) and value.strip():
            value = spec.check(clean_text(value))
        return clean(value)

    return checked_clean
