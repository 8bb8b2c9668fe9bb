"""python manage.py import_roster --district SLUG --type KIND [--dry-run] [--json] FILE

The same engine as the Import pages, run as a trusted caller (no user's scope). Exit status:
0 committed (or, with --dry-run, would commit), 1 the file has errors (nothing written) or
more than ROSTER_REFUSED_SHARE_PERCENT of a file's records could not be rostered (what could
was written; one sentence says why), 2 wrong usage (unknown district or type, missing file).
--json prints {created, updated, unchanged, committed, refused, organizations, memberships,
product_links, warnings, errors}; each problem is {file, row, record, field, message}.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rostering.imports import engine
from rostering.models import Organization
from rostering.oneroster import SnapshotError, load_files, zip_files
from rostering.outcome import Tally, link_counts, refusal, tally

KINDS = ("students", "educators", "classes", "organizations", "oneroster", "clever")
SETS = ("oneroster", "clever")  # a zip or a folder of CSV files


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def template_tally(plan, errors) -> Tally:
    """A template file's rows: the good ones counted, plus each row with an error."""
    problems = [error.as_problem("") for error in errors]
    refused = tally("rows", 0, problems)
    refused.sent = plan.created + plan.updated + plan.unchanged + len(refused.refused)
    return refused


class Command(BaseCommand):
    help = (
        "Import a Students, Educators, Classes/Groups or Organizations file (CSV or Excel), "
        "or a OneRoster or Clever set (zip or folder), into one district. Exit status 0 when it "
        "committed (or would, with --dry-run), 1 when the file has errors, 2 for wrong usage."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--district", required=True, help="The district's short name.")
        parser.add_argument("--type", required=True, dest="kind", help=" | ".join(KINDS))
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; write nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument(
            "file",
            help="The file; for --type oneroster or clever a zip, a folder or one CSV file.",
        )

    def handle(self, *args, district: str, kind: str, dry_run: bool, file: str, **options):
        found = Organization.objects.districts().filter(slug=district).first()
        if found is None:
            raise usage_error(f'No district has the short name "{district}".')
        if kind not in KINDS:
            raise usage_error(f'Unknown type "{kind}". Use one of: {", ".join(KINDS)}.')
        file_name, content = self._read(Path(file), kind)
        plan = engine.check_file(
            actor=None, district=found, kind=kind, file_name=file_name, content=content
        )
        counts = {"created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged}
        links = plan.applied or None
        errors = list(plan.errors)
        committed = False
        if not errors and not dry_run:
            try:
                result = engine.commit_file(
                    actor=None, district=found, kind=kind, file_name=file_name, content=content
                )
            except engine.ImportRejected as rejected:
                errors = list(rejected.plan.errors)
            else:
                committed = True
                counts = {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
                links = link_counts(result.applied)
        refused = refusal(plan.tallies or [template_tally(plan, errors)])
        if options["json"]:
            summary = {
                **counts,
                "committed": committed,
                "refused": refused,
                "passwords_set": plan.passwords_set,  # student passwords (new or changed)
                # Not counted by a template file's dry run (its check writes nothing): null.
                **(links or dict.fromkeys(("organizations", "memberships", "product_links"))),
                "warnings": [w.as_problem(file_name) for w in plan.warnings],
                "errors": [error.as_problem(file_name) for error in errors],
            }
            self.stdout.write(json.dumps(summary))
        else:
            self._describe(counts, errors, plan.warnings, dry_run=dry_run, committed=committed)
            if plan.passwords_set and not errors:
                self.stdout.write(f"{plan.passwords_set} student password(s) set.")
            if refused:
                self.stdout.write(refused)
        if errors or refused:
            raise SystemExit(1)

    def _read(self, path: Path, kind: str) -> tuple[str, bytes]:
        if kind in SETS and path.is_dir():
            try:
                return f"{path.name}.zip", zip_files(load_files(path))
            except SnapshotError as exc:
                raise usage_error(str(exc)) from None
        if not path.is_file():
            raise usage_error(f"{path} does not exist or is not a file.")
        return path.name, path.read_bytes()

    def _describe(self, counts, errors, warnings, *, dry_run: bool, committed: bool) -> None:
        numbers = (
            f"{counts['created']} to create, {counts['updated']} to update, "
            f"{counts['unchanged']} unchanged"
        )
        if errors:
            self.stdout.write(f"{len(errors)} error(s); nothing was written.")
            for error in errors:
                where = f"row {error.row}" + (f", {error.column}" if error.column else "")
                self.stdout.write(f"  {where}: {error.message}")
        elif committed:
            self.stdout.write(
                f"Imported: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged."
            )
        elif dry_run:
            self.stdout.write(f"Dry run, nothing written: {numbers}.")
        for warning in warnings:
            where = f"row {warning.row}" + (f", {warning.column}" if warning.column else "")
            self.stdout.write(f"  warning, {where}: {warning.message}")
