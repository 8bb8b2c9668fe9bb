"""Background work of the imports (django-tasks; the database backend in production).

Each task ends its job checked, committed, undone or failed with a reason; none raises."""

from __future__ import annotations

from django_tasks import task

from . import jobs, jobs_undo


@task()
def import_check_task(job_id: int) -> None:
    """Read and check one uploaded file; the job keeps the preview or says why not."""
    jobs.job_check_run(job_id)


@task()
def import_commit_task(job_id: int) -> None:
    """Commit one confirmed import; the job records progress, result or failure."""
    jobs.job_run(job_id)


@task()
def import_undo_task(job_id: int) -> None:
    """Undo one committed import; the job records the outcome."""
    jobs_undo.job_undo_run(job_id)
