"""The OneRoster column each registry field is read from, so that a problem with a value is
told in OneRoster's words (users.csv's givenName, not the template's First Name), or in
Clever's when the record came from one of Clever's files (rostering.clever.columns)."""

from rostering.clever.columns import CLEVER_COLUMNS

ONEROSTER_COLUMNS = {
    "first_name": "givenName",
    "last_name": "familyName",
    "middle_name": "middleName",
    "username": "username",
    "email": "email",
    "grade": "grades",
    "grades": "grades",
    "schools": "orgSourcedIds",
    "organizations": "orgSourcedIds",
    "educator_type": "role",
    "name": "name",
    "org_type": "type",
    "parent": "parentSourcedId",
    "school": "schoolSourcedId",
    "subject": "subjects",
    "course_code": "courseCode",
    "classes": "classSourcedId",
    "educators": "userSourcedId",
}


def column_of(field: str, kind: str = "", file: str = "", clever_id: str = "") -> str:
    """The column ``field`` (a registry field name, or the OneRoster column a setting names)
    comes from; "" when none does. ``file`` is the record's file: one of Clever's names it in
    Clever's words, with ``clever_id`` the column the district takes students' identifier
    from (Student_number or Sis_id)."""
    if file in CLEVER_COLUMNS and file != "enrollments.csv":  # that name is OneRoster's too
        if file == "students.csv" and field == "identifier":
            return clever_id or "Student_number"
        return CLEVER_COLUMNS[file].get(field, "")
    if kind in ("classes", "class_group") and field == "name":
        return "title"
    return ONEROSTER_COLUMNS.get(field, "")
