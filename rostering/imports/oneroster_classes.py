"""The Classes/Groups rows of a OneRoster import: classes with the products the district's
product rules give them (as the sync does), their teachers from enrollments.csv, and which
students each class has."""

from __future__ import annotations

from dataclasses import dataclass, field

from rostering import registry
from rostering.oneroster import TO_BE_DELETED
from rostering.oneroster.class_org_reading import class_readers
from rostering.oneroster.records import role_mismatch
from rostering.sync.models import ProductRule
from rostering.sync.plan_products import _products_for

from .engine_parts.cells import join_many
from .engine_parts.columns import IMPORT_KINDS

# A class's cells the import works out rather than reads (rostering.imports.oneroster_rows):
# its school as a row names it, its products from the district's rules, its teachers.
_RESOLVED = frozenset({"school", "products", "educators"})
PRODUCT_RULE_FIX = "Add a product rule (SIS sync > Products from SIS data) and import again."


@dataclass
class SourceRow:
    """One template row and where it came from in the OneRoster set."""

    file: str
    row: int
    record: str
    cells: dict[str, str]


@dataclass
class Step:
    kind: str  # the template kind whose checker and writer handle the rows
    fields: list[str]  # the registry's field names, in column order; rows' cells use them
    rows: list[SourceRow] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        """The template columns of ``fields``, as the registry names them."""
        record = registry.KINDS[IMPORT_KINDS[self.kind][0]]
        return [record[name].column for name in self.fields]


class ClassRows:
    """Part of the Translator (oneroster_rows.py): the classes step."""

    def _enrolled(self) -> dict[str, dict[str, list[str]]]:
        """class sourcedId -> {"student": [user ids], "educator": [user ids]}, active only."""
        users = self.snapshot.users
        found: dict[str, dict[str, list[str]]] = {}
        for enrollment in self.snapshot.enrollments:
            if enrollment.status == TO_BE_DELETED:
                continue
            user = users.get(enrollment.user_sourced_id)
            if user is None or not user.kind:
                continue
            mismatch = role_mismatch(enrollment.role, user)
            if mismatch:
                self.warn(enrollment.file, enrollment.row, enrollment.sourced_id, mismatch, "role")
                continue
            student = user.kind == "student"
            kind = "student" if student else "educator"
            found.setdefault(enrollment.class_sourced_id, {"student": [], "educator": []})
            found[enrollment.class_sourced_id][kind].append(user.sourced_id)
        return found

    def classes(self) -> Step:
        # The template's columns a class carries (Field.record or Field.rule, read as the
        # sync reads them) or the import resolves; not Students: a student's row names its
        # classes (the students step's Classes/Groups).
        readers = class_readers(self.snapshot.courses)
        fields = [
            spec.name
            for spec in registry.CLASS_GROUP.template_fields
            if spec.name in readers or spec.name in _RESOLVED
        ]
        step = Step("classes", fields)
        self.enrolled = self._enrolled()
        rules = list(ProductRule.objects.filter(district=self.district).select_related("product"))
        refs = self._refs()
        username_of = self._readers["educator"]["username"]  # the district's column
        educators = {
            u.sourced_id: username_of(u)
            for u in self._people["educator"]
            if u.sourced_id not in self.refused.get("educators", ())  # its own error says why
        }
        for key, cls in self.snapshot.classes.items():
            if cls.status == TO_BE_DELETED:
                self.warn(
                    cls.file,
                    cls.row,
                    key,
                    f"{cls.title} is marked tobedeleted; not imported.",
                )
                continue
            course = self.snapshot.courses.get(cls.course_sourced_id)
            products = [p for p in _products_for(rules, cls, course) if p.is_active]
            if not products:
                self.warn(
                    cls.file,
                    cls.row,
                    key,
                    f"{cls.title} gets no product: no product rule of the district matches its "
                    "course code, subject or class code. It is not imported, nor are its "
                    f"enrollments. {PRODUCT_RULE_FIX}",
                )
                self.no_product.append(self.warnings[-1])
                members = self.enrolled.get(key, {})
                self.without_product["classes"] += 1
                self.without_product["enrollments"] += sum(len(m) for m in members.values())
                continue
            self.imported_classes.add(key)
            teachers = self.enrolled.get(key, {}).get("educator", [])
            related = {
                "school": refs.get(cls.school_sourced_id, ""),
                "products": join_many(p.name for p in products),
                "educators": join_many(
                    dict.fromkeys(educators[t] for t in teachers if t in educators)
                ),
            }
            cells = _cells(cls, step.fields, readers, related)
            step.rows.append(SourceRow(cls.file, cls.row, key, cells))
        self._say_without_product()
        return step

    def _say_without_product(self) -> None:
        """One warning for all the classes left out for want of a product, with the fix."""
        left = self.without_product
        if left["classes"]:
            self.warn(
                "classes.csv",
                0,
                "",
                f"{left['classes']:,} class(es) and their {left['enrollments']:,} "
                "enrollment(s) were left out: no product rule of the district gives them a "
                f"product. {PRODUCT_RULE_FIX}",
            )


def _cells(cls, fields: list[str], readers: dict, related: dict[str, str]) -> dict[str, str]:
    """A class's cells: ``related`` (what the import resolves: its school, products and
    teachers), and each other field as the registry's reader gives it
    (rostering.oneroster.class_org_reading: Class.title, the course's code ...), as the SIS
    sent it (a list as a list cell): the checker gives the verdict."""
    cells = {}
    for name in fields:
        if name in related:
            cells[name] = related[name]
            continue
        value = readers[name](cls)
        cells[name] = join_many(value) if isinstance(value, list) else value
    return cells
