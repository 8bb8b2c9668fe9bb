"""An applied run keeps what it changed, record by record: the run page lists it (searched and
paged in the database) and downloads it as CSV, for the district's administrators only."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.sync.engine import approve_held_run, run_sync
from rostering.sync.models import SyncRun, SyncRunChange

from .conftest import ORGS, sis_student, sis_zip, upload_source

TEACHER = {
    "sourcedId": "tch-1",
    "orgSourcedIds": "sch-n",
    "role": "teacher",
    "username": "teach1",
    "givenName": "Terry",
    "familyName": "Sis",
    "identifier": "T1",
}


def _sync(world):
    run = run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL)
    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason or run.hold_reason
    return run


@pytest.fixture
def second_run(world, configured):
    """Maple synced with four students, then again with Kid1 moved to grade 4 and renamed,
    Kid5 new and Kid2 gone from the SIS."""
    upload_source(world.district, sis_zip(students=4), hold_threshold_percent=50)
    _sync(world)
    users = [
        sis_student(1, grades="04", givenName="Kiddo"),
        sis_student(3),
        sis_student(4),
        sis_student(5),
        TEACHER,
    ]
    upload_source(world.district, sis_zip(users=users))
    return _sync(world)


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_an_applied_run_lists_each_change_with_before_and_after(client, district_admin, second_run):
    client.force_login(district_admin)
    html = client.get(reverse("sync:run", args=[second_run.pk])).content.decode()

    assert "What this run changed" in html
    assert "Kiddo Sis" in html and "Grade 3" in html and "Grade 4" in html
    assert "Kid5 Sis" in html and "Created" in html
    assert "Kid2 Sis" in html and "Deactivated" in html
    assert "Terry Sis" not in html and "Kid3 Sis" not in html  # unchanged: not listed


def test_the_first_run_keeps_every_record_it_created(world, configured):
    run = _sync(world)
    kept = SyncRunChange.objects.filter(run=run)
    assert {(c.kind, c.action) for c in kept} >= {
        ("student", "create"),
        ("educator", "create"),
        ("class_group", "create"),
    }
    assert kept.filter(action="create").count() == run.counts["created"] + 1  # + the school


def test_a_dry_run_keeps_no_change_list(world, configured):
    run = run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL, dry_run=True)
    assert run.status == SyncRun.Status.PREVIEWED
    assert not SyncRunChange.objects.filter(run=run).exists()


def test_searching_by_name_or_sis_id_narrows_the_list(client, district_admin, second_run):
    client.force_login(district_admin)
    url = reverse("sync:run", args=[second_run.pk])

    def changes(params) -> str:  # the record changes (the links below are not searched)
        html = client.get(url, params).content.decode()
        return html[html.index('id="run-changes"') : html.index('id="run-links"')]

    by_id, by_name, none = (
        changes({"q": "stu-5"}),
        changes({"q": "kiddo"}),
        changes({"q": "nobody"}),
    )

    assert "Kid5 Sis" in by_id and "Kiddo Sis" not in by_id
    assert "Kiddo Sis" in by_name and "Kid5 Sis" not in by_name
    assert "No change names" in none


def test_the_list_is_paged_in_the_database(client, world, district_admin, configured):
    upload_source(world.district, sis_zip(students=60))
    run = _sync(world)
    client.force_login(district_admin)
    url = reverse("sync:run", args=[run.pk])

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    change_reads = [q["sql"] for q in queries if "sync_syncrunchange" in q["sql"]]
    second = client.get(url, {"changes_page": 2}).content.decode()

    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Kid1 Sis" in first and "Kid60 Sis" in second and "Kid60 Sis" not in first
    assert len(change_reads) == 2  # a count and one page: never a row at a time
    assert all("LIMIT" in sql for sql in change_reads if "COUNT" not in sql)


def test_the_csv_lists_the_changes_formula_safe(client, world, district_admin, configured):
    _sync(world)
    upload_source(
        world.district,
        sis_zip(users=[sis_student(1, givenName="=HYPERLINK(1)"), sis_student(2), TEACHER]),
    )
    run = _sync(world)
    client.force_login(district_admin)

    rows = _csv(client.get(reverse("sync:run_changes", args=[run.pk])))

    assert rows[0] == ["Action", "Type", "Record", "SIS ID", "Changes"]
    changed = [r for r in rows if r[3] == "stu-1"]
    assert changed and changed[0][0] == "Changed" and changed[0][1] == "Student"
    assert changed[0][2].startswith("'=HYPERLINK")
    assert changed[0][4] == "First name: Kid1 -> =HYPERLINK(1)"  # starts as text: safe


def test_the_csv_keeps_the_pages_search(client, district_admin, second_run):
    client.force_login(district_admin)
    rows = _csv(client.get(reverse("sync:run_changes", args=[second_run.pk]), {"q": "stu-5"}))
    assert [r[3] for r in rows[1:]] == ["stu-5"]


@pytest.mark.parametrize("role", ["teacher", "school_admin"])
def test_only_district_administrators_download_the_changes(client, people, second_run, role):
    client.force_login(people[role])
    response = client.get(reverse("sync:run_changes", args=[second_run.pk]))
    assert response.status_code in (403, 404)


def test_a_school_move_names_both_schools(client, world, district_admin, configured):
    south = {
        "sourcedId": "sch-s",
        "name": "South Sis Elementary",
        "type": "school",
        "identifier": "S1",
        "parentSourcedId": "dist",
    }
    upload_source(world.district, sis_zip(orgs=[*ORGS, south]))
    _sync(world)
    users = [sis_student(1, orgSourcedIds="sch-s"), sis_student(2), TEACHER]
    upload_source(world.district, sis_zip(orgs=[*ORGS, south], users=users))
    run = _sync(world)

    kept = SyncRunChange.objects.get(run=run, sourced_id="stu-1")
    client.force_login(district_admin)
    html = client.get(reverse("sync:run", args=[run.pk]), {"q": "stu-1"}).content.decode()

    assert kept.fields["schools"] == ["North Elementary", "South Sis Elementary"]
    assert "North Elementary</del>" in html and "South Sis Elementary" in html


def test_a_held_run_keeps_its_changes_once_approved(world, district_admin, held_run):
    assert not SyncRunChange.objects.filter(run=held_run).exists()  # nothing applied yet

    approve_held_run(run=held_run, actor=district_admin)

    gone = SyncRunChange.objects.filter(run=held_run, action="deactivate")
    assert sorted(gone.values_list("sourced_id", flat=True)) == sorted(
        f"stu-{n}" for n in range(3, 11)
    )


def test_a_password_the_sis_changed_is_listed_as_set_never_as_its_value(
    client, world, configured, district_admin
):
    upload_source(world.district, sis_zip(users=[sis_student(1, password="tiger42")]))
    _sync(world)
    upload_source(world.district, sis_zip(users=[sis_student(1, password="otter77")]))
    run = _sync(world)

    kept = SyncRunChange.objects.get(run=run)
    client.force_login(district_admin)
    html = client.get(reverse("sync:run", args=[run.pk])).content.decode()
    rows = _csv(client.get(reverse("sync:run_changes", args=[run.pk])))

    assert kept.action == "update" and list(kept.fields) == ["password_encrypted"]
    assert kept.fields["password_encrypted"] == ["(set)", "(set)"]
    assert rows[1][-1] == "Password: (set) -> (set)"
    for shown in (html, str(rows), str(kept.fields)):
        assert "otter77" not in shown and "tiger42" not in shown and "h2$" not in shown


def test_a_run_applied_before_runs_kept_their_changes_says_so(client, district_admin, second_run):
    SyncRunChange.objects.filter(run=second_run).delete()  # as a run applied before this version
    client.force_login(district_admin)

    html = client.get(reverse("sync:run", args=[second_run.pk])).content.decode()

    assert "ran before Homeroom kept each run's changes" in html
    assert "Nothing changed" not in html


def test_a_run_that_changed_nothing_says_so(client, world, configured, district_admin):
    upload_source(world.district, sis_zip(students=2))
    _sync(world)
    unchanged = _sync(world)
    client.force_login(district_admin)

    html = client.get(reverse("sync:run", args=[unchanged.pk])).content.decode()

    assert "Nothing changed: every record was as the SIS sends it." in html
