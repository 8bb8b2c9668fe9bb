"""Imports home (the district's imports and submissions) and Generate Import Templates."""

from django.urls import reverse

from rostering.imports.models import AssistedSubmission, ImportJob

from .conftest import students_csv

HOME = reverse("imports:home")
TEMPLATES = reverse("imports:templates")


def _job(world, user, name, district=None):
    return ImportJob.objects.create(
        district=district or world.district,
        kind="students",
        created_by=user,
        file_name=name,
        file_content=students_csv(),
        status=ImportJob.Status.COMMITTED,
        counts={"created": 12, "updated": 3, "unchanged": 0, "errors": 0},
    )


def test_home_lists_the_districts_imports_with_who_file_type_status_and_counts(
    client, world, district_admin, teacher, outsider
):
    _job(world, teacher, "room12.csv")
    _job(world, outsider, "oak.csv", district=world.other_district)
    client.force_login(district_admin)
    html = client.get(HOME).content.decode()
    assert "room12.csv" in html and "Tess Teacher" in html and "Imported" in html
    assert '<td class="text-end d-none d-md-table-cell">12</td>' in html
    assert "oak.csv" not in html
    assert "New import" in html and "Generate Import Templates" in html


def test_teacher_sees_only_their_own_imports(client, world, district_admin, teacher):
    _job(world, district_admin, "district-staff.csv")
    _job(world, teacher, "mine.csv")
    client.force_login(teacher)
    html = client.get(HOME).content.decode()
    assert "mine.csv" in html and "district-staff.csv" not in html
    assert "Assisted submissions" not in html  # district administrators send those


def test_home_shows_the_districts_submissions_with_their_status(
    client, world, district_admin, outsider
):
    AssistedSubmission.objects.create(
        district=world.district, submitted_by=district_admin, status="checked"
    )
    AssistedSubmission.objects.create(district=world.other_district, submitted_by=outsider)
    client.force_login(district_admin)
    response = client.get(HOME)
    assert [s.district for s in response.context["submissions"]] == [world.district]
    assert "Checked by support" in response.content.decode()


def test_template_page_lists_required_and_optional_columns(client, district_admin, fake_engine):
    client.force_login(district_admin)
    response = client.get(TEMPLATES, {"kind": "educators"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Educators template" in html
    assert 'name="columns" value="Grade"' in html
    assert "<strong>Username</strong>" in html


def test_fake_engine_template_download_has_the_ticked_columns(client, district_admin, fake_engine):
    client.force_login(district_admin)
    response = client.get(TEMPLATES, {"kind": "students", "columns": ["Grade"], "fmt": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="students-template.csv"'
    assert response.content.decode().splitlines()[0] == (
        "First Name,Last Name,Username,Organizations,Grade"
    )


def test_teacher_gets_only_students_and_classes_templates(client, teacher, fake_engine):
    client.force_login(teacher)
    response = client.get(TEMPLATES, {"kind": "educators"})
    assert [k.value for k in response.context["kinds"]] == ["students", "classes"]
    assert response.context["kind"].value == "students"  # the refused type is not served
