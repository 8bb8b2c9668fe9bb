"""Issue 11, honest results: sync_district exits 1 when the SIS sent users or classes and too
many could not be rostered, says why in one sentence, and prints every count and problem."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from rostering.models import ClassStudent, Student
from tests.shared_data import SHARED_DATA

from .conftest import enroll, klass, student
from .test_products import _math_class, _math_rule

PROBLEM_KEYS = {"file", "row", "record", "field", "message"}


def sync_json(*args) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("sync_district", *args, "--json", stdout=out, stderr=StringIO())
    except SystemExit as exc:
        return int(exc.code), json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


def test_a_set_whose_every_user_is_refused_exits_1_with_its_sentence(sis):
    sis.users = [student(n, username="") for n in (1, 2, 3)]
    sis.write()

    status, result = sync_json("cedar", "--source", str(sis.folder))

    assert status == 1
    assert result["created"] == 0
    assert result["refused"].startswith("3 of 3 users were refused, none could be rostered.")
    assert "The first: users.csv, row 2, stu-1, username: " in result["refused"]
    assert [(e["file"], e["row"], e["record"], e["field"]) for e in result["errors"]] == [
        ("users.csv", 2, "stu-1", "username"),
        ("users.csv", 3, "stu-2", "username"),
        ("users.csv", 4, "stu-3", "username"),
    ]


def test_the_sentence_goes_to_stderr_without_json(sis):
    sis.users = [student(1, username="")]
    sis.write()
    out, err = StringIO(), StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("sync_district", "cedar", "--source", str(sis.folder), stdout=out, stderr=err)

    assert exit_info.value.code == 1
    assert err.getvalue().startswith("1 of 1 users was refused")


def test_more_than_the_share_refused_exits_1_and_the_share_is_a_setting(sis, settings):
    sis.users = [student(1), student(2, username=""), student(3, username="")]
    sis.write()

    status, result = sync_json("cedar", "--source", str(sis.folder), "--dry-run")
    assert status == 1
    assert result["refused"].startswith("2 of 3 users were refused, more than the 50%")

    settings.ROSTER_REFUSED_SHARE_PERCENT = 70
    status, result = sync_json("cedar", "--source", str(sis.folder))
    assert status == 0 and result["refused"] == ""
    assert Student.objects.count() == 1  # what could be rostered was


def test_none_rostered_exits_1_even_when_the_share_allows_every_record(sis, settings):
    settings.ROSTER_REFUSED_SHARE_PERCENT = 100
    sis.users = [student(1, username=""), student(2, username="")]
    sis.write()

    status, result = sync_json("cedar", "--source", str(sis.folder))

    assert status == 1 and result["refused"].startswith(
        "2 of 2 users were refused, none could be rostered."
    )


def test_exactly_the_share_refused_still_exits_0(sis):
    sis.users = [student(1), student(2, username="")]
    sis.write()

    status, result = sync_json("cedar", "--source", str(sis.folder))

    assert status == 0 and result["refused"] == "" and result["created"] == 1


def test_json_counts_organizations_memberships_and_product_links(sis, district):
    _math_rule(district)
    _math_class(sis)
    sis.enrollments = [enroll(1, "stu-1")]
    sis.write()

    status, result = sync_json("cedar", "--source", str(sis.folder))

    assert status == 0, result["refused"]
    assert result["memberships"] == {"added": 1, "removed": 0}
    assert result["product_links"] == {"added": 1, "taken_over": 0, "removed": 0}
    assert set(result["organizations"]) == {"created", "updated"}
    assert ClassStudent.objects.count() == 1
    assert all(set(p) == PROBLEM_KEYS for p in result["warnings"] + result["errors"])


def test_a_user_refused_by_a_value_names_its_column(sis):
    sis.users = [student(1, email="not-an-email")]
    sis.write()

    status, result = sync_json("cedar", "--source", str(sis.folder))

    assert status == 1
    assert "The first: users.csv, row 2, stu-1, email: " in result["refused"]


def test_a_class_refused_names_its_column(sis):
    sis.users = [student(1)]
    sis.classes = [klass(1, grades="42")]
    sis.write()

    status, result = sync_json("cedar", "--source", str(sis.folder))

    assert status == 1
    assert result["refused"].startswith("1 of 1 classes was refused")
    assert [(e["file"], e["record"], e["field"]) for e in result["errors"]] == [
        ("classes.csv", "cls-1", "grades")
    ]


def test_a_real_export_that_rosters_exits_0_and_counts_its_schools(district):
    folder = SHARED_DATA / "oneroster-oat-sa-v1p1-base"

    status, result = sync_json("cedar", "--source", str(folder), "--dry-run")

    assert status == 0 and result["refused"] == ""
    assert result["created"] > 0 and result["organizations"]["created"] > 0
    assert all(set(p) == PROBLEM_KEYS for p in result["warnings"] + result["errors"])
