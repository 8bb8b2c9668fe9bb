"""Issue 11: a sourcedId sent twice is skipped with a warning (file, row, sourcedId, column)
by the sync as by the OneRoster import; the first row is the record, the rest is synced."""

from rostering.models import Student

from .conftest import student


def test_a_second_row_with_a_users_sourced_id_is_a_warning_and_the_first_is_synced(sis):
    sis.users = [student(1), student(2), student(2, username="kid2-again")]

    run = sis.sync()

    assert run.errors == []
    assert set(Student.objects.values_list("username", flat=True)) == {"kid1", "kid2"}
    [warning] = [w for w in run.warnings if w["field"] == "sourcedId"]
    assert (warning["file"], warning["row"], warning["record"]) == ("users.csv", 4, "stu-2")
