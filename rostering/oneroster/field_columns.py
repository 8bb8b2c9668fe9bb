"""The OneRoster column each registry field is read from, so that a problem with a value is
told in OneRoster's words (users.csv's givenName, not the template's First Name), or in
Clever's when the record came from one of Clever's files (rostering.clever.columns).

The OneRoster columns are the registry's (``Field.oneroster``), read here, never repeated."""

from rostering import registry
from rostering.clever.columns import CLEVER_COLUMNS
from rostering.registry import Unique

# Read first when a field name means different columns in two kinds ("name": orgs.name; a
# class/group's is its classes.title, asked with the kind).
_KIND_ORDER = ("class_group", "student", "educator", "organization")
_CLASS_KINDS = ("classes", "class_group")


def _column(spec: registry.Field) -> str:
    """The one OneRoster column ``spec`` is read from; "" when it is read from several
    (Active: status or enabledUser) or when which column it is is the district's choice (the
    External and Alt External Assigned IDs: identifier or sourcedId, its sync source's)."""
    if len(spec.oneroster) != 1 or spec.unique is Unique.DISTRICT:
        return ""
    return spec.oneroster[0].partition(".")[2]


def oneroster_columns(kind: str = "") -> dict[str, str]:
    """{registry field name: OneRoster column} of ``kind`` (a registry kind), or of every kind
    when none is given (a field name that means two columns gets the last kind's)."""
    kinds = [registry.KINDS[kind]] if kind else [registry.KINDS[k] for k in _KIND_ORDER]
    return {
        spec.name: column for k in kinds for spec in k.fields if (column := _column(spec))
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
    if kind in _CLASS_KINDS:
        return oneroster_columns("class_group").get(field) or oneroster_columns().get(field, "")
    return oneroster_columns().get(field, "")
