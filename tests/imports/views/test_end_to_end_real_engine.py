"""The whole journey through the pages with the real import engine: template, upload,
preview, confirm (the task), result, re-upload (no change), undo."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.imports.models import ImportJob
from rostering.models import Student


def _filled_template(client, rows: list[dict]) -> bytes:
    """The Students template as downloaded from the page, its sample rows replaced by ours."""
    response = client.get(reverse("imports:templates"), {"kind": "students", "fmt": "csv"})
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode("utf-8")


def _row(first, last, username, student_id, school):
    return {
        "First Name": first,
        "Last Name": last,
        "Username": username,
        "Student ID": student_id,
        "External Assigned ID": student_id,
        "Organizations": school,
    }


def _upload(client, content):
    client.post(
        reverse("imports:upload"),
        {"kind": "students", "file": SimpleUploadedFile("students.csv", content)},
    )
    return ImportJob.objects.latest("pk")


def test_real_engine_district_admin_imports_students_then_undoes_it(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    content = _filled_template(
        client,
        [
            _row("Ana", "Lopez", "ana.lopez", "000123", world.school.name),
            _row("Ben", "Kim", "ben.kim", "000124", world.other_school.name),
        ],
    )
    job = _upload(client, content)
    assert job.errors == []
    assert job.counts["created"] == 2
    assert not Student.objects.filter(district=world.district).exists()
    preview = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Every row is fine" in preview and "ana.lopez" in preview

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.failure_reason
    ana = Student.objects.get(district=world.district, username="ana.lopez")
    assert ana.external_id == "000123"  # leading zeros kept
    assert list(ana.schools.all()) == [world.school]

    again = _upload(client, content)
    assert again.counts["created"] == 0 and again.counts["unchanged"] == 2

    client.post(reverse("imports:job_undo", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UNDONE
    assert not Student.objects.filter(district=world.district, is_active=True).exists()


def test_real_engine_a_bad_row_is_shown_with_its_row_and_column_and_nothing_is_written(
    client, world, teacher
):
    client.force_login(teacher)
    content = _filled_template(
        client,
        [
            _row("Ana", "Lopez", "ana.lopez", "000123", world.school.name),
            _row("Ben", "", "ben.kim", "000124", world.school.name),
        ],
    )
    job = _upload(client, content)
    assert job.status == ImportJob.Status.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "Last Name")]
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "<td>3</td><td>Last Name</td>" in html
    assert not Student.objects.filter(district=world.district).exists()


def _all_columns(kind: str) -> list[str]:
    from rostering.imports.engine import template_columns

    return [c["name"] for c in template_columns(kind) if not c["required"]]


def test_real_engine_each_template_uploaded_as_it_comes_passes(client, world, district_admin):
    """The sample rows name the district's own schools, class/group and products; the
    Organizations template's new schools are named unlike the district's (North and South
    Elementary, its registry samples, exist already: so do "North Elementary 2" and "S-1")."""
    from tests import factories

    factories.SchoolFactory(district=world.district, name="North Elementary 2", external_id="S-1")
    factories.ProductSettingFactory(product=factories.ProductFactory(name="Zeta Reading"))
    factories.ProductFactory(name="Alpha Math")
    factories.ClassGroupFactory(school=world.school, name="Robins")
    client.force_login(district_admin)
    for kind in ("students", "educators", "classes", "organizations"):
        for fmt in ("csv", "xlsx"):
            template = client.get(
                reverse("imports:templates"),
                {"kind": kind, "fmt": fmt, "columns": _all_columns(kind)},
            )
            assert template.status_code == 200
            client.post(
                reverse("imports:upload"),
                {"kind": kind, "file": SimpleUploadedFile(f"t.{fmt}", template.content)},
            )
            job = ImportJob.objects.latest("pk")
            assert job.errors == [], (kind, fmt, job.errors)
            assert job.counts["created"] >= 1, (kind, fmt)


def test_every_row_of_the_xlsx_template_keeps_ids_as_text(client, district_admin):
    from openpyxl import load_workbook

    client.force_login(district_admin)
    response = client.get(reverse("imports:templates"), {"kind": "students", "fmt": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    letter = sheet.cell(row=1, column=header.index("Student ID") + 1).column_letter
    assert sheet.column_dimensions[letter].number_format == "@"  # rows typed later too
    assert sheet[f"{letter}2"].number_format == "@"


def test_real_engine_preview_quotes_a_hostile_cell_in_full_and_safely(
    client, world, district_admin
):
    hostile = '=HYPERLINK("https://evil.example/' + "x" * 60 + '","<script>alert(1)</script>")'
    client.force_login(district_admin)
    content = _filled_template(
        client, [_row("Ana", hostile, "ana.lopez", "000123", world.school.name)]
    )
    job = _upload(client, content)
    (error,) = job.errors
    assert error["column"] == "Last Name" and hostile in error["message"]
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "x" * 60 in page


def test_a_committed_import_keeps_what_it_did_on_its_page_and_in_its_result_file(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    first = _upload(
        client,
        _filled_template(client, [_row("Ana", "Lopez", "ana.lopez", "7", world.school.name)]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[first.pk]))
    renamed = _upload(
        client,
        _filled_template(client, [_row("Anna", "Lopez", "ana.lopez", "7", world.school.name)]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[renamed.pk]))
    renamed.refresh_from_db()
    assert renamed.status == ImportJob.Status.COMMITTED, renamed.failure_reason

    page = client.get(reverse("imports:job", args=[renamed.pk])).content.decode()
    result = client.get(reverse("imports:job_result", args=[renamed.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(result.streaming_content).decode("utf-8-sig"))))

    assert "What the import did" in page and "Anna" in page and "Ana" in page
    assert rows[1][1] == "Updated" and "Ana -> Anna" in rows[1][3]
