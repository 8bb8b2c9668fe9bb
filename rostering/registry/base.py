"""What the registry knows of one field of a record kind, and the one check of its values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from django.core.exceptions import FieldDoesNotExist, ValidationError


class SyncRole(StrEnum):
    LOCKED = "locked"  # the sync requires it; only the SIS changes it
    SHAREABLE = "shareable"  # a district may choose to send it


class Unique(StrEnum):
    PLATFORM = "platform"  # ignoring case (rostering.usernames)
    DISTRICT = "district"


@dataclass(frozen=True)
class Field:
    """One field of a record kind, as every channel sees it.

    ``name`` is the model field (or relation) the form, service and sync call it; ``column``
    the template and export header ("" when it is not in the templates); ``oneroster`` the
    OneRoster file.column(s) the SIS sends it in, and ``clever`` Clever's (file.column, the
    same order: an ID's identifier column, then its sourcedId's).

    Where a source's plain record (rostering.oneroster.records) carries it: ``record``, the
    attribute a reader fills from those columns (User.given_name), or ``rule``, a named rule
    that makes the value (rostering.oneroster.reading for people: Active from status and
    enabledUser; rostering.oneroster.class_org_reading for classes/groups and organizations:
    a class's course code from its course). The sync's plan, the OneRoster import and the
    Clever reader read fields through these.
    """

    name: str
    label: str
    column: str = ""
    help: str = ""
    aliases: tuple[str, ...] = ()
    oneroster: tuple[str, ...] = ()
    clever: tuple[str, ...] = ()
    record: str = ""
    rule: str = ""
    normalise: Callable[[str], str] | None = None  # after trimming; raises ValidationError
    required: bool = False  # a template row needs a value
    in_template: bool | None = None  # always in the template (default: required)
    samples: tuple[str, str] = ("", "")
    many: bool = False  # several values separated by semicolons
    unique: Unique | None = None
    sync: SyncRole | None = None
    exported: bool = True  # a column of the template exports (export_roster)
    listed: bool = True  # a column of the portal list's CSV export (when exported)
    searched: bool = False  # a search of the kind's records looks inside it (case ignored)
    model: type | None = field(default=None, compare=False)

    @cached_property
    def max_length(self) -> int | None:
        """The model field's max_length: the registry never repeats it. None for a field
        with choices: its vocabulary is the check (a typed "Administrator" is stored as a
        short code)."""
        if self.model is None:
            return None
        try:
            model_field = self.model._meta.get_field(self.name)
        except FieldDoesNotExist:
            return None
        if getattr(model_field, "choices", None):
            return None
        return getattr(model_field, "max_length", None)

    @property
    def oneroster_column(self) -> str:
        """The one OneRoster column the field is read from; "" when a rule reads it from
        several (Active: status or enabledUser) or when which column it is is the district's
        choice (the External and Alt External Assigned IDs: identifier or sourcedId, its
        sync source's). A plain field sent under several names (1.2's preferredGivenName, or
        preferredFirstName) is read from the first with a value, and told as the first."""
        if not self.oneroster or self.unique is Unique.DISTRICT:
            return ""
        if len(self.oneroster) > 1 and (self.rule or not self.record):
            return ""
        return self.oneroster[0].partition(".")[2]

    @property
    def always_in_template(self) -> bool:
        return self.required if self.in_template is None else self.in_template

    def check(self, value: str) -> str:
        """``value`` (already trimmed and cleaned) normalised, or ValidationError with the one
        message every channel shows for it."""
        if not value:
            return value
        if self.normalise is not None:
            value = self.normalise(value)
        max_length = self.max_length
        if max_length and len(value) > max_length:
            raise ValidationError(
                f"{self.label} is {len(value):,} characters long; at most {max_length} fit. "
                "Shorten it.",
                code="max_length",
            )
        return value


@dataclass(frozen=True)
class Kind:
    """The fields of one record kind, in template order."""

    name: str  # as rostering.ownership calls it: student, educator, class_group, organization
    model: type
    fields: tuple[Field, ...]

    def __post_init__(self):
        for f in self.fields:
            object.__setattr__(f, "model", self.model)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]

    def get(self, name: str) -> Field | None:
        return self.by_name.get(name)

    @cached_property
    def oneroster_columns(self) -> dict[str, str]:
        """{field name: its one OneRoster column}, for the fields read from one
        (rostering.oneroster.field_columns)."""
        return {f.name: f.oneroster_column for f in self.fields if f.oneroster_column}

    def with_role(self, role: SyncRole) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.sync is role)

    @cached_property
    def record_fields(self) -> frozenset[str]:
        """The fields a record's own update sets (the services' editable fields): the model's
        columns, foreign keys and plain many-to-many links (a student's schools), not the
        memberships and links kept in a table of their own, with their own services (a
        class/group's students, educators and products), nor the template's other columns
        (a password, a student's classes)."""
        names = set()
        for f in self.fields:
            try:
                model_field = self.model._meta.get_field(f.name)
            except FieldDoesNotExist:
                continue
            through = getattr(getattr(model_field, "remote_field", None), "through", None)
            if through is None or through._meta.auto_created:
                names.add(f.name)
        return frozenset(names)

    @cached_property
    def plain_fields(self) -> tuple[str, ...]:
        """The record fields a template cell holds as text the registry checks (Field.check),
        in the registry's order: names, the username, an email, the IDs, a grade (through its
        normaliser). Not a link (``many``) nor a vocabulary without a normaliser, which its
        checker reads itself (an educator's type)."""
        names = []
        for f in self.fields:
            if f.many or f.name not in self.record_fields:
                continue
            model_field = self.model._meta.get_field(f.name)
            if model_field.choices and f.normalise is None:
                continue
            if model_field.get_internal_type() == "CharField":
                names.append(f.name)
        return tuple(names)

    @cached_property
    def text_fields(self) -> frozenset[str]:
        """The record fields holding free text (names, an email): every channel cleans them
        with rostering.text.clean_text. Not the identifiers (a username has its own rule,
        IDs are unique), nor a vocabulary (choices) or a link."""
        names = set()
        for name in self.record_fields:
            model_field = self.model._meta.get_field(name)
            if (
                model_field.get_internal_type() == "CharField"
                and not model_field.choices
                and self.by_name[name].unique is None
            ):
                names.add(name)
        return frozenset(names)

    @cached_property
    def name_fields(self) -> frozenset[str]:
        """The free-text fields without a normaliser of their own (a person's names, not an
        email): values many records share, which readers hold once each."""
        return frozenset(n for n in self.text_fields if self.by_name[n].normalise is None)

    @cached_property
    def searched(self) -> tuple[str, ...]:
        """The fields a search of the kind's records looks inside (``Field.searched``: names,
        the one a person goes by, the username, the IDs), in the registry's order
        (rostering.selectors.search)."""
        return tuple(f.name for f in self.fields if f.searched)

    @cached_property
    def district_ids(self) -> frozenset[str]:
        """The IDs unique within the district: a blank one is stored as NULL (never "")."""
        return frozenset(f.name for f in self.fields if f.unique is Unique.DISTRICT)

    @cached_property
    def required_many(self) -> str | None:
        """The record's required many-to-many field (a student's schools, an educator's
        organizations), if it has one."""
        for f in self.fields:
            if f.many and f.required and f.name in self.record_fields:
                return f.name
        return None

    @cached_property
    def references(self) -> frozenset[str]:
        """The fields naming another record by a foreign key (a class/group's school, an
        organization's parent): a source's record carries the other's sourcedId, which each
        channel resolves its own way (the sync to a key, the import to how a row names it)."""
        names = set()
        for name in self.record_fields:
            model_field = self.model._meta.get_field(name)
            if model_field.many_to_one:
                names.add(name)
        return frozenset(names)

    @property
    def template_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.column)

    @property
    def exported_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.column and f.exported)

    @property
    def listed_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.exported_fields if f.listed)

    def check(self, name: str, value: str) -> str:
        """The one verdict on a value of field ``name`` (unknown names pass unchanged)."""
        spec = self.by_name.get(name)
        return spec.check(value) if spec is not None else value
