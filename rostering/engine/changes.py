"""A batch of roster changes: what a channel asks the engine to write, item by item.

Plain dataclasses, no Django models: record creates, updates and deletes (kind, pk, field
values before and after, by attribute name), link adds and removes (see ``LINKS``), and
product settings set or cleared. Every item carries its ``Source`` (file, row and column; a
form field; a SIS sourcedId) so that a problem is told in the caller's own terms.

A record the batch creates has no primary key yet: ``Batch.create`` returns a ``New`` that
links, and other creates' fields (an organization's parent), may name instead of a pk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

# The kinds of record the engine writes (the registry's kind names).
KINDS = ("organization", "educator", "class_group", "student")

# The links between records: name -> (owner kind, other kind). The owner is the record whose
# list the link belongs to ("student_school": a student's schools).
LINKS: dict[str, tuple[str, str]] = {
    "student_school": ("student", "organization"),
    "educator_school": ("educator", "organization"),
    "class_student": ("class_group", "student"),
    "class_educator": ("class_group", "educator"),
    "class_product": ("class_group", "product"),
    "student_product": ("student", "product"),
}


class Source(NamedTuple):
    """Where an item came from, as the caller names it (a tuple: cheap to make per row)."""

    file: str = ""
    row: int = 0
    column: str = ""
    form_field: str = ""
    sourced_id: str = ""

    def __str__(self) -> str:
        if self.sourced_id:
            return f"SIS record {self.sourced_id}"
        if self.form_field:
            return f"the {self.form_field} field"
        where = [part for part in (self.file, f"row {self.row}" if self.row else "") if part]
        if self.column:
            where.append(f"column {self.column}")
        return ", ".join(where)


NOWHERE = Source()


class New(NamedTuple):
    """A record created by the same batch (the ``index``-th create of ``kind``)."""

    kind: str
    index: int


@dataclass(slots=True)
class RecordCreate:
    kind: str
    fields: dict  # attribute name -> value (a ``New`` for a record of this batch)
    ref: New
    source: Source = NOWHERE


@dataclass(slots=True)
class RecordUpdate:
    kind: str
    pk: int
    before: dict  # only the fields that change
    after: dict
    source: Source = NOWHERE


@dataclass(slots=True)
class RecordDelete:
    kind: str
    pk: int
    source: Source = NOWHERE


@dataclass(slots=True)
class LinkChange:
    link: str  # a key of LINKS
    owner: int | New
    other: int | New
    added: bool  # False: removed
    origin: str = "manual"
    source: Source = NOWHERE


@dataclass(slots=True)
class LinkOrigin:
    """An existing link taken over: its origin becomes ``origin`` (a sync claiming a manual
    product link of a class it now owns)."""

    link: str  # a key of LINKS whose table keeps an origin
    owner: int
    other: int
    origin: str
    source: Source = NOWHERE


@dataclass(slots=True)
class SettingChange:
    student: int | New
    setting: int
    before: str | None  # None: not set
    after: str | None  # None: cleared
    source: Source = NOWHERE
    synced: bool = False  # the SIS's value: the row's origin becomes synced, sis_value = after


@dataclass
class Batch:
    creates: list[RecordCreate] = field(default_factory=list)
    updates: list[RecordUpdate] = field(default_factory=list)
    deletes: list[RecordDelete] = field(default_factory=list)
    links: list[LinkChange] = field(default_factory=list)
    settings: list[SettingChange] = field(default_factory=list)
    origins: list[LinkOrigin] = field(default_factory=list)
    users_to_delete: list[int] = field(default_factory=list)  # educators' portal sign-ins
    # (educator pk or New, raw password): the educator's portal sign-in gets it, hashed
    # (people.set_passwords); a form's or the admin's educator save.
    sign_in_passwords: list[tuple] = field(default_factory=list)
    # Link changes made as they are read, for a channel whose links come from data it holds
    # already (the sync's planned memberships): each is read once, after ``links``, by the
    # writer, so hundreds of thousands are never a list of changes. Not in ``len``.
    link_feeds: list[Iterable[LinkChange]] = field(default_factory=list)
    _counts: dict = field(default_factory=dict, repr=False)

    def create(self, kind: str, fields: dict, source: Source = NOWHERE) -> New:
        index = self._counts.get(kind, 0)
        self._counts[kind] = index + 1
        ref = New(kind, index)
        self.creates.append(RecordCreate(kind, fields, ref, source))
        return ref

    def update(self, kind: str, pk: int, before: dict, after: dict, source=NOWHERE) -> None:
        """An update (with no field, it still stamps the record and its history: its links
        changed)."""
        self.updates.append(RecordUpdate(kind, pk, before, after, source))

    def update_record(self, kind: str, record, desired: dict, source=NOWHERE) -> None:
        """An update of ``record`` (anything with the attributes) to the ``desired`` values
        that differ ("" and None are the same)."""
        before, after = {}, {}
        for name, new in desired.items():
            old = getattr(record, name)
            if (old or None) != (new or None):
                before[name], after[name] = old, new
        self.update(kind, record.pk, before, after, source)

    def relink(
        self, link: str, owner, old: set, new: set, *, origin="manual", source=NOWHERE
    ) -> None:
        """Links of ``owner`` from ``old`` to ``new``: the removals and the adds."""
        if old == new:
            return
        for other in old - new:
            self.links.append(LinkChange(link, owner, other, False, origin, source))
        for other in new - old:
            self.links.append(LinkChange(link, owner, other, True, origin, source))

    def setting(self, student, setting: int, before, after, source=NOWHERE) -> None:
        if before != after:
            self.settings.append(SettingChange(student, setting, before, after, source))

    def __len__(self) -> int:
        return (
            len(self.creates)
            + len(self.updates)
            + len(self.deletes)
            + len(self.links)
            + len(self.settings)
            + len(self.origins)
        )
