"""Issue 11: OneRoster 1.2's roles.csv holds a role from its beginDate to its endDate only. A
user is rostered at the orgs of the roles that hold today; a user whose every role has ended
(or not begun) is not rostered, with a warning naming the user and the column to fix."""

from __future__ import annotations

import csv
import io

from rostering.oneroster import read_snapshot

from .csvset import as_v12, csv_text
from .test_v12 import v11


def _with_dates(dates: dict[str, tuple[str, str]]) -> dict[str, bytes]:
    """The 1.2 set with {role sourcedId: (beginDate, endDate)} written into roles.csv."""
    files = as_v12(v11())
    rows = list(csv.DictReader(io.StringIO(files["roles.csv"])))
    for row in rows:
        row["beginDate"], row["endDate"] = dates.get(row["sourcedId"], ("", ""))
    files["roles.csv"] = csv_text([*rows[0].keys()], rows)
    return {name: text.encode() for name, text in files.items()}


def test_an_ended_role_is_not_current_the_user_stays_at_the_orgs_of_current_roles():
    snapshot = read_snapshot(
        _with_dates(
            {"role-tch-1-1": ("2019-08-01", "2020-06-30"), "role-tch-1-0": ("", "2999-06-30")}
        )
    )
    assert snapshot.users["tch-1"].org_sourced_ids == ["sch-1"]
    assert snapshot.errors == [] and snapshot.warnings == []


def test_a_user_whose_roles_all_ended_is_not_rostered_with_a_warning_naming_the_column():
    snapshot = read_snapshot(_with_dates({"role-stu-1-0": ("2019-08-01", "8/1/20")}))

    assert "stu-1" not in snapshot.users
    assert snapshot.errors == []
    [warning] = [w for w in snapshot.warnings if w.file == "users.csv"]
    assert warning.as_dict() == {
        "file": "users.csv",
        "row": 2,
        "record": "stu-1",
        "field": "endDate",
        "message": "Every role of the user in roles.csv ended on 2020-08-01: the user holds no "
        "current role and is not rostered. If the user is still at the school, correct the "
        "role's endDate in the SIS.",
    }


def test_a_role_that_begins_later_is_not_current_yet():
    snapshot = read_snapshot(_with_dates({"role-adm-1-0": ("2999-08-01", "")}))

    assert "adm-1" not in snapshot.users
    [warning] = snapshot.warnings
    assert (warning.record, warning.field) == ("adm-1", "beginDate")
    assert "begins on 2999-08-01" in warning.message
