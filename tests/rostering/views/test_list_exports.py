"""Whole-list CSV exports (Students, Educators, Classes/Groups, export_roster): the same few
queries for 3 records or 2,100 (past one read chunk), every cell as before, and a failure
part-way raised, never a file that silently stops."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.models import ClassGroup, Educator, Origin, Student
from rostering.passwords import encrypt_password
from rostering.tables.base import csv_response
from tests import factories

STUDENTS = reverse("rostering:student_export")
EDUCATORS = reverse("rostering:educator_list")
CLASSES = reverse("rostering:class_list")
MANY = 2100  # more than one 2,000-row chunk


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _bulk_students(world, n: int, prefix: str) -> None:
    """``n`` students of North Elementary, written in a few statements."""
    password = encrypt_password("tiger42")
    built = [
        Student(
            district=world.district,
            first_name=f"First{i}",
            last_name=f"{prefix.title()}{i:05d}",
            username=f"{prefix}{i:05d}",
            external_id=f"{prefix}-{i:05d}",
            grade="03",
            password_encrypted=password,
        )
        for i in range(n)
    ]
    made = Student.objects.bulk_create(built)
    through = Student.schools.through
    through.objects.bulk_create(
        [through(student_id=s.pk, organization_id=world.school.pk) for s in made]
    )


def _timed_export(client, url, params=None) -> tuple[int, list[list[str]]]:
    with CaptureQueriesContext(connection) as queries:
        rows = _csv(client.get(url, params or {}))
    return len(queries), rows


def test_students_export_runs_the_same_queries_for_3_and_2100_students(
    client, district_admin, world
):
    _bulk_students(world, 3, "few")
    client.force_login(district_admin)
    client.get(reverse("rostering:student_list"))  # the session is warm
    few, rows = _timed_export(client, STUDENTS)
    assert len(rows) == 1 + 3
    _bulk_students(world, MANY - 3, "many")
    many, rows = _timed_export(client, STUDENTS)
    assert len(rows) == 1 + MANY
    assert few == many, "queries grew with the rows"


def test_students_export_cells_name_every_school_and_keep_the_list_order(
    client, district_admin, world
):
    factories.StudentFactory(
        schools=[world.school, world.other_school],
        school=world.school,
        first_name="Ana",
        last_name="Zed",
        username="ana.z",
        grade="KG",
        origin=Origin.SYNCED,
    )
    factories.StudentFactory(
        school=world.other_school,
        first_name="-2+3",
        last_name="Able",
        username="b.a",
        is_active=False,
    )
    client.force_login(district_admin)
    header, able, zed = _csv(client.get(STUDENTS))
    row = dict(zip(header, zed, strict=True))
    assert row["Organizations"] == "North Elementary; South Elementary"
    assert row["Grade"] == "KG"  # the stored code the import reads back
    assert (row["Status"], row["Origin"]) == ("active", "synced")
    assert able[0] == "'-2+3"  # formula-safe
    assert dict(zip(header, able, strict=True))["Status"] == "inactive"


def test_educators_export_runs_the_same_queries_and_names_type_and_schools(
    client, district_admin, world
):
    client.force_login(district_admin)
    edu = factories.EducatorFactory(organization=world.school, last_name="Aaron", first_name="=X")
    edu.organizations.add(world.other_school)
    few, rows = _timed_export(client, EDUCATORS, {"export": "csv"})
    header = rows[0]
    aaron = dict(zip(header, rows[1], strict=True))
    assert aaron["First Name"] == "'=X"
    assert aaron["Educator Type"] == "Teacher"
    assert aaron["Organizations"] == "North Elementary; South Elementary"
    assert (aaron["Origin"], aaron["Status"]) == ("Manual", "Active")
    for i in range(30):
        factories.EducatorFactory(organization=world.school, username=f"more{i}")
    many, rows = _timed_export(client, EDUCATORS, {"export": "csv"})
    assert len(rows) == 1 + 2 + 30  # Aaron, Dana and thirty more
    assert few == many


def test_classes_export_runs_the_same_queries_for_1_and_40_classes(client, district_admin, world):
    client.force_login(district_admin)
    cg = factories.ClassGroupFactory(school=world.school, name="Robins")
    factories.ClassStudentFactory(class_group=cg)
    factories.ClassProductFactory(class_group=cg, product__name="Reading Plus")
    few, rows = _timed_export(client, CLASSES, {"export": "csv"})
    assert rows[1][:2] == ["Robins", "North Elementary"]
    assert rows[1][5:] == ["1", "0", "Reading Plus"]
    for i in range(40):
        other = factories.ClassGroupFactory(school=world.other_school, name=f"Wrens {i:02d}")
        factories.ClassProductFactory(class_group=other, product__name=f"P{i}")
    many, rows = _timed_export(client, CLASSES, {"export": "csv"})
    assert len(rows) == 1 + 41
    assert few == many
    assert ClassGroup.objects.count() == 41


def test_export_roster_runs_the_same_queries_for_3_and_2100_students(world):
    def export() -> tuple[int, list[list[str]]]:
        out = io.StringIO()
        with CaptureQueriesContext(connection) as queries:
            call_command("export_roster", district=world.district.slug, kind="students", stdout=out)
        return len(queries), list(csv.reader(io.StringIO(out.getvalue())))

    _bulk_students(world, 3, "few")
    few, rows = export()
    assert len(rows) == 1 + 3
    _bulk_students(world, MANY - 3, "many")
    many, rows = export()
    assert len(rows) == 1 + MANY
    assert few == many
    assert dict(zip(rows[0], rows[1], strict=True))["Organizations"] == "North Elementary"


def test_an_export_that_fails_part_way_raises_and_is_logged_never_ends_quietly(caplog):
    def rows():
        yield ["first"]
        raise ConnectionError("the database went away")

    response = csv_response("students.csv", ["Name"], rows())
    chunks = iter(response.streaming_content)
    assert next(chunks).decode("utf-8-sig") == "Name\r\n"  # sent before the failure
    with caplog.at_level(logging.ERROR, logger="rostering.exports"):
        # The WSGI server sees the error and drops the connection before the response's last
        # chunk: the browser says the download failed.
        with pytest.raises(ConnectionError):
            next(chunks)
    assert "event=export_failed export=students.csv chunks_sent=1" in caplog.text


def test_teacher_export_of_a_bulk_district_holds_only_their_school(client, teacher, world):
    _bulk_students(world, 5, "north")
    factories.StudentFactory(school=world.other_school, username="south.only")
    client.force_login(teacher)
    usernames = [row[2] for row in _csv(client.get(STUDENTS))[1:]]
    assert len(usernames) == 5 and "south.only" not in usernames
    assert Educator.objects.filter(username="tess").exists()
