"""Background work of the imports (django-tasks; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from . import jobs


@task()
def import_commit_task(job_id: int) -> None:
    """Commit one confirmed import; the job records progress, result or failure."""
    jobs.job_run(job_id)
