"""The sync reads its snapshot through one seam (rostering.sync.sources): any adapter that
gives plain records drives a real sync, with no file, zip or reader behind it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rostering.models import ClassEducator, ClassGroup, ClassStudent, Educator, Student
from rostering.oneroster.records import (
    TO_BE_DELETED,
    Class,
    Enrollment,
    Org,
    Role,
    Snapshot,
    SnapshotError,
    User,
)
from rostering.sync.engine import approve_held_run, run_sync
from rostering.sync.models import SyncRun, SyncSource


class InMemorySource:
    """A source adapter built from records, as a REST or Clever adapter would build them."""

    name = "records built in the test"

    def __init__(self, snapshot: Snapshot | None = None, refusal: str = "") -> None:
        self.snapshot = snapshot
        self.refusal = refusal
        self.opened = 0

    def open_snapshot(self) -> Snapshot:
        self.opened += 1
        if self.refusal:
            raise SnapshotError(self.refusal)
        return self.snapshot

    def keep(self) -> bytes | None:
        return None  # nothing on disk to keep


def _user(key, role, username, given, *, grades=(), status="active", row=2) -> User:
    return User(
        sourced_id=key,
        username=username,
        given_name=given,
        family_name="Seam",
        identifier=f"ID-{key}",
        email=f"{username}@sis.example.org",
        grades=list(grades),
        roles=[Role(role, "sch-1", primary=True)],
        status=status,
        row=row,
    )


def _district_records(*, kid2_name="Bea", kid2_status="active") -> Snapshot:
    snapshot = Snapshot()
    snapshot.orgs = {
        "dist": Org("dist", "Cedar District", "district", row=2),
        "sch-1": Org("sch-1", "North Elementary", "school", identifier="N1", row=3),
    }
    users = [
        _user("stu-1", "student", "ana.seam", "Ana", grades=["03"]),
        _user("stu-2", "student", "bea.seam", kid2_name, grades=["04"], status=kid2_status),
        _user("tch-1", "teacher", "teo.seam", "Teo"),
    ]
    snapshot.users = {u.sourced_id: u for u in users}
    snapshot.classes = {"cls-1": Class("cls-1", "Room 4", "sch-1", row=2)}
    snapshot.enrollments = [
        Enrollment("e1", "cls-1", "stu-1", "student"),
        Enrollment("e2", "cls-1", "stu-2", "student"),
        Enrollment("e3", "cls-1", "tch-1", "teacher"),
    ]
    return snapshot


def _sync(district, source) -> SyncRun:
    return run_sync(district=district, trigger=SyncRun.Trigger.COMMAND, source=source)


def test_records_from_an_in_memory_source_roster_the_district_end_to_end(district, school):
    source = InMemorySource(_district_records())

    run = _sync(district, source)

    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason
    assert run.source_name == "records built in the test"
    assert source.opened == 1
    ana = Student.objects.get(username="ana.seam")
    assert (ana.first_name, ana.origin, ana.sis_sourced_id, ana.external_id) == (
        "Ana",
        "synced",
        "stu-1",
        "ID-stu-1",
    )
    assert list(ana.schools.all()) == [school]  # matched by the school's identifier
    room = ClassGroup.objects.get(sis_sourced_id="cls-1")
    assert room.name == "Room 4" and room.school == school
    assert set(
        ClassStudent.objects.filter(class_group=room).values_list("student__username", flat=True)
    ) == {"ana.seam", "bea.seam"}
    assert ClassEducator.objects.get(class_group=room).educator == Educator.objects.get(
        username="teo.seam"
    )


def test_a_second_run_of_changed_records_updates_and_deactivates_through_the_seam(
    district, school
):
    _sync(district, InMemorySource(_district_records()))
    SyncSource.objects.filter(district=district).update(hold_threshold_percent=100)

    run = _sync(district, InMemorySource(_district_records(kid2_status=TO_BE_DELETED)))
    assert run.status == SyncRun.Status.SUCCEEDED
    assert not Student.objects.get(username="bea.seam").is_active
    assert not ClassStudent.objects.filter(student__username="bea.seam").exists()

    run = _sync(district, InMemorySource(_district_records()))
    assert run.counts["unchanged"] == 3  # ana, teo, the class: the same records change nothing


def test_a_source_that_cannot_be_read_fails_the_run_with_its_own_words(district):
    run = _sync(district, InMemorySource(refusal="The SIS answered 503; try again later."))

    assert run.status == SyncRun.Status.FAILED
    assert run.failure_reason == "The SIS answered 503; try again later."
    assert run.source_name == "records built in the test"
    assert not Student.objects.exists()


def test_a_held_run_of_a_source_that_keeps_nothing_cannot_be_approved(district, school):
    _sync(district, InMemorySource(_district_records()))
    SyncSource.objects.filter(district=district).update(hold_threshold_percent=10)
    emptied = _district_records()
    emptied.users = {k: u for k, u in emptied.users.items() if k == "tch-1"}

    run = _sync(district, InMemorySource(emptied))

    assert run.status == SyncRun.Status.HELD and run.snapshot is None
    assert Student.objects.filter(is_active=True).count() == 2  # nothing applied
    with pytest.raises(ValidationError, match="Only a held run can be approved."):
        approve_held_run(run=run, actor=None)
