"""DESIGN.md rule 7: leaving records are deactivated (never deleted), memberships end, and an
unusual share of deactivations holds the run for an administrator."""

import pytest
from django.core.exceptions import ValidationError

from rostering.models import ClassGroup, ClassStudent, Educator, Student
from rostering.sync.engine import approve_held_run, discard_held_run
from rostering.sync.models import SyncRun, SyncSource
from tests import factories

from .conftest import enroll, klass, student, teacher


@pytest.fixture
def loose(district):
    """A hold threshold that lets small test districts lose records."""
    SyncSource.objects.filter(district=district).update(hold_threshold_percent=100)


def _ten_students(sis):
    sis.users = [student(n) for n in range(1, 11)] + [teacher(1)]
    sis.classes = [klass(1)]
    sis.enrollments = [enroll(1, f"stu-{n}") for n in range(1, 11)]


def test_a_student_the_sis_no_longer_sends_is_deactivated_and_leaves_classes(sis, loose):
    _ten_students(sis)
    sis.sync()
    sis.users = [u for u in sis.users if u["sourcedId"] != "stu-1"]
    sis.enrollments = [e for e in sis.enrollments if e["userSourcedId"] != "stu-1"]

    run = sis.sync()

    gone = Student.objects.get(sis_sourced_id="stu-1")  # still there: never deleted
    assert not gone.is_active
    assert not ClassStudent.objects.filter(student=gone).exists()
    assert run.counts["deactivated"] == 1 and run.status == SyncRun.Status.SUCCEEDED


def test_a_record_marked_tobedeleted_is_deactivated(sis, loose):
    _ten_students(sis)
    sis.sync()
    sis.users[0] = {**sis.users[0], "status": "tobedeleted"}
    sis.sync()
    assert not Student.objects.get(sis_sourced_id="stu-1").is_active


def test_a_class_the_sis_drops_is_deactivated_and_its_memberships_end(sis, loose):
    _ten_students(sis)
    sis.sync()
    sis.classes, sis.enrollments = [], []
    sis.sync()
    group = ClassGroup.objects.get(sis_sourced_id="cls-1")
    assert not group.is_active and not ClassStudent.objects.filter(class_group=group).exists()


def test_manual_records_are_never_deactivated_by_a_sync(sis, school, loose):
    manual = factories.StudentFactory(school=school, username="handmade")
    manual_class = factories.ClassGroupFactory(school=school)
    _ten_students(sis)
    sis.sync()
    sis.users, sis.classes, sis.enrollments = [teacher(1)], [], []
    sis.sync()
    manual.refresh_from_db()
    manual_class.refresh_from_db()
    assert manual.is_active and manual.origin == "manual" and manual_class.is_active


def test_a_student_coming_back_is_reactivated(sis, loose):
    _ten_students(sis)
    sis.sync()
    keep = list(sis.users)
    sis.users = keep[1:]
    sis.sync()
    sis.users = keep
    run = sis.sync()
    assert Student.objects.get(sis_sourced_id="stu-1").is_active
    assert run.counts["updated"] >= 1


def test_removing_a_synced_member_by_hand_in_a_synced_class_comes_back(sis):
    _ten_students(sis)
    sis.sync()
    ClassStudent.objects.filter(student__sis_sourced_id="stu-1").delete()
    run = sis.sync()
    assert ClassStudent.objects.filter(student__sis_sourced_id="stu-1").exists()
    assert run.counts["memberships"]["added"] == 1


def test_a_run_deactivating_more_than_the_threshold_is_held_and_applies_nothing(sis):
    _ten_students(sis)
    sis.sync()
    sis.users = sis.users[2:]  # 2 of 10 students gone: 20% > 10%
    before = list(Student.objects.order_by("pk").values())

    run = sis.sync()

    assert run.status == SyncRun.Status.HELD
    assert "2 of 10 synced students (20%)" in run.hold_reason
    assert run.plan["counts"]["deactivated"] == 2
    assert list(Student.objects.order_by("pk").values()) == before


def test_a_deactivation_share_within_the_threshold_is_applied(sis):
    sis.users = [student(n) for n in range(1, 21)]
    sis.sync()
    sis.users = sis.users[2:]  # 2 of 20: exactly 10%, not more
    run = sis.sync()
    assert run.status == SyncRun.Status.SUCCEEDED and run.counts["deactivated"] == 2


def test_approving_a_held_run_applies_it(sis, district_admin_user):
    _ten_students(sis)
    sis.sync()
    sis.users = sis.users[5:]
    run = sis.sync()
    assert run.status == SyncRun.Status.HELD

    run = approve_held_run(run=run, actor=district_admin_user)

    assert run.status == SyncRun.Status.SUCCEEDED and run.decided_by == district_admin_user
    assert Student.objects.filter(is_active=False).count() == 5
    assert run.counts["deactivated"] == 5


def test_discarding_a_held_run_applies_nothing(sis, district_admin_user):
    _ten_students(sis)
    sis.sync()
    sis.users = sis.users[5:]
    run = sis.sync()
    run = discard_held_run(run=run, actor=district_admin_user)
    assert run.status == SyncRun.Status.DISCARDED and run.decided_by == district_admin_user
    assert not Student.objects.filter(is_active=False).exists()
    with pytest.raises(ValidationError):
        approve_held_run(run=run, actor=district_admin_user)


def test_educators_count_for_the_hold_separately(sis):
    sis.users = [student(n) for n in range(1, 21)] + [teacher(1), teacher(2)]
    sis.sync()
    sis.users = sis.users[:-1]  # 1 of 2 synced educators gone: 50%
    run = sis.sync()
    assert run.status == SyncRun.Status.HELD and "synced educators" in run.hold_reason
    assert Educator.objects.get(sis_sourced_id="tch-2").is_active


def test_approving_a_held_run_applies_the_files_it_read_not_what_the_folder_holds_now(
    sis, district_admin_user
):
    _ten_students(sis)
    sis.sync()
    sis.users = sis.users[5:]
    run = sis.sync()
    assert run.status == SyncRun.Status.HELD
    sis.users = [student(n, givenName="Later") for n in range(1, 11)] + [teacher(1)]
    sis.write()  # the SIS drops a new set meanwhile

    run = approve_held_run(run=run, actor=district_admin_user)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert Student.objects.filter(is_active=False).count() == 5
    assert not Student.objects.filter(first_name="Later").exists()
