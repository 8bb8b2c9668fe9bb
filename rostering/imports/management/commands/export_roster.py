"""python manage.py export_roster --district SLUG --type students > students.csv

The district's students as a Students template CSV with every column; importing it again
changes nothing. Exit status 2 for wrong usage (unknown district or type)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rostering.imports.export import EXPORT_KINDS, students_csv_lines
from rostering.models import Organization


class Command(BaseCommand):
    help = "Print a district's students as a Students import template CSV (all columns)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--district", required=True, help="The district's short name.")
        parser.add_argument("--type", required=True, dest="kind", help="students")

    def handle(self, *args, district: str, kind: str, **options) -> None:
        found = Organization.objects.districts().filter(slug=district).first()
        if found is None:
            raise CommandError(f'No district has the short name "{district}".', returncode=2)
        if kind not in EXPORT_KINDS:
            raise CommandError(
                f'Unknown type "{kind}". Use one of: {", ".join(EXPORT_KINDS)}.', returncode=2
            )
        for line in students_csv_lines(found):  # streamed: a whole district never sits in memory
            self.stdout.write(line, ending="")
