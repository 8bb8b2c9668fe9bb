"""python manage.py check_health: the /healthz report for operators; exit 1 when unhealthy."""

from __future__ import annotations

import json as json_module

from django.core.management.base import BaseCommand, CommandError

from rostering.health import health_report


class Command(BaseCommand):
    help = (
        "Check the database, migrations and the background workers' heartbeat; print the "
        "report (as /healthz does) and exit 1 if a check fails."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="print the JSON of /healthz")

    def handle(self, *args, json: bool = False, **options) -> None:  # noqa: A002
        report = health_report()
        if json:
            self.stdout.write(_dumps(report))
        else:
            for name, check in report["checks"].items():
                details = ", ".join(f"{k}={v}" for k, v in check.items() if k != "ok")
                verdict = "ok" if check["ok"] else "FAILING"
                self.stdout.write(f"{name}: {verdict}" + (f" ({details})" if details else ""))
            self.stdout.write("healthy" if report["healthy"] else "UNHEALTHY")
        if not report["healthy"]:
            raise CommandError("A health check fails.", returncode=1)


def _dumps(report) -> str:
    return json_module.dumps(report, indent=2)
