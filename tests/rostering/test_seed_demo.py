import pytest
from django.core.management import call_command
from django.urls import reverse

from rostering.demo import DEMO_PASSWORD, DEMO_USERS
from rostering.demo_snapshot import NEW_STUDENT, RENAMED
from rostering.models import ClassGroup, Educator, Organization, Origin, Product, Student
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return Organization.objects.get(slug="demo")


def test_demo_has_schools_people_classes_products_and_both_origins(demo):
    assert Organization.objects.schools_of(demo).count() == 3
    students = Student.objects.filter(district=demo)
    assert 140 <= students.count() <= 160
    assert students.filter(origin=Origin.SYNCED).exists()
    assert students.filter(origin=Origin.MANUAL).exists()
    assert ClassGroup.objects.filter(district=demo, origin=Origin.SYNCED).exists()
    assert ClassGroup.objects.filter(district=demo, origin=Origin.MANUAL).exists()
    assert Product.objects.count() == 4
    assert all(p.settings.exists() for p in Product.objects.all())
    assert demo.sync_configuration.shared_fields["student"]


def test_seed_demo_is_idempotent(demo):
    counts = (Student.objects.count(), ClassGroup.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Student.objects.count(), ClassGroup.objects.count()) == counts


def test_if_empty_leaves_an_existing_database_alone(db):
    from tests import factories

    factories.DistrictFactory(slug="real")
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert not Organization.objects.filter(slug="demo").exists()


@pytest.mark.parametrize("username", list(DEMO_USERS))
def test_every_demo_user_signs_in(demo, client, username):
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200


