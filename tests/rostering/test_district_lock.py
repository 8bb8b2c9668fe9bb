"""One district lock for every roster writer (rostering.locks).

While a sync of a district holds its lock, an import commit, an undo and a form save of the
same district wait for it, then check again against what the sync left; writers of another
district do not wait. The waiting is only observable with two connections, so those tests
run on PostgreSQL (SQLite serialises every writer at BEGIN IMMEDIATE instead).
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from rostering import services
from rostering.imports import engine
from rostering.locks import lock_district
from rostering.models import Origin, Student
from rostering.ownership import LOCKED_MESSAGE
from rostering.sync.models import SyncRun, SyncSource
from tests import factories
from tests.imports.engine.conftest import csv_bytes, student_row
from tests.imports.engine.test_oneroster_import import zipped
from tests.sync.engine.conftest import Sis
from tests.sync.engine.conftest import student as sis_student

WAIT = 20  # seconds: the longest any step below may take before the test gives up

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and a second connection waiting on them exist on PostgreSQL only; "
    "SQLite serialises writers when their transaction begins (BEGIN IMMEDIATE)",
)


# ---- what works on every database -----------------------------------------------------------


def test_lock_district_answers_the_district_of_a_school_in_one_query(
    world, django_assert_num_queries
):
    with transaction.atomic():
        with django_assert_num_queries(1):
            assert lock_district(world.school.pk) == world.district.pk
        with django_assert_num_queries(1):
            assert lock_district(world.other_district) == world.other_district.pk


def test_a_district_lock_is_taken_once_in_the_block_that_took_it(
    world, django_assert_num_queries
):
    """A second taker inside the block (the engine's apply inside the service that checked
    under the lock) needs no query; a writer after the block takes it again."""
    with transaction.atomic():
        lock_district(world.district)
        with transaction.atomic(), django_assert_num_queries(0):
            assert lock_district(world.district) == world.district.pk
            assert lock_district(world.school) == world.district.pk
            assert lock_district(world.district.pk) == world.district.pk
    with transaction.atomic(), django_assert_num_queries(1):
        lock_district(world.district)


def test_a_lock_taken_in_a_rolled_back_savepoint_is_taken_again(
    world, django_assert_num_queries
):
    """PostgreSQL releases a row lock taken in a savepoint that rolls back: so must the
    memory of it."""
    with transaction.atomic():
        with transaction.atomic():
            lock_district(world.district)
            transaction.set_rollback(True)
        with django_assert_num_queries(1):
            lock_district(world.district)


@pytest.mark.django_db(transaction=True)
def test_lock_district_refuses_to_run_outside_a_transaction(world):
    with pytest.raises(transaction.TransactionManagementError, match="inside transaction"):
        lock_district(world.district)


def test_a_form_save_inside_an_atomic_block_takes_the_lock_and_saves(world, district_admin):
    ana = factories.StudentFactory(school=world.school, first_name="Ana")
    with transaction.atomic():
        services.student_update(actor=district_admin, student=ana, first_name="Anita")
    ana.refresh_from_db()
    assert ana.first_name == "Anita"


# ---- two writers at once (PostgreSQL) -------------------------------------------------------


class Holder(threading.Thread):
    """A stand-in for a running sync: takes the district lock in its own transaction, does
    ``work`` (what the sync writes), then keeps the lock until ``release`` is set."""

    def __init__(self, district_pk: int, work=None):
        super().__init__(daemon=True)
        self.district_pk = district_pk
        self.work = work
        self.holding = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            with transaction.atomic():
                lock_district(self.district_pk)
                if self.work:
                    self.work()
                self.holding.set()
                self.release.wait(WAIT)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.holding.set()
            connections.close_all()

    def __enter__(self):
        self.start()
        assert self.holding.wait(WAIT)
        assert self.error is None, self.error
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.join(WAIT)
        assert self.error is None, self.error


class Writer(threading.Thread):
    """Runs ``call`` in its own connection; keeps its result or its exception."""

    def __init__(self, call):
        super().__init__(daemon=True)
        self.call = call
        self.done = threading.Event()
        self.result = None
        self.error: BaseException | None = None

    def run(self):
        try:
            self.result = self.call()
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            self.error = exc
        finally:
            self.done.set()
            connections.close_all()

    def finish(self):
        self.join(WAIT)
        assert self.done.is_set(), "the writer never finished"
        return self


def _someone_waits_on_a_lock() -> bool:
    """True once a backend of the test database is waiting for a lock (the writer at its
    lock_district line); polled with a bound."""
    stop = threading.Event()
    for _ in range(WAIT * 10):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        stop.wait(0.1)
    return False


def _take_over(student_pk: int, first_name: str):
    """What a sync does to a manual student the SIS also sends: synced, the SIS's name."""

    def work():
        Student.objects.filter(pk=student_pk).update(
            origin=Origin.SYNCED, first_name=first_name, updated_at=timezone.now()
        )

    return work


@pytest.fixture
def ana(world):
    return factories.StudentFactory(
        school=world.school,
        first_name="Ana",
        last_name="Lopez",
        username="ana.lopez",
        external_id="000123",
    )


def _ana_file(world, first_name: str) -> bytes:
    return csv_bytes(
        [
            {
                "First Name": first_name,
                "Last Name": "Lopez",
                "Username": "ana.lopez",
                "Student ID": "000123",
                "Organizations": world.school.name,
            }
        ]
    )


