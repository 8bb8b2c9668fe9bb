"""A district's records as an import template file, so that a file round-trips: exported,
then imported again, it changes nothing."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict

from rostering import registry
from rostering.formulas import neutralise
from rostering.models import (
    ClassStudent,
    Organization,
    Student,
    StudentProduct,
    StudentProductSetting,
)

EXPORT_KINDS = ("students",)


def students_rows(district: Organization) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the Students template with every column, one row per student.

    Passwords are never exported: the Password column is blank, which an import reads as
    "keep the current password". Schools, classes/groups and product settings are named the
    way the import reads them back; a name two records share is replaced by the ID.
    """
    fields = registry.STUDENT.exported_fields
    headers = [f.column for f in fields]
    orgs = list(Organization.objects.filter(district=district))
    names = Counter(org.name.casefold() for org in orgs)
    org_ref = {
        org.pk: org.external_id if names[org.name.casefold()] > 1 and org.external_id else org.name
        for org in orgs
    }
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
        settings[student_id].append(f"{product}: {label} = {value}")
    rows = []
    students = Student.objects.filter(district=district).order_by("last_name", "first_name", "pk")
    for student in students.iterator(chunk_size=2000):
        pk = student.pk
        values = {
            "first_name": student.first_name,
            "last_name": student.last_name,
            "username": student.username,
            "external_id": student.external_id or "",
            "schools": "; ".join(sorted(schools[pk])),
            "middle_name": student.middle_name or "",
            "grade": student.grade or "",
            "email": student.email or "",
            "alt_external_id": student.alt_external_id or "",
            "password": "",
            "classes": "; ".join(sorted(classes[pk])),
            "products": "; ".join(sorted(products[pk])),
            "settings": "; ".join(sorted(settings[pk])),
        }
        rows.append([values.get(f.name, _plain(student, f.name)) for f in fields])
    return headers, rows


def _plain(record, name: str) -> str:
    """A plain field's value as a template cell: a new registry field is exported as it is."""
    value = getattr(record, name, None)
    return "" if value is None else str(value)


def students_csv(district: Organization) -> str:
    """The Students template CSV text, every cell formula-safe (as the list exports)."""
    headers, rows = students_rows(district)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()
