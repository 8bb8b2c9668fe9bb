"""Downloadable templates: the headers of a kind, two sample rows, as CSV or Excel."""

from __future__ import annotations

import csv
import io

from ...formulas import neutralise
from .columns import KIND_NAMES, columns_of

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_columns(kind: str) -> list[dict]:
    return [{"name": c.name, "required": c.in_template, "help": c.help} for c in columns_of(kind)]


def chosen_columns(kind: str, optional: list[str]):
    wanted = set(optional)
    return [c for c in columns_of(kind) if c.in_template or c.name in wanted]


def _unused(wanted: tuple[str, str], taken: set[str]) -> tuple[str, str]:
    """``wanted`` made unlike every (case-folded) value in ``taken`` and each other, by a
    number at the end: "North Elementary" becomes "North Elementary 2" when taken."""
    out: list[str] = []
    for value in wanted:
        candidate, n = value, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{value} {n}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out[0], out[1]


def _new_organization_samples(user, columns_samples) -> dict[str, tuple[str, str]]:
    """The Organizations template's two sample schools, named and numbered unlike any
    organization of the user's district (names are unique in a district, IDs too), so its
    rows add two schools instead of matching, or clashing with, existing ones."""
    from accounts.roles import scope_for
    from rostering.models import Organization

    district_id = scope_for(user).district_id
    existing = Organization.objects.filter(district_id=district_id)
    names = {n.casefold() for n in existing.values_list("name", flat=True)}
    ids = {i.casefold() for i in existing.values_list("external_id", flat=True) if i}
    return {
        "name": _unused(columns_samples["name"], names),
        "external_id": _unused(columns_samples["external_id"], ids),
    }


def district_samples(user, kind: str = "") -> dict[str, tuple[str, str]]:
    """Sample cells naming the user's own schools, classes/groups and products (column key ->
    two rows' values), so a template uploaded as it comes passes. Names that could match
    nothing (educators, students of a class) are left blank; the Organizations template's
    new schools are named unlike any of the district's."""
    from accounts import permissions
    from rostering.models import ClassGroup, Product, ProductSetting

    samples: dict[str, tuple[str, str]] = {"educators": ("", ""), "students": ("", "")}
    if kind == "organizations":
        static = {c.key: c.samples for c in columns_of(kind)}
        samples.update(_new_organization_samples(user, static))
    schools = list(permissions.schools_for(user).order_by("name").values_list("name", flat=True))
    if schools:
        first, second = schools[0], schools[1 % len(schools)]
        both = first if first == second else f"{first}; {second}"
        samples.update(
            schools=(first, both), organizations=(first, both), school=(first, second)
        )
        groups = list(
            ClassGroup.objects.filter(school__name=first, school__in=permissions.schools_for(user))
            .filter(origin="manual", is_active=True)
            .order_by("name")
            .values_list("name", flat=True)[:1]
        )
        samples["classes"] = (groups[0], groups[0]) if groups else ("", "")
    products = list(Product.objects.filter(is_active=True).order_by("name")[:2])
    if products:
        first, second = products[0].name, products[-1].name
        both = first if first == second else f"{first}; {second}"
        samples["products"] = (first, both)
        setting = ProductSetting.objects.filter(product=products[0]).order_by("pk").first()
        value = setting and (setting.default or next(iter(setting.allowed_values or []), ""))
        samples["settings"] = (f"{setting.label} = {value}", "") if value else ("", "")
    else:
        samples.update(products=("", ""), settings=("", ""))
    return samples


def template_file(
    kind: str, optional_columns: list[str], fmt: str, *, samples: dict | None = None
) -> tuple[str, bytes, str]:
    columns = chosen_columns(kind, optional_columns)
    headers = [c.name for c in columns]
    samples = samples or {}
    rows = [[samples.get(c.key, c.samples)[n] for c in columns] for n in (0, 1)]
    base = KIND_NAMES[kind].lower().replace("/", "-") + "-template"
    if fmt == "xlsx":
        return f"{base}.xlsx", write_xlsx(headers, rows), XLSX_TYPE
    return f"{base}.csv", write_csv(headers, rows), "text/csv; charset=utf-8"


def write_csv(headers: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    # The byte-order mark makes Excel open UTF-8 (accents, ñ) correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(headers: list[str], rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Import"
    # Every cell is written as text that never runs as a formula (openpyxl would store a
    # value starting with "=" as one).
    sheet.append([neutralise(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    # Every column is text, so IDs such as 000123 keep their leading zeros when typed.
    for index, header in enumerate(headers, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(14, len(header) + 4)
        dimension.number_format = "@"  # the rows people add, too
        for cell in sheet[letter]:
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