def _commit(district, content: bytes):
    return lambda: engine.commit_file(
        actor=None, district=district, kind="students", file_name="s.csv", content=content
    )


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_commit_waits_for_the_sync_and_refuses_a_field_it_locked(world, ana):
    with Holder(world.district.pk, work=_take_over(ana.pk, "Anna")):
        writer = Writer(_commit(world.district, _ana_file(world, "Ana-Maria")))
        writer.start()
        assert _someone_waits_on_a_lock()
        assert not writer.done.is_set()  # still waiting while the sync holds the lock
    writer.finish()
    assert isinstance(writer.error, engine.ImportRejected), writer.error
    messages = [e.message for e in writer.error.plan.errors]
    assert any("SIS" in message for message in messages), messages
    ana.refresh_from_db()
    assert (ana.first_name, ana.origin) == ("Anna", Origin.SYNCED)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_of_another_district_does_not_wait(world):
    content = csv_bytes([student_row(1, world.outsider_school)])
    with Holder(world.district.pk):
        writer = Writer(_commit(world.other_district, content))
        writer.start()
        writer.finish()  # finished while Maple's lock is still held
        assert writer.error is None, writer.error
        assert writer.result.created == 1
    assert Student.objects.filter(district=world.other_district, username="ana.lopez1").exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_an_undo_waits_for_the_sync_and_keeps_a_record_it_took_over(world):
    result = _commit(world.district, csv_bytes([student_row(1, world.school)]))()
    created = Student.objects.get(username="ana.lopez1")
    with Holder(world.district.pk, work=_take_over(created.pk, "Annie")):
        writer = Writer(
            lambda: engine.undo_import(
                actor=None, district=world.district, result={"applied": result.applied}
            )
        )
        writer.start()
        assert _someone_waits_on_a_lock()
        assert not writer.done.is_set()
    writer.finish()
    assert writer.error is None, writer.error
    assert writer.result == [
        "Student Annie Lopez1 (ana.lopez1) is synced from your SIS now, so it stays."
    ]
    created.refresh_from_db()
    assert created.first_name == "Annie"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_an_undo_waits_for_the_sync_then_undoes(world):
    result = _commit(world.district, csv_bytes([student_row(1, world.school)]))()
    with Holder(world.district.pk):
        writer = Writer(
            lambda: engine.undo_import(
                actor=None, district=world.district, result={"applied": result.applied}
            )
        )
        writer.start()
        assert _someone_waits_on_a_lock()
        assert not writer.done.is_set()
    writer.finish()
    assert writer.error is None, writer.error
    assert not Student.objects.filter(username="ana.lopez1").exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_form_save_waits_for_the_sync_and_refuses_a_field_it_locked(
    world, ana, district_admin
):
    # Locked through a school of the district: a school resolves to its district.
    with Holder(world.school.pk, work=_take_over(ana.pk, "Anna")):
        writer = Writer(
            lambda: services.student_update(actor=district_admin, student=ana, first_name="Anita")
        )
        writer.start()
        assert _someone_waits_on_a_lock()
        assert not writer.done.is_set()
    writer.finish()
    assert isinstance(writer.error, ValidationError), writer.error
    assert writer.error.message_dict == {"first_name": [LOCKED_MESSAGE]}
    ana.refresh_from_db()
    assert ana.first_name == "Anna"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_form_save_after_the_sync_keeps_what_the_sync_wrote(world, ana, district_admin):
    # The form was opened before the sync renamed Ana; it changes only her middle name.
    with Holder(world.district.pk, work=_take_over(ana.pk, "Anna")):
        writer = Writer(
            lambda: services.student_update(actor=district_admin, student=ana, middle_name="B")
        )
        writer.start()
        assert _someone_waits_on_a_lock()
    writer.finish()
    assert writer.error is None, writer.error
    ana.refresh_from_db()
    assert (ana.first_name, ana.middle_name) == ("Anna", "B")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_sync_waits_for_an_import_then_takes_over_what_it_made(tmp_path):
    cedar = factories.DistrictFactory(name="Cedar District", slug="cedar")
    SyncSource.objects.create(district=cedar)
    north = factories.SchoolFactory(district=cedar, name="North Elementary", external_id="N1")
    sis = Sis(district=cedar, folder=tmp_path / "cedar", users=[sis_student(1)])
    sis.write()

    def an_import_makes_kid1():  # what a concurrent import writes while it holds the lock
        factories.StudentFactory(school=north, username="kid1", first_name="Kiddo")

    with Holder(cedar.pk, work=an_import_makes_kid1):
        writer = Writer(lambda: sis.sync())
        writer.start()
        assert _someone_waits_on_a_lock()
        assert not writer.done.is_set()
    writer.finish()
    assert writer.error is None, writer.error
    assert writer.result.status == SyncRun.Status.SUCCEEDED
    kid = Student.objects.get(district=cedar, username="kid1")  # one, not a second beside it
    assert (kid.origin, kid.first_name) == (Origin.SYNCED, "Kid1")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_oneroster_import_commit_waits_for_the_sync(world):
    content = zipped("oneroster-oat-sa-v1p1-base")
    with Holder(world.district.pk):
        writer = Writer(
            lambda: engine.commit_file(
                actor=None,
                district=world.district,
                kind="oneroster",
                file_name="set.zip",
                content=content,
            )
        )
        writer.start()
        assert _someone_waits_on_a_lock()
        assert not writer.done.is_set()
    writer.finish()
    assert writer.error is None, writer.error
    assert writer.result.created == 4  # two schools and two students
