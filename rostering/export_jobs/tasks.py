"""Background work of the list exports (django-tasks; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from . import jobs


@task()
def export_task(job_id: int) -> None:
    """Write one list export; the job ends done with its file, or failed with a reason."""
    jobs.job_run(job_id)
