"""The background worker (imports, syncs): django_tasks_db's worker, made to outlive the database.

django_tasks_db's `Worker` exits on the first database error that is not a SQLite lock, and
gives up recording a task's result after three tries 0.1 s apart; a short PostgreSQL outage
(or a SQLite write lock held past the busy timeout) therefore killed it, and every later
import waited forever. `ResilientWorker` keeps the library's loop and wraps it: on an
OperationalError or InterfaceError it closes the broken connections, waits with exponential
back-off (logging each retry) until the database answers again, and carries on; a finished
task's result is recorded once the database is back rather than lost.

It stops only when asked to (SIGINT, SIGTERM, SIGQUIT), as the library's worker does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("homeroom.worker")

# The errors of a database that is down, restarting, unreachable or (SQLite) locked.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

FIRST_RETRY_DELAY = 0.5  # seconds; doubled after each failed try, up to retry_max_delay


class ResilientWorker(Worker):
    def __init__(self, *, retry_max_delay: float, **options: Any):
        super().__init__(**options)
        self.retry_max_delay = retry_max_delay

    def run(self) -> None:
        from rostering.worker_chores import WorkerChores

        # Beside the tasks: the heartbeat and the schedule (not in batch mode, which only
        # empties the queue).
        chores = None if self.batch else WorkerChores(self.worker_id)
        if chores is not None:
            chores.start()
        try:
            self._run_outliving_the_database()
        finally:
            if chores is not None:
                chores.stop()

    def _run_outliving_the_database(self) -> None:
        while True:
            try:
                return super().run()
            except DATABASE_UNAVAILABLE as error:
                if not self.running:
                    return  # asked to stop meanwhile: nothing left to wait for
                self.wait_for_database(error, "while looking for a task")
                self.startup_delay = False  # a restart after an outage need not wait again

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # The library records the outcome through these two methods (each retried three
        # times, 0.1 s apart); give them the patience of an outage. Shadowing them on this
        # one instance keeps the library's run_task whole.
        for name in ("set_successful", "set_failed"):
            record = getattr(db_task_result, name)
            setattr(db_task_result, name, self._recorded_despite_outages(record, db_task_result))
        super().run_task(db_task_result)

    def _recorded_despite_outages(
        self, record: Callable[..., None], db_task_result: DBTaskResult
    ) -> Callable[..., None]:
        def record_until_the_database_answers(*args: Any) -> None:
            while True:
                try:
                    return record(*args)
                except DATABASE_UNAVAILABLE as error:
                    if not self.running:
                        # Stopping: the task stays "running" until the stale-job check ends it.
                        logger.error(
                            "Stopping before the result of task id=%s could be recorded: %s",
                            db_task_result.id,
                            describe(error),
                        )
                        raise
                    self.wait_for_database(
                        error, f"while recording the result of task id={db_task_result.id}"
                    )

        return record_until_the_database_answers

    def wait_for_database(self, error: Exception, doing: str) -> None:
        """Close broken connections and wait, with exponential back-off, until the database answers."""
        delay = min(FIRST_RETRY_DELAY, self.retry_max_delay)
        tries = 0
        started = time.monotonic()
        while True:
            close_all_connections()
            tries += 1
            logger.warning(
                "Database unavailable %s (%s); retrying in %.1f s (try %d).",
                doing,
                describe(error),
                delay,
                tries,
            )
            self._pause(delay)
            if not self.running:
                return
            try:
                database_answers(DBTaskResult.objects.db)
            except DATABASE_UNAVAILABLE as still_down:
                error = still_down
                delay = min(delay * 2, self.retry_max_delay)
                continue
            logger.warning(
                "Database available again after %.1f s; the worker carries on.",
                time.monotonic() - started,
            )
            return

    def _pause(self, seconds: float) -> None:
        """Sleep, but wake within a moment of a request to stop (a signal clears `running`)."""
        deadline = time.monotonic() + seconds
        while self.running and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))


def database_answers(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def close_all_connections() -> None:
    """Drop this process's connections, broken ones included; the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            pass  # already broken: close() has forgotten it anyway


def describe(error: Exception) -> str:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
