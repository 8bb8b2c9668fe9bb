
from datetime import date

import pytest

from rostering.oneroster import SnapshotError, read_snapshot
from tests.shared_data import SHARED_DATA

from .csvset import csv_text, set_files, write_set, zip_set

DATA = SHARED_DATA
SCHOOL = {"sourcedId": "sch-1", "name": "North High", "type": "school"}
ANA = {
    "sourcedId": "u-1",
    "orgSourcedIds": "sch-1",
    "role": "student",
    "username": "ana",
    "givenName": "Ana",
    "familyName": "Lopez",
    "identifier": "1001",
    "grades": "3",
}


def messages(problems) -> str:
    return "\n".join(p.message for p in problems)


def test_reads_a_clean_set_from_a_folder(tmp_path):
    write_set(
        tmp_path,
        orgs=[SCHOOL],
        users=[
            ANA,
            {**ANA, "sourcedId": "t-1", "role": "teacher", "username": "tess", "givenName": "Tess"},
        ],
        classes=[
            {
                "sourcedId": "c-1",
                "title": "Math 3",
                "schoolSourcedId": "sch-1",
                "classType": "scheduled",
                "subjects": "Math, Algebra",
            }
        ],
        enrollments=[
            {"sourcedId": "e-1", "classSourcedId": "c-1", "userSourcedId": "u-1", "role": "student"}
        ],
    )
    snapshot = read_snapshot(tmp_path)
    assert snapshot.errors == []
    assert snapshot.users["u-1"].kind == "student"
    assert snapshot.users["t-1"].kind == "teacher"
    assert snapshot.users["u-1"].org_sourced_ids == ["sch-1"]
    assert snapshot.classes["c-1"].subjects == ["Math", "Algebra"]
    assert [e.user_sourced_id for e in snapshot.enrollments] == ["u-1"]


def test_reads_zip_bytes_with_files_in_a_subfolder():
    snapshot = read_snapshot(zip_set(set_files(orgs=[SCHOOL], users=[ANA])))
    assert list(snapshot.users) == ["u-1"]


def test_bom_cr_lf_and_no_trailing_newline_are_read(tmp_path):
    text = csv_text(list(set_files(users=[ANA])["users.csv"].splitlines()[0].split(",")), [ANA])
    (tmp_path / "users.csv").write_bytes(b"\xef\xbb\xbf" + text.rstrip("\r\n").encode())
    (tmp_path / "orgs.csv").write_text(set_files(orgs=[SCHOOL])["orgs.csv"])
    snapshot = read_snapshot(tmp_path)
    assert snapshot.users["u-1"].username == "ana"
    assert snapshot.users["u-1"].sourced_id == "u-1"  # no BOM glued to the first header


def test_wrong_case_of_an_enum_is_a_warning_not_an_error(tmp_path):
    write_set(tmp_path, orgs=[SCHOOL], users=[{**ANA, "role": "Student", "status": "Active"}])
    snapshot = read_snapshot(tmp_path)
    assert snapshot.users["u-1"].kind == "student"
    assert 'role "Student" read as "student"' in messages(snapshot.warnings)
    assert snapshot.errors == []


def test_a_class_whose_school_is_missing_is_an_error_naming_file_row_and_record(tmp_path):
    write_set(
        tmp_path,
        orgs=[SCHOOL],
        users=[ANA],
        classes=[{"sourcedId": "c-9", "title": "Lost", "schoolSourcedId": "nowhere"}],
    )
    snapshot = read_snapshot(tmp_path)
    [error] = snapshot.errors
    assert (error.file, error.row, error.record) == ("classes.csv", 2, "c-9")
    assert "nowhere" in error.message
    assert "c-9" not in snapshot.classes
    assert snapshot.rejected["classes"] == {"c-9"}


def test_a_user_with_a_blank_username_is_rejected_and_remembered(tmp_path):
    write_set(tmp_path, orgs=[SCHOOL], users=[ANA, {**ANA, "sourcedId": "u-2", "username": ""}])
    snapshot = read_snapshot(tmp_path)
    assert list(snapshot.users) == ["u-1"]
    assert snapshot.rejected["users"] == {"u-2"}
    assert "username is blank" in messages(snapshot.errors)


