"""python manage.py sync_district SLUG [--source PATH] [--dry-run] [--json]

Exit status 0 on success or hold; 1 when the run failed, or when users or classes were sent
but none, or more than ROSTER_REFUSED_SHARE_PERCENT of them, could be rostered (what could was
applied; one sentence says why: rostering.outcome). --json prints {created, updated, claimed,
deactivated, unchanged, organizations, memberships, product_links, held, refused, warnings,
errors}; each problem is {file, row, record, field, message}.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from rostering.models import Organization
from rostering.outcome import as_problem, run_refusal
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun

SUMMARY_KEYS = ("created", "updated", "claimed", "deactivated", "unchanged")
LINK_KEYS = ("organizations", "memberships", "product_links", "passwords")


class Command(BaseCommand):
    help = (
        "Sync one district from its SIS snapshot (or --source, a folder or zip). "
        "Exit status 0 on success or hold, 1 on failure or when more than "
        "ROSTER_REFUSED_SHARE_PERCENT of the users or classes sent could not be rostered."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="The district's short name (its address in the portal).")
        parser.add_argument("--source", help="A folder of OneRoster CSV files or a zip file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; apply nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, slug: str, source: str | None, dry_run: bool, **options) -> None:
        district = Organization.objects.districts().filter(slug=slug).first()
        if district is None:
            raise CommandError(f'No district has the short name "{slug}".')
        run = run_sync(
            district=district,
            trigger=SyncRun.Trigger.COMMAND,
            source_path=source,
            dry_run=dry_run,
        )
        counts = run.counts or {}
        summary = {key: counts.get(key, 0) for key in SUMMARY_KEYS}
        for key in LINK_KEYS:
            summary[key] = counts.get(key) or {}
        summary["held"] = run.status == SyncRun.Status.HELD
        errors = list(run.errors)
        if run.status == SyncRun.Status.FAILED:
            errors.append({"file": "", "row": 0, "record": "", "message": run.failure_reason})
        summary["refused"] = run_refusal(run)
        summary["warnings"] = [as_problem(p) for p in run.warnings]
        summary["errors"] = [as_problem(p) for p in errors]
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self._describe(run, summary)
        if run.status == SyncRun.Status.FAILED or summary["refused"]:
            raise SystemExit(1)

    def _describe(self, run: SyncRun, summary: dict) -> None:
        if run.status == SyncRun.Status.FAILED:
            self.stderr.write(f"Sync failed: {run.failure_reason}")
            return
        counts = ", ".join(f"{summary[key]} {key}" for key in SUMMARY_KEYS)
        label = {"previewed": "Dry run (nothing applied)", "held": "Held"}.get(
            run.status, "Synced"
        )
        self.stdout.write(f"{label}: {counts}.")
        passwords = summary["passwords"].get("set", 0)
        if passwords:
            self.stdout.write(f"{passwords} student password(s) set from the SIS.")
        if run.hold_reason:
            self.stdout.write(run.hold_reason)
        for kind, problems in (("Warning", run.warnings), ("Error", run.errors)):
            for p in problems:
                where = p.get("file", "")
                if where and p.get("row"):  # row 0: a problem of the whole file
                    where += f" row {p['row']}"
                record = f" [{p['record']}]" if p.get("record") else ""
                self.stdout.write(f"{kind}: {where}{record}: {p['message']}")
        if summary["refused"]:
            self.stderr.write(summary["refused"])
