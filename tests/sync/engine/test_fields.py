"""DESIGN.md rule 3: locked and shared fields come from the SIS on every run; local ones stay."""

from rostering.history import Channel
from rostering.models import Student
from rostering.services import student_update

from .conftest import student


def test_a_shared_field_edited_by_hand_reverts_at_the_next_sync(sis, district_admin_user):
    sis.users = [student(1, grades="03")]
    sis.sync()
    kid = Student.objects.get(username="kid1")
    student_update(actor=district_admin_user, student=kid, grade="05", channel=Channel.FORM)
    assert Student.objects.get(pk=kid.pk).grade == "05"

    run = sis.sync()

    kid.refresh_from_db()
    assert kid.grade == "03" and kid.sis_values["grade"] == "03"
    assert run.counts["updated"] == 1


def test_a_local_field_edited_by_hand_survives_the_sync(sis, district_admin_user):
    sis.users = [student(1, middleName="Ann")]  # middle name is not shared: local
    sis.sync()
    kid = Student.objects.get(username="kid1")
    assert kid.middle_name == ""  # never written by the sync
    student_update(actor=district_admin_user, student=kid, middle_name="Rose")

    run = sis.sync()

    kid.refresh_from_db()
    assert kid.middle_name == "Rose"
    assert run.counts["unchanged"] == 1


def test_a_field_the_district_starts_sharing_is_written_from_then_on(sis, district):
    sis.users = [student(1, middleName="Ann")]
    sis.sync()
    district.sync_configuration.shared_fields = {"student": ["grade", "email", "middle_name"]}
    district.sync_configuration.save()
    sis.sync()
    kid = Student.objects.get(username="kid1")
    assert kid.middle_name == "Ann" and kid.sis_values["middle_name"] == "Ann"


def test_locked_fields_changed_in_the_sis_are_applied(sis):
    sis.users = [student(1)]
    sis.sync()
    sis.users = [student(1, givenName="Kathryn", username="kathryn1")]
    run = sis.sync()
    kid = Student.objects.get(sis_sourced_id="stu-1")
    assert (kid.first_name, kid.username) == ("Kathryn", "kathryn1")
    assert run.counts["updated"] == 1
    assert kid.history.first().history_channel == "sync"


def test_an_invalid_grade_is_a_warning_and_the_record_still_syncs(sis):
    sis.users = [student(1, grades="Year 3")]
    run = sis.sync()
    assert Student.objects.filter(username="kid1").exists()
    assert any('"Year 3" is not a grade' in w["message"] for w in run.warnings)
