"""Undo of an import is the inverse of what the engine applied: each change is undone only
while the database still holds what the import left; the rest is kept, and said."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostering.imports import engine
from rostering.models import ClassStudent, LinkChange, Origin, Student
from tests import factories

from .conftest import commit, csv_bytes, student_row


@pytest.fixture
def rooms(world):
    return {
        n: factories.ClassGroupFactory(school=world.school, name=f"Room {n}") for n in (4, 5, 6)
    }


@pytest.fixture
def ana(world):
    return factories.StudentFactory(
        school=world.school, first_name="Ana", last_name="Lopez", username="ana.lopez"
    )


def _row(first, last, username, school, **extra) -> dict:
    return {
        "First Name": first,
        "Last Name": last,
        "Username": username,
        "Organizations": school.name,
        **extra,
    }


def _undo(world, result) -> list[str]:
    return engine.undo_import(
        actor=None, district=world.district, result={"applied": result.applied}
    )


def _classes(student) -> set[str]:
    return set(student.class_groups.values_list("name", flat=True))


def test_undo_after_a_later_membership_change_keeps_it_and_undoes_the_rest(world, rooms, ana):
    content = csv_bytes(
        [
            _row("Ana", "Kim", "ana.lopez", world.school, **{"Classes/Groups": "Room 4"}),
            _row("Ben", "Okafor", "ben.o", world.school, **{"Classes/Groups": "Room 4"}),
        ]
    )
    result = commit(world.district, content)
    ben = Student.objects.get(username="ben.o")
    # Since the import, a teacher took Ana out of Room 4 and put her and Ben in Room 6.
    ClassStudent.objects.filter(student=ana, class_group=rooms[4]).delete()
    ClassStudent.objects.create(student=ana, class_group=rooms[6])
    ClassStudent.objects.create(student=ben, class_group=rooms[6])

    kept = _undo(world, result)

    ana.refresh_from_db()
    assert ana.last_name == "Lopez"  # the import's change is undone
    assert _classes(ana) == {"Room 6"}  # the teacher's class stays; Room 4 is not re-added
    ben.refresh_from_db()  # created by the import, linked to Room 6 since: Ben stays
    assert _classes(ben) == {"Room 4", "Room 6"}
    assert kept == [
        "Student Ben Okafor (ben.o) was linked to other records since this import "
        "(a class/group, school or product), so it stays."
    ]


def test_undo_never_touches_a_roster_that_became_synced(world, rooms, ana):
    content = csv_bytes(
        [_row("Ana", "Kim", "ana.lopez", world.school, **{"Classes/Groups": "Room 4; Room 5"})]
    )
    result = commit(world.district, content)
    rooms[4].origin = Origin.SYNCED  # the SIS sync took Room 4 over since
    rooms[4].save()

    kept = _undo(world, result)

    ana.refresh_from_db()
    assert ana.last_name == "Lopez"
    assert _classes(ana) == {"Room 4"}  # Room 5 (manual) is undone, the synced roster is not
    assert kept == [
        "Student Ana Kim (ana.lopez) stays in Class/group Room 4: it is synced from your SIS now."
    ]
    removed = LinkChange.objects.get(class_group=rooms[5], student=ana, action="removed")
    assert removed.channel == "undo"


def test_undo_keeps_the_sis_fields_of_a_student_synced_since(world, ana):
    result = commit(world.district, csv_bytes([_row("Ana", "Kim", "ana.lopez", world.school)]))
    Student.objects.filter(pk=ana.pk).update(origin=Origin.SYNCED)

    kept = _undo(world, result)

    ana.refresh_from_db()
    assert ana.last_name == "Kim"
    assert kept == [
        "Student Ana Kim (ana.lopez): Last name now come from your SIS (the record is "
        "synced), so they stay."
    ]


def test_a_created_student_edited_since_is_kept_with_the_reason(world):
    content = csv_bytes(
        [
            _row("Ben", "Okafor", "ben.o", world.school),
            _row("Cleo", "Rossi", "cleo.r", world.school),
        ]
    )
    result = commit(world.district, content)
    Student.objects.filter(username="ben.o").update(first_name="Benjamin")

    kept = _undo(world, result)

    assert list(
        Student.objects.filter(username__in=["ben.o", "cleo.r"]).values_list(
            "first_name", flat=True
        )
    ) == ["Benjamin"]
    assert kept == [
        "Student Benjamin Okafor (ben.o) was changed since this import (First name), so it stays."
    ]


def test_an_import_committed_before_the_engine_says_it_cannot_be_undone(world, ana):
    old = {"touched": {"students": {"created": [ana.pk], "updated": []}}}
    with pytest.raises(ValidationError) as refused:
        engine.undo_import(actor=None, district=world.district, result=old)
    assert "committed before undo kept each change" in refused.value.messages[0]
    assert Student.objects.filter(pk=ana.pk).exists()


def _undo_queries(world, rooms, first: int, count: int) -> int:
    """Queries of undoing an import that changed ``count`` existing students (a field, a
    class/group, a product, a setting)."""
    for n in range(first, first + count):
        factories.StudentFactory(school=world.school, username=f"kid{n}", last_name="Old")
    rows = [
        _row(
            "Kid",
            "New",
            f"kid{n}",
            world.school,
            **{
                "Classes/Groups": "Room 4",
                "Products": "Math Quest",
                "Product Settings": "Language Support = Spanish",
            },
        )
        for n in range(first, first + count)
    ]
    result = commit(world.district, csv_bytes(rows))
    with CaptureQueriesContext(connection) as undone:
        assert _undo(world, result) == []
    assert set(
        Student.objects.filter(username__startswith="kid").values_list("last_name", flat=True)
    ) == {"Old"}
    return len(undone)


def test_the_queries_of_an_undo_do_not_grow_with_the_rows(world, rooms, products):
    assert _undo_queries(world, rooms, 0, 4) == _undo_queries(world, rooms, 100, 50)


def test_undoing_an_import_that_created_a_student_records_his_class_leaving(world, rooms):
    result = commit(
        world.district,
        csv_bytes([_row("Ben", "Okafor", "ben.o", world.school, **{"Classes/Groups": "Room 4"})]),
    )

    assert _undo(world, result) == []

    assert not Student.objects.filter(username="ben.o").exists()
    history = LinkChange.objects.filter(
        class_group=rooms[4], kind=LinkChange.Kind.CLASS_STUDENT
    ).order_by("pk")
    assert [(row.action, row.channel) for row in history] == [
        (LinkChange.Action.ADDED, "import"),
        (LinkChange.Action.REMOVED, "undo"),
    ]


def test_undoing_created_students_leaves_their_deletion_in_their_history(
    world, rooms, products, district_admin
):
    result = commit(
        world.district,
        csv_bytes(
            [
                _row(
                    "Ben",
                    "Okafor",
                    "ben.o",
                    world.school,
                    **{
                        "Classes/Groups": "Room 4",
                        "Products": "Reading Stars",
                        "Product Settings": "Language Support = Spanish",
                    },
                )
            ]
        ),
        actor=district_admin,
    )
    ben = Student.objects.get(username="ben.o")

    assert engine.undo_import(
        actor=district_admin, district=world.district, result={"applied": result.applied}
    ) == []

    assert not Student.objects.filter(pk=ben.pk).exists()
    assert not ClassStudent.objects.filter(student_id=ben.pk).exists()
    rows = Student.history.filter(id=ben.pk).order_by("history_date", "history_id")
    assert [(r.history_type, r.history_channel, r.history_user) for r in rows] == [
        ("+", "import", district_admin),
        ("-", "undo", district_admin),
    ]
    assert rows.last().last_name == "Okafor"  # as he was when undo took him out
    removed = LinkChange.objects.filter(student_id=ben.pk, action=LinkChange.Action.REMOVED)
    assert set(removed.values_list("kind", "channel", "actor")) == {
        (LinkChange.Kind.CLASS_STUDENT, "undo", district_admin.pk),
        (LinkChange.Kind.STUDENT_PRODUCT, "undo", district_admin.pk),
        (LinkChange.Kind.STUDENT_SETTING, "undo", district_admin.pk),
        (LinkChange.Kind.STUDENT_SCHOOL, "undo", district_admin.pk),
    }


def _undo_creation_queries(world, first: int, count: int) -> int:
    """Queries of undoing an import that created ``count`` students, each in a class/group,
    with a product and a setting."""
    rows = [
        student_row(
            n,
            world.school,
            **{
                "Classes/Groups": "Room 4",
                "Products": "Reading Stars",
                "Product Settings": "Language Support = Spanish",
            },
        )
        for n in range(first, first + count)
    ]
    result = commit(world.district, csv_bytes(rows))
    with CaptureQueriesContext(connection) as undone:
        assert _undo(world, result) == []
    assert not Student.objects.filter(username__startswith="ana.lopez").exists()
    return len(undone)


def test_the_queries_of_undoing_created_students_do_not_grow_with_the_rows(
    world, rooms, products
):
    assert _undo_creation_queries(world, 0, 3) == _undo_creation_queries(world, 100, 60)
