"""python manage.py run_due_syncs [--wait SECONDS]: enqueue the scheduled syncs that are due
(run it from cron).

Exit status 1 when a run it queued failed or was refused (it rostered none, or too few, of
what the SIS sent: rostering.outcome), with the run's sentence on stderr and in the log. The
runs are done by the background worker: ``--wait`` waits up to SECONDS for them to finish, so
a cron job hears how they went; without it, only runs already finished (an immediate task
backend) are told.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand

from portal.log_format import fields
from rostering.sync.models import SyncRun
from rostering.sync.schedule import enqueue_due_syncs

log = logging.getLogger("homeroom.jobs")
BAD = {SyncRun.Status.FAILED: "failed", SyncRun.Status.REFUSED: "was refused"}
BUSY = (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)


class Command(BaseCommand):
    help = (
        "Queue a sync for every district whose daily or weekly time has come. Exit status 1 "
        "when a queued run failed or was refused (--wait SECONDS waits for the runs)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--wait",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Wait up to SECONDS for the queued runs to finish and report how they went.",
        )

    def handle(self, *args, wait: int = 0, **options) -> None:
        runs = enqueue_due_syncs()
        for run in runs:
            self.stdout.write(f"Queued the sync of {run.district} (run {run.pk}).")
        if not runs:
            self.stdout.write("No sync is due.")
            return
        finished = self._finished([run.pk for run in runs], wait)
        bad = [run for run in finished if run.status in BAD]
        for run in bad:
            self.stderr.write(
                f"The sync of {run.district} (run {run.pk}) {BAD[run.status]}: {run.failure_reason}"
            )
            log.warning(
                fields(
                    event="scheduled_sync_" + run.status,
                    district=run.district.slug or run.district_id,
                    id=run.pk,
                    reason=run.failure_reason,
                )
            )
        if bad:
            raise SystemExit(1)

    def _finished(self, run_ids: list[int], wait: int) -> list[SyncRun]:
        """The runs as they are once none is queued or running, or after ``wait`` seconds."""
        deadline = time.monotonic() + max(wait, 0)
        while True:
            runs = list(
                SyncRun.objects.filter(pk__in=run_ids)
                .select_related("district")
                .only("pk", "status", "failure_reason", "district__slug", "district__name")
            )
            if not any(run.status in BUSY for run in runs) or time.monotonic() >= deadline:
                return runs
            time.sleep(1)
