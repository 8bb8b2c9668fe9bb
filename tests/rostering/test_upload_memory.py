"""Issue 9, finding 2: no upload exhausts the server's memory. Each hostile file of the issue is
read in a fresh process (tests/memory_probe.py), which must refuse it with a clear sentence
(or, for a forged dimension, read only the cells that are there) and peak under 300 MB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import hostile_files as hostile

PROBE = Path(__file__).resolve().parent.parent / "memory_probe.py"
PEAK_MB = 300
STUDENTS = ["First Name", "Last Name", "Username", "Organizations"]


def probe(tmp_path, kind: str, name: str, content: bytes) -> dict:
    path = tmp_path / name
    path.write_bytes(content)
    done = subprocess.run(
        [sys.executable, str(PROBE), kind, str(path), name],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rows(count: int) -> list[list[str]]:
    return [[f"Ana{n}", f"Lopez{n}", f"ana{n}", "North"] for n in range(count)]


def _wide_rows(count: int) -> list[list[str]]:
    return [
        [f"Ana{n}", f"Lopez{n}", f"ana.lopez{n}", "North", f"{n:07d}"]
        for n in range(count)
    ]


CASES = {
    # name: (kind, file name, builder, words the refusal must hold; None = read, not refused)
    "xlsx-forged-dimension": (
        "template",
        "students.xlsx",
        lambda: hostile.forged_dimension_xlsx([STUDENTS, *_rows(2)]),
        None,
    ),
    "xlsx-huge-shared-strings": (
        "template",
        "students.xlsx",
        lambda: hostile.shared_strings_xlsx(STUDENTS),
        "expands more than 100 times when unzipped",
    ),
    "oneroster-zip-1gb": (
        "oneroster",
        "set.zip",
        hostile.oneroster_expanding_zip,
        "in the uploaded file expands more than 100 times",
    ),
    "zip-bomb-10mb": ("oneroster", "bomb.zip", hostile.zip_bomb, "looks like a zip bomb"),
    "zip-60000-members": (
        "oneroster",
        "many.zip",
        hostile.many_members_zip,
        "There are too many files in the uploaded file: more than 500",
    ),
    "zip-60000-members-declaring-3": (
        "oneroster",
        "many.zip",
        lambda: hostile.many_members_zip(declared_count=3),
        "There are too many files in the uploaded file: more than 500",
    ),
    "zip-lying-header": (
        "oneroster",
        "lying.zip",
        hostile.oneroster_lying_zip,
        "enrollments.csv in the uploaded file is damaged",
    ),
    "csv-200kb-cell": (
        "template",
        "students.csv",
        lambda: hostile.csv_file(STUDENTS, [["Ana", "L" * 200_000, "ana", "North"]]),
        "Row 2: a cell holds more than 131,072 characters; a cell may hold at most 10,000.",
    ),
    "csv-utf8-1mb-cell": (
        "template",
        "students.csv",
        lambda: hostile.csv_file(STUDENTS, [["José", "Muñoz" * 200_000, "jose", "North"]]),
        "Row 2: a cell holds more than 131,072 characters",
    ),
    "csv-350000-rows": (
        "template",
        "students.csv",
        lambda: hostile.csv_file([*STUDENTS, "Student ID"], _wide_rows(350_000)),
        "The file has more than 10,000 records (record 10,001 is on row 10,002)",
    ),
    "oneroster-200kb-cell": (
        "oneroster",
        "set.zip",
        lambda: hostile.raw_zip(
            hostile.oneroster_members(
                hostile.USERS_HEADER + hostile.USER.replace("Lopez", "L" * 200_000)
            )
        ),
        "users.csv, row 2: a cell holds more than 131,072 characters",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_upload_is_refused_in_a_fresh_process_under_300_mb(tmp_path, case):
    kind, name, build, words = CASES[case]

    outcome = probe(tmp_path, kind, name, build())

    assert outcome["peak_mb"] < PEAK_MB, outcome
    if words is None:
        assert outcome["refused"] is None and outcome["read"] == "2 rows", outcome
    else:
        assert outcome["refused"] and words in outcome["refused"], outcome
        assert "MemoryError" not in outcome["refused"]
