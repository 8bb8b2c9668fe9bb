"""DESIGN.md: a teacher's scope applies to removals as well as additions.

Tess teaches at North Elementary; Ana belongs to North and South. Whatever channel Tess
uses — the portal form (as the browser posts it, or by hand), a class/group's remove
button, a template import — Ana's South school and her South class/group stay as they are,
and the refusal or note says so in the same words.
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import permissions
from rostering.imports import engine
from rostering.models import ClassStudent
from tests import factories

KEPT = permissions.removal_refused("Ana Lopez", "South Elementary")


@pytest.fixture
def ana(world):
    return factories.StudentFactory(
        schools=[world.school, world.other_school],
        school=world.school,
        first_name="Ana",
        last_name="Lopez",
        username="ana.lopez",
    )


@pytest.fixture
def rooms(world, ana):
    """Ana is in Room 4 (North) and Room 9 (South)."""
    north = factories.ClassGroupFactory(school=world.school, name="Room 4")
    south = factories.ClassGroupFactory(school=world.other_school, name="Room 9")
    for room in (north, south):
        factories.ClassStudentFactory(class_group=room, student=ana)
    return north, south


def _schools(student) -> set[str]:
    return set(student.schools.values_list("name", flat=True))


def _details(ana, **changes) -> dict:
    return {
        "first_name": ana.first_name,
        "last_name": ana.last_name,
        "username": ana.username,
        "save": "Save",
        **changes,
    }


def test_the_form_shows_a_school_outside_the_teachers_read_only(client, teacher, ana):
    client.force_login(teacher)
    page = client.get(reverse("rostering:student_detail", args=[ana.pk])).content.decode()

    assert "South Elementary: outside your schools" in page
    south = ana.schools.get(name="South Elementary")
    assert f'name="schools" value="{south.pk}"' in page  # posted back, hidden
    assert (
        "disabled" in page.split("South Elementary: outside your schools")[0].rsplit("<input", 1)[1]
    )


class _Form(HTMLParser):
    """What a browser posts for the page's form: named inputs, ticked boxes, no disabled."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "input" or "name" not in attrs or "disabled" in attrs:
            return
        if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
            return
        self.data.setdefault(attrs["name"], []).append(attrs.get("value") or "")


def _as_the_browser_posts(page: str, **changes) -> dict:
    form = _Form()
    form.feed(page)
    return {**form.data, **changes, "save": "Save"}


def test_saving_the_form_as_the_browser_posts_it_keeps_the_other_school(client, teacher, ana):
    client.force_login(teacher)
    url = reverse("rostering:student_detail", args=[ana.pk])
    data = _as_the_browser_posts(client.get(url).content.decode(), first_name="Anna")

    response = client.post(url, data)

    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.first_name == "Anna"
    assert _schools(ana) == {"North Elementary", "South Elementary"}


def test_a_hand_posted_removal_of_the_other_school_is_refused_in_a_sentence(
    client, teacher, world, ana
):
    client.force_login(teacher)
    data = _details(ana, schools=[world.school.pk])
    response = client.post(reverse("rostering:student_detail", args=[ana.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["schools"] == [KEPT]
    assert _schools(ana) == {"North Elementary", "South Elementary"}


def test_a_district_administrator_may_remove_the_school(client, district_admin, world, ana):
    client.force_login(district_admin)
    data = _details(ana, schools=[world.school.pk])
    response = client.post(reverse("rostering:student_detail", args=[ana.pk]), data)

    assert response.status_code == 302
    assert _schools(ana) == {"North Elementary"}


def test_a_teacher_cannot_take_ana_out_of_a_class_at_the_other_school(client, teacher, ana, rooms):
    _north, south = rooms
    client.force_login(teacher)
    response = client.post(
        reverse("rostering:student_class_remove", args=[ana.pk]), {"class_group": south.pk}
    )

    assert response.status_code == 404  # South's class/group is outside Tess's organizations
    assert ClassStudent.objects.filter(class_group=south, student=ana).exists()


def _template(row: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode()


ANA_ROW = {
    "First Name": "Ana",
    "Last Name": "Lopez",
    "Username": "ana.lopez",
    "Organizations": "North Elementary",
    "Classes/Groups": "Room 4",
}


def test_a_teachers_import_keeps_the_other_school_and_its_class_and_says_so(
    teacher, world, ana, rooms
):
    north, south = rooms
    content = _template({**ANA_ROW, "First Name": "Anna"})

    plan = engine.check_file(
        actor=teacher,
        district=world.district,
        kind="students",
        file_name="s.csv",
        content=content,
    )
    assert plan.ok, plan.errors
    notes = [(w.row, w.column, w.message) for w in plan.warnings]
    assert notes == [(2, "Organizations", KEPT), (2, "Classes/Groups", KEPT)]

    engine.commit_file(
        actor=teacher,
        district=world.district,
        kind="students",
        file_name="s.csv",
        content=content,
    )
    ana.refresh_from_db()
    assert ana.first_name == "Anna"
    assert _schools(ana) == {"North Elementary", "South Elementary"}
    assert set(ana.class_groups.values_list("name", flat=True)) == {"Room 4", "Room 9"}


def test_a_district_administrators_import_does_remove_them(district_admin, world, ana, rooms):
    engine.commit_file(
        actor=district_admin,
        district=world.district,
        kind="students",
        file_name="s.csv",
        content=_template(ANA_ROW),
    )

    assert _schools(ana) == {"North Elementary"}
    assert set(ana.class_groups.values_list("name", flat=True)) == {"Room 4"}


def test_the_teachers_reach_is_asked_once_per_import_not_per_row(teacher, world):
    """accounts.permissions decides once per batch: 1 row and 40 rows check in the same
    number of queries."""

    def check(rows: int) -> int:
        students = [
            factories.StudentFactory(
                schools=[world.school, world.other_school], school=world.school
            )
            for _ in range(rows)
        ]
        lines = [
            {
                **ANA_ROW,
                "First Name": s.first_name,
                "Last Name": s.last_name,
                "Username": s.username,
                "Classes/Groups": "",
            }
            for s in students
        ]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(ANA_ROW), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(lines)
        with CaptureQueriesContext(connection) as ctx:
            plan = engine.check_file(
                actor=teacher,
                district=world.district,
                kind="students",
                file_name="s.csv",
                content=out.getvalue().encode(),
            )
        assert plan.ok and len(plan.warnings) == rows
        return len(ctx.captured_queries)

    check(1)  # the first check also reads Tess's scope, which then stays on her user
    assert check(2) == check(40)
