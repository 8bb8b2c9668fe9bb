"""A preview cannot be confirmed once the records it matched changed (a newer import, a
form): it says so and offers to check the file again, whose fresh preview can be confirmed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering import services
from rostering.imports.models import ImportJob
from rostering.models import Student
from tests import factories

from .test_end_to_end_real_engine import _filled_template, _row


def _upload(client, content, name="students.csv") -> ImportJob:
    client.post(
        reverse("imports:upload"), {"kind": "students", "file": SimpleUploadedFile(name, content)}
    )
    return ImportJob.objects.latest("pk")


def _confirm(client, job, capture):
    with capture(execute=True):
        response = client.post(reverse("imports:job_confirm", args=[job.pk]), follow=True)
    job.refresh_from_db()
    return response


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _ana(world, grade_name="Ana", student_id="000123"):
    return _row(grade_name, "Lopez", "ana.lopez", student_id, world.school.name)


def test_preview_made_stale_by_a_newer_import_is_refused_then_checked_again(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    factories.StudentFactory(
        school=world.school,
        username="ana.lopez",
        first_name="Ana",
        last_name="Lopez",
        external_id="000123",
    )
    client.force_login(district_admin)
    first = _upload(client, _filled_template(client, [_ana(world, "Anna")]), "first.csv")
    second = _upload(client, _filled_template(client, [_ana(world, "Annie")]), "second.csv")
    assert first.counts["updated"] == second.counts["updated"] == 1

    _confirm(client, second, django_capture_on_commit_callbacks)
    assert second.status == ImportJob.Status.COMMITTED
    assert Student.objects.get(username="ana.lopez").first_name == "Annie"

    page = client.get(reverse("imports:job", args=[first.pk])).content.decode()
    assert "Check the file again" in page and "second.csv" in page
    response = _confirm(client, first, django_capture_on_commit_callbacks)
    assert first.status == ImportJob.Status.CHECKED
    assert "1 of the records it matched was changed" in _messages(response)
    assert "the import of second.csv was confirmed meanwhile" in _messages(response)
    assert Student.objects.get(username="ana.lopez").first_name == "Annie"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_recheck", args=[first.pk]))
    first.refresh_from_db()
    assert first.status == ImportJob.Status.CHECKED
    assert first.changes[0]["changes"]["First Name"] == ["Annie", "Anna"]  # as things are now
    page = client.get(reverse("imports:job", args=[first.pk])).content.decode()
    assert "Every row is fine" in page and "Check the file again" not in page
    _confirm(client, first, django_capture_on_commit_callbacks)
    assert first.status == ImportJob.Status.COMMITTED, first.failure_reason
    assert Student.objects.get(username="ana.lopez").first_name == "Anna"


def test_a_change_by_hand_to_a_matched_record_makes_the_preview_stale(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    ana = factories.StudentFactory(
        school=world.school,
        username="ana.lopez",
        first_name="Ana",
        last_name="Lopez",
        external_id="000123",
    )
    client.force_login(district_admin)
    job = _upload(client, _filled_template(client, [_ana(world, "Ana")]))
    assert job.counts["unchanged"] == 1  # the preview says nothing would change
    services.student_update(actor=district_admin, student=ana, first_name="Anita")

    response = _confirm(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.CHECKED
    assert "Check the file again" in _messages(response)
    assert Student.objects.get(pk=ana.pk).first_name == "Anita"


def test_a_change_to_other_records_leaves_the_preview_confirmable(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    ana = factories.StudentFactory(
        school=world.school, username="ana.lopez", first_name="Ana", external_id="000123"
    )
    other = factories.StudentFactory(school=world.school, first_name="Bo")
    client.force_login(district_admin)
    job = _upload(client, _filled_template(client, [_ana(world, "Anna")]))
    services.student_update(actor=district_admin, student=other, first_name="Bob")

    _confirm(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.COMMITTED, job.failure_reason
    assert Student.objects.get(pk=ana.pk).first_name == "Anna"


def test_new_students_added_meanwhile_make_a_preview_that_adds_students_stale(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    job = _upload(client, _filled_template(client, [_ana(world)]))
    assert job.counts["created"] == 1
    services.student_create(
        actor=district_admin,
        district=world.district,
        first_name="Ana",
        last_name="Lopez",
        username="ana.lopez",
        schools=[world.school],
    )
    response = _confirm(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.CHECKED
    assert "new students were added that this file may add too" in _messages(response)


def test_another_district_cannot_check_a_preview_again(client, world, district_admin, outsider):
    client.force_login(district_admin)
    job = _upload(client, _filled_template(client, [_ana(world)]))
    client.force_login(outsider)
    assert client.post(reverse("imports:job_recheck", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED


def test_a_committed_import_cannot_be_checked_again(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    job = _upload(client, _filled_template(client, [_ana(world)]))
    _confirm(client, job, django_capture_on_commit_callbacks)
    response = client.post(reverse("imports:job_recheck", args=[job.pk]), follow=True)
    assert "Only a preview waiting for confirmation" in _messages(response)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED


# A OneRoster set spans kinds: its preview goes stale on a change to what it matched (of any
# kind), not on any change in the district.
MOODLE = "oneroster-moodle-enrol-fixtures/v1p1-bulk-full"


def _oneroster(client, name="moodle.zip") -> ImportJob:
    from rostering.oneroster import load_files, zip_files
    from tests.shared_data import SHARED_DATA

    content = zip_files(load_files(SHARED_DATA / MOODLE))
    client.post(
        reverse("imports:upload"),
        {"kind": "oneroster", "file": SimpleUploadedFile(name, content)},
    )
    return ImportJob.objects.latest("pk")


@pytest.fixture
def imported_set(client, world, district_admin, django_capture_on_commit_callbacks):
    """The set imported once; a second upload of it matches every record and adds none."""
    client.force_login(district_admin)
    first = _oneroster(client)
    _confirm(client, first, django_capture_on_commit_callbacks)
    assert first.status == ImportJob.Status.COMMITTED, first.failure_reason
    again = _oneroster(client, "moodle-again.zip")
    assert again.status == ImportJob.Status.CHECKED
    assert again.counts["created"] == 0 and again.counts["unchanged"] > 0
    return again


def test_a_oneroster_preview_stays_confirmable_when_other_records_change(
    client, world, district_admin, imported_set, django_capture_on_commit_callbacks
):
    other = factories.StudentFactory(school=world.school, first_name="Bo")
    services.student_update(actor=district_admin, student=other, first_name="Bob")
    factories.StudentFactory(school=world.school)  # a new student the set does not add

    _confirm(client, imported_set, django_capture_on_commit_callbacks)
    assert imported_set.status == ImportJob.Status.COMMITTED, imported_set.failure_reason


def test_a_oneroster_preview_goes_stale_when_a_matched_record_changes(
    client, world, district_admin, imported_set, django_capture_on_commit_callbacks
):
    mary = Student.objects.get(district=world.district, username="mary.jones")
    services.student_update(actor=district_admin, student=mary, first_name="Marie")

    response = _confirm(client, imported_set, django_capture_on_commit_callbacks)
    assert imported_set.status == ImportJob.Status.CHECKED
    assert "1 of the records it matched was changed" in _messages(response)
    assert Student.objects.get(pk=mary.pk).first_name == "Marie"


def test_a_oneroster_preview_that_adds_students_goes_stale_when_students_are_added(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    job = _oneroster(client)
    assert job.counts["created"] > 0
    factories.StudentFactory(school=world.school)
    response = _confirm(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.CHECKED
    assert "new students were added that this file may add too" in _messages(response)
