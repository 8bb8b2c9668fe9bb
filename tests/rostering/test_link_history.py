"""Who removed this child from Room 4, and through which channel? Every writer of class
memberships, product links and product settings leaves a history row with actor and channel,
shown in the admin's history of the student and of the class/group."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering import link_history
from rostering.history import Channel, audit
from rostering.imports import engine, jobs, jobs_undo
from rostering.models import ClassGroup, ClassStudent, LinkChange, Product, Student
from tests import factories
from tests.admin.conftest import admin_url, change_form_data
from tests.imports.engine.conftest import csv_bytes, products  # noqa: F401
from tests.sync.engine.conftest import district, enroll, klass, school, sis, student  # noqa: F401
from tests.sync.engine.test_queries import _sis_of_size

Kind, Action = LinkChange.Kind, LinkChange.Action


def _ana_in_room_4(world):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4")
    ana = factories.StudentFactory(
        school=world.school, first_name="Ana", last_name="Lopez", username="ana.lopez"
    )
    factories.ClassStudentFactory(class_group=room, student=ana)
    return room, ana


def _removal(room, ana) -> LinkChange:
    assert not ClassStudent.objects.filter(class_group=room, student=ana).exists()
    return LinkChange.objects.get(
        kind=Kind.CLASS_STUDENT, action=Action.REMOVED, class_group=room, student=ana
    )


def _ana_row(world, classes: str) -> dict:
    return {
        "First Name": "Ana",
        "Last Name": "Lopez",
        "Username": "ana.lopez",
        "Organizations": world.school.name,
        "Classes/Groups": classes,
    }


def _run_import(actor, content, capture):
    job = jobs.job_create(
        actor=actor, kind="students", file_name="students.csv", content=content, check_now=True
    )
    assert not job.errors, job.errors
    with capture(execute=True):
        jobs.job_confirm(actor=actor, job=job)
    job.refresh_from_db()
    assert job.status == job.Status.COMMITTED, job.failure_reason
    return job


def test_a_removal_through_the_portal_form_names_the_teacher_and_the_form(
    client, world, district_admin
):
    room, ana = _ana_in_room_4(world)
    client.force_login(district_admin)
    client.post(reverse("rostering:class_student_remove", args=[room.pk]), {"student": ana.pk})
    row = _removal(room, ana)
    assert row.actor == district_admin and row.channel == Channel.FORM and row.channel_ref == ""


def test_a_removal_through_a_template_import_names_the_job_and_undo_its_undoing(
    world, district_admin, django_capture_on_commit_callbacks
):
    room, ana = _ana_in_room_4(world)
    room_5 = factories.ClassGroupFactory(school=world.school, name="Room 5")
    content = csv_bytes([_ana_row(world, "Room 5")])
    job = _run_import(district_admin, content, django_capture_on_commit_callbacks)

    row = _removal(room, ana)
    assert (row.actor, row.channel, row.channel_ref) == (
        district_admin,
        Channel.IMPORT,
        f"import job {job.pk}",
    )
    added = LinkChange.objects.get(kind=Kind.CLASS_STUDENT, action=Action.ADDED)
    assert added.class_group == room_5 and added.channel_ref == f"import job {job.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        jobs_undo.job_undo(actor=district_admin, job=job)
    job.refresh_from_db()
    assert job.status == job.Status.UNDONE, job.undo_error
    back = LinkChange.objects.get(class_group=room, action=Action.ADDED)
    assert (back.actor, back.channel, back.channel_ref) == (
        district_admin,
        Channel.UNDO,
        f"import job {job.pk}",
    )
    assert LinkChange.objects.get(class_group=room_5, action=Action.REMOVED).channel == "undo"


def test_a_removal_by_the_sync_names_the_run_and_no_person(sis):  # noqa: F811
    sis.users = [student(1), student(2)]
    sis.classes = [klass(4, title="Room 4")]
    sis.enrollments = [enroll(4, "stu-1"), enroll(4, "stu-2")]
    sis.sync()
    sis.enrollments = [enroll(4, "stu-2")]
    run = sis.sync()

    kid1 = Student.objects.get(username="kid1")
    room = ClassGroup.objects.get(name="Room 4")
    row = _removal(room, kid1)
    assert (row.actor, row.channel, row.channel_ref) == (None, Channel.SYNC, f"sync run {run.pk}")
    added = LinkChange.objects.filter(class_group=room, action=Action.ADDED)
    assert added.count() == 2 and {r.channel for r in added} == {"sync"}


def test_a_removal_in_the_admin_names_support_and_the_admin(client, support, world):
    room, ana = _ana_in_room_4(world)
    client.force_login(support)
    support_client = client
    url = admin_url(room)
    data = change_form_data(support_client.get(url))
    data["classstudent_set-0-DELETE"] = "on"
    response = support_client.post(url, data)
    assert response.status_code == 302
    row = _removal(room, ana)
    assert (row.actor, row.channel) == (support, Channel.ADMIN)


def test_product_links_and_settings_record_before_and_after(
    world,
    district_admin,
    products,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    ana = factories.StudentFactory(school=world.school, username="ana.lopez", first_name="Ana")
    factories.StudentProductSettingFactory(
        student=ana, setting=products["language"], value="English"
    )
    content = csv_bytes(
        [
            {
                **_ana_row(world, ""),
                "Products": "Reading Stars",
                "Product Settings": "Language Support = Spanish",
            }
        ]
    )
    job = _run_import(district_admin, content, django_capture_on_commit_callbacks)
    link = LinkChange.objects.get(kind=Kind.STUDENT_PRODUCT)
    assert (link.student, link.product, link.action) == (ana, products["reading"], "added")
    setting = LinkChange.objects.get(kind=Kind.STUDENT_SETTING)
    assert (setting.value_before, setting.value_after, setting.action) == (
        "English",
        "Spanish",
        "changed",
    )
    assert setting.channel_ref == f"import job {job.pk}"


def test_the_admin_history_of_the_student_and_of_the_class_list_the_changes(
    client, support, world, district_admin
):
    room, ana = _ana_in_room_4(world)
    client.force_login(district_admin)
    client.post(reverse("rostering:class_student_remove", args=[room.pk]), {"student": ana.pk})
    client.force_login(support)
    support_client = client

    for record in (ana, room):
        page = support_client.get(admin_url(record, "history")).content.decode()
        section = page.split("Schools, classes and products", 1)[1]
        assert "removed from class/group Room 4" in section
        assert "Ana" in section and "dana" in section.lower() and "form" in section


def test_the_history_page_says_when_nothing_is_recorded(client, support, world):
    client.force_login(support)
    support_client = client
    room = factories.ClassGroupFactory(school=world.school, name="Room 9")
    page = support_client.get(admin_url(room, "history")).content.decode()
    assert "No class/group, school, product or setting changes are recorded." in page


def _import_queries(world, products, first: int, count: int) -> int:  # noqa: F811
    rows = [
        {
            **_ana_row(world, "Room 4"),
            "First Name": f"Kid{n}",
            "Username": f"kid{n}",
            "Products": "Reading Stars",
            "Product Settings": "Language Support = Spanish",
        }
        for n in range(first, first + count)
    ]
    with CaptureQueriesContext(connection) as ctx:
        engine.commit_file(
            actor=None,
            district=world.district,
            kind="students",
            file_name="s.csv",
            content=csv_bytes(rows),
        )
    return len(ctx.captured_queries)


def test_history_keeps_the_import_query_count_fixed_as_rows_grow(
    world,
    products,  # noqa: F811
):
    factories.ClassGroupFactory(school=world.school, name="Room 4")
    few, many = _import_queries(world, products, 0, 5), _import_queries(world, products, 100, 80)
    assert few == many
    # One row per class membership, school, product link and setting of each new student.
    assert LinkChange.objects.filter(channel=Channel.IMPORT).count() == 4 * 85


def test_the_sync_writes_membership_history_in_one_statement_per_batch(db, tmp_path):
    def history_inserts(size: int) -> tuple[int, int]:
        source = _sis_of_size(tmp_path / str(size), size)
        with CaptureQueriesContext(connection) as ctx:
            source.sync()
        table = LinkChange._meta.db_table
        inserts = [q for q in ctx.captured_queries if table in q["sql"]]
        others = [q for q in ctx.captured_queries if not q["sql"].startswith("INSERT")]
        return len(inserts), len(others)

    small, big = history_inserts(10), history_inserts(300)
    assert small == big
    if connection.vendor == "sqlite":  # a COPY (PostgreSQL) is not in Django's query log
        assert big[0] == 4  # the students' and the educators' memberships, and schools
    # 10 students and 1 teacher, then 300 students and 30 teachers: every membership.
    added = LinkChange.objects.filter(channel=Channel.SYNC, action=Action.ADDED)
    assert added.filter(kind__in=[Kind.CLASS_STUDENT, Kind.CLASS_EDUCATOR]).count() == 341


def test_the_admin_history_of_an_educator_lists_their_classes(
    client, support, world, district_admin
):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4")
    tess = factories.EducatorFactory(organization=world.school, first_name="Tess")
    client.force_login(district_admin)
    client.post(reverse("rostering:class_educators", args=[room.pk]), {"educators": [tess.pk]})
    assert room.educators.filter(pk=tess.pk).exists()
    client.force_login(support)

    page = client.get(admin_url(tess, "history")).content.decode()

    section = page.split("Schools, classes and products", 1)[1]
    assert "added to class/group Room 4" in section
    assert "dana" in section.lower() and "form" in section


def _deleted_with_their_links(model, ids, actor):
    """As undo deletes the records an import created: history first, then the delete."""
    with audit(actor=actor, channel=Channel.UNDO):
        link_history.record_deleted(model, ids)
        model.objects.filter(pk__in=ids).delete()


def test_links_that_go_with_a_deleted_student_or_class_are_recorded(
    client,
    support,
    world,
    district_admin,
    products,  # noqa: F811
):
    room, ana = _ana_in_room_4(world)
    reading = Product.objects.get(name="Reading Stars")
    factories.StudentProductFactory(student=ana, product=reading)
    factories.StudentProductSettingFactory(
        student=ana, setting=products["language"], value="Spanish"
    )
    tess = factories.EducatorFactory(organization=world.school)
    factories.ClassEducatorFactory(class_group=room, educator=tess)

    _deleted_with_their_links(Student, [ana.pk], district_admin)
    _deleted_with_their_links(ClassGroup, [room.pk], district_admin)

    gone = LinkChange.objects.filter(action=Action.REMOVED)
    assert set(gone.values_list("kind", "channel", "actor__username")) == {
        (Kind.CLASS_STUDENT, "undo", "dana"),
        (Kind.STUDENT_SCHOOL, "undo", "dana"),
        (Kind.STUDENT_PRODUCT, "undo", "dana"),
        (Kind.STUDENT_SETTING, "undo", "dana"),
        (Kind.CLASS_EDUCATOR, "undo", "dana"),
    }
    setting = gone.get(kind=Kind.STUDENT_SETTING)
    assert (setting.student_id, setting.setting, setting.value_before, setting.value_after) == (
        ana.pk,
        products["language"],
        "Spanish",
        "",
    )
    assert gone.get(kind=Kind.CLASS_STUDENT).class_group_id == room.pk
    client.force_login(support)
    page = client.get(admin_url(tess, "history")).content.decode()
    assert "removed from class/group (deleted)" in page.split("Schools, classes and products", 1)[1]


def test_recording_a_bulk_delete_takes_the_same_queries_for_3_and_300_students(world):
    def queries(count: int) -> int:
        room = factories.ClassGroupFactory(school=world.school)
        kids = factories.StudentFactory.create_batch(count, school=world.school)
        for kid in kids:
            factories.ClassStudentFactory(class_group=room, student=kid)
        with CaptureQueriesContext(connection) as ctx:
            link_history.record_deleted(Student, [k.pk for k in kids])
        assert LinkChange.objects.filter(class_group=room, action=Action.REMOVED).count() == count
        return len(ctx.captured_queries)

    assert queries(3) == queries(300)


def test_a_deleted_users_changes_stay_in_the_history_without_them(
    client, support, world, district_admin
):
    """The history keeps the actor as written (no index by actor, nothing rewritten when a
    user goes): the row stays, and the history page shows no one for it."""
    room, ana = _ana_in_room_4(world)
    client.force_login(district_admin)
    client.post(reverse("rostering:class_student_remove", args=[room.pk]), {"student": ana.pk})
    gone = district_admin.pk

    district_admin.delete()

    row = _removal(room, ana)
    assert row.actor_id == gone and row.channel == Channel.FORM
    client.force_login(support)
    page = client.get(admin_url(ana, "history")).content.decode()
    section = page.split("Schools, classes and products", 1)[1]
    assert "removed from class/group Room 4" in section and "dana" not in section.lower()
