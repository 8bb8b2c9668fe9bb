"""The demo district's SIS export: a zipped OneRoster 1.1 bulk set built from rostering.demo_data.

It agrees with the demo's synced records (the sourcedIds, identifiers and usernames the sync
engine matches on, the schools, the classes and their rosters) except for two changes a real SIS
would send, so the demo's first Preview shows something: one student's first name was corrected
and one new student joined a homeroom. Nothing is deactivated, so a first Sync now is not held.
Manual demo records are not in the export: the sync leaves them alone.
"""

from __future__ import annotations

import csv
import io
import zipfile

from rostering.demo_data import (
    SCHOOLS,
    STUDENTS_PER_SCHOOL,
    TEACHERS,
    DemoStudent,
    class_rosters,
    demo_students,
    educator_email,
    school_sourced_id,
    synced_classes,
    teacher_sourced_id,
    teacher_username,
)

DISTRICT_SOURCED_ID = "org-demo-usd"
SCHOOL_YEAR = "sy-2025-2026"
# The SIS now has the legal first name of this synced Lincoln student (Liam in the portal).
RENAMED = ("stu-LIN-1", "William")
# A student the SIS enrolled in Lincoln's homeroom after the demo was set up.
NEW_STUDENT = DemoStudent("LIN", STUDENTS_PER_SCHOOL, "Jordan", "Ellis", "KG")

HEADERS = {
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions": (
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
        "schoolYear"
    ),
    "users": (
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
        "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
        "password"
    ),
    "courses": (
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
        "orgSourcedId,subjects,subjectCodes"
    ),
    "classes": (
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
        "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods"
    ),
    "enrollments": (
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate"
    ),
}
ABSENT = ("categories", "classResources", "courseResources", "demographics", "lineItems",
          "resources", "results")


def snapshot_tables() -> dict[str, list[dict]]:
    """The set's rows, by file stem (OneRoster column -> value; missing cells are blank)."""
    tables: dict[str, list[dict]] = {stem: [] for stem in HEADERS}
    tables["orgs"].append(
        {"sourcedId": DISTRICT_SOURCED_ID, "name": "Demo Unified School District",
         "type": "district", "identifier": "DEMO-USD"}
    )
    tables["academicSessions"].append(
        {"sourcedId": SCHOOL_YEAR, "title": "2025-2026", "type": "schoolYear",
         "startDate": "2025-08-01", "endDate": "2026-06-30", "schoolYear": "2026"}
    )
    students = demo_students()
    students["LIN"] = [*students["LIN"], NEW_STUDENT]
    for name, code, grades in SCHOOLS:
        school = school_sourced_id(code)
        tables["orgs"].append(
            {"sourcedId": school, "name": name, "type": "school", "identifier": f"{code}-001",
             "parentSourcedId": DISTRICT_SOURCED_ID}
        )
        handle, first, last = TEACHERS[0]  # the school's synced teacher
        username = teacher_username(handle, code)
        teacher = teacher_sourced_id(username)
        tables["users"].append(
            {"sourcedId": teacher, "enabledUser": "true", "orgSourcedIds": school,
             "role": "teacher", "username": username, "givenName": first, "familyName": last,
             "identifier": f"E-{username}", "email": educator_email(username)}
        )
        synced = [s for s in students[code] if s.synced]
        tables["users"] += [_student_row(student, school) for student in synced]
        rosters = class_rosters([s for s in students[code] if s is not NEW_STUDENT])
        if code == NEW_STUDENT.code:
            rosters = ([*rosters[0], NEW_STUDENT], rosters[1])
        for cls, members in zip(synced_classes(code, grades), rosters, strict=True):
            course = f"crs-{cls.sourced_id}"
            tables["courses"].append(
                {"sourcedId": course, "schoolYearSourcedId": SCHOOL_YEAR, "title": cls.name,
                 "courseCode": cls.course_code, "grades": cls.grade, "orgSourcedId": school,
                 "subjects": cls.subject}
            )
            tables["classes"].append(
                {"sourcedId": cls.sourced_id, "title": cls.name, "grades": cls.grade,
                 "courseSourcedId": course, "classCode": cls.sourced_id,
                 "classType": cls.class_type, "schoolSourcedId": school,
                 "termSourcedIds": SCHOOL_YEAR, "subjects": cls.subject, "periods": "1"}
            )
            people = [(teacher, "teacher", "true")]
            people += [(s.sourced_id, "student", "false") for s in members]
            tables["enrollments"] += [
                {"sourcedId": f"enr-{cls.sourced_id}-{user}", "classSourcedId": cls.sourced_id,
                 "schoolSourcedId": school, "userSourcedId": user, "role": role,
                 "primary": primary}
                for user, role, primary in people
            ]
    return tables


def _student_row(student: DemoStudent, school: str) -> dict:
    renamed_id, new_first = RENAMED
    return {
        "sourcedId": student.sourced_id,
        "enabledUser": "true",
        "orgSourcedIds": school,
        "role": "student",
        "username": student.username,
        "givenName": new_first if student.sourced_id == renamed_id else student.first,
        "familyName": student.last,
        "identifier": student.external_id,
        "email": student.email,
        "grades": student.grade,
    }


def snapshot_files() -> dict[str, str]:
    """{file name: CSV text} of the set, manifest.csv included."""
    manifest = [("manifest.version", "1.0"), ("oneroster.version", "1.1")]
    manifest += [(f"file.{stem}", "bulk") for stem in HEADERS]
    manifest += [(f"file.{stem}", "absent") for stem in ABSENT]
    files = {"manifest.csv": _csv(["propertyName", "value"], [dict(
        zip(["propertyName", "value"], row, strict=True)) for row in manifest])}
    for stem, rows in snapshot_tables().items():
        files[f"{stem}.csv"] = _csv(HEADERS[stem].split(","), rows)
    return files


def snapshot_zip() -> bytes:
    """The set zipped, as an administrator would upload it on the Sync page."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in snapshot_files().items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _csv(header: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
