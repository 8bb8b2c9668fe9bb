"""A field the SIS's files have no column for is not sent: the sync leaves every record's own
value (it never reads the missing column as blank and clears a district's emails or preferred
names), and says so when the district's settings share the field. The OneRoster import leaves
it too, as a template without the column does. A OneRoster 1.1 set has no preferred-name
column at all; a SIS export may leave out email."""

from rostering.imports import engine
from rostering.models import Student
from rostering.services import student_update
from tests import factories
from tests.oneroster.csvset import set_files, zip_set

from .conftest import SCHOOLS, student

PREFERRED = ("preferredGivenName",)


def _share(district, *names: str) -> None:
    config = district.sync_configuration
    config.shared_fields["student"] = [*config.shared_fields.get("student", []), *names]
    config.save()


def _kid():
    return Student.objects.get(username="kid1")


def test_a_shared_preferred_name_stays_when_the_set_has_no_column_for_it(sis, district):
    _share(district, "preferred_first_name")
    sis.extra_user_columns = PREFERRED
    sis.users = [student(1, preferredGivenName="Kit")]
    sis.sync()
    assert _kid().preferred_first_name == "Kit"

    sis.extra_user_columns = ()  # a OneRoster 1.1 export: no preferred-name column
    sis.users = [student(1)]
    run = sis.sync()

    kid = _kid()
    assert kid.preferred_first_name == "Kit"
    assert kid.sis_values["preferred_first_name"] == "Kit"  # what the SIS last sent
    assert run.counts["unchanged"] == 1  # nobody is rewritten for a missing column
    [warning] = [w for w in run.warnings if "Preferred first name" in w["message"]]
    assert warning["file"] == "users.csv"
    assert warning["message"] == (
        "The sync settings share Preferred first name, but users.csv has no "
        "preferredGivenName or preferredFirstName column: the sync left every student's "
        "preferred first name as it is. Add the column to the SIS's export, or stop sharing "
        "Preferred first name in the sync settings."
    )


def test_a_hand_edit_of_a_shared_email_stays_while_the_sis_sends_no_email_column(
    sis, district, district_admin_user
):
    _share(district, "email")
    sis.users = [student(1)]
    sis.sync()
    assert _kid().email == "kid1@sis.example.org"
    student_update(actor=district_admin_user, student=_kid(), email="kid.one@school.example")

    sis.without_user_columns = ("email",)
    run = sis.sync()
    sis.sync()

    assert _kid().email == "kid.one@school.example"
    assert any("has no email column" in w["message"] for w in run.warnings)
    # The column back: the SIS's value is put back over the hand edit, as for any shared field.
    sis.without_user_columns = ()
    sis.sync()
    assert _kid().email == "kid1@sis.example.org"


def test_a_field_the_district_does_not_share_is_not_warned_about(sis, district):
    sis.users = [student(1)]
    sis.without_user_columns = ("middleName",)

    run = sis.sync()

    assert not [w for w in run.warnings if "sync settings share" in w["message"]]
    assert _kid().first_name == "Kid1"


def test_the_oneroster_import_leaves_a_field_its_set_has_no_column_for(
    district, school, district_admin_user
):
    # A manual student typed in with an email and the name she goes by.
    kid = factories.StudentFactory(
        school=school,
        username="kid1",
        first_name="Kid",
        email="kid1@school.example",
        preferred_first_name="Kiddo",
    )
    files = set_files(
        orgs=SCHOOLS, users=[student(1, givenName="Kidd")], without_user_columns=("email",)
    )

    result = engine.commit_file(
        actor=district_admin_user,
        district=district,
        kind="oneroster",
        file_name="sis.zip",
        content=zip_set(files),
    )

    assert (result.created, result.updated) == (0, 1)
    kid.refresh_from_db()
    assert kid.first_name == "Kidd"  # what the set sends is written
    assert (kid.email, kid.preferred_first_name) == ("kid1@school.example", "Kiddo")
