"""Mark imports and sync runs whose background worker is gone as failed (see rostering.liveness).

Pages and queuing a sync do this as they go; run it from cron, or after restarting a worker,
so that the districts are unblocked even when nobody looks."""

from django.core.management.base import BaseCommand

from rostering.liveness import fail_stale, stale_seconds


class Command(BaseCommand):
    help = (
        "Mark imports and sync runs with no heartbeat for JOB_STALE_SECONDS as failed, "
        "so their districts can import and sync again."
    )

    def handle(self, *args, **options):
        count = fail_stale()
        self.stdout.write(
            f"{count} stuck import(s)/sync run(s) marked failed "
            f"(no sign of their worker for {stale_seconds()} s)."
        )
