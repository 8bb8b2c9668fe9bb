"""django-import-export on the admin goes through the portal's import pipeline: the upload
becomes an import job of the chosen district (same size limits), the background worker checks
it (the admin's request reads nothing), the job's page shows the preview naming the district,
and "Confirm and import" queues the commit for the worker."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from rostering.imports import jobs
from rostering.imports.models import ImportJob
from rostering.models import Student
from tests import factories
from tests.imports.views.conftest import students_csv

IMPORT = reverse("admin:rostering_student_import")
PROCESS = reverse("admin:rostering_student_process_import")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ANA = students_csv(("Ana", "Lopez", "ana.l", "North Elementary"))


def _upload(client, world, content, name="kids.csv", district=None):
    return client.post(
        IMPORT,
        {
            "district": (district or world.district).pk,
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def test_fake_engine_the_admins_upload_is_only_kept_the_worker_checks_it(
    support_client, support, world, fake_engine
):
    assert support_client.get(IMPORT).status_code == 200
    with override_settings(TASKS=DB_TASKS):  # as in production: nothing runs until a worker
        response = _upload(support_client, world, ANA)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:job", args=[job.pk])
    assert job.status == ImportJob.Status.CHECKING and job.district == world.district
    assert fake_engine.calls == []  # the admin's request did not read the file
    page = support_client.get(response.url).content.decode()
    assert "Checking your file…" in page and "for Maple District" in page

    jobs.job_check_run(job.pk)  # what the worker does

    page = support_client.get(response.url).content.decode()
    assert "Ana (ana.l)" in page and "Confirm and import" in page
    assert "Students for Maple District" in page  # the confirm page names the district
    assert not Student.objects.exists()
    assert fake_engine.calls == [("check", "students", support)]


def test_fake_engine_confirming_on_the_jobs_page_commits_into_the_chosen_district(
    support_client, support, world, fake_engine, django_capture_on_commit_callbacks
):
    _upload(support_client, world, ANA, district=world.other_district)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED  # the test settings run the check at once

    with django_capture_on_commit_callbacks(execute=True):
        support_client.post(reverse("imports:job_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.failure_reason
    assert Student.objects.get(username="ana.l").district == world.other_district
    assert ("commit", "students", support) in fake_engine.calls


def test_fake_engine_a_bad_row_is_shown_with_its_row_and_column_and_cannot_be_confirmed(
    support_client, world, fake_engine
):
    response = _upload(support_client, world, students_csv(("Ana", "Lopez", "", "North")))

    page = support_client.get(response.url).content.decode()
    assert "Username is empty: type one." in page
    assert 'disabled aria-disabled="true"' in page  # Confirm and import is disabled
    job = ImportJob.objects.get()
    support_client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert not Student.objects.exists()


def test_a_file_over_the_size_limit_is_refused_on_the_form_and_nothing_is_kept(
    support_client, world, settings
):
    settings.UPLOAD_MAX_FILE_MB = 1
    response = _upload(support_client, world, b"First Name\r\n" + b"x" * (2 * 1024 * 1024))

    assert response.status_code == 200
    assert "kids.csv is larger than 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_django_import_exports_in_request_commit_is_gone(support_client, world, fake_engine):
    response = support_client.post(
        PROCESS, {"district": world.district.pk, "import_file_name": "x", "format": "0"}
    )
    assert response.status_code == 404
    assert fake_engine.calls == [] and not Student.objects.exists()


def test_portal_roles_cannot_reach_the_import(client, district_admin, world, fake_engine):
    client.force_login(district_admin)
    response = _upload(client, world, students_csv(("Ana", "Lopez", "ana.l", "North")))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert fake_engine.calls == []


def test_export_of_one_district_holds_only_its_students(support_client, world):
    factories.StudentFactory(school=world.school, username="maple.kid")
    factories.StudentFactory(school=world.outsider_school, username="oak.kid")
    url = reverse("admin:rostering_student_export") + f"?district={world.district.pk}"

    response = support_client.post(
        url,
        {
            "format": "0",
            "resource": "0",
            "studentexport_username": "on",
            "studentexport_district_name": "on",
        },
    )

    assert response.status_code == 200, response.content[:500]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Username"] for row in rows] == ["maple.kid"]
    assert rows[0]["District"] == "Maple District"


def _export_all(client, model: str, district) -> list[dict]:
    """Every column of the admin's CSV export of ``model``, filtered to ``district``."""
    url = reverse(f"admin:rostering_{model}_export") + f"?district={district.pk}"
    form = client.get(url).context["form"]
    ticked = {name: "on" for name in form.fields if "export_" in name and name != "export_items"}
    response = client.post(url, {**ticked, "format": "0", "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_admin_export_has_the_registrys_columns_of_the_portal_list(support_client, world):
    from rostering import registry

    educator = factories.EducatorFactory(organization=world.school, username="tess.t")
    educator.organizations.add(world.other_school)

    rows = _export_all(support_client, "educator", world.district)

    listed = [f.column for f in registry.EDUCATOR.listed_fields]
    assert list(rows[0]) == ["District", *listed, "Status", "Origin"]
    cells = rows[0]
    assert cells["Username"] == "tess.t" and cells["Educator Type"] == "Teacher"
    assert cells["Organizations"] == "North Elementary; South Elementary"
    assert (cells["Status"], cells["Origin"]) == ("Active", "Manual")


def test_the_admin_class_export_names_its_people_as_the_class_import_reads_them(
    support_client, world
):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4", external_id="C-4")
    factories.ClassStudentFactory(class_group=room, student__username="ana.l")
    factories.ClassStudentFactory(class_group=room, student__username="ben.k")
    factories.ClassEducatorFactory(class_group=room, educator__username="tess.t")
    factories.ClassProductFactory(class_group=room, product__name="Reading Stars")

    (row,) = _export_all(support_client, "classgroup", world.district)

    assert row["Class/Group Name"] == "Room 4" and row["Organization"] == "North Elementary"
    assert (row["Students"], row["Educators"], row["Product"]) == (
        "ana.l; ben.k",
        "tess.t",
        "Reading Stars",
    )
    assert row["External Assigned ID"] == "C-4"
