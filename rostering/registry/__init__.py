"""The field registry: for each record kind (student, educator, class/group, organization),
each field's label and help, template column and header aliases, OneRoster column(s),
normaliser, length (the model's), uniqueness scope, sync role and whether it is exported.

Ownership (rostering.ownership), form labels, the import templates and header matching, the
exports, the sync, the OneRoster import and the Clever reader read it (each field says where
a source's record carries it); ``Field.check`` is the one verdict on a value, whatever the
channel. A new optional field is its model field, its migration and one entry here.
"""

from __future__ import annotations

from .base import Field, Kind, SyncRole, Unique
from .classes import CLASS_GROUP
from .educators import EDUCATOR
from .organizations import ORGANIZATION
from .students import STUDENT

KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (STUDENT, EDUCATOR, CLASS_GROUP, ORGANIZATION)
}

__all__ = [
    "CLASS_GROUP",
    "EDUCATOR",
    "KINDS",
    "ORGANIZATION",
    "STUDENT",
    "Field",
    "Kind",
    "SyncRole",
    "Unique",
    "kind",
]


def kind(name: str) -> Kind:
    return KINDS[name]