def test_a_missing_required_column_in_classes_makes_the_file_incomplete(tmp_path):
    write_set(tmp_path, orgs=[SCHOOL], users=[ANA])
    (tmp_path / "classes.csv").write_text("sourcedId,title\nc-1,Math\n")
    snapshot = read_snapshot(tmp_path)
    assert not snapshot.is_complete("classes")
    assert "schoolSourcedId" in messages(snapshot.errors)


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"orgs.csv": "sourcedId,name,type\ns,S,school\n"}, "no users.csv"),
        ({"students.csv": "id,name\n1,A\n"}, "not a OneRoster CSV set"),
        ({"users.csv": "sourcedId,givenName\nu,A\n"}, "users.csv has no username"),
        ({"users.csv": "sourcedId,username,givenName,familyName,role\n"}, "no rows"),
    ],
)
def test_an_unusable_set_fails_with_a_clear_reason(tmp_path, files, reason):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(SnapshotError, match=reason):
        read_snapshot(tmp_path)


def test_not_a_zip_is_a_clear_failure():
    with pytest.raises(SnapshotError, match="not a zip file"):
        read_snapshot(b"hello")


def test_moodle_v1p2_bulk_roles_come_from_roles_csv_and_quirks_are_warnings(moodle_as_exported):
    snapshot = read_snapshot(DATA / "oneroster-moodle-enrol-fixtures/v1p2-bulk")
    assert snapshot.version == "1.2"
    assert snapshot.users["usr-222-123456"].kind == "teacher"
    assert snapshot.users["usr-222-1234561"].kind == "administrator"
    text = messages(snapshot.warnings)
    assert '"prefferedGivenName" read as "preferredGivenName"' in text
    assert '"dataLastModified" read as "dateLastModified"' in text
    assert "2 column(s) with no header name ignored" in text
    assert "userProfiles.csv holds roles data" in text
    assert '"1/05/2023" is not an ISO 8601 date' in text
    assert 'classType "Scheduled" read as "scheduled"' in text
    assert 'status "inactive"' in text
    assert snapshot.errors == []


def test_oat_base_set_old_header_names_header_only_files_and_extensions():
    snapshot = read_snapshot(DATA / "oneroster-oat-sa-v1p1-base")
    text = messages(snapshot.warnings)
    assert '"grade" read as "grades"' in text
    assert "header but no rows" in text
    assert snapshot.users["user1"].extensions["ext_tao_userMotherName"] == "metadata.value1"
    assert snapshot.orgs["12345"].parent_sourced_id == "54321"
    assert len(snapshot.enrollments) == 3


def test_moodle_delta_set_marks_its_files_as_delta():
    snapshot = read_snapshot(DATA / "oneroster-moodle-enrol-fixtures/v1p2-delta")
    assert not snapshot.is_complete("users")
    assert snapshot.users["USER_0"].kind == "student"
    assert snapshot.users["USER_0"].org_sourced_ids == ["ORG_1"]


def test_moodle_v1p1_parent_role_is_read_but_not_rostered():
    snapshot = read_snapshot(DATA / "oneroster-moodle-enrol-fixtures/v1p1-bulk-full")
    assert snapshot.users["usr-222-1234561"].kind == ""
    assert "no courses.csv" in messages(snapshot.warnings)


def _users_file(users: list[dict]) -> str:
    return set_files(users=users)["users.csv"]


