"""The sync run status poll reads only what it shows: never the kept snapshot, the plan,
the warnings or the errors."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.sync.models import SyncRun

HEAVY = ("snapshot", "plan", "warnings", "errors")


def test_the_run_status_poll_never_selects_the_snapshot_or_the_plan(
    client, world, district_admin, configured
):
    run = SyncRun.objects.create(
        district=world.district,
        status=SyncRun.Status.HELD,
        snapshot=b"PK" + b"\0" * 200_000,
        plan={"created": [{"name": f"Kid {n}"} for n in range(3_000)]},
        warnings=[{"message": "x"}] * 500,
    )
    client.force_login(district_admin)
    url = reverse("sync:run_status", args=[run.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).json()
    assert status["status"] == "held" and status["finished"] is True  # waiting for a decision
    table = SyncRun._meta.db_table
    reads = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and "SELECT" in q["sql"]]
    assert reads, "the poll reads the run"
    for sql in reads:
        selected = sql.split(" FROM ")[0]
        for column in HEAVY:
            assert f'"{table}"."{column}"' not in selected, (column, sql)


def test_the_run_status_poll_of_another_districts_run_is_404(client, world, outsider):
    run = SyncRun.objects.create(district=world.district, status=SyncRun.Status.RUNNING)
    client.force_login(outsider)
    assert client.get(reverse("sync:run_status", args=[run.pk])).status_code in (403, 404)
