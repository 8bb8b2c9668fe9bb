"""A preferred first name is a shareable field, as an email is: the sync writes it only when
the district chose to send it (SyncConfiguration.shared_fields), and then puts the SIS's value
back over a hand edit; otherwise it is the school's own and the sync never touches it."""

from rostering.history import Channel
from rostering.models import Educator, Student
from rostering.ownership import FieldState, field_state
from rostering.services import educator_update, student_update

from .conftest import student, teacher

PREFERRED = ("preferredGivenName",)  # OneRoster 1.2's column


def _share(district, kind: str) -> None:
    config = district.sync_configuration
    config.shared_fields.setdefault(kind, []).append("preferred_first_name")
    config.save()


def test_a_preferred_name_the_district_does_not_send_is_the_schools_own(sis, district_admin_user):
    sis.extra_user_columns = PREFERRED
    sis.users = [student(1, preferredGivenName="Kit")]
    sis.sync()
    kid = Student.objects.get(username="kid1")
    assert kid.preferred_first_name == ""  # not shared: never written by the sync
    assert field_state(kid, "preferred_first_name") is FieldState.LOCAL
    student_update(actor=district_admin_user, student=kid, preferred_first_name="Katie")

    run = sis.sync()

    kid.refresh_from_db()
    assert kid.preferred_first_name == "Katie"
    assert run.counts["unchanged"] == 1


def test_a_shared_preferred_name_is_written_and_put_back_after_a_hand_edit(
    sis, district, district_admin_user
):
    _share(district, "student")
    sis.extra_user_columns = PREFERRED
    sis.users = [student(1, preferredGivenName="Kit")]
    sis.sync()
    kid = Student.objects.get(username="kid1")
    assert kid.preferred_first_name == "Kit" and kid.sis_values["preferred_first_name"] == "Kit"
    assert field_state(kid, "preferred_first_name") is FieldState.SHARED
    # Shared, not locked: a hand edit is allowed, and the next sync puts the SIS's back.
    student_update(
        actor=district_admin_user, student=kid, preferred_first_name="Katie", channel=Channel.FORM
    )
    assert Student.objects.get(pk=kid.pk).preferred_first_name == "Katie"

    run = sis.sync()

    kid.refresh_from_db()
    assert kid.preferred_first_name == "Kit"
    assert run.counts["updated"] == 1


def test_a_shared_preferred_name_the_sis_stops_sending_is_cleared(sis, district):
    _share(district, "student")
    sis.extra_user_columns = PREFERRED
    sis.users = [student(1, preferredGivenName="Kit")]
    sis.sync()

    sis.users = [student(1)]
    sis.sync()

    assert Student.objects.get(username="kid1").preferred_first_name == ""


def test_an_educators_shared_preferred_name_comes_from_the_information_models_column(
    sis, district, district_admin_user
):
    _share(district, "educator")
    sis.extra_user_columns = ("preferredFirstName",)
    sis.users = [student(1), teacher(1, preferredFirstName="Teddy")]
    sis.sync()
    educator = Educator.objects.get(username="teach1")
    assert educator.preferred_first_name == "Teddy"
    educator_update(actor=district_admin_user, educator=educator, preferred_first_name="Ted")

    sis.sync()

    assert Educator.objects.get(pk=educator.pk).preferred_first_name == "Teddy"