@pytest.mark.parametrize(
    ("encoding", "line_end"),
    [("utf-8", "\r\n"), ("utf-8", "\r"), ("cp1252", "\n"), ("utf-8-sig", "\n")],
    ids=["utf-8 crlf", "utf-8 cr only", "windows-1252", "utf-8 with bom"],
)
def test_values_come_out_trimmed_and_without_invisible_characters_whatever_the_bytes(
    tmp_path, encoding, line_end
):
    sent = {
        **ANA,
        "givenName": "\u00a0Jos\u00e9\u200b ",  # no-break space, zero-width space
        "familyName": "L\u00f3pez\u00ad",  # soft hyphen
        "username": " ana.lopez ",
    }
    text = _users_file([sent]).replace("\r\n", "\n").replace("\n", line_end)
    # Windows-1252 has no zero-width space: that file carries the other two.
    (tmp_path / "users.csv").write_bytes(text.encode(encoding, errors="ignore"))
    (tmp_path / "orgs.csv").write_text(set_files(orgs=[SCHOOL])["orgs.csv"])

    user = read_snapshot(tmp_path).users["u-1"]

    assert (user.given_name, user.family_name, user.username) == (
        "Jos\u00e9",
        "L\u00f3pez",
        "ana.lopez",
    )


def test_a_direction_override_in_a_username_is_dropped_not_kept(tmp_path):
    # U+202E makes "ana\u202eexe.txt" display reversed; no channel stores it.
    sent = {**ANA, "username": "ana\u202e.lopez", "email": "ana@x.example\u2066"}
    write_set(tmp_path, orgs=[SCHOOL], users=[sent])

    user = read_snapshot(tmp_path).users["u-1"]

    assert (user.username, user.email) == ("ana.lopez", "ana@x.example")


def test_a_quoted_cell_spanning_lines_is_one_value_in_a_large_plain_file(tmp_path):
    users = [{**ANA, "sourcedId": f"u-{n}", "username": f"kid{n}"} for n in range(3000)]
    users[1500]["familyName"] = "Lopez\nGarcia"  # csv quotes it; the row continues
    write_set(tmp_path, orgs=[SCHOOL], users=users)

    snapshot = read_snapshot(tmp_path)

    assert len(snapshot.users) == 3000 and snapshot.errors == []
    assert snapshot.users["u-1500"].family_name == "Lopez\nGarcia"
    assert snapshot.users["u-1501"].row == 1504  # rows after it keep the spreadsheet's numbers


# ---- issue 11, SIS vocabularies: dates in ISO and US forms ---------------------------------


def test_dates_in_iso_and_us_forms_with_two_or_four_digit_years_read_alike():
    klass = {"sourcedId": "c-1", "title": "Room 4", "schoolSourcedId": "sch-1"}
    forms = ["2015-08-01", "08/01/2015", "8/1/2015", "8/1/15", "2015-08-01T00:00:00Z"]
    enrollments = [
        {
            "sourcedId": f"e-{n}",
            "classSourcedId": "c-1",
            "userSourcedId": "u-1",
            "role": "student",
            "beginDate": form,
            "endDate": "6/15/16",
        }
        for n, form in enumerate(forms)
    ]
    files = set_files(orgs=[SCHOOL], users=[ANA], classes=[klass], enrollments=enrollments)
    header = ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate"]
    session = {"sourcedId": "y-1", "title": "2015-16", "type": "schoolYear"}
    files["academicSessions.csv"] = csv_text(
        header, [{**session, "startDate": "8/1/15", "endDate": "2016-06-15"}]
    )

    snapshot = read_snapshot({name: text.encode() for name, text in files.items()})

    assert [e.begin_date for e in snapshot.enrollments] == [date(2015, 8, 1)] * len(forms)
    assert {e.end_date for e in snapshot.enrollments} == {date(2016, 6, 15)}
    year = snapshot.academic_sessions["y-1"]
    assert (year.start_date, year.end_date) == (date(2015, 8, 1), date(2016, 6, 15))
    text = messages(snapshot.warnings)
    assert 'startDate "8/1/15" is not an ISO 8601 date (YYYY-MM-DD); read as 2015-08-01.' in text
    assert "is not a date" not in text
    assert snapshot.errors == []


