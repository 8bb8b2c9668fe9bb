"""Roster sources read into plain records (no Django models).

Today: OneRoster 1.1 / 1.2 CSV sets, from a folder, a zip file or zip bytes::

    from rostering.oneroster import SnapshotError, read_snapshot

    try:
        snapshot = read_snapshot("/srv/sis/drop")  # or zip bytes, or {"users.csv": b"..."}
    except SnapshotError as exc:
        ...  # the set is unusable as a whole; str(exc) says why, in plain words
    snapshot.users["stu-1"].kind        # "student" / "teacher" / "administrator" / ""
    snapshot.warnings, snapshot.errors  # Problem(file, row, record, message), .as_dict()

Records with errors are left out of the snapshot (their sourcedIds are in
``snapshot.rejected``). Another source (OneRoster REST, Clever) is a module beside ``reader``
that returns the same ``Snapshot``.
"""

from .files import load_files, zip_files
from .reader import read_snapshot
from .records import (
    ACTIVE,
    TO_BE_DELETED,
    AcademicSession,
    Class,
    Course,
    Enrollment,
    Org,
    Problem,
    Role,
    Snapshot,
    SnapshotError,
    User,
)

__all__ = [
    "ACTIVE",
    "TO_BE_DELETED",
    "AcademicSession",
    "Class",
    "Course",
    "Enrollment",
    "Org",
    "Problem",
    "Role",
    "Snapshot",
    "SnapshotError",
    "User",
    "load_files",
    "read_snapshot",
    "zip_files",
]
