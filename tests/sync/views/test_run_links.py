"""An applied run's page lists the memberships and product links it changed (the link history
naming the run), paged in the database, beside its record changes."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.sync.engine import run_sync
from rostering.sync.models import ProductRule, SyncRun
from tests import factories

from .conftest import sis_student, sis_zip, upload_source

TEACHER = {
    "sourcedId": "tch-1",
    "orgSourcedIds": "sch-n",
    "role": "teacher",
    "username": "teach1",
    "givenName": "Terry",
    "familyName": "Sis",
    "identifier": "T1",
}


def _enroll(n: int, user: str, role: str = "student") -> dict:
    return {"sourcedId": f"enr-{n}", "classSourcedId": "cls-1", "userSourcedId": user, "role": role}


def _sync(world) -> SyncRun:
    run = run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL)
    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason or run.hold_reason
    return run


def test_a_run_lists_the_memberships_and_product_links_it_added_then_removed(
    client, world, district_admin, configured
):
    ProductRule.objects.create(
        district=world.district,
        match_field=ProductRule.MatchField.CLASS_CODE,
        pattern="MATH3",
        product=factories.ProductFactory(name="Math Quest"),
    )
    users = [sis_student(1), sis_student(2), TEACHER]
    upload_source(
        world.district,
        sis_zip(
            users=users,
            enrollments=[_enroll(1, "stu-1"), _enroll(2, "stu-2"), _enroll(3, "tch-1", "teacher")],
        ),
    )
    first = _sync(world)
    upload_source(world.district, sis_zip(users=users, enrollments=[_enroll(1, "stu-1")]))
    second = _sync(world)
    client.force_login(district_admin)

    page = client.get(reverse("sync:run", args=[first.pk])).content.decode()
    again = client.get(reverse("sync:run", args=[second.pk])).content.decode()

    links = page[page.index('id="run-links"') :]
    assert "Kid1 Sis" in links and "Kid2 Sis" in links and "Terry Sis" in links
    assert "Student in class/group" in links and "Educator of class/group" in links
    assert "Product of class/group" in links and "Math Quest" in links
    assert "School of student" in links and "Organization of educator" in links
    assert world.school.name in links  # the school each was added to
    assert links.count("Added") >= 4
    removed = again[again.index('id="run-links"') :]
    assert "Removed" in removed and "Kid2 Sis" in removed and "Terry Sis" in removed
    assert "Kid1 Sis" not in removed  # still enrolled: nothing changed for Kid1


def test_a_run_that_changed_no_link_says_so(client, world, district_admin, configured):
    _sync(world)
    run = _sync(world)  # the same snapshot again
    client.force_login(district_admin)

    page = client.get(reverse("sync:run", args=[run.pk])).content.decode()

    assert "No school, membership, product link or product setting changed." in page


def test_the_links_are_paged_in_the_database(client, world, district_admin, configured):
    users = [sis_student(n) for n in range(1, 31)]  # 30 memberships and 30 schools
    upload_source(
        world.district,
        sis_zip(users=users, enrollments=[_enroll(n, f"stu-{n}") for n in range(1, 31)]),
        hold_threshold_percent=100,
    )
    run = _sync(world)
    client.force_login(district_admin)
    url = reverse("sync:run", args=[run.pk])

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    reads = [q["sql"] for q in queries if "rostering_linkchange" in q["sql"]]
    second = client.get(url, {"links_page": 2}).content.decode()

    assert "Page 1 of 2" in first[first.index('id="run-links"') :]
    assert "Page 2 of 2" in second[second.index('id="run-links"') :]
    assert len(reads) == 2  # a count and one page, with the records joined in
    assert all("LIMIT" in sql for sql in reads if "COUNT" not in sql)