def test_a_date_that_is_no_date_is_ignored_with_a_warning_naming_it():
    klass = {"sourcedId": "c-1", "title": "Room 4", "schoolSourcedId": "sch-1"}
    enrollment = {
        "sourcedId": "e-1",
        "classSourcedId": "c-1",
        "userSourcedId": "u-1",
        "role": "student",
        "beginDate": "13/13/15",
    }
    files = set_files(orgs=[SCHOOL], users=[ANA], classes=[klass], enrollments=[enrollment])

    snapshot = read_snapshot({name: text.encode() for name, text in files.items()})

    assert [e.begin_date for e in snapshot.enrollments] == [None]
    assert 'beginDate "13/13/15" is not a date; ignored.' in messages(snapshot.warnings)


def test_enrollments_read_again_from_their_file_are_the_rows_read_with_the_values_fixed():
    klass = {"sourcedId": "c-1", "title": "Room 4", "schoolSourcedId": "sch-1"}
    rows = [
        {"sourcedId": "e-1", "classSourcedId": "c-1", "userSourcedId": "u-1", "role": "Student",
         "primary": "TRUE", "beginDate": "2015-08-01", "status": "tobedeleted"},
        {"sourcedId": "e-2", "classSourcedId": "c-9", "userSourcedId": "u-1", "role": "student"},
        {"sourcedId": "e-1", "classSourcedId": "c-1", "userSourcedId": "u-1", "role": "student"},
        {"sourcedId": "e-3", "classSourcedId": "c-1", "userSourcedId": "nobody"},
        {"sourcedId": "e-4", "classSourcedId": "c-1", "userSourcedId": "u-1", "role": "student",
         "endDate": "6/15/2016"},
    ]  # fmt: skip
    files = set_files(orgs=[SCHOOL], users=[ANA], classes=[klass], enrollments=rows)

    snapshot = read_snapshot({name: text.encode() for name, text in files.items()})
    walks = [
        [(e.sourced_id, e.role, e.primary, e.begin_date, e.end_date, e.status, e.row)
         for e in snapshot.enrollments]
        for _ in range(2)
    ]  # fmt: skip

    assert len(snapshot.enrollments) == 2
    assert walks[0] == walks[1] == [
        ("e-1", "student", True, date(2015, 8, 1), None, "tobedeleted", 2),
        ("e-4", "student", False, None, date(2016, 6, 15), "active", 6),
    ]
    assert [(p.row, p.field) for p in snapshot.errors] == [(3, "classSourcedId"),
                                                          (5, "userSourcedId")]  # fmt: skip
    warned = messages(snapshot.warnings)
    assert warned.count('role "Student" read as "student"') == 1  # once, however often walked
    assert "sourcedId e-1 appears twice" in warned


def test_enrollments_of_short_long_and_padded_rows_read_alike_each_walk():
    """Rows shorter than the header read their missing cells as blank, cells beyond it are
    one counted warning, padding is trimmed, and a column the file lacks reads blank."""
    klass = {"sourcedId": "c-1", "title": "Room 4", "schoolSourcedId": "sch-1"}
    files = set_files(orgs=[SCHOOL], users=[ANA], classes=[klass])
    files["enrollments.csv"] = (  # no "primary", "beginDate" or "endDate" column
        "sourcedId,status,dateLastModified,classSourcedId,userSourcedId,role\r\n"
        " e-1 ,,, c-1 ,u-1, student \r\n"
        "e-2,,,c-1,u-1,student,stray\r\n"
        "e-3,,,c-1,u-1,student,,stray again\r\n"
        "e-4,,,c-1,u-1\r\n"
    )

    snapshot = read_snapshot({name: text.encode() for name, text in files.items()})
    walks = [
        [(e.sourced_id, e.class_sourced_id, e.user_sourced_id, e.role, e.primary, e.row)
         for e in snapshot.enrollments]
        for _ in range(2)
    ]  # fmt: skip

    assert walks[0] == walks[1] == [
        ("e-1", "c-1", "u-1", "student", False, 2),
        ("e-2", "c-1", "u-1", "student", False, 3),
        ("e-3", "c-1", "u-1", "student", False, 4),
        ("e-4", "c-1", "u-1", "", False, 5),
    ]
    warned = messages(snapshot.warnings)
    assert "more cells than the header has columns" in warned
    assert "(2 rows like this; the first is shown)" in warned
    assert 'Role "" is not a OneRoster role' in warned
