"""Issue 11: the preview of a OneRoster set whose classes match no product rule says how many
classes and enrollments it leaves out, and links to where product rules are set."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.imports.models import ImportJob
from rostering.models import ClassGroup
from rostering.oneroster import load_files, zip_files
from tests.shared_data import SHARED_DATA

MINIMAL = SHARED_DATA / "oneroster-moodle-enrol-fixtures" / "v1p1-bulk-minimal"


def _preview(client, user):
    client.force_login(user)
    content = zip_files(load_files(MINIMAL))
    client.post(
        reverse("imports:upload"),
        {"kind": "oneroster", "file": SimpleUploadedFile("minimal.zip", content)},
    )
    job = ImportJob.objects.get()
    return job, client.get(reverse("imports:job", args=[job.pk]))


def test_the_preview_says_which_classes_are_left_out_and_links_to_product_rules(
    client, world, district_admin
):
    job, response = _preview(client, district_admin)

    assert job.status == ImportJob.Status.CHECKED
    assert job.counts["classes_without_product"] == 2
    assert job.counts["enrollments_without_product"] == 4
    page = response.content.decode()
    assert "2 classes and 4 enrollments will not be imported" in page
    assert f'href="{reverse("sync:rules")}"' in page
    assert not ClassGroup.objects.exists()
    # The link leads somewhere this administrator may add a rule.
    assert client.get(reverse("sync:rules")).status_code == 200
