"""DESIGN.md rule 3: locked and shared fields come from the SIS on every run; local ones stay."""

import pytest

from rostering.history import Channel
from rostering.models import ClassGroup, Organization, Student
from rostering.services import student_update

from .conftest import klass, student


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


def test_an_invalid_grade_is_a_problem_of_the_record_which_is_not_written(sis):
    # The registry's verdict, as on every channel (tests/rostering/test_value_rules.py).
    sis.users = [student(1, grades="Year 3"), student(2)]
    run = sis.sync()
    assert not Student.objects.filter(username="kid1").exists()
    assert Student.objects.filter(username="kid2").exists()
    [problem] = [e for e in run.errors if e["record"] == "stu-1"]
    assert problem["file"] == "users.csv"
    assert '"Year 3" is not a grade. Type K, 1 to 12' in problem["message"]


def test_a_class_title_too_long_is_a_problem_of_the_class_never_cut_short(sis):
    sis.users = [student(1)]
    sis.classes = [klass(1, title="R" * 201), klass(2)]
    run = sis.sync()
    assert list(ClassGroup.objects.values_list("name", flat=True)) == ["Class 2"]
    [problem] = [e for e in run.errors if e["record"] == "cls-1"]
    assert problem["file"] == "classes.csv"
    assert problem["message"].endswith(
        ": Class/Group name is 201 characters long; at most 200 fit. Shorten it. Skipped."
    )


def test_an_organization_name_too_long_is_a_problem_of_the_organization(sis):
    sis.orgs = [*sis.orgs, {"sourcedId": "sch-2", "name": "S" * 201, "type": "school"}]
    sis.users = [student(1)]
    run = sis.sync()
    assert not Organization.objects.filter(sis_sourced_id="sch-2").exists()
    [problem] = [e for e in run.errors if e["record"] == "sch-2"]
    assert problem["message"] == (
        "Organization name is 201 characters long; at most 200 fit. Shorten it. Skipped."
    )


@pytest.mark.parametrize(
    "sent, stored", [("0", "KG"), ("13", "13"), ("PS", "PS"), ("UG", "UG"), ("Other", "Other")]
)
def test_sis_grades_of_the_oneroster_vocabulary_are_synced(sis, sent, stored):
    """Issue 11: kindergarten as 0 (Clever, PowerSchool) and OneRoster's 13, PS, UG, Other."""
    sis.users = [student(1, grades=sent)]

    run = sis.sync()

    assert run.errors == []
    assert Student.objects.get(username="kid1").grade == stored
