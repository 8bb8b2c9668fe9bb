"""The columns of each template, and forgiving matching of a file's header row to them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rostering import registry
from rostering.registry import Field, Kind
from rostering.text import clean_text

from ..engine import RowError


@dataclass(frozen=True)
class Column:
    """A template column: one registry field (rostering.registry) as an import kind reads it.
    The field's attributes are copied in plain, as cells are read 100,000s of times."""

    field: Field
    name: str  # the header as the template writes it
    key: str  # what the kind's checker calls it
    required: bool  # a value is needed in every row
    in_template: bool  # always in the template (required, or nearly always wanted)
    help: str
    samples: tuple[str, str]
    aliases: tuple[str, ...]
    max_length: int | None
    many: bool  # several values separated by semicolons

    @classmethod
    def of(cls, f: Field) -> Column:
        return cls(
            f,
            f.column,
            f.name,
            f.required,
            f.always_in_template,
            f.help,
            f.samples,
            f.aliases,
            f.max_length,
            f.many,
        )


def _columns(kind: Kind, *, without: tuple[str, ...] = ()) -> tuple[Column, ...]:
    return tuple(Column.of(f) for f in kind.template_fields if f.name not in without)


# Each import kind's columns are its record kind's template fields, in the registry's order;
# read at each call, so the registry is the only list. Bulk student changes name no schools
# or classes/groups: those are the page's.
IMPORT_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "students": ("student", ()),
    "bulk_students": ("student", ("schools", "classes")),
    "educators": ("educator", ()),
    "classes": ("class_group", ()),
    "organizations": ("organization", ()),
}

KIND_NAMES = {
    "students": "Students",
    "bulk_students": "Students",
    "educators": "Educators",
    "classes": "Classes/Groups",
    "organizations": "Organizations",
}


def header_key(text: str) -> str:
    """ "  first_NAME\u200b " and "First Name" compare equal."""
    text = unicodedata.normalize("NFKC", clean_text(text))
    return re.sub(r"[^a-z0-9/]+", "", text.lower().replace("_", " "))


def columns_of(kind: str) -> tuple[Column, ...]:
    try:
        record_kind, without = IMPORT_KINDS[kind]
    except KeyError:
        raise ValueError(f"Unknown kind of import: {kind}") from None
    return _columns(registry.KINDS[record_kind], without=without)


@dataclass
class HeaderMatch:
    positions: dict[str, int]  # column key -> index in the row
    columns: dict[str, Column]  # column key -> spec (only those present)
    errors: list[RowError]
    # Columns of the full template that this kind's page decides (Bulk Create Students'
    # Organizations and Classes/Groups): accepted in the header, their cells must be empty.
    page_owned: dict[str, Column] = field(default_factory=dict)
    # Per column key, the clean value of each raw cell read without a problem (cells.Row):
    # 10,000 rows repeat the same few grades, names, schools and products.
    cleaned: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)


def _page_owned_columns(kind: str) -> dict[str, Column]:
    record_kind, without = IMPORT_KINDS[kind]
    return {c.key: c for c in _columns(registry.KINDS[record_kind]) if c.key in without}


def match_headers(kind: str, headers: list[str]) -> HeaderMatch:
    lookup: dict[str, Column] = {}
    for column in columns_of(kind):
        for alias in (column.name, *column.aliases):
            lookup.setdefault(header_key(alias), column)
    page_owned_columns = _page_owned_columns(kind)
    for column in page_owned_columns.values():
        for alias in (column.name, *column.aliases):
            lookup.setdefault(header_key(alias), column)
    positions: dict[str, int] = {}
    present: dict[str, Column] = {}
    page_owned: dict[str, Column] = {}
    errors: list[RowError] = []
    names = ", ".join(c.name for c in columns_of(kind))
    for index, raw in enumerate(headers):
        label = raw.strip() or f"column {index + 1}"
        if not raw.strip():
            errors.append(
                RowError(
                    1,
                    label,
                    "This column has no header. Type the column's name, or delete the column.",
                )
            )
            continue
        if header_key(raw) == "errors":
            continue  # the column our error file adds: the user fixed the rows and re-uploads
        column = lookup.get(header_key(raw))
        if column is None:
            errors.append(
                RowError(
                    1,
                    label,
                    f'"{label}" is not a column of the {KIND_NAMES[kind]} template. '
                    f"Rename it to one of: {names}; or delete the column.",
                )
            )
        elif column.key in positions:
            errors.append(
                RowError(
                    1,
                    label,
                    f'"{column.name}" appears twice in the header row. Keep one of the two '
                    "columns.",
                )
            )
        else:
            positions[column.key] = index
            if column.key in page_owned_columns:
                page_owned[column.key] = column
            else:
                present[column.key] = column
    for column in columns_of(kind):
        if column.required and column.key not in positions:
            errors.append(
                RowError(
                    1,
                    column.name,
                    f'The column "{column.name}" is missing. Add it to the header row '
                    "(download a template to see the columns).",
                )
            )
    return HeaderMatch(
        positions=positions, columns=present, errors=errors, page_owned=page_owned
    )
