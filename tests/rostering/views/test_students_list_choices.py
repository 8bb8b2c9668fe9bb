"""The Students list's drop-downs of roster records (the School filter, the bulk bar's
classes/groups) are cached until the district's next roster write
(rostering/filters/cached_choices.py), each scope its own: the next page after a form save or
an import shows what it added, and a teacher never gets an administrator's choices."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.imports import engine
from tests import factories
from tests.imports.engine.conftest import csv_bytes

LIST = reverse("rostering:student_list")


def _options(response, field: str) -> list[str]:
    """The labels a drop-down of the page offers (its empty choice left out)."""
    widget = response.context[field.split(".")[0]]
    form = widget.form if hasattr(widget, "form") else widget
    choices = form.fields[field.split(".")[1]].widget.choices
    html = response.content.decode()
    labels = [str(label) for value, label in choices if value != ""]
    assert all(f">{label}</option>" in html for label in labels)
    return labels


def _reads(queries, table: str) -> int:
    return sum(f'FROM "{table}"' in q["sql"] for q in queries)


def test_the_drop_downs_are_read_once_per_roster_version(client, district_admin, world):
    factories.ClassGroupFactory(school=world.school, name="Room 4")
    client.force_login(district_admin)
    with CaptureQueriesContext(connection) as first:
        response = client.get(LIST)
    with CaptureQueriesContext(connection) as again:
        client.get(LIST, {"page": 1})
    assert _options(response, "filter.school") == ["North Elementary", "South Elementary"]
    assert _options(response, "bulk_form.class_group") == ["Room 4 (North Elementary)"]
    assert _reads(first, "rostering_classgroup") == 1
    assert _reads(again, "rostering_classgroup") == 0
    assert len(again) == len(first) - 3  # the count, the schools and the classes/groups


def test_a_class_added_by_its_form_is_offered_on_the_next_page(client, district_admin, world):
    client.force_login(district_admin)
    assert _options(client.get(LIST), "bulk_form.class_group") == []
    added = client.post(
        reverse("rostering:class_add"), {"name": "Room 9", "school": world.school.pk}
    )
    assert added.status_code == 302
    assert _options(client.get(LIST), "bulk_form.class_group") == ["Room 9 (North Elementary)"]


def test_a_school_added_by_an_import_is_offered_on_the_next_page(client, district_admin, world):
    client.force_login(district_admin)
    assert "West Middle" not in _options(client.get(LIST), "filter.school")
    content = csv_bytes([{"Organization Name": "West Middle"}])
    engine.commit_file(
        actor=None,
        district=world.district,
        kind="organizations",
        file_name="o.csv",
        content=content,
        school=None,
    )
    assert "West Middle" in _options(client.get(LIST), "filter.school")


def test_a_teacher_never_gets_an_administrators_choices(client, district_admin, teacher, world):
    factories.ClassGroupFactory(school=world.school, name="Room 4")
    factories.ClassGroupFactory(school=world.other_school, name="Room 5")
    client.force_login(district_admin)
    response = client.get(LIST)
    assert _options(response, "filter.school") == ["North Elementary", "South Elementary"]
    assert len(_options(response, "bulk_form.class_group")) == 2
    client.force_login(teacher)  # same district, same roster version, fewer schools
    response = client.get(LIST)
    assert _options(response, "filter.school") == ["North Elementary"]
    assert _options(response, "bulk_form.class_group") == ["Room 4 (North Elementary)"]


def test_the_chosen_school_stays_selected_from_the_cached_choices(client, district_admin, world):
    client.force_login(district_admin)
    client.get(LIST)  # the choices cached
    html = client.get(LIST, {"school": world.other_school.pk}).content.decode()
    assert f'<option value="{world.other_school.pk}" selected>South Elementary</option>' in html
    assert f'<option value="{world.school.pk}">North Elementary</option>' in html
