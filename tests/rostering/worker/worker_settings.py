"""Settings of the worker subprocesses that the tests start: the test settings, queued tasks."""

from portal.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
