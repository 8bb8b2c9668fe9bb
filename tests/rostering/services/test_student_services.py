import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rostering import services
from rostering.history import Channel
from rostering.models import Origin, Student
from rostering.passwords import decrypt_password
from tests import factories


def test_teacher_creates_student_in_own_school(world, teacher):
    student = services.student_create(
        actor=teacher,
        district=world.district,
        first_name=" Ana ",
        last_name="Lopez",
        username="ana.lopez",
        schools=[world.school],
        grade="k",
        external_id="  ",
        password="sunny12",
    )
    student.refresh_from_db()
    assert student.first_name == "Ana"
    assert student.grade == "KG"
    assert student.external_id is None  # a blank ID is stored as NULL
    assert decrypt_password(student.password_encrypted) == "sunny12"
    assert "sunny12" not in student.password_encrypted
    assert list(student.schools.all()) == [world.school]
    assert student.history.first().history_channel == "form"
    assert student.history.first().history_user == teacher


def test_teacher_cannot_create_student_in_another_school(world, teacher):
    with pytest.raises(PermissionDenied):
        services.student_create(
            actor=teacher,
            district=world.district,
            first_name="Ana",
            last_name="Lopez",
            username="ana",
            schools=[world.other_school],
        )
    assert not Student.objects.exists()


def test_school_from_another_district_is_refused(world, support):
    with pytest.raises(ValidationError) as exc:
        services.student_create(
            actor=support,
            district=world.district,
            first_name="Ana",
            last_name="Lopez",
            username="ana",
            schools=[world.outsider_school],
        )
    assert "schools" in exc.value.message_dict


def test_duplicate_username_platform_wide_is_refused_with_clear_message(world, support):
    factories.StudentFactory(school=world.outsider_school, username="sam.smith")
    with pytest.raises(ValidationError) as exc:
        services.student_create(
            actor=support,
            district=world.district,
            first_name="Sam",
            last_name="Smith",
            username="sam.smith",
            schools=[world.school],
        )
    assert exc.value.message_dict["username"] == [
        'The username "sam.smith" is already taken. Usernames are unique ignoring upper and '
        "lower case: choose another."
    ]


def test_duplicate_external_id_in_district_refused_but_allowed_across_districts(world, support):
    factories.StudentFactory(school=world.school, external_id="12345")
    other = services.student_create(
        actor=support,
        district=world.other_district,
        first_name="A",
        last_name="B",
        username="ab",
        schools=[world.outsider_school],
        external_id="12345",
    )
    assert other.pk
    with pytest.raises(ValidationError) as exc:
        services.student_create(
            actor=support,
            district=world.district,
            first_name="C",
            last_name="D",
            username="cd",
            schools=[world.school],
            external_id="12345",
        )
    assert "already has the External Assigned ID \"12345\"" in exc.value.message_dict["external_id"][0]


def test_locked_first_name_of_synced_student_is_refused(world, teacher):
    student = factories.StudentFactory(school=world.school, first_name="Tim", origin=Origin.SYNCED)
    with pytest.raises(ValidationError) as exc:
        services.student_update(actor=teacher, student=student, first_name="Timothy")
    assert "SIS" in exc.value.message_dict["first_name"][0]
    student.refresh_from_db()
    assert student.first_name == "Tim"


def test_shared_grade_of_synced_student_is_accepted(world, teacher):
    student = factories.StudentFactory(school=world.school, grade="03", origin=Origin.SYNCED)
    services.student_update(actor=teacher, student=student, grade="04")
    student.refresh_from_db()
    assert student.grade == "04"


def test_sync_may_change_locked_fields(world):
    student = factories.StudentFactory(school=world.school, first_name="Tim", origin=Origin.SYNCED)
    services.student_update(actor=None, student=student, channel=Channel.SYNC, first_name="Timmy")
    student.refresh_from_db()
    assert student.first_name == "Timmy"
    assert student.history.first().history_channel == "sync"


def test_synced_student_unchanged_locked_value_is_fine(world, teacher):
    student = factories.StudentFactory(school=world.school, first_name="Tim", origin=Origin.SYNCED)
    services.student_update(
        actor=teacher, student=student, first_name="Tim", schools=[world.school], grade="05"
    )
    student.refresh_from_db()
    assert student.grade == "05"
