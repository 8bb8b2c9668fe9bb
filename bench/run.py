"""Run every bench/bench_*.py on a fresh SQLite file and a fresh PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# BENCH_TAG keeps two people's benchmark databases apart on one machine.
TAG = os.environ.get("BENCH_TAG", "")
PG_NAME = f"homeroom_bench{TAG}"
PG = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"


def pg_ready() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
            c.execute(f"CREATE DATABASE {PG_NAME}")
        return True
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL unavailable, skipping its runs: {exc}")
        return False


def main() -> int:
    # The load bench last: PostgreSQL only, gunicorn beside runserver (about 3 minutes).
    scripts = [*sorted(HERE.glob("bench_*.py")), HERE / "load_students_list.py"]
    only = sys.argv[1:]
    if only:
        scripts = [s for s in scripts if any(o in s.name for o in only)]
    # This machine's speed first, so that figures from two machines can be compared.
    failed = (
        subprocess.run([sys.executable, str(HERE / "machine_yardstick.py")], cwd=ROOT).returncode
        != 0
    )
    for script in scripts:
        vendors = ("postgresql",) if script.name.startswith("load_") else ("sqlite", "postgresql")
        for name in vendors:
            if name == "sqlite":
                db = ROOT / "var" / f"bench{TAG}.sqlite3"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                url = f"sqlite:///{db}"
            else:
                if not pg_ready():
                    continue
                url = PG
            print(f"\n## {script.stem} on {name}", flush=True)
            env = {**os.environ, "DATABASE_URL": url}
            result = subprocess.run([sys.executable, str(script)], env=env, cwd=ROOT)
            failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
