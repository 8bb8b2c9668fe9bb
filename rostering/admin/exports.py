"""The admin's exports (django-import-export): the rows of a list as filtered, in the columns
the field registry gives the kind's list export (rostering.registry ``listed_fields``), so an
export reads like the portal's and the import templates, and a new registry field reaches it
with no change here. Then Active and Origin. Every text cell and header goes through
rostering.formulas.neutralise, so neither the CSV nor the XLSX holds a live formula.

A relation is shown the way the import reads it back: schools, organizations and products by
name, a class/group's educators and students by username, all joined by "; ".
"""

from __future__ import annotations

from collections.abc import Callable

from import_export import fields, resources

from rostering import registry
from rostering.formulas import neutralise
from rostering.list_exports import choice_labels

# The attribute naming a related record in a cell (the import's way of reading it back).
NAMED_BY = {"educators": "username", "students": "username"}


class FormulaSafeResource(resources.Resource):
    """An export whose text cells a spreadsheet shows and never runs (CSV and XLSX alike:
    openpyxl writes a text starting with "=" as a formula)."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return neutralise(value) if isinstance(value, str) else value

    def get_export_headers(self, selected_fields=None):
        return [neutralise(h) for h in super().get_export_headers(selected_fields)]


def _cell(kind: registry.Kind, spec: registry.Field) -> Callable:
    """How a record shows field ``spec`` in one cell."""
    name = spec.name
    if spec.many:
        attr = NAMED_BY.get(name, "name")
        return lambda obj: "; ".join(sorted(getattr(o, attr) for o in getattr(obj, name).all()))
    model_field = kind.model._meta.get_field(name)
    if model_field.is_relation:  # a school, a parent organization: its name
        return lambda obj: getattr(getattr(obj, name), "name", "")
    # A choice without a normaliser as its label (Teacher); the rest as stored.
    labels = choice_labels(kind.model, name) if spec.normalise is None else None
    if labels:
        return lambda obj: labels.get(getattr(obj, name), getattr(obj, name))
    return lambda obj: "" if getattr(obj, name) is None else getattr(obj, name)


def _related(kind: registry.Kind) -> tuple[list[str], list[str]]:
    """(select_related, prefetch_related) of the listed relations: a fixed number of queries
    per export, whatever its rows."""
    joined, prefetched = ["district"], []
    for spec in kind.listed_fields:
        if spec.many:
            prefetched.append(spec.name)
        elif kind.model._meta.get_field(spec.name).is_relation:
            joined.append(spec.name)
    return joined, prefetched


def registry_export(class_name: str, kind: registry.Kind) -> type[FormulaSafeResource]:
    """An export resource of ``kind`` named ``class_name`` (its form fields are prefixed
    with the lowered name), one declared field per listed registry field."""
    origins = choice_labels(kind.model, "origin")
    declared: dict = {
        "district_name": fields.Field(
            column_name="District", dehydrate_method=lambda obj: getattr(obj.district, "name", "")
        )
    }
    for spec in kind.listed_fields:
        declared[spec.name] = fields.Field(
            column_name=spec.column, dehydrate_method=_cell(kind, spec)
        )
    declared["is_active"] = fields.Field(
        column_name="Status", dehydrate_method=lambda obj: "Active" if obj.is_active else "Inactive"
    )
    declared["origin"] = fields.Field(
        column_name="Origin", dehydrate_method=lambda obj: origins.get(obj.origin, obj.origin)
    )
    joined, prefetched = _related(kind)

    def get_queryset(self):
        return kind.model._default_manager.select_related(*joined).prefetch_related(*prefetched)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(*joined).prefetch_related(*prefetched)

    @classmethod
    def get_display_name(cls):
        return "Records as listed (filter by district to export one district)"

    return type(
        class_name,
        (FormulaSafeResource,),
        {
            **declared,
            "get_queryset": get_queryset,
            "filter_export": filter_export,
            "get_display_name": get_display_name,
            "__module__": __name__,
            "__doc__": f"The admin's export of {kind.model._meta.verbose_name_plural}.",
        },
    )


StudentExport = registry_export("StudentExport", registry.STUDENT)
EducatorExport = registry_export("EducatorExport", registry.EDUCATOR)
ClassGroupExport = registry_export("ClassGroupExport", registry.CLASS_GROUP)
OrganizationExport = registry_export("OrganizationExport", registry.ORGANIZATION)
