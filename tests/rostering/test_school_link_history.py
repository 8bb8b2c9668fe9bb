"""Who removed Ana from South Elementary, and through which channel? A student's schools and
an educator's organizations keep link history like class memberships do, written by the
engine for every channel and shown in the admin's history of the student and the educator."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering import link_history
from rostering.history import Channel, audit
from rostering.models import Educator, LinkChange, Organization, Student
from tests import factories
from tests.admin.conftest import admin_url, change_form_data
from tests.rostering.views.test_students_detail import details
from tests.sync.engine.conftest import SCHOOLS, district, school, sis, student  # noqa: F401
from tests.sync.engine.test_queries import _sis_of_size

Kind, Action = LinkChange.Kind, LinkChange.Action


def _section(client, record) -> str:
    page = client.get(admin_url(record, "history")).content.decode()
    return page.split("Schools, classes and products", 1)[1]


def test_a_form_edit_of_a_students_schools_records_the_removal_and_the_add(
    client, world, district_admin, support
):
    ana = factories.StudentFactory(
        school=world.school, first_name="Ana", last_name="Lopez", username="ana.lopez"
    )
    client.force_login(district_admin)
    response = client.post(
        reverse("rostering:student_detail", args=[ana.pk]),
        details(ana, schools=[world.other_school.pk]),
    )
    assert response.status_code == 302
    assert list(ana.schools.all()) == [world.other_school]

    rows = LinkChange.objects.filter(student=ana).order_by("action")
    assert [(r.kind, r.action, r.organization, r.actor, r.channel) for r in rows] == [
        (Kind.STUDENT_SCHOOL, Action.ADDED, world.other_school, district_admin, "form"),
        (Kind.STUDENT_SCHOOL, Action.REMOVED, world.school, district_admin, "form"),
    ]
    client.force_login(support)
    section = _section(client, ana)
    assert f"removed from school {world.school.name}" in section
    assert "added to school South Elementary" in section
    assert f"<td>{district_admin}</td>" in section and "<td>form</td>" in section


def test_an_admin_edit_of_an_educators_organizations_is_in_their_history(client, world, support):
    tess = factories.EducatorFactory(organization=world.school, first_name="Tess")
    client.force_login(support)
    url = admin_url(tess)
    data = change_form_data(client.get(url))
    data["organizations"] = [str(world.other_school.pk)]
    assert client.post(url, data).status_code == 302

    removed = LinkChange.objects.get(educator=tess, action=Action.REMOVED)
    assert (removed.kind, removed.organization, removed.actor, removed.channel) == (
        Kind.EDUCATOR_SCHOOL,
        world.school,
        support,
        Channel.ADMIN,
    )
    section = _section(client, tess)
    assert "added to organization South Elementary" in section
    assert f"removed from organization {world.school.name}" in section


def test_a_sync_that_moves_a_student_records_it_with_the_run(sis):  # noqa: F811
    sis.orgs = [*SCHOOLS, {**SCHOOLS[1], "sourcedId": "sch-2", "name": "South", "identifier": "S2"}]
    sis.users = [student(1)]
    first = sis.sync()
    sis.users = [student(1, school="sch-2")]
    run = sis.sync()

    kid = Student.objects.get(username="kid1")
    north, south = (Organization.objects.get(external_id=code) for code in ("N1", "S2"))
    rows = LinkChange.objects.filter(student=kid, kind=Kind.STUDENT_SCHOOL)
    assert {(r.action, r.organization, r.actor, r.channel, r.channel_ref) for r in rows} == {
        (Action.ADDED, north, None, "sync", f"sync run {first.pk}"),
        (Action.REMOVED, north, None, "sync", f"sync run {run.pk}"),
        (Action.ADDED, south, None, "sync", f"sync run {run.pk}"),
    }


def test_the_sync_writes_school_history_with_the_same_queries_for_10_and_300_students(db, tmp_path):
    def history_queries(size: int) -> int:
        source = _sis_of_size(tmp_path / str(size), size)
        with CaptureQueriesContext(connection) as ctx:
            source.sync()
        return sum(1 for q in ctx.captured_queries if LinkChange._meta.db_table in q["sql"])

    assert history_queries(10) == history_queries(300)
    # Every synced person's school, once: 10 + 300 students, 1 + 30 teachers.
    added = LinkChange.objects.filter(action=Action.ADDED, channel=Channel.SYNC)
    assert added.filter(kind=Kind.STUDENT_SCHOOL).count() == 310
    assert added.filter(kind=Kind.EDUCATOR_SCHOOL).count() == 31


def test_deleting_a_person_records_the_schools_that_go_with_them(world, district_admin):
    ana = factories.StudentFactory(school=world.school, schools=[world.school, world.other_school])
    tess = factories.EducatorFactory(organization=world.other_school)
    with audit(actor=district_admin, channel=Channel.UNDO):
        link_history.record_deleted(Student, [ana.pk])
        link_history.record_deleted(Educator, [tess.pk])
    gone = LinkChange.objects.filter(action=Action.REMOVED)
    assert set(gone.values_list("kind", "organization", "channel")) == {
        (Kind.STUDENT_SCHOOL, world.school.pk, "undo"),
        (Kind.STUDENT_SCHOOL, world.other_school.pk, "undo"),
        (Kind.EDUCATOR_SCHOOL, world.other_school.pk, "undo"),
    }
