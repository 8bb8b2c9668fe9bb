"""Batching: the number of queries of a sync does not grow with the number of records."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostering.sync.models import SyncSource
from tests import factories

from .conftest import Sis, enroll, klass, student, teacher


def _sis_of_size(folder, size: int) -> Sis:
    district = factories.DistrictFactory()
    SyncSource.objects.create(district=district)
    factories.SchoolFactory(district=district, external_id="N1")
    sis = Sis(district=district, folder=folder)
    classes = max(size // 10, 1)
    sis.users = [student(n, username=f"{district.slug}-k{n}") for n in range(size)]
    sis.users += [teacher(n, username=f"{district.slug}-t{n}") for n in range(classes)]
    sis.classes = [klass(n) for n in range(classes)]
    sis.enrollments = [enroll(n % classes, f"stu-{n}") for n in range(size)]
    sis.enrollments += [enroll(n, f"tch-{n}", "teacher") for n in range(classes)]
    return sis


def _queries(sis) -> tuple[int, int]:
    """(queries other than INSERT, INSERT statements) of one sync."""
    with CaptureQueriesContext(connection) as ctx:
        sis.sync()
    inserts = sum(1 for q in ctx.captured_queries if q["sql"].startswith("INSERT"))
    return len(ctx.captured_queries) - inserts, inserts


def test_query_count_does_not_grow_with_the_number_of_records(db, tmp_path):
    small = _sis_of_size(tmp_path / "small", 10)
    big = _sis_of_size(tmp_path / "big", 300)
    small_first, big_first = _queries(small), _queries(big)
    assert small_first[0] == big_first[0]
    # Inserts are batched (SQLite caps a batch at 999 parameters): 300 students, their
    # history, schools and memberships take a handful of statements, not one per row.
    assert big_first[1] <= 30
    assert _queries(small) == _queries(big)  # second runs: nothing to write, same queries
