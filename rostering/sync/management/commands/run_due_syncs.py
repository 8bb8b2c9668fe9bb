"""python manage.py run_due_syncs: enqueue the scheduled syncs that are due (run it from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rostering.sync.schedule import enqueue_due_syncs


class Command(BaseCommand):
    help = "Queue a sync for every district whose daily or weekly time has come."

    def handle(self, *args, **options) -> None:
        runs = enqueue_due_syncs()
        for run in runs:
            self.stdout.write(f"Queued the sync of {run.district} (run {run.pk}).")
        if not runs:
            self.stdout.write("No sync is due.")
