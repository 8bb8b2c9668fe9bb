"""The OneRoster column each registry field is read from, so that a problem with a value is
told in OneRoster's words (users.csv's givenName, not the template's First Name), or in
Clever's when the record came from one of Clever's files (rostering.clever.columns).

The columns are the registry's (``Field.oneroster``, ``Field.clever``), read here and in
rostering.clever.columns, never repeated."""

from rostering import registry
from rostering.clever.columns import CLEVER_COLUMNS

# Read first when a field name means different columns in two kinds ("name": orgs.name; a
# class/group's is its classes.title, asked with the kind).
_KIND_ORDER = ("class_group", "student", "educator", "organization")
_CLASS_KINDS = ("classes", "class_group")


def oneroster_columns(kind: str = "") -> dict[str, str]:
    """{registry field name: OneRoster column} of ``kind`` (a registry kind: worked out once,
    ``Kind.oneroster_columns``), or of every kind when none is given (a field name that means
    two columns gets the last kind's; worked out once for the kinds as they are). Callers
    only read it."""
    if kind:
        return registry.KINDS[kind].oneroster_columns
    kinds = tuple(registry.KINDS[k] for k in _KIND_ORDER)
    made, merged = _every_kind
    if len(made) != len(kinds) or any(a is not b for a, b in zip(made, kinds, strict=True)):
        merged = {}
        for k in kinds:
            merged.update(k.oneroster_columns)
        _every_kind[:] = [kinds, merged]
    return merged


_every_kind: list = [(), {}]


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
