"""Test settings: the same as base, with fast hashing, tasks run in-process and test keys."""

import os

# Base refuses to start without keys when DEBUG is off (as tests run); these are the tests' own.
_TEST_SECRET_KEY = "test-only-secret-key-not-for-any-server"
_TEST_STUDENT_PASSWORD_KEY = "test-only-student-password-key"
os.environ.setdefault("SECRET_KEY", _TEST_SECRET_KEY)
os.environ.setdefault("STUDENT_PASSWORD_KEY", _TEST_STUDENT_PASSWORD_KEY)

from .base import *  # noqa: E402, F403

SECRET_KEY = _TEST_SECRET_KEY
STUDENT_PASSWORD_KEY = _TEST_STUDENT_PASSWORD_KEY

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Tests run tasks as they are enqueued; the database backend is covered by its own tests.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
