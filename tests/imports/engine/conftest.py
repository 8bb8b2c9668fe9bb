"""Helpers for the engine tests: write a Students file from dicts, check or commit it."""

from __future__ import annotations

import csv
import io

import pytest

from rostering.imports import engine
from tests import factories

HEADER = ["First Name", "Last Name", "Username", "Student ID", "Organizations"]


def csv_bytes(rows: list[dict], header: list[str] | None = None, *, delimiter=",") -> bytes:
    header = header or list(dict.fromkeys(key for row in rows for key in row)) or HEADER
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode("utf-8")


def student_row(n: int, school, **extra) -> dict:
    row = {
        "First Name": f"Ana{n}",
        "Last Name": f"Lopez{n}",
        "Username": f"ana.lopez{n}",
        "Student ID": f"{n:06d}",
        "Organizations": school.name,
    }
    row.update(extra)
    return row


@pytest.fixture
def products(db):
    reading = factories.ProductFactory(name="Reading Stars", code="reading-stars")
    math = factories.ProductFactory(name="Math Quest", code="math-quest")
    language = factories.ProductSettingFactory(
        product=reading, key="language", label="Language Support"
    )
    return {"reading": reading, "math": math, "language": language}


def check(district, content, *, actor=None, kind="students", school=None, name="s.csv"):
    return engine.check_file(
        actor=actor, district=district, kind=kind, file_name=name, content=content, school=school
    )


def commit(district, content, *, actor=None, kind="students", school=None, name="s.csv"):
    return engine.commit_file(
        actor=actor, district=district, kind=kind, file_name=name, content=content, school=school
    )


def where(plan) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in plan.errors]


@pytest.fixture
def maple_district(db, products):
    """Maple District with North Elementary (N1) and a rule giving Science classes Reading
    Stars: where the OneRoster import tests' small sets land."""
    from rostering.sync.models import ProductRule

    district = factories.DistrictFactory(name="Maple District", slug="maple")
    ProductRule.objects.create(
        district=district,
        match_field=ProductRule.MatchField.SUBJECT,
        pattern="Science",
        product=products["reading"],
    )
    factories.SchoolFactory(district=district, name="North Elementary", external_id="N1")
    return district
