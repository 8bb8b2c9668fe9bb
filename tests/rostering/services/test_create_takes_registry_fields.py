"""Every editable field the registry gives a student, an educator, a class/group or an
organization (its ``record_fields``) is taken by the create service and by the admin's add form, and stored: a
new optional field is its model field, its migration and its registry entry, with nothing
to add by hand to the services or the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rostering import registry, services
from rostering.models import ClassGroup, Educator, Organization, Student
from tests.admin.conftest import change_form_data

CREATES = {
    "student": (services.student_create, Student),
    "educator": (services.educator_create, Educator),
    "class_group": (services.class_group_create, ClassGroup),
    "organization": (services.organization_create, Organization),
}


def _value(kind, name: str, world):
    """A valid value of field ``name`` that differs from the model's default."""
    spec = kind[name]
    if kind is registry.ORGANIZATION and name == "name":
        return "West Annex"  # the world's schools are the samples
    model_field = kind.model._meta.get_field(name)
    if model_field.many_to_many:
        return [world.school]
    if model_field.is_relation:
        return world.school
    if model_field.get_internal_type() == "BooleanField":
        return not model_field.default
    if model_field.choices:
        return next(v for v, _ in reversed(model_field.choices) if v != model_field.default)
    return next(sample for sample in reversed(spec.samples) if sample)


def _values(kind, world) -> dict:
    return {name: _value(kind, name, world) for name in sorted(kind.record_fields)}


def _stored(record, name: str):
    value = getattr(record, name)
    if hasattr(value, "all"):
        return {obj.pk for obj in value.all()}
    return getattr(value, "pk", value)


def _expected(value):
    if isinstance(value, list):
        return {obj.pk for obj in value}
    return getattr(value, "pk", value)


def _posted(value):
    if isinstance(value, list):
        return [str(obj.pk) for obj in value]
    if hasattr(value, "pk"):
        return str(value.pk)
    return "on" if value is True else value


def _assert_stored(kind, record, values: dict) -> None:
    """Each of ``values`` stored, as the registry normalises it (a class's "3; 4" is 03,04)."""
    expected = {
        name: kind.check(name, value) if isinstance(value, str) else _expected(value)
        for name, value in values.items()
    }
    wrong = {
        name: (_stored(record, name), expected[name])
        for name in values
        if _stored(record, name) != expected[name]
    }
    assert not wrong, f"{kind.name} fields not stored as given (stored, given): {wrong}"


@pytest.mark.parametrize("kind_name", sorted(CREATES))
def test_create_service_takes_every_editable_field(world, district_admin, kind_name):
    kind = registry.kind(kind_name)
    create, _model = CREATES[kind_name]
    values = _values(kind, world)

    record = create(actor=district_admin, district=world.district, **values)

    record.refresh_from_db()
    _assert_stored(kind, record, values)


@pytest.mark.parametrize("kind_name", sorted(CREATES))
def test_create_service_refuses_a_field_the_registry_does_not_name(
    world, district_admin, kind_name
):
    kind = registry.kind(kind_name)
    create, model = CREATES[kind_name]
    values = _values(kind, world)
    before = model.objects.count()

    with pytest.raises(ValidationError, match="Not an? .* field: nickname"):
        create(actor=district_admin, district=world.district, nickname="Bo", **values)
    assert model.objects.count() == before


@pytest.mark.parametrize("kind_name", sorted(CREATES))
def test_admin_add_form_takes_every_editable_field(client, world, support, kind_name):
    kind = registry.kind(kind_name)
    _create, model = CREATES[kind_name]
    values = _values(kind, world)
    url = reverse(f"admin:rostering_{model._meta.model_name}_add")
    client.force_login(support)
    page = client.get(url)
    missing = kind.record_fields - set(page.context["adminform"].form.fields)
    assert not missing, f"the admin's add page of a {kind.name} does not show {missing}"

    data = change_form_data(page)
    if model is Organization:
        data["district"] = str(world.district.pk)  # the admin's own field, not the registry's
    for name, value in values.items():
        data.pop(name, None)
        if value is not False:
            data[name] = _posted(value)
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    record = model.objects.filter(district=world.district).latest("pk")  # the one added
    _assert_stored(kind, record, values)
