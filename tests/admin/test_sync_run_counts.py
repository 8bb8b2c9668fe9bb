"""Support staff read a sync run's counts as a table in the admin, not a Python dict."""

from django.urls import reverse

from rostering.sync.models import SyncRun

COUNTS = {
    "created": 3,
    "updated": 1,
    "claimed": 0,
    "deactivated": 2,
    "unchanged": 40,
    "by_kind": {
        "students": {"created": 3, "updated": 1, "claimed": 0, "deactivated": 2, "unchanged": 30},
        "educators": {"created": 0, "updated": 0, "claimed": 0, "deactivated": 0, "unchanged": 10},
    },
    "organizations": {"created": 1, "updated": 0},
}


def test_a_runs_counts_read_as_a_table(client, demo, demo_support):
    run = SyncRun.objects.create(district=demo, status=SyncRun.Status.SUCCEEDED, counts=COUNTS)
    client.force_login(demo_support)
    html = client.get(reverse("admin:sync_syncrun_change", args=[run.pk])).content.decode()
    assert "<th scope=\"row\">Students</th><td>3</td><td>1</td><td>0</td><td>2</td><td>30</td>" in html
    assert "<li>Organizations: created 1, updated 0</li>" in html
    assert "by_kind" not in html and "{&#x27;" not in html
    listing = client.get(reverse("admin:sync_syncrun_changelist")).content.decode()
    assert "created 3, updated 1, deactivated 2, unchanged 40" in listing
