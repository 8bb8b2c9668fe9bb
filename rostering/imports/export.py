"""A district's records as an import template file, so that a file round-trips: exported,
then imported again, it changes nothing."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from rostering import registry
from rostering.formulas import neutralise
from rostering.imports.engine_parts.cells import join_many
from rostering.models import (
    ClassStudent,
    Organization,
    Student,
    StudentProduct,
    StudentProductSetting,
)

EXPORT_KINDS = ("students",)


def org_refs(orgs: Iterable[Organization]) -> dict[int, str]:
    """Organization pk -> the cell text an export names it by: its name, or its ID when two of
    ``orgs`` share the name (ignoring case)."""
    orgs = list(orgs)
    names = Counter(org.name.casefold() for org in orgs)
    return {
        org.pk: org.external_id if names[org.name.casefold()] > 1 and org.external_id else org.name
        for org in orgs
    }


def setting_ref(product: str, label: str, value: str) -> str:
    """The cell text an export names a student's product setting by."""
    return f"{product}: {label} = {value}"


def students_rows(district: Organization) -> tuple[list[str], Iterator[list[str]]]:
    """(headers, rows) of the Students template with every column, one row per student;
    the rows are read as they are iterated, from five queries whatever the district's size.

    Passwords are never exported: the Password column is blank, which an import reads as
    "keep the current password". Schools, classes/groups and product settings are named the
    way the import reads them back; a name two records share is replaced by the ID.
    """
    fields = registry.STUDENT.exported_fields
    headers = [f.column for f in fields]
    org_ref = org_refs(Organization.objects.filter(district=district))
    schools: dict[int, list[str]] = defaultdict(list)
    for student_id, org_id in Student.schools.through.objects.filter(
        student__district=district
    ).values_list("student_id", "organization_id"):
        schools[student_id].append(org_ref[org_id])
    classes: dict[int, list[str]] = defaultdict(list)
    for student_id, external_id, name in ClassStudent.objects.filter(
        student__district=district, class_group__is_active=True
    ).values_list("student_id", "class_group__external_id", "class_group__name"):
        classes[student_id].append(external_id or name)
    products: dict[int, list[str]] = defaultdict(list)
    for student_id, name in StudentProduct.objects.filter(
        student__district=district, product__is_active=True
    ).values_list("student_id", "product__name"):
        products[student_id].append(name)
    settings: dict[int, list[str]] = defaultdict(list)
    for student_id, product, label, value in StudentProductSetting.objects.filter(
        student__district=district
    ).values_list("student_id", "setting__product__name", "setting__label", "value"):
        settings[student_id].append(setting_ref(product, label, value))
    related = {"schools": schools, "classes": classes, "products": products, "settings": settings}
    plain = [f.name for f in fields if f.name not in related and f.name != "password"]
    students = Student.objects.filter(district=district).order_by("last_name", "first_name", "pk")
    return headers, _rows(students.values_list("pk", *plain), fields, plain, related)


def _rows(values, fields, plain: list[str], related: dict) -> Iterator[list[str]]:
    """One row per student from ``values`` (pk, *plain), read in chunks: no model instance.
    A new plain registry field is exported as stored."""
    for pk, *cells in values.iterator(chunk_size=2000):
        row = {n: "" if v is None else str(v) for n, v in zip(plain, cells, strict=True)}
        row.update({n: join_many(sorted(by_pk.get(pk, ()))) for n, by_pk in related.items()})
        yield [row.get(f.name, "") for f in fields]


def students_csv_lines(district: Organization) -> Iterator[str]:
    """The Students template CSV, line by line (streamed), every cell formula-safe."""
    headers, rows = students_rows(district)
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


class _Echo:
    def write(self, value):
        return value


def students_csv(district: Organization) -> str:
    """The Students template CSV text, every cell formula-safe (as the list exports)."""
    return "".join(students_csv_lines(district))
