"""List exports written in the background: only the person who asked sees or downloads one
(the export below is the district administrator's; everyone else gets a 404)."""

from django.utils import timezone

from rostering.export_jobs.models import ExportJob

from . import DISTRICT_ADMIN_RECORD

EXPECTED = {
    "export_jobs:job": ("export", DISTRICT_ADMIN_RECORD),
    "export_jobs:job_status": ("export", DISTRICT_ADMIN_RECORD),
    "export_jobs:job_download": ("export", DISTRICT_ADMIN_RECORD),
}


def targets(world, people):
    content = "\ufeffFirst Name,Last Name\r\nAna,Lopez\r\n".encode()
    return {
        "export": ExportJob.objects.create(
            kind="students",
            requested_by=people["district_admin"],
            file_name="students.csv",
            status=ExportJob.Status.DONE,
            rows_expected=1,
            rows_written=1,
            content=content,
            size=len(content),
            finished_at=timezone.now(),
        )
    }
