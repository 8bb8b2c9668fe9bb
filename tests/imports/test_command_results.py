"""Issue 11, honest results: import_roster exits 1 when records were sent and too many could
not be rostered, says why in one sentence, and its JSON lists every warning and error."""

from __future__ import annotations

from rostering.models import ClassGroup, Student
from rostering.sync.models import ProductRule
from tests import factories
from tests.imports.engine.conftest import csv_bytes, student_row
from tests.imports.test_commands import import_json
from tests.oneroster.csvset import write_set
from tests.shared_data import SHARED_DATA

PROBLEM_KEYS = {"file", "row", "record", "field", "message"}
MINIMAL = SHARED_DATA / "oneroster-moodle-enrol-fixtures" / "v1p1-bulk-minimal"


def test_a_set_whose_classes_match_no_product_rule_says_so_and_exits_1(world):
    status, summary = import_json("--district", "maple", "--type", "oneroster", str(MINIMAL))

    assert status == 1
    assert summary["committed"] is True  # its people were imported
    assert summary["refused"].startswith("2 of 2 classes were refused")
    assert "The first: classes.csv, row 2, cls-222-123456: Introduction to Physics" in (
        summary["refused"]
    )
    left_out = [w for w in summary["warnings"] if "were left out" in w["message"]]
    assert [w["message"] for w in left_out] == [
        "2 class(es) and their 4 enrollment(s) were left out: no product rule of the district "
        "gives them a product. Add a product rule (SIS sync > Products from SIS "
        "data) and import again."
    ]
    assert all(set(w) == PROBLEM_KEYS for w in summary["warnings"])
    parent = next(w for w in summary["warnings"] if w["record"] == "usr-222-1234561")
    assert parent["file"] == "users.csv" and parent["row"] == 4
    assert summary["organizations"] == {"created": 1, "updated": 0}
    assert not ClassGroup.objects.exists()


def _set(tmp_path, world, *, students: int, bad: int):
    orgs = [{"sourcedId": "sch-1", "name": world.school.name, "type": "school"}]
    users = [
        {
            "sourcedId": f"stu-{n}",
            "orgSourcedIds": "sch-1",
            "role": "student",
            "username": f"kid{n}",
            "givenName": f"Kid{n}",
            "familyName": "Set",
            "grades": "03",
            "email": "not-an-email" if n <= bad else f"kid{n}@example.org",
        }
        for n in range(1, students + 1)
    ]
    classes = [
        {"sourcedId": "cls-1", "title": "Math 3", "schoolSourcedId": "sch-1", "classCode": "M3"}
    ]
    enrollments = [
        {"sourcedId": "enr-1", "classSourcedId": "cls-1", "userSourcedId": "stu-3", "role": "student"}
    ]
    return write_set(
        tmp_path / "set", orgs=orgs, users=users, classes=classes, enrollments=enrollments
    )


def _math_rule(world):
    product = factories.ProductFactory(name="MathWorld", code="mathworld")
    ProductRule.objects.create(
        district=world.district,
        match_field=ProductRule.MatchField.CLASS_CODE,
        pattern="M3",
        product=product,
    )
    return product


def test_errors_are_told_in_oneroster_words_and_name_the_share(world, tmp_path):
    _math_rule(world)
    folder = _set(tmp_path, world, students=3, bad=2)

    status, summary = import_json("--district", "maple", "--type", "oneroster", str(folder))

    assert status == 1 and summary["committed"] is False
    assert [(e["file"], e["row"], e["record"], e["field"]) for e in summary["errors"]] == [
        ("users.csv", 2, "stu-1", "email"),
        ("users.csv", 3, "stu-2", "email"),
    ]
    assert summary["refused"].startswith("2 of 3 users were refused, more than the 50%")
    assert "The first: users.csv, row 2, stu-1, email: " in summary["refused"]
    assert not Student.objects.exists()


def test_under_the_share_no_sentence_and_a_product_rule_rosters_the_class(world, tmp_path):
    product = _math_rule(world)
    folder = _set(tmp_path, world, students=3, bad=0)

    status, summary = import_json("--district", "maple", "--type", "oneroster", str(folder))

    assert status == 0, summary
    assert summary["refused"] == "" and summary["committed"] is True
    assert summary["memberships"] == {"added": 1, "removed": 0}
    assert summary["product_links"] == {"added": 1, "removed": 0}
    assert ClassGroup.objects.get().products.get() == product


def test_the_dry_run_of_a_set_counts_what_it_would_link_and_writes_nothing(world, tmp_path):
    _math_rule(world)
    folder = _set(tmp_path, world, students=3, bad=0)

    status, summary = import_json(
        "--district", "maple", "--type", "oneroster", "--dry-run", str(folder)
    )

    assert status == 0 and summary["committed"] is False
    assert summary["memberships"] == {"added": 1, "removed": 0}
    assert summary["product_links"] == {"added": 1, "removed": 0}
    assert not Student.objects.exists() and not ClassGroup.objects.exists()


def test_a_template_file_names_file_row_and_column(world, tmp_path):
    path = tmp_path / "students.csv"
    rows = [student_row(n, world.school, Grade="42") for n in (1, 2)]
    path.write_bytes(csv_bytes(rows))

    status, summary = import_json("--district", "maple", "--type", "students", str(path))

    assert status == 1
    assert [(e["file"], e["row"], e["record"], e["field"]) for e in summary["errors"]] == [
        ("students.csv", 2, "", "Grade"),
        ("students.csv", 3, "", "Grade"),
    ]
    assert summary["refused"].startswith("2 of 2 rows were refused")
    assert summary["memberships"] is None  # a template's check writes nothing to count


def test_json_says_how_many_student_passwords_a_oneroster_import_set(world, tmp_path):
    orgs = [{"sourcedId": "sch-1", "name": world.school.name, "type": "school"}]
    users = [
        {
            "sourcedId": f"stu-{n}",
            "orgSourcedIds": "sch-1",
            "role": "student",
            "username": f"kid{n}",
            "givenName": f"Kid{n}",
            "familyName": "Set",
            "password": f"tiger{n}{n}" if n <= 2 else "",
        }
        for n in range(1, 4)
    ]
    folder = write_set(tmp_path / "set", orgs=orgs, users=users)

    status, summary = import_json("--district", "maple", "--type", "oneroster", str(folder))

    assert (status, summary["committed"], summary["passwords_set"]) == (0, True, 2)
    assert "tiger11" not in str(summary)
    again = import_json("--district", "maple", "--type", "oneroster", str(folder))[1]
    assert again["passwords_set"] == 0
