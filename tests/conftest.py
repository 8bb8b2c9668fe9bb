"""Named people (STYLE.md): a district with two schools, its staff, an outsider, support."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rostering.models import Educator, Organization

from . import factories
from .smtp_server import smtp_server  # noqa: F401  (a real SMTP server: alert tests)


@dataclass
class World:
    district: Organization
    school: Organization  # North Elementary: the teacher's and school admin's school
    other_school: Organization  # South Elementary: same district, not theirs
    other_district: Organization
    outsider_school: Organization


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (a count cached by an earlier test's district, of
    the same pk on SQLite, is not this test's)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    district = factories.DistrictFactory(name="Maple District", slug="maple")
    other = factories.DistrictFactory(name="Oak District", slug="oak")
    return World(
        district=district,
        school=factories.SchoolFactory(district=district, name="North Elementary"),
        other_school=factories.SchoolFactory(district=district, name="South Elementary"),
        other_district=other,
        outsider_school=factories.SchoolFactory(district=other, name="Oak Middle"),
    )


@pytest.fixture
def teacher(world):
    """Tess, a teacher at North Elementary."""
    return factories.EducatorFactory(
        organization=world.school, username="tess", first_name="Tess", last_name="Teacher"
    ).user


@pytest.fixture
def school_admin(world):
    """Sam, the administrator of North Elementary."""
    return factories.EducatorFactory(
        organization=world.school,
        username="sam",
        first_name="Sam",
        last_name="Schooladmin",
        educator_type=Educator.EducatorType.ADMINISTRATOR,
    ).user


@pytest.fixture
def district_admin(world):
    """Dana, an administrator of the whole Maple district."""
    return factories.EducatorFactory(
        organization=world.district,
        username="dana",
        first_name="Dana",
        last_name="Districtadmin",
        educator_type=Educator.EducatorType.ADMINISTRATOR,
    ).user


@pytest.fixture
def outsider(world):
    """Otto, a district administrator of Oak District: must never see Maple's records."""
    return factories.EducatorFactory(
        organization=world.other_district,
        username="otto",
        first_name="Otto",
        last_name="Outsider",
        educator_type=Educator.EducatorType.ADMINISTRATOR,
    ).user


@pytest.fixture
def support(db):
    """Sky, of the company's Technical Services team."""
    return factories.SupportUserFactory(username="sky", first_name="Sky", last_name="Support")


@pytest.fixture
def people(teacher, school_admin, district_admin, outsider, support) -> dict:
    return {
        "teacher": teacher,
        "school_admin": school_admin,
        "district_admin": district_admin,
        "outsider": outsider,
        "support": support,
    }


@pytest.fixture
def moodle_as_exported(monkeypatch):
    """The moodle v1.2 fixture set read on the day it was written (its rows'
    dataLastModified, 2025-01-01): its roles.csv roles run 2024-03-06 to 2025-09-23, so read
    today every user's role has ended (tests/oneroster/test_role_dates.py)."""
    import datetime

    monkeypatch.setattr("rostering.oneroster.reader._today", lambda: datetime.date(2025, 1, 1))
