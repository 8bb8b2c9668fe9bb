"""`python manage.py worker`: the background worker for imports and syncs.

django_tasks_db's `db_worker` with the same options, running `ResilientWorker`, which survives
database outages. `db_worker` still works, but exits on the first database error.
"""

from __future__ import annotations

import logging
import os
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from rostering.background_worker import ResilientWorker
from rostering.background_worker import logger as worker_logger


class Command(db_worker.Command):
    help = (
        "Run the background worker for imports and syncs. It survives database outages: "
        "it retries with exponential back-off and carries on once the database answers."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(interval=settings.WORKER_POLL_INTERVAL)
        parser.add_argument(
            "--retry-max-delay",
            type=db_worker.valid_interval,
            default=settings.WORKER_RETRY_MAX_DELAY,
            help="The longest wait (in seconds) between two tries to reach a database that is "
            "down (default: WORKER_RETRY_MAX_DELAY, %(default)r)",
        )

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        worker_logger.setLevel(logging.CRITICAL if verbosity == 0 else logging.INFO)
        if not worker_logger.hasHandlers():
            worker_logger.addHandler(logging.StreamHandler(self.stdout))

    def handle(  # type: ignore[override]
        self,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        reload: bool,
        batch: bool,
        retry_max_delay: float,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded_queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            retry_max_delay=retry_max_delay,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child runs tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
