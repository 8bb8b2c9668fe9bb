"""The OneRoster column each registry field is read from, so that a problem with a value is
told in OneRoster's words (users.csv's givenName, not the template's First Name)."""

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


def column_of(field: str, kind: str = "") -> str:
    """The column ``field`` (a registry field name) comes from; "" when none does."""
    if kind in ("classes", "class_group") and field == "name":
        return "title"
    return ONEROSTER_COLUMNS.get(field, "")
