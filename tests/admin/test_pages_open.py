"""Every admin changelist, change page and history page opens for support staff on the demo data, with a
fixed number of queries per list."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from simple_history.admin import SimpleHistoryAdmin

from accounts.sso.models import SignOnConfiguration
from rostering.imports.models import AssistedSubmission, ImportJob, SubmissionFile
from rostering.models import ClassGroup, Educator, Product, Student
from rostering.sync.models import ProductRule, SettingRule, SyncRun, SyncSource
from tests import factories

from .conftest import admin_url

# Every registered model, straight from the admin site: a model registered later is tested
# without anyone adding it here.
MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
# Registered for superusers only; support staff's group has no permission on them.
SUPERUSER_ONLY = {"auth.Group", "django_tasks_database.DBTaskResult"}


@pytest.fixture
def queues(demo, demo_support):
    """One of everything the demo does not make: a held sync run, a submission, an import."""
    SyncSource.objects.get_or_create(district=demo)
    SyncRun.objects.create(
        district=demo,
        status=SyncRun.Status.HELD,
        counts={"created": 0, "deactivated": 12},
        warnings=[{"file": "users.csv", "row": 4, "record": "stu-4", "message": "No grade"}],
        errors=[{"file": "enrollments.csv", "row": 9, "record": "enr-9", "message": "No class"}],
        hold_reason="12 of 100 synced students (12%) would be deactivated.",
    )
    submission = AssistedSubmission.objects.create(
        district=demo, submitted_by=demo_support, note="Please import before Monday"
    )
    SubmissionFile.objects.create(
        submission=submission, kind="students", file_name="kids.csv", content=b"a\r\n1\r\n"
    )
    ImportJob.objects.create(
        district=demo,
        kind="students",
        file_name="kids.csv",
        file_content=b"a\r\n1\r\n",
        errors=[{"row": 2, "column": "Username", "message": "Username is empty: type one."}],
    )
    product = Product.objects.first()
    ProductRule.objects.create(
        district=demo, match_field="subject", pattern="MATH*", product=product
    )
    SettingRule.objects.create(
        district=demo, column="metadata.language", setting=product.settings.first()
    )
    locked = {"username": "demo-teacher", "ip_address": "203.0.113.10", "user_agent": "test"}
    AccessAttempt.objects.create(
        **locked, path_info="/accounts/login/", failures_since_start=5, get_data="", post_data=""
    )
    AccessFailureLog.objects.create(**locked, path_info="/accounts/login/", locked_out=True)
    SignOnConfiguration.objects.create(
        district=demo, provider="google", issuer="https://accounts.google.com", client_id="demo"
    )


def _samples(model):
    """The newest record, and for a roster model the newest of each origin (synced, manual)."""
    manager = model._default_manager.order_by("-pk")
    samples = [manager.first()]
    if any(field.name == "origin" for field in model._meta.fields):
        samples += [manager.filter(origin=origin).first() for origin in ("synced", "manual")]
    return {obj.pk: obj for obj in samples if obj is not None}.values()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_change_and_history_pages_open_for_support(
    client, demo_support, queues, model
):
    client.force_login(demo_support)
    changelist = client.get(admin_url(model, "changelist"))
    if model._meta.label in SUPERUSER_ONLY:
        assert changelist.status_code == 403
        return
    assert changelist.status_code == 200
    samples = _samples(model)
    assert samples, f"the demo has no {model._meta.verbose_name}"
    keeps_history = isinstance(admin.site._registry[model], SimpleHistoryAdmin)
    for obj in samples:
        change = client.get(admin_url(obj))
        assert change.status_code == 200, obj
        assert str(obj)[:20] in change.content.decode()
        if keeps_history:
            assert client.get(admin_url(obj, "history")).status_code == 200, obj


def test_held_run_page_shows_counts_warnings_and_errors(client, demo_support, queues):
    client.force_login(demo_support)
    page = client.get(admin_url(SyncRun.objects.get())).content.decode()
    # The counts table: created, updated, claimed, deactivated, unchanged.
    assert '<th scope="row">All</th><td>0</td><td>0</td><td>0</td><td>12</td><td>0</td>' in page
    assert "No grade" in page and "No class" in page
    assert "12 of 100 synced students" in page


def _more(kind, world):
    """Records in another district, so the list shows more rows from more districts."""
    if kind == "student":
        return factories.StudentFactory(school=world.outsider_school)
    if kind == "educator":
        return factories.EducatorFactory(organization=world.outsider_school)
    return factories.ClassGroupFactory(school=world.outsider_school, district=world.other_district)


@pytest.mark.parametrize("model", [Student, Educator, ClassGroup], ids=lambda m: m._meta.model_name)
def test_a_list_runs_a_fixed_number_of_queries(client, support, world, model):
    client.force_login(support)
    url = admin_url(model, "changelist")
    kind = model._meta.model_name.replace("classgroup", "class_group")
    _more(kind, world)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(5):
        _more(kind, world)
    with CaptureQueriesContext(connection) as six:
        page = client.get(url)
    assert len(page.context["cl"].result_list) == 6
    assert len(six.captured_queries) == len(one.captured_queries)
