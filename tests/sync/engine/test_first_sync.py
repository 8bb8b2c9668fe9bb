"""A first sync creates the district's roster; a second run of the same data changes nothing."""

from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassStudent,
    Educator,
    Organization,
    Student,
)
from rostering.sync.models import SyncRun

from .conftest import enroll, klass, student, teacher


def _roster(sis):
    sis.users = [student(1), student(2), teacher(1)]
    sis.classes = [klass(1)]
    sis.enrollments = [enroll(1, "stu-1"), enroll(1, "stu-2"), enroll(1, "tch-1", "teacher")]


def test_first_sync_creates_synced_students_educators_classes_and_memberships(sis, school):
    _roster(sis)
    run = sis.sync()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.counts["created"] == 4
    kid = Student.objects.get(username="kid1")
    assert (kid.origin, kid.sis_sourced_id, kid.external_id) == ("synced", "stu-1", "1001")
    assert list(kid.schools.all()) == [school]  # matched the existing school by its identifier
    assert kid.grade == "03" and kid.sis_values == {"grade": "03", "email": "kid1@sis.example.org"}
    teach = Educator.objects.get(username="teach1")
    assert teach.origin == "synced" and teach.user.username == "teach1"
    assert not teach.user.has_usable_password()
    group = ClassGroup.objects.get(sis_sourced_id="cls-1")
    assert group.origin == "synced" and group.school == school
    assert set(ClassStudent.objects.filter(class_group=group).values_list("origin", flat=True)) == {
        "synced"
    }
    assert ClassStudent.objects.filter(class_group=group).count() == 2
    assert ClassEducator.objects.get(class_group=group).educator == teach


def test_history_rows_of_a_sync_carry_the_sync_channel(sis):
    _roster(sis)
    sis.sync()
    kid = Student.objects.get(username="kid1")
    assert [h.history_channel for h in kid.history.all()] == ["sync"]


def test_second_run_of_the_same_snapshot_changes_nothing(sis):
    _roster(sis)
    sis.sync()
    before = {
        "students": list(Student.objects.values()),
        "history": Student.history.count() + Educator.history.count() + ClassGroup.history.count(),
        "members": ClassStudent.objects.count(),
    }
    run = sis.sync()
    assert run.counts["unchanged"] == 4
    assert {k: run.counts[k] for k in ("created", "updated", "claimed", "deactivated")} == {
        "created": 0,
        "updated": 0,
        "claimed": 0,
        "deactivated": 0,
    }
    assert run.counts["memberships"] == {"added": 0, "removed": 0}
    assert list(Student.objects.values()) == before["students"]
    assert (
        Student.history.count() + Educator.history.count() + ClassGroup.history.count()
        == before["history"]
    )


def test_new_schools_in_the_snapshot_are_created_under_the_district(sis, district):
    sis.orgs.append(
        {"sourcedId": "sch-2", "name": "West Middle", "type": "school", "parentSourcedId": "dist"}
    )
    sis.users = [student(1, school="sch-2")]
    sis.sync()
    west = Organization.objects.get(name="West Middle")
    assert (west.district, west.parent, west.sis_sourced_id) == (district, district, "sch-2")
    assert list(Student.objects.get(username="kid1").schools.all()) == [west]


def test_a_student_who_changes_school_in_the_sis_moves(sis, district):
    sis.orgs.append({"sourcedId": "sch-2", "name": "West Middle", "type": "school"})
    sis.users = [student(1)]
    sis.sync()
    sis.users = [student(1, school="sch-2")]
    run = sis.sync()
    assert run.counts["updated"] == 1
    assert [s.name for s in Student.objects.get(username="kid1").schools.all()] == ["West Middle"]


def test_a_district_wide_administrator_belongs_to_the_district(sis, district):
    sis.users = [teacher(1, school="dist", role="administrator")]
    sis.sync()
    admin = Educator.objects.get(username="teach1")
    assert admin.educator_type == "administrator"
    assert list(admin.organizations.all()) == [district]


def _repeated_enrollments(sis):
    """Two classes, three students; stu-1's enrollment in class 1 sent twice (as SIS exports
    do for a student in two periods of the same class)."""
    sis.users = [student(1), student(2), student(3), teacher(1)]
    sis.classes = [klass(1), klass(2)]
    twice = {**enroll(1, "stu-1"), "sourcedId": "enr-1-stu-1-period-2"}
    sis.enrollments = [
        enroll(1, "stu-1"),
        enroll(1, "stu-2"),
        enroll(2, "stu-1"),
        twice,
        enroll(2, "stu-3"),
        enroll(1, "tch-1", "teacher"),
        {**enroll(1, "tch-1", "teacher"), "sourcedId": "enr-again"},
    ]


def _members():
    return sorted(
        ClassStudent.objects.values_list("class_group__sis_sourced_id", "student__username")
    )


def test_a_repeated_enrollment_of_new_records_makes_one_membership(sis):
    _repeated_enrollments(sis)
    run = sis.sync()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert _members() == [
        ("cls-1", "kid1"), ("cls-1", "kid2"), ("cls-2", "kid1"), ("cls-2", "kid3"),
    ]  # fmt: skip
    assert ClassEducator.objects.count() == 1
    assert run.counts["memberships"]["added"] == 5


def test_pairs_sharing_a_hash_bit_are_all_kept_and_only_repeats_dropped(sis, monkeypatch):
    """With a bitmap of 8 bits every pair shares a bit with another: the exact check alone
    decides, and it keeps every distinct pair."""
    from rostering.sync import new_pairs

    monkeypatch.setattr(new_pairs, "BITS", 8)
    _repeated_enrollments(sis)
    run = sis.sync()

    assert _members() == [
        ("cls-1", "kid1"), ("cls-1", "kid2"), ("cls-2", "kid1"), ("cls-2", "kid3"),
    ]  # fmt: skip
    assert run.counts["memberships"]["added"] == 5
