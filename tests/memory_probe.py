"""Read one upload in a fresh process and report how it ended and the process's peak memory.

    python tests/memory_probe.py template|oneroster FILE [NAME]

Prints one JSON line: {"refused": the sentence or null, "read": what was read, "peak_mb": the
peak resident size (VmHWM)}. The address space is capped (RLIMIT_AS) so that a reader that regresses
fails with MemoryError instead of taking the machine down. Used by
tests/rostering/test_upload_memory.py; Django is set up with portal.settings.test, no database.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAP_BYTES = 2 * 1024 * 1024 * 1024


def main(kind: str, path: str, name: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    from rostering.imports.engine_parts.reading import FileProblem, read_table
    from rostering.oneroster import SnapshotError, load_files, read_snapshot

    content = Path(path).read_bytes()
    refused, read = None, ""
    try:
        if kind == "template":
            table = read_table(name, content)
            read = f"{len(table.rows)} rows"
        else:
            snapshot = read_snapshot(load_files(content))
            read = f"{len(snapshot.users)} users, {len(snapshot.enrollments)} enrollments"
    except (FileProblem, SnapshotError) as exc:
        refused = str(exc)
    except MemoryError:
        refused = "MemoryError"
    return {"refused": refused, "read": read, "peak_mb": round(peak_kb() / 1024, 1)}


def peak_kb() -> int:
    """This process's peak resident size. getrusage's ru_maxrss would count the parent's size
    at the fork; VmHWM starts again at exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))
    kind, path = sys.argv[1], sys.argv[2]
    name = sys.argv[3] if len(sys.argv) > 3 else Path(path).name
    print(json.dumps(main(kind, path, name)))
