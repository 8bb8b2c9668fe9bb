"""The job page of an undone import lists what undo kept, one sentence per record."""

from django.urls import reverse

from rostering.imports import engine
from rostering.imports.jobs_undo import job_undo_run
from rostering.imports.models import ImportJob
from rostering.models import Student

from .conftest import students_csv


def test_the_job_page_says_which_records_undo_kept_and_why(client, world, district_admin):
    north = world.school.name
    content = students_csv(("Ben", "Kim", "ben", north), ("Cleo", "Rossi", "cleo", north))
    result = engine.commit_file(
        actor=district_admin,
        district=world.district,
        kind="students",
        file_name="s.csv",
        content=content,
    )
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        undone_by=district_admin,
        file_name="s.csv",
        file_content=content,
        status=ImportJob.Status.UNDOING,
        result={"applied": result.applied, "created": 2},
    )
    Student.objects.filter(username="ben").update(last_name="Kimura")  # edited since

    job_undo_run(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.UNDONE
    assert list(
        Student.objects.filter(username__in=["ben", "cleo"]).values_list("username", flat=True)
    ) == ["ben"]
    client.force_login(district_admin)
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Undone, except 1 change kept as it is now" in html
    assert (
        "Student Ben Kimura (ben) was changed since this import (Last name), so it stays." in html
    )