def test_demo_support_is_staff_and_reaches_the_admin(demo, client):
    client.login(username="demo-support", password=DEMO_PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


def test_demo_teacher_finds_a_child_by_the_name_she_goes_by(demo, client):
    # Some manual students' schools typed in the name they go by (Amelia: Millie).
    millie = Student.objects.get(district=demo, preferred_first_name="Millie")
    client.login(username="demo-teacher", password=DEMO_PASSWORD)

    response = client.get(reverse("rostering:student_list"), {"q": "millie"})

    assert [row.record.pk for row in response.context["table"].page.object_list] == [millie.pk]
    assert f"{millie.last_name}, {millie.first_name} (Millie)" in response.content.decode()
    # The demo's SIS (OneRoster 1.1) sends no preferred names: a sync leaves them alone.
    run = run_sync(district=demo, trigger=SyncRun.Trigger.COMMAND)
    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason
    assert Student.objects.get(pk=millie.pk).preferred_first_name == "Millie"


def test_demo_teacher_is_not_staff(demo, client):
    client.login(username="demo-teacher", password=DEMO_PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # sent to the admin's sign-in page


# The demo's SIS sync works out of the box -------------------------------------------------


def _sync(district, *, dry_run: bool = False):
    return run_sync(district=district, trigger=SyncRun.Trigger.COMMAND, dry_run=dry_run)


def _manual_records(district) -> dict:
    """Every manual record of the demo with the fields a sync could touch, and its rosters."""
    return {
        "students": list(
            Student.objects.filter(district=district, origin=Origin.MANUAL)
            .order_by("pk")
            .values_list("pk", "first_name", "last_name", "username", "is_active", "grade")
        ),
        "educators": list(
            Educator.objects.filter(district=district, origin=Origin.MANUAL)
            .order_by("pk")
            .values_list("pk", "first_name", "username", "is_active", "email")
        ),
        "classes": [
            (c.pk, c.name, c.is_active, sorted(c.students.values_list("pk", flat=True)))
            for c in ClassGroup.objects.filter(district=district, origin=Origin.MANUAL)
        ],
    }


def test_demo_district_admin_finds_the_sync_set_up_with_sync_now_and_preview(demo, client):
    client.login(username="demo-district-admin", password=DEMO_PASSWORD)
    page = client.get(reverse("sync:home")).content.decode()
    assert 'id="not-set-up"' not in page
    assert reverse("sync:sync_now") in page and reverse("sync:preview") in page  # the buttons
    source = SyncSource.objects.get(district=demo)
    assert source.source_type == SyncSource.SourceType.ONEROSTER_UPLOAD
    assert source.uploaded_name.endswith(".zip")


def test_demo_preview_plans_only_a_renamed_student_and_a_new_one(demo):
    renamed = Student.objects.get(district=demo, sis_sourced_id=RENAMED[0])
    assert renamed.first_name != RENAMED[1]

    run = _sync(demo, dry_run=True)

    assert run.status == SyncRun.Status.PREVIEWED
    assert run.errors == [] and run.warnings == []
    counts = run.counts
    assert [counts[k] for k in ("created", "updated", "claimed", "deactivated")] == [1, 1, 0, 0]
    assert counts["organizations"] == {"created": 0, "updated": 0}
    assert counts["memberships"] == {"added": 1, "removed": 0}
    assert counts["product_links"] == {"added": 0, "taken_over": 0, "removed": 0}
    assert [c["sourced_id"] for c in run.plan["created"]] == [NEW_STUDENT.sourced_id]
    assert run.plan["changed"] == [
        {
            "kind": "student",
            "sourced_id": RENAMED[0],
            "label": f"{RENAMED[1]} {renamed.last_name} ({renamed.username})",
            "changes": {"first_name": [renamed.first_name, RENAMED[1]]},
        }
    ]
    assert not Student.objects.filter(username=NEW_STUDENT.username).exists()  # dry run


def test_demo_sync_applies_the_changes_then_a_second_sync_changes_nothing(demo):
    manual_before = _manual_records(demo)

    first = _sync(demo)

    assert first.status == SyncRun.Status.SUCCEEDED  # not held for approval
    assert first.hold_reason == ""
    assert (first.counts["created"], first.counts["updated"]) == (1, 1)
    assert Student.objects.get(district=demo, sis_sourced_id=RENAMED[0]).first_name == RENAMED[1]
    newcomer = Student.objects.get(username=NEW_STUDENT.username)
    assert newcomer.origin == Origin.SYNCED
    homeroom = ClassGroup.objects.get(district=demo, sis_sourced_id="LIN-HR-1")
    assert homeroom.students.filter(pk=newcomer.pk).exists()

    second = _sync(demo)

    assert second.status == SyncRun.Status.SUCCEEDED
    counts = second.counts
    assert [counts[k] for k in ("created", "updated", "claimed", "deactivated")] == [0, 0, 0, 0]
    assert counts["memberships"] == {"added": 0, "removed": 0}
    assert counts["product_links"] == {"added": 0, "taken_over": 0, "removed": 0}
    assert _manual_records(demo) == manual_before


def test_seed_demo_twice_keeps_one_source_and_the_admins_changes_to_it(demo):
    source = SyncSource.objects.get(district=demo)
    source.schedule = SyncSource.Schedule.WEEKLY
    source.uploaded_name = "our-own-export.zip"
    source.uploaded_snapshot = b"PK-our-own"
    source.save()

    call_command("seed_demo", verbosity=0)

    kept = SyncSource.objects.get(district=demo)
    assert kept.pk == source.pk
    assert (kept.schedule, kept.uploaded_name) == (SyncSource.Schedule.WEEKLY, "our-own-export.zip")
    assert bytes(kept.uploaded_snapshot) == b"PK-our-own"


# The demo is made through the services and the engine, as every channel writes ---------------


def test_every_change_the_demo_makes_names_its_channel(demo):
    for model in (Student, Educator, ClassGroup, Organization):
        unnamed = model.history.filter(history_channel="")
        assert not unnamed.exists(), f"{model.__name__} history without a channel"


def test_synced_demo_records_remember_what_the_sis_sent_through_the_sync_channel(demo):
    student = Student.objects.filter(district=demo, origin=Origin.SYNCED).first()
    assert student.sis_values == {"grade": student.grade, "email": student.email}
    latest = student.history.latest("history_date")
    assert latest.sis_values == student.sis_values
    assert latest.history_channel == "sync"
    educator = Educator.objects.filter(district=demo, origin=Origin.SYNCED).first()
    assert educator.sis_values == {"email": educator.email}
    assert educator.history.latest("history_date").history_channel == "sync"
