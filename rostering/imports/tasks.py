"""Background work of the imports (django-tasks; the database backend in production).

Each task ends its job checked, committed, undone or failed with a reason; none raises."""

from __future__ import annotations

from django_tasks import task

from . import jobs, jobs_undo, submissions


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


@task()
def submission_check_task(submission_id: int, actor_id: int) -> None:
    """Check every file of an assisted submission; it ends checked or stopped with a reason."""
    submissions.submission_check_run(submission_id, actor_id)


@task()
def submission_import_task(submission_id: int, actor_id: int) -> None:
    """Import a checked assisted submission; it ends imported or stopped with a reason."""
    submissions.submission_import_run(submission_id, actor_id)
