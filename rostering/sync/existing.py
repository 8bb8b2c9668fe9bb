"""The district's students and educators as the sync's plan reads them: light rows, not
model instances.

A plan compares every record of a district with the snapshot but writes none of them itself
(the engine does, reloading the rows it changes). A Django model instance costs about 2 KB
here (its ``__dict__`` and ``_state``); a row of the few fields the plan needs, in slots, is
a fraction of that, which is most of the memory of planning a 50,000-student district.
Rows answer ``pk``, ``str()`` and ``full_name`` as their model does; they are read-only by
convention (nothing saves them). A record the plan creates is a row too (``new``): every
column, filled as the model's constructor fills it, until the batch copies it; its SIS values
are read from its own fields when asked, not held as a dict of their own.

Names repeat across a district (a few hundred family names for thousands of students): each
distinct name is held once, and a SIS value equal to the row's own field is that same string.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from rostering import registry

# Values repeated on every row (one string each, not one per row).
_REPEATED = frozenset({"origin", "grade", "educator_type"})
# Values repeated on many rows: each distinct one held once per load.
_COMMON = registry.STUDENT.name_fields | registry.EDUCATOR.name_fields
_CLASSES: dict[tuple, type] = {}
_OWN = object()  # a row's SIS values are its own fields' values


def _row_class(model, names: tuple[str, ...], sis: tuple[str, ...] | None = None) -> type:
    """The row class of ``model`` with the fields ``names``. With ``sis`` (the fields whose
    SIS values the record keeps), ``sis_values`` is read from those fields, unless the row
    holds a dict of its own in ``_sis`` (values that differ from its fields)."""
    key = (model, names, sis)
    found = _CLASSES.get(key)
    if found is None:
        namespace = {
            "__slots__": names,
            "__str__": model.__str__,
            "__repr__": lambda self: f"<{model.__name__} row {self.id}>",
            "pk": property(lambda self: self.id),
        }
        if "full_name" in model.__dict__:  # the model's own, so str() reads the same
            namespace["full_name"] = model.__dict__["full_name"]
        if sis is not None:

            def sis_values(self) -> dict:
                own = getattr(self, "_sis", _OWN)
                return {name: getattr(self, name) for name in sis} if own is _OWN else own

            namespace["sis_values"] = property(sis_values)
        found = _CLASSES[key] = type(f"{model.__name__}Row", (), namespace)
    return found


def load(model, district, names: Iterable[str], sis: tuple[str, ...]) -> list:
    """The district's records of ``model`` (Student or Educator) with the fields ``names``
    (attnames, "id" and "sis_values" among them), as light rows in slots. ``sis`` are the
    fields whose SIS values the sync keeps: a row whose stored SIS values are just those
    fields' values (nobody edited them) reads them from its fields, holding no dict (a
    quarter of a large district's rows' memory)."""
    names = tuple(sorted(set(names) | {"id", "sis_values"}))
    slots = tuple(sorted({*names, "_sis"} - {"sis_values"}))
    row_class = _row_class(model, slots, sis)
    repeated = [index for index, name in enumerate(names) if name in _REPEATED]
    common = [index for index, name in enumerate(names) if name in _COMMON]
    stored = names.index("sis_values")
    held = frozenset(names)
    same_ids = {"alt_external_id", "sis_sourced_id"} <= held
    seen: dict[str, str] = {}
    rows = []
    queryset = model.objects.filter(district=district).values_list(*names)
    for values in queryset.iterator(chunk_size=5000):
        row = row_class()
        for name, value in zip(names, values, strict=True):
            if name != "sis_values":
                setattr(row, name, value)
        for index in repeated:
            value = values[index]
            if isinstance(value, str):
                setattr(row, names[index], sys.intern(value))
        for index in common:
            value = values[index]
            if value:
                setattr(row, names[index], seen.setdefault(value, value))
        if same_ids and row.alt_external_id and row.alt_external_id == row.sis_sourced_id:
            row.alt_external_id = row.sis_sourced_id  # one string (the sourcedId, usually)
        sent = values[stored]
        if sent and _own_fields(row, sent, sis):
            row._sis = _OWN
        else:
            row._sis = _sis_values(row, sent, held) if sent else sent  # None, {} as they are
        rows.append(row)
    return rows


def _own_fields(row, sent: dict, sis: tuple[str, ...]) -> bool:
    """Whether stored SIS values ``sent`` are exactly the row's own values of fields ``sis``."""
    return len(sent) == len(sis) and all(
        name in sent and sent[name] == getattr(row, name) for name in sis
    )


def _sis_values(row, sent: dict, held: frozenset[str]) -> dict:
    """A row's SIS values with shared strings: the row's own where equal (the common case: a
    field nobody edited), one interned string for repeated words."""
    kept = {}
    for key, value in sent.items():
        key = sys.intern(key)
        if type(value) is str:
            own = getattr(row, key) if key in held else None
            if own == value:
                value = own
            elif key in _REPEATED:
                value = sys.intern(value)
        kept[key] = value
    return kept


def new(model, values: dict, sis: tuple[str, ...]):
    """An unsaved record of ``model`` as a row of every column (``id`` None): ``values``
    (attnames), the rest from the fields' defaults, as ``model(**values)`` would be; its
    ``sis_values`` are its fields ``sis``."""
    fields = [f for f in model._meta.concrete_fields if f.attname != "sis_values"]
    names = tuple(sorted(f.attname for f in fields))
    row = _row_class(model, names, sis)()
    for field in fields:
        name = field.attname
        if name in values:
            setattr(row, name, values[name])
        else:
            setattr(row, name, None if field.primary_key else field.get_default())
    return row
