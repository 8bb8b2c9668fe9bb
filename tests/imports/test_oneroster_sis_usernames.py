"""Issue 11: the OneRoster import takes the SIS's usernames as the sync does ("Mary Archer":
printable, trimmed, the model's length, unique platform-wide ignoring case), on the command
line and in the browser, and an educator imported so signs in to the portal."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.imports.models import ImportJob
from rostering.models import ClassGroup, Educator, Student
from rostering.sync.models import ProductRule
from tests import factories
from tests.oneroster.csvset import set_files, write_set, zip_set

from .test_commands import import_json

PASSWORD = "a long sign-in phrase 42"
STUDENTS = [("Mary", "Archer"), ("José", "Núñez"), ("Ann", "O'Neil")]


def _user(sourced_id, role, given, family, **extra) -> dict:
    row = {
        "sourcedId": sourced_id,
        "orgSourcedIds": "s1",
        "role": role,
        "username": f"{given} {family}",  # as ClassLink sends them
        "givenName": given,
        "familyName": family,
        "identifier": f"ID-{sourced_id}",
    }
    row.update(extra)
    return row


def classlink_set(*, students=STUDENTS, **changes) -> dict[str, list[dict]]:
    """A small ClassLink-made OneRoster 1.1 set: a school, a teacher and three students whose
    usernames are "Given Family", one Science class holding them all."""
    users = [_user("t1", "teacher", "Ruth", "Baker")]
    users += [_user(f"u{n}", "student", g, f) for n, (g, f) in enumerate(students, start=1)]
    tables = {
        "orgs": [
            {"sourcedId": "d1", "name": "Maple District", "type": "district"},
            {"sourcedId": "s1", "name": "North Elementary", "type": "school", "identifier": "N1"},
        ],
        "users": users,
        "classes": [
            {"sourcedId": "c1", "title": "Room 4", "schoolSourcedId": "s1", "subjects": "Science"}
        ],
        "enrollments": [
            {
                "sourcedId": f"e-{u['sourcedId']}",
                "classSourcedId": "c1",
                "userSourcedId": u["sourcedId"],
                "role": u["role"],
            }
            for u in users
        ],
    }
    tables.update(changes)
    return tables


@pytest.fixture
def maple(world):
    world.school.external_id = "N1"
    world.school.save()
    ProductRule.objects.create(
        district=world.district,
        match_field=ProductRule.MatchField.SUBJECT,
        pattern="Science",
        product=factories.ProductFactory(),
    )
    return world


def test_import_roster_takes_usernames_with_spaces_as_the_sis_sends_them(maple, tmp_path):
    folder = write_set(tmp_path / "classlink", **classlink_set())

    status, summary = import_json("--district", "maple", "--type", "oneroster", str(folder))

    assert status == 0, summary
    assert summary["errors"] == [] and summary["committed"] is True
    names = set(Student.objects.filter(district=maple.district).values_list("username", flat=True))
    assert names == {"Mary Archer", "José Núñez", "Ann O'Neil"}
    room = ClassGroup.objects.get(district=maple.district, external_id="c1")
    assert room.students.count() == 3
    assert list(room.educators.values_list("username", flat=True)) == ["Ruth Baker"]
    assert get_user_model().objects.filter(username="Ruth Baker").exists()


def test_a_sis_username_is_trimmed_and_one_with_a_tab_is_refused_naming_the_record(maple, tmp_path):
    tables = classlink_set()
    tables["users"][1]["username"] = "  Mary Archer "
    tables["users"][2]["username"] = "José\tNúñez"
    folder = write_set(tmp_path / "classlink", **tables)

    status, summary = import_json("--district", "maple", "--type", "oneroster", str(folder))

    assert status == 1
    (error,) = summary["errors"]
    assert (error["file"], error["record"], error["field"]) == ("users.csv", "u2", "username")
    assert "tab, line break or control character" in error["message"]
    assert not Student.objects.filter(district=maple.district).exists()  # nothing half-written


def test_a_sis_username_another_district_holds_in_other_case_is_refused(maple, tmp_path):
    factories.StudentFactory(username="mary archer")  # a student of another district
    folder = write_set(tmp_path / "classlink", **classlink_set())

    status, summary = import_json("--district", "maple", "--type", "oneroster", str(folder))

    assert status == 1
    (error,) = summary["errors"]
    assert error["record"] == "u1"
    assert 'The username "Mary Archer" is already taken (by "mary archer")' in error["message"]


def test_a_sis_username_longer_than_the_model_is_refused_not_cut(maple, tmp_path):
    tables = classlink_set()
    tables["users"][1]["username"] = "M" * 151
    folder = write_set(tmp_path / "classlink", **tables)

    status, summary = import_json("--district", "maple", "--type", "oneroster", str(folder))

    assert status == 1
    assert [e["record"] for e in summary["errors"]] == ["u1"]
    assert "at most 150 fit" in summary["errors"][0]["message"]


def test_the_web_import_previews_and_commits_usernames_with_spaces(
    client, maple, district_admin, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    content = zip_set(set_files(**classlink_set()))
    client.post(
        reverse("imports:upload"),
        {"kind": "oneroster", "file": SimpleUploadedFile("classlink.zip", content)},
    )
    job = ImportJob.objects.latest("pk")
    assert job.errors == []
    preview = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Mary Archer" in preview

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.failure_reason
    assert Student.objects.filter(district=maple.district, username="Mary Archer").exists()


def test_an_educator_imported_as_ruth_baker_signs_in_to_the_portal(client, maple, tmp_path):
    folder = write_set(tmp_path / "classlink", **classlink_set())
    status, _summary = import_json("--district", "maple", "--type", "oneroster", str(folder))
    assert status == 0
    user = Educator.objects.get(username="Ruth Baker").user
    user.set_password(PASSWORD)  # as "forgot password" would
    user.save()

    response = client.post(
        reverse("accounts:login"), {"username": "Ruth Baker", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_students_template_still_refuses_a_username_with_a_space(maple, tmp_path):
    """Usernames typed by people keep the portal's characters; only a SIS's are as sent."""
    path = tmp_path / "students.csv"
    path.write_text(
        "First Name,Last Name,Username,Organizations\nMary,Archer,Mary Archer,North Elementary\n"
    )

    status, summary = import_json("--district", "maple", "--type", "students", str(path))

    assert status == 1
    assert "no spaces" in summary["errors"][0]["message"]


def test_a_sis_username_holding_a_semicolon_teaches_its_class(maple, tmp_path):
    """The import lists a class's educators in one cell, separated by ";": a teacher the SIS
    calls "a;b" is one educator of the class, not two unknown ones."""
    tables = classlink_set()
    tables["users"][0]["username"] = "a;b"
    tables["users"].append(_user("t2", "teacher", "Sam", "Cole", username='"q";c'))
    tables["enrollments"].append(
        {"sourcedId": "e-t2", "classSourcedId": "c1", "userSourcedId": "t2", "role": "teacher"}
    )
    folder = write_set(tmp_path / "classlink", **tables)

    status, summary = import_json("--district", "maple", "--type", "oneroster", str(folder))

    assert status == 0, summary
    room = ClassGroup.objects.get(district=maple.district, external_id="c1")
    assert sorted(room.educators.values_list("username", flat=True)) == ['"q";c', "a;b"]
