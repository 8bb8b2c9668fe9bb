"""A large enrollments.csv waits on disk between walks (rostering.oneroster.enrollments): the
sync's plan walks the same enrollments, with the same values, as from a file held in memory."""

from rostering.oneroster import enrollments, read_snapshot

from .csvset import write_set

SCHOOL = {"sourcedId": "sch-1", "name": "École Nord", "type": "school"}
USERS = [
    {
        "sourcedId": f"u-{n}",
        "orgSourcedIds": "sch-1",
        "role": "student",
        "username": f"kid{n}",
        "givenName": "Zoë",
        "familyName": "Łopez",
        "identifier": f"{1000 + n}",
    }
    for n in range(3)
]
CLASS = {"sourcedId": "c-1", "title": "Français", "schoolSourcedId": "sch-1"}
ENROLLMENTS = [
    {"sourcedId": f"e-{n}\u200b", "classSourcedId": "c-1", "userSourcedId": f"u-{n}",
     "role": "student", "primary": "TRUE" if n == 1 else ""}
    for n in range(3)
] + [{"sourcedId": "e-9", "classSourcedId": "c-2", "userSourcedId": "u-0", "role": "student"}]  # fmt: skip


def walked(snapshot) -> list[tuple]:
    return [
        (e.sourced_id, e.class_sourced_id, e.user_sourced_id, e.role, e.primary, e.row)
        for e in snapshot.enrollments
    ]


def test_a_spooled_file_walks_as_one_in_memory_again_and_again(tmp_path, monkeypatch):
    write_set(tmp_path, orgs=[SCHOOL], users=USERS, classes=[CLASS], enrollments=ENROLLMENTS)
    held = read_snapshot(tmp_path)
    monkeypatch.setattr(enrollments, "SPOOL_BYTES", 0)
    spooled = read_snapshot(tmp_path)

    assert spooled.enrollments._file is not None  # on disk, not in memory
    expected = walked(held)
    assert [e[0] for e in expected] == ["e-0", "e-1", "e-2"]  # invisible space removed
    assert expected[1][4] is True
    assert walked(spooled) == expected
    assert walked(spooled) == expected  # walked again, from the start
    outer = iter(spooled.enrollments)
    first = next(outer)
    assert walked(spooled) == expected  # a walk inside another keeps its own place
    assert [first.sourced_id, *(e.sourced_id for e in outer)] == ["e-0", "e-1", "e-2"]
    assert len(spooled.enrollments) == 3
    assert [p.message for p in spooled.errors] == [p.message for p in held.errors]
