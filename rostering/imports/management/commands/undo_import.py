"""python manage.py undo_import JOB [--json]

Undo a committed import job (as its page's Undo does, run here and now as a trusted caller):
what changed again since is kept, one sentence per record. Exit status: 0 undone (perhaps
with kept changes), 1 refused (nothing undone), 2 wrong usage (no such committed job).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rostering.imports.jobs_undo import job_undo_run
from rostering.imports.models import ImportJob


class Command(BaseCommand):
    help = (
        "Undo a committed import job. Exit status 0 when undone (what changed since is kept "
        "and listed), 1 when it cannot be undone, 2 for wrong usage."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("job", type=int, help="The import job's number (its page's URL).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, job: int, **options):
        claimed = ImportJob.objects.filter(pk=job, status=ImportJob.Status.COMMITTED).update(
            status=ImportJob.Status.UNDOING,
            undone_by=None,
            undo_error="",
            queued_at=timezone.now(),
            heartbeat_at=None,
        )
        if not claimed:
            raise CommandError(f"No committed import job {job} to undo.", returncode=2)
        done = job_undo_run(job)
        undone = done is not None and done.status == ImportJob.Status.UNDONE
        kept = (done.result or {}).get("undo_kept", []) if undone else []
        error = "" if undone else (done.undo_error if done else "The undo was stopped.")
        if options["json"]:
            self.stdout.write(json.dumps({"undone": undone, "kept": kept, "error": error}))
        elif undone:
            self.stdout.write(f"Import job {job} undone" + (", except:" if kept else "."))
            for sentence in kept:
                self.stdout.write(f"  kept: {sentence}")
        else:
            self.stdout.write(error)
        if not undone:
            raise SystemExit(1)
