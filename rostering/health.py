"""Whether this installation is healthy: the checks behind /healthz and ``check_health``.

Three checks, each ``ok`` or not: the database answers, every migration is applied, and a
background worker stamped its heartbeat within WORKER_HEARTBEAT_MAX_AGE seconds. The report
names no host, user, table or error text: it is public (load balancers, uptime monitors).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


def heartbeat_max_age() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_MAX_AGE", 60))


def health_report() -> dict[str, Any]:
    """{"healthy": bool, "checks": {"database": {...}, "migrations": {...}, "worker": {...}}}."""
    database = _database()
    checks = {
        "database": database,
        "migrations": _migrations() if database["ok"] else {"ok": False, "unapplied": None},
        "worker": _worker() if database["ok"] else {"ok": False, "last_heartbeat_seconds": None},
    }
    return {"healthy": all(check["ok"] for check in checks.values()), "checks": checks}


def _database() -> dict[str, Any]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return {"ok": False}
    return {"ok": True}


def _migrations() -> dict[str, Any]:
    try:
        executor = MigrationExecutor(connections["default"])
        unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError:
        return {"ok": False, "unapplied": None}
    return {"ok": unapplied == 0, "unapplied": unapplied}


def _worker() -> dict[str, Any]:
    from rostering.models import WorkerHeartbeat

    max_age = heartbeat_max_age()
    try:
        latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        seen_at = latest.first()
        alive = WorkerHeartbeat.objects.filter(
            seen_at__gte=timezone.now() - timedelta(seconds=max_age)
        ).count()
    except DatabaseError:  # e.g. the table is not migrated yet
        return {"ok": False, "last_heartbeat_seconds": None, "workers": 0}
    if seen_at is None:
        return {"ok": False, "last_heartbeat_seconds": None, "workers": 0}
    age = max(0.0, (timezone.now() - seen_at).total_seconds())
    return {"ok": age <= max_age, "last_heartbeat_seconds": round(age, 1), "workers": alive}
