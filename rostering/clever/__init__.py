"""Clever Secure Sync's SFTP files read into the same plain-record Snapshot as OneRoster's.

    from rostering.clever import read_clever
    snapshot = read_clever({"students.csv": b"...", "schools.csv": b"...", ...})

Schools become schools, students and teachers people, sections classes or groups, and
enrollments (with the sections' Teacher_id columns) memberships. The district chooses which
Clever column becomes the External Assigned ID (``id_column``: Student_number or Sis_id).
"""

from .reader import CLEVER_FILES, ID_COLUMNS, not_clever, read_clever

__all__ = ["CLEVER_FILES", "ID_COLUMNS", "not_clever", "read_clever"]
