"""Issue 11, passwords from the SIS: users.csv's password is kept for students, encrypted; a
changed one updates it, a blank one keeps it; the run counts them and never shows them."""

import json
from io import StringIO

from django.core.management import call_command

from rostering.models import Student
from rostering.passwords import decrypt_password

from .conftest import student


def passwords() -> dict[str, str]:
    return {s.username: decrypt_password(s.password_encrypted) for s in Student.objects.all()}


def test_sis_passwords_are_kept_encrypted_and_counted(sis):
    sis.users = [student(1, password="tiger42"), student(2)]

    run = sis.sync()

    assert passwords() == {"kid1": "tiger42", "kid2": ""}
    assert "tiger42" not in Student.objects.get(username="kid1").password_encrypted
    assert run.counts["passwords"] == {"set": 1}


def test_a_changed_password_updates_a_blank_one_keeps_it_and_the_same_changes_nothing(sis):
    sis.users = [student(1, password="tiger42"), student(2, password="otter77")]
    sis.sync()

    sis.users = [student(1, password="comet55"), student(2)]
    run = sis.sync(dry_run=True)
    [changed] = run.plan["changed"]
    assert changed["changes"]["password_encrypted"] == ["(set)", "(set)"]  # never the token
    run = sis.sync()

    assert passwords() == {"kid1": "comet55", "kid2": "otter77"}
    assert (run.counts["passwords"], run.counts["updated"]) == ({"set": 1}, 1)
    again = sis.sync()
    assert (again.counts["passwords"], again.counts["updated"]) == ({"set": 0}, 0)


def test_a_password_the_rules_refuse_is_a_warning_and_the_student_is_still_rostered(sis):
    sis.users = [student(1, password="ab")]

    run = sis.sync()

    assert passwords() == {"kid1": ""}
    [warning] = [w for w in run.warnings if w.get("field") == "password"]
    assert (warning["file"], warning["record"]) == ("users.csv", "stu-1")
    assert "at least 4 characters" in warning["message"]


def test_sync_district_json_and_text_say_how_many_passwords_it_set(sis):
    sis.users = [student(1, password="tiger42"), student(2, password="otter77")]
    sis.write()
    out = StringIO()
    call_command("sync_district", "cedar", "--source", str(sis.folder), "--json", stdout=out)
    assert json.loads(out.getvalue())["passwords"] == {"set": 2}

    sis.users = [student(1, password="comet55"), student(2, password="otter77")]
    sis.write()
    out = StringIO()
    call_command("sync_district", "cedar", "--source", str(sis.folder), stdout=out)
    assert "1 student password(s) set from the SIS." in out.getvalue()
    assert "comet55" not in out.getvalue()
