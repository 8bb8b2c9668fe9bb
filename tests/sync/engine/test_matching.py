"""DESIGN.md rule 2: matching by Username, External Assigned ID, Alt External Assigned ID."""

from rostering.models import Student
from rostering.sync.models import SyncSource
from tests import factories

from .conftest import student


def test_manual_timothy_is_taken_over_and_becomes_tim(sis, school):
    timothy = factories.StudentFactory(
        school=school,
        first_name="Timothy",
        last_name="Little",
        username="tlittle",
        external_id="12345",
        grade="02",
        email="",
    )
    untouched = factories.StudentFactory(
        school=school,
        first_name="Maria",
        last_name="Manual",
        username="mmanual",
        external_id="99999",
    )
    untouched_before = Student.objects.filter(pk=untouched.pk).values().get()
    sis.users = [
        student(
            1,
            identifier="12345",
            givenName="Tim",
            familyName="Little",
            username="tim.little",
            grades="03",
        )
    ]

    run = sis.sync()

    timothy.refresh_from_db()
    assert run.counts["claimed"] == 1 and run.counts["created"] == 0
    assert (timothy.first_name, timothy.username, timothy.grade) == ("Tim", "tim.little", "03")
    assert timothy.origin == "synced" and timothy.sis_sourced_id == "stu-1"
    assert timothy.email == "kid1@sis.example.org"
    assert Student.objects.filter(pk=untouched.pk).values().get() == untouched_before


def test_match_by_username_takes_over_the_manual_record(sis, school):
    manual = factories.StudentFactory(school=school, username="kid1", external_id=None)
    sis.users = [student(1)]
    sis.sync()
    manual.refresh_from_db()
    assert manual.origin == "synced" and manual.external_id == "1001"
    assert Student.objects.count() == 1


def test_match_by_alt_external_id_when_the_district_sends_it(sis, school, district):
    district.sync_configuration.shared_fields = {"student": ["alt_external_id"]}
    district.sync_configuration.save()
    manual = factories.StudentFactory(
        school=school, username="someone", external_id=None, alt_external_id="stu-1"
    )
    sis.users = [student(1)]  # identifier -> External ID, sourcedId -> Alt External ID
    sis.sync()
    manual.refresh_from_db()
    assert manual.origin == "synced" and manual.username == "kid1"


def test_external_id_can_come_from_the_sourced_id(sis, school, district):
    SyncSource.objects.filter(district=district).update(external_id_field="sourcedId")
    manual = factories.StudentFactory(school=school, username="x1", external_id="stu-1")
    sis.users = [student(1)]
    sis.sync()
    manual.refresh_from_db()
    assert manual.origin == "synced" and manual.username == "kid1"


def test_two_existing_records_matching_one_sis_record_is_a_conflict_and_nothing_changes(
    sis, school
):
    by_username = factories.StudentFactory(school=school, username="kid1", external_id="555")
    by_id = factories.StudentFactory(school=school, username="other", external_id="1001")
    before = list(Student.objects.order_by("pk").values())
    sis.users = [student(1), student(2)]

    run = sis.sync()

    assert (
        list(Student.objects.filter(pk__in=[by_username.pk, by_id.pk]).order_by("pk").values())
        == before
    )
    [error] = run.errors
    assert error["record"] == "stu-1" and "matches 2 different students" in error["message"]
    assert Student.objects.filter(username="kid2", origin="synced").exists()  # the rest applies


def test_records_of_another_district_are_never_matched(sis):
    outsider = factories.StudentFactory(external_id="1001", username="elsewhere")
    sis.users = [student(1)]
    sis.sync()
    outsider.refresh_from_db()
    assert outsider.origin == "manual" and outsider.username == "elsewhere"
    assert Student.objects.filter(username="kid1", district=sis.district).exists()


def test_a_username_taken_in_another_district_is_an_error_for_that_record(sis):
    factories.StudentFactory(username="kid1", external_id="x")  # its own district
    sis.users = [student(1), student(2)]
    run = sis.sync()
    assert not Student.objects.filter(district=sis.district, username="kid1").exists()
    assert any('The username "kid1" is already taken.' in e["message"] for e in run.errors)
    assert Student.objects.filter(district=sis.district, username="kid2").exists()
