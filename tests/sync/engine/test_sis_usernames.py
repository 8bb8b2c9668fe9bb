"""Issue 11: a synced username is what the SIS sends ("Mary Archer" too), from the OneRoster
column the district chose; take-overs say which identifier matched."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rostering.models import ClassGroup, Educator, Student
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncSource
from tests import factories
from tests.shared_data import SHARED_DATA

from .conftest import enroll, klass, student, teacher

PASSWORD = "a long sign-in phrase 42"


def _take_over_warnings(run) -> list[dict]:
    return [w for w in run.warnings if "by username alone" in w["message"]]


def test_a_classlink_username_with_a_space_is_rostered_as_sent(sis, school):
    sis.users = [
        student(1, username="  Mary Archer "),
        teacher(1, username="Ann Teacher"),
    ]
    run = sis.sync()

    assert run.errors == []
    assert run.counts["created"] == 2
    assert Student.objects.get().username == "Mary Archer"  # trimmed, space kept
    assert Educator.objects.get().username == "Ann Teacher"


def test_a_username_with_a_tab_is_refused_naming_the_row_and_column(sis, school):
    sis.users = [student(1, username="Mary\tArcher"), student(2)]
    run = sis.sync()

    assert [e["record"] for e in run.errors] == ["stu-1"]
    assert run.errors[0]["field"] == "username"
    assert "tab, line break or control character" in run.errors[0]["message"]
    assert list(Student.objects.values_list("username", flat=True)) == ["kid2"]


def test_a_username_too_long_for_the_model_is_refused_not_cut(sis, school):
    sis.users = [student(1, username="M" * 151)]
    run = sis.sync()

    assert "at most 150 fit" in run.errors[0]["message"]
    assert not Student.objects.exists()


def test_a_sis_username_differing_only_in_case_from_another_district_is_refused(sis, school):
    factories.StudentFactory(username="mary archer")  # another district's student
    sis.users = [student(1, username="Mary Archer")]
    run = sis.sync()

    assert "already taken" in run.errors[0]["message"]
    assert Student.objects.filter(district=sis.district).count() == 0


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("username", "kid1"),
        ("email", "kid1@sis.example.org"),
        ("identifier", "1001"),
        ("sourcedId", "stu-1"),
    ],
)
def test_the_district_chooses_which_column_becomes_the_username(sis, school, column, expected):
    SyncSource.objects.filter(district=sis.district).update(username_field=column)
    sis.users = [student(1)]
    sis.sync()

    assert Student.objects.get().username == expected


def test_an_educator_synced_as_mary_archer_signs_in_to_the_portal(sis, school, client):
    sis.users = [teacher(1, username="Mary Archer")]
    sis.sync()
    user = get_user_model().objects.get(educator__username="Mary Archer")
    assert user.username == "Mary Archer"
    user.set_password(PASSWORD)  # as "forgot password" would
    user.save()

    response = client.post(
        reverse("accounts:login"), {"username": "Mary Archer", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_take_over_says_which_identifiers_matched(sis, school):
    factories.StudentFactory(school=school, username="kid1", external_id="1001")
    sis.users = [student(1)]
    run = sis.sync(dry_run=True)

    (claimed,) = run.plan["claimed"]
    assert claimed["matched_by"] == ["Username", "External Assigned ID"]
    assert _take_over_warnings(run) == []


def test_a_take_over_by_username_alone_with_another_student_id_is_a_warning_first(sis, school):
    manual = factories.StudentFactory(school=school, username="Kid1", external_id="55555")
    sis.users = [student(1)]  # username kid1, identifier 1001
    preview = sis.sync(dry_run=True)

    (claimed,) = preview.plan["claimed"]
    assert claimed["matched_by"] == ["Username"]
    (warning,) = _take_over_warnings(preview)
    assert warning["record"] == "stu-1" and warning["field"] == "username"
    assert '"55555"' in warning["message"] and '"1001"' in warning["message"]
    manual.refresh_from_db()
    assert manual.origin != "synced"  # the preview applied nothing

    run = sis.sync()  # applied: the run keeps the same warning
    assert [w["record"] for w in _take_over_warnings(run)] == ["stu-1"]


NAMES = [
    ("Mary", "Archer"),
    ("José", "Núñez"),
    ("Li", "Wei"),
    ("Ann", "O'Neil"),
    ("Sam", "Lee-Park"),
    ("Ravi", "Shah"),
    ("Eva", "Stone"),
    ("Tom", "Reed"),
]


def test_a_classlink_style_set_rosters_every_user_and_fills_its_classes(sis, school):
    """The issue's set: OneRoster 1.1 from ClassLink, usernames "Given Family", 10 users and
    two classes. It rejected everyone and left two empty classes; now all are rostered."""
    people = [
        student(n, username=f"{given} {family}", givenName=given, familyName=family)
        for n, (given, family) in enumerate(NAMES, start=1)
    ]
    people += [teacher(1, username="Ruth Baker"), teacher(2, username="Karl Ito")]
    sis.users = people
    sis.classes = [klass(1), klass(2)]
    sis.enrollments = [enroll(1 + n % 2, p["sourcedId"], p["role"]) for n, p in enumerate(people)]
    run = sis.sync()

    assert run.errors == []
    assert Student.objects.filter(username="José Núñez").exists()
    assert Student.objects.count() == 8 and Educator.objects.count() == 2
    sizes = sorted(c.students.count() for c in ClassGroup.objects.all())
    assert sizes == [4, 4]
    again = sis.sync()
    assert again.counts["created"] == again.counts["updated"] == again.counts["claimed"] == 0


def test_a_real_set_whose_identifiers_have_spaces_can_give_the_usernames(district):
    """oneroster-oat-sa's identifiers are "user identifier" and "user identifier 2"."""
    SyncSource.objects.filter(district=district).update(username_field="identifier")
    run = run_sync(
        district=district,
        trigger="command",
        source_path=str(SHARED_DATA / "oneroster-oat-sa-v1p1-base"),
    )

    assert run.errors == []
    usernames = set(Student.objects.filter(district=district).values_list("username", flat=True))
    assert usernames == {"user identifier", "user identifier 2"}


def test_a_blank_chosen_username_column_is_refused_saying_which_setting(sis, school):
    SyncSource.objects.filter(district=sis.district).update(username_field="email")
    sis.users = [student(1, email=""), student(2)]
    run = sis.sync()

    (error,) = run.errors
    assert (error["record"], error["field"]) == ("stu-1", "email")
    assert "the sync settings take usernames from email" in error["message"]
    assert list(Student.objects.values_list("username", flat=True)) == ["kid2@sis.example.org"]
