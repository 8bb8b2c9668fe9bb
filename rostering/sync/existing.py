"""The district's students and educators as the sync's plan reads them: light rows, not
model instances.

A plan compares every record of a district with the snapshot but writes none of them itself
(the engine does, reloading the rows it changes). A Django model instance costs about 2 KB
here (its ``__dict__`` and ``_state``); a row of the few fields the plan needs, in slots, is
a fraction of that, which is most of the memory of planning a 50,000-student district.
Rows answer ``pk``, ``str()`` and ``full_name`` as their model does; they are read-only by
convention (nothing saves them). A record the plan creates is a row too (``new``): every
column, filled as the model's constructor fills it, until the batch copies it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

# Values repeated on every row (one string each, not one per row).
_REPEATED = frozenset({"origin", "grade", "educator_type"})
_CLASSES: dict[tuple, type] = {}


def _row_class(model, names: tuple[str, ...]) -> type:
    key = (model, names)
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
        found = _CLASSES[key] = type(f"{model.__name__}Row", (), namespace)
    return found


def load(model, district, names: Iterable[str]) -> list:
    """The district's records of ``model`` (Student or Educator) with the fields ``names``
    (attnames, "id" among them), as light rows in slots."""
    names = tuple(sorted(set(names) | {"id"}))
    row_class = _row_class(model, names)
    repeated = [index for index, name in enumerate(names) if name in _REPEATED]
    sis = names.index("sis_values") if "sis_values" in names else None
    rows = []
    queryset = model.objects.filter(district=district).values_list(*names)
    for values in queryset.iterator(chunk_size=5000):
        row = row_class()
        for name, value in zip(names, values, strict=True):
            setattr(row, name, value)
        for index in repeated:
            value = values[index]
            if isinstance(value, str):
                setattr(row, names[index], sys.intern(value))
        if sis is not None and values[sis]:  # its keys (and grades) once, not once per row
            row.sis_values = {
                sys.intern(key): sys.intern(value) if key in _REPEATED and type(value) is str
                else value
                for key, value in values[sis].items()
            }
        rows.append(row)
    return rows


def new(model, values: dict):
    """An unsaved record of ``model`` as a row of every column (``id`` None): ``values``
    (attnames), the rest from the fields' defaults, as ``model(**values)`` would be."""
    fields = model._meta.concrete_fields
    names = tuple(sorted(f.attname for f in fields))
    row = _row_class(model, names)()
    for field in fields:
        name = field.attname
        if name in values:
            setattr(row, name, values[name])
        else:
            setattr(row, name, None if field.primary_key else field.get_default())
    return row
