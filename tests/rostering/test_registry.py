"""The field registry (rostering.registry) is the one list: the template columns and the
importer's header matching, export_roster, the list export and the forms' ownership read it,
so a new optional field is its model field, its migration and one registry entry."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.urls import reverse

from rostering import registry
from rostering.imports import engine
from rostering.imports.engine_parts.columns import IMPORT_KINDS, columns_of, match_headers
from rostering.imports.engine_parts.templates import template_columns
from rostering.models import Origin
from rostering.registry import Field, Kind, SyncRole
from tests import factories


def _export_roster(district) -> list[list[str]]:
    out = io.StringIO()
    call_command("export_roster", district=district.slug, kind="students", stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_export_roster_has_a_column_for_every_exported_registry_field(world):
    ana = factories.StudentFactory(
        school=world.school, first_name="Ana", middle_name="Lee", email="ana@example.org"
    )

    header, row = _export_roster(world.district)

    exported = registry.STUDENT.exported_fields
    assert header == [f.column for f in exported]
    cells = dict(zip([f.name for f in exported], row, strict=True))
    for name in ("first_name", "middle_name", "last_name", "username", "external_id", "email"):
        assert cells[name] == getattr(ana, name)
    assert cells["grade"] == "03" and cells["schools"] == world.school.name
    assert cells["password"] == ""  # never exported


@pytest.mark.parametrize("kind", IMPORT_KINDS)
def test_every_template_column_and_alias_is_accepted_by_the_importer(kind):
    for column in columns_of(kind):
        for header in (column.name, *column.aliases, column.name.upper().replace(" ", "_")):
            match = match_headers(kind, [header])
            assert match.positions.get(column.key) == 0, (kind, header)


def test_the_list_export_reads_the_registry(client, world, district_admin):
    factories.StudentFactory(school=world.school, username="ana.l", email="ana@example.org")
    client.force_login(district_admin)

    response = client.get(reverse("rostering:student_export"))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    listed = registry.STUDENT.listed_fields
    assert header == [f.column for f in listed] + ["Status", "Origin"]
    cells = dict(zip(header, row, strict=True))
    assert (cells["Username"], cells["Email"], cells["Organizations"]) == (
        "ana.l",
        "ana@example.org",
        world.school.name,
    )
    assert "Password" not in header and "Products" not in header


def test_a_synced_students_form_locks_exactly_the_registrys_locked_fields(
    client, world, district_admin
):
    kid = factories.StudentFactory(school=world.school, origin=Origin.SYNCED)
    client.force_login(district_admin)

    response = client.get(reverse("rostering:student_detail", args=[kid.pk]))

    form = response.context["form"]
    locked = {name for name, field in form.fields.items() if field.disabled}
    assert locked == set(form.fields) & registry.STUDENT.with_role(SyncRole.LOCKED)
    assert "email" not in locked and "grade" not in locked  # shareable: editable


# ---- a new optional field is one registry entry ----------------------------------------


@pytest.fixture
def with_sis_id_field(monkeypatch):
    """The registry as it would be with one more optional Student field (an existing model
    attribute stands in for the new model field and its migration)."""
    new = Field(
        "sis_sourced_id",
        "SIS record ID",
        column="SIS Record ID",
        aliases=("sis record",),
        oneroster=("users.sisRecordId",),
        samples=("", "stu-7"),
    )
    fields = (*[replace(f) for f in registry.STUDENT.fields], new)
    kind = Kind("student", registry.STUDENT.model, fields)
    monkeypatch.setattr(registry, "STUDENT", kind)
    monkeypatch.setitem(registry.KINDS, "student", kind)
    return new


def test_one_registry_entry_reaches_the_template_the_header_match_and_the_export(
    world, district_admin, with_sis_id_field
):
    factories.StudentFactory(school=world.school, sis_sourced_id="stu-7")

    assert "SIS Record ID" in [c["name"] for c in template_columns("students")]
    required = [c.name for c in columns_of("students") if c.required]
    match = match_headers("students", [*required, "sis record"])
    assert match.positions["sis_sourced_id"] == len(required) and not match.errors
    header, row = _export_roster(world.district)
    assert header[-1] == "SIS Record ID" and row[-1] == "stu-7"
    # Its length is the model's, never repeated in the registry, and the importer checks it.
    assert with_sis_id_field.max_length == 255
    content = "First Name,Last Name,Username,Organizations,SIS Record ID\r\n"
    content += f"Ana,Lopez,ana.l,North Elementary,{'x' * 256}\r\n"
    plan = engine.check_file(
        actor=district_admin,
        district=world.district,
        kind="students",
        file_name="students.csv",
        content=content.encode(),
    )
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (2, "SIS Record ID", "SIS record ID is 256 characters long; at most 255 fit. Shorten it.")
    ]


def test_one_registry_entry_reaches_the_oneroster_words_the_admin_and_the_service(
    world, with_sis_id_field
):
    from rostering.admin.exports import registry_export
    from rostering.oneroster.field_columns import column_of

    # A problem with the value, reported from a OneRoster file, names OneRoster's column.
    assert column_of("sis_sourced_id", "student", "users.csv") == "sisRecordId"
    # The admin's export has its column, filled from the record.
    kid = factories.StudentFactory(school=world.school, sis_sourced_id="stu-7")
    resource = registry_export("StudentExport", registry.STUDENT)()
    dataset = resource.export(queryset=registry.STUDENT.model.objects.filter(pk=kid.pk))
    assert "SIS Record ID" in dataset.headers
    assert dataset.dict[0]["SIS Record ID"] == "stu-7"
    # A record update may set it (the services' editable fields are the registry's).
    assert "sis_sourced_id" in registry.STUDENT.record_fields


def test_the_oneroster_columns_are_the_registrys():
    from rostering.oneroster.field_columns import column_of

    for kind in registry.KINDS.values():
        for spec in kind.fields:
            if len(spec.oneroster) == 1 and spec.unique is None:
                assert column_of(spec.name, kind.name) == spec.oneroster[0].split(".", 1)[1]
    assert column_of("name", "classes") == "title" and column_of("name") == "name"
