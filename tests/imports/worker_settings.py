"""Settings for a real `manage.py db_worker` started by a test (tests/imports/views/
test_killed_worker.py): the test settings, with the database task backend."""

from portal.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
