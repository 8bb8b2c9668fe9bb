"""How a registry field's value is read from a source's plain record (rostering.oneroster.
records' User), whatever the source: the attribute the registry names (``Field.record``), or
the rule it names (``Field.rule``) when the value is made rather than read.

The sync's plan and the OneRoster import both read people through ``readers``, so a field the
SIS sends is one registry entry, read the same way on both channels; each channel then gives
the value its own finish (the sync stores names clean, the import hands the template's cells
the SIS's text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter

from rostering import registry
from rostering.models import Educator

from .records import TO_BE_DELETED, USER_SLOTS

Reader = Callable[[object], object]

# The OneRoster column a district may choose as the username (SyncSource.username_field).
USERNAME_OF: dict[str, Reader] = {
    "username": attrgetter("username"),
    "email": attrgetter("email"),
    "identifier": attrgetter("identifier"),
    "sourcedId": attrgetter("sourced_id"),
}


def _active(user) -> bool:
    """Active unless the SIS marks the record tobedeleted or disables the account."""
    return user.status != TO_BE_DELETED and user.enabled


def _educator_type(user) -> str:
    if user.kind == "administrator":
        return Educator.EducatorType.ADMINISTRATOR
    return Educator.EducatorType.TEACHER


def _first_grade(user) -> str:
    """A person has one grade: the first the SIS lists."""
    return user.grades[0] if user.grades else ""


def _ids(use_identifier: bool) -> tuple[Reader, Reader]:
    """(External Assigned ID, Alt External Assigned ID): which of identifier and sourcedId
    is which is the district's choice (SyncSource.external_id_field)."""
    identifier, sourced_id = attrgetter("identifier"), attrgetter("sourced_id")
    return (identifier, sourced_id) if use_identifier else (sourced_id, identifier)


def _more(name: str) -> Reader:
    """The reader of a field the plain User holds in ``more`` (not one of its slots)."""

    def read(user) -> str:
        return user.more.get(name, "")

    return read


def _rules(*, use_identifier: bool, username_field: str) -> dict[str, Reader]:
    external, alt = _ids(use_identifier)
    return {
        "active": _active,
        "educator_type": _educator_type,
        "first_grade": _first_grade,
        "username": USERNAME_OF[username_field],
        "external_id": external,
        "alt_external_id": alt,
    }


RULES = frozenset(_rules(use_identifier=True, username_field="username"))


def readers(
    kind: registry.Kind, *, use_identifier: bool, username_field: str = "username"
) -> dict[str, Reader]:
    """{field name: reader of the source's value} for each of ``kind``'s fields a person's
    plain record carries (``Field.record`` or ``Field.rule``), in the registry's order. Made
    once per sync or import: a reader is called once per person."""
    rules = _rules(use_identifier=use_identifier, username_field=username_field)
    return field_readers(kind, rules, _user_attribute)


def _user_attribute(name: str) -> Reader:
    """A User's own attribute, or one it keeps in ``User.more`` (a field it has no slot for)."""
    return attrgetter(name) if name in USER_SLOTS else _more(name)


def field_readers(
    kind: registry.Kind, rules: dict[str, Reader], attribute: Callable[[str], Reader] = attrgetter
) -> dict[str, Reader]:
    """{field name: reader} for each of ``kind``'s fields a plain record carries, in the
    registry's order: the named rule (``Field.rule``, from ``rules``), or the record's
    attribute (``Field.record``, read by what ``attribute`` makes of its name)."""
    found: dict[str, Reader] = {}
    for spec in kind.fields:
        if spec.rule:
            found[spec.name] = rules[spec.rule]
        elif spec.record:
            found[spec.name] = attribute(spec.record)
    return found


def unsent(kind: registry.Kind, columns: Iterable[str], *, clever: bool = False) -> frozenset[str]:
    """The optional fields of ``kind`` (shareable: a district chooses to send them) that a
    source's file has none of the registry's columns for (``Field.oneroster``, or
    ``Field.clever``), given that file's ``columns`` as the registry names them
    ("users.email", "students.Student_email"; case ignored). The SIS does not send them: no
    channel reads one as blank, which a sync would otherwise write over every record's."""
    have = {column.lower() for column in columns}
    return frozenset(
        spec.name
        for spec in kind.fields
        if spec.sync is registry.SyncRole.SHAREABLE
        and not any(c.lower() in have for c in (spec.clever if clever else spec.oneroster))
    )
