"""`python manage.py purge_uploads`: delete stored upload files older than the retention
period (UPLOAD_RETENTION_DAYS, 30 by default). Run it daily from cron; safe to run again."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from rostering.retention import purge_uploads


class Command(BaseCommand):
    help = (
        "Delete uploaded import files, assisted submissions' files and kept sync snapshots "
        "older than UPLOAD_RETENTION_DAYS (imports keep their counts and results)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep files this many days instead of UPLOAD_RETENTION_DAYS.",
        )

    def handle(self, *args, days: int | None = None, **options):
        days = settings.UPLOAD_RETENTION_DAYS if days is None else days
        if days < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        deleted = purge_uploads(days=days)
        for line in deleted:
            self.stdout.write(line)
        self.stdout.write(f"{len(deleted)} stored file(s) older than {days} days deleted.")
