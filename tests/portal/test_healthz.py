"""Issue 12: /healthz and `check_health` report the database, migrations and the workers."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django.utils import timezone

from rostering.models import WorkerHeartbeat


def beat(seconds_ago: float, worker_id: str = "w1") -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now - timedelta(seconds=seconds_ago), "started_at": now},
    )


def test_healthy_with_a_fresh_worker_heartbeat_without_signing_in(client, db):
    beat(3)
    beat(400, worker_id="gone-long-ago")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    report = response.json()
    assert report["healthy"] is True
    assert report["checks"]["database"] == {"ok": True}
    assert report["checks"]["migrations"] == {"ok": True, "unapplied": 0}
    worker = report["checks"]["worker"]
    assert worker["ok"] is True and worker["workers"] == 1
    assert 2.5 <= worker["last_heartbeat_seconds"] < 30


def test_a_silent_worker_answers_503(client, db):
    beat(settings.WORKER_HEARTBEAT_MAX_AGE + 5)
    response = client.get("/healthz")
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False and worker["workers"] == 0
    assert worker["last_heartbeat_seconds"] > settings.WORKER_HEARTBEAT_MAX_AGE


def test_no_worker_ever_answers_503(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["last_heartbeat_seconds"] is None


def test_an_unapplied_migration_answers_503(client, db):
    beat(1)
    (latest,) = [n for n in MigrationLoader(connection).graph.leaf_nodes() if n[0] == "rostering"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", list(latest))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "unapplied": 1}
    assert response.json()["checks"]["database"]["ok"] is True


def test_the_report_reveals_nothing_about_the_installation(client, db):
    beat(1, worker_id="host-secret-name-1234")
    body = client.get("/healthz").content.decode()
    for secret in (
        settings.DATABASES["default"]["NAME"],
        connection.settings_dict.get("HOST") or "sqlite",
        "host-secret-name-1234",
        settings.SECRET_KEY,
    ):
        assert str(secret) not in body


@override_settings(SECURE_SSL_REDIRECT=True)
def test_a_load_balancer_probing_plain_http_is_not_redirected(client, db):
    beat(1)
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # everything else goes to HTTPS


def test_healthz_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405


def test_check_health_prints_the_checks_and_exits_0_when_healthy(db):
    beat(2)
    out = StringIO()
    call_command("check_health", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "database: ok"
    assert lines[1] == "migrations: ok (unapplied=0)"
    assert lines[2].startswith("worker: ok (last_heartbeat_seconds=")
    assert lines[-1] == "healthy"
    out = StringIO()
    call_command("check_health", json=True, stdout=out)
    assert json.loads(out.getvalue())["healthy"] is True


def test_check_health_fails_when_no_worker_is_alive(db):
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("check_health", stdout=out)
    assert failed.value.returncode == 1
    assert "worker: FAILING" in out.getvalue() and out.getvalue().endswith("UNHEALTHY\n")


def test_check_health_exits_1_when_the_database_is_unreachable():
    done = subprocess.run(
        [sys.executable, "manage.py", "check_health"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nowhere",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "database: FAILING",
        "migrations: FAILING (unapplied=None)",
        "worker: FAILING (last_heartbeat_seconds=None)",
        "UNHEALTHY",
    ]
