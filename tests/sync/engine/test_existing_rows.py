"""The district's records as the sync's plan reads them (rostering.sync.existing): light rows
that answer every field, and their SIS values, as the database holds them."""

import pytest

from rostering.models import Student
from rostering.sync import existing
from tests import factories

NAMES = {"id", "username", "first_name", "last_name", "email", "grade", "sis_values"}


@pytest.mark.parametrize(
    "stored",
    [
        {"grade": "03", "email": "ana@sis.example"},  # the fields' own values
        {"email": "ana@sis.example", "grade": "03"},  # the same, in another order
        {"grade": "03", "email": "ana.lopez@school.example"},  # email edited in the portal
        {"grade": "03"},  # email shared since the last sync
        {"grade": "03", "email": "ana@sis.example", "first_name": "Ana"},  # no longer shared
        {},  # a record the portal made
    ],
)
def test_a_rows_sis_values_read_as_stored(world, stored):
    factories.StudentFactory(
        school=world.school, first_name="Ana", email="ana@sis.example", sis_values=stored
    )
    [row] = existing.load(Student, world.district, NAMES, ("grade", "email"))

    assert row.sis_values == stored
    assert (row.first_name, row.email, row.grade) == ("Ana", "ana@sis.example", "03")


def test_rows_share_repeated_names_but_keep_each_value(world):
    for first in ("Ana", "Ben", "Ana"):
        factories.StudentFactory(school=world.school, first_name=first, last_name="Lopez")
    rows = existing.load(Student, world.district, NAMES, ())

    assert sorted(r.first_name for r in rows) == ["Ana", "Ana", "Ben"]
    assert len({id(r.last_name) for r in rows}) == 1  # one string for the three
