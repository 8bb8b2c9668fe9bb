"""Bulk import: teachers import students and classes; a job is seen by whoever made it and by
district administrators (the job below is the district administrator's)."""

from rostering.imports.models import AssistedSubmission, ImportJob

from . import ADMIN_PAGE, DISTRICT_ADMIN_PAGE, DISTRICT_ADMIN_RECORD, PAGE, row

EXPECTED = {
    "imports:home": (None, PAGE),
    "imports:templates": (None, PAGE),
    "imports:upload": (None, PAGE),
    "imports:bulk_students": (None, ADMIN_PAGE),
    "imports:job": ("job", DISTRICT_ADMIN_RECORD),
    "imports:job_status": ("job", DISTRICT_ADMIN_RECORD),
    "imports:job_result": ("job", DISTRICT_ADMIN_RECORD),
    "imports:job_errors": ("job", row(302, 404, 404, 302, 404)),  # no errors: back to the job
    "imports:job_confirm": ("job", row(302, 405, 405, 405, 405)),
    "imports:job_recheck": ("job", row(302, 405, 405, 405, 405)),  # test_stale_preview.py
    "imports:job_undo": ("job", DISTRICT_ADMIN_RECORD),  # GET: the confirmation page
    "imports:submission_new": (None, DISTRICT_ADMIN_PAGE),
    "imports:submission": ("submission", DISTRICT_ADMIN_RECORD),
}


def targets(world, people):
    admin = people["district_admin"]
    return {
        "job": ImportJob.objects.create(
            district=world.district,
            kind="students",
            created_by=admin,
            file_name="students.csv",
            file_content=b"First Name,Last Name\n",
            status=ImportJob.Status.COMMITTED,
        ),
        "submission": AssistedSubmission.objects.create(
            district=world.district, submitted_by=admin, note="Our fall roster"
        ),
    }
