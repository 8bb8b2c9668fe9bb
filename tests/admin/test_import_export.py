"""django-import-export on the admin runs through the import engine: one district, a preview
from check_file, nothing written until "Confirm import", then commit_file."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.models import Student
from tests import factories
from tests.imports.views.conftest import students_csv

IMPORT = reverse("admin:rostering_student_import")
PROCESS = reverse("admin:rostering_student_process_import")


def _upload(client, world, content, name="kids.csv"):
    return client.post(
        IMPORT,
        {
            "district": world.district.pk,
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def test_upload_shows_the_engines_preview_and_writes_nothing(
    support_client, support, world, fake_engine
):
    assert support_client.get(IMPORT).status_code == 200
    response = _upload(
        support_client, world, students_csv(("Ana", "Lopez", "ana.l", "North Elementary"))
    )

    page = response.content.decode()
    assert "Confirm import" in page and "Ana (ana.l)" in page
    assert not Student.objects.exists()
    assert fake_engine.calls == [("check", "students", support)]


def test_confirming_commits_the_file_into_the_chosen_district(
    support_client, support, world, fake_engine
):
    preview = _upload(
        support_client, world, students_csv(("Ana", "Lopez", "ana.l", "North Elementary"))
    )
    confirm = preview.context["confirm_form"].initial

    response = support_client.post(PROCESS, confirm, follow=True)

    ana = Student.objects.get(username="ana.l")
    assert ana.district == world.district
    assert ("commit", "students", support) in fake_engine.calls
    assert "Imported: 1 new, 0 updated, 0 unchanged." in response.content.decode()


def test_a_bad_row_is_shown_with_its_row_and_column_and_cannot_be_confirmed(
    support_client, world, fake_engine
):
    response = _upload(support_client, world, students_csv(("Ana", "Lopez", "", "North")))

    page = response.content.decode()
    assert "Username is empty: type one." in page and "Username" in page
    assert "Confirm import" not in page
    assert not Student.objects.exists()


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
    assert [row["username"] for row in rows] == ["maple.kid"]
    assert rows[0]["District"] == "Maple District"
