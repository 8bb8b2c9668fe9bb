"""How fast this machine is, so that figures from two machines can be compared: the same
fixed work every time, timed, printed before the benchmarks.

- Python: the kind of work a 10,000-row check does (split and clean text, dicts per row,
  a sort, JSON), one core.
- PostgreSQL (when it answers on 127.0.0.1): 100,000 rows inserted into a table with a
  foreign key and two indexes, then COMMIT: the kind of work an import's writes do (the
  foreign key checks run at COMMIT). Server time, in a scratch database of its own.

A figure twice another machine's means that machine's benchmark figures would be about half.
Run alone: ``.venv/bin/python bench/machine_yardstick.py``; ``bench/run.py`` runs it first.
"""

from __future__ import annotations

import json
import statistics
import time

ROWS = 100_000
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "homeroom_yardstick"


def python_work() -> float:
    start = time.perf_counter()
    rows = [f" Ava{n % 97} ; Smith{n % 89} ;ava.{n}@example.org ; 0{n % 9} " for n in range(ROWS)]
    records = []
    for line in rows:
        first, last, email, grade = (cell.strip() for cell in line.split(";"))
        records.append({"first": first, "last": last, "email": email.lower(), "grade": grade})
    records.sort(key=lambda r: (r["last"], r["first"], r["email"]))
    json.dumps(records[:20_000])
    return time.perf_counter() - start


def postgres_work() -> float | None:
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
            admin.execute(f"CREATE DATABASE {PG_NAME}")
    except psycopg.Error:
        return None
    try:
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_NAME
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE parent (id bigint PRIMARY KEY)")
            conn.execute("INSERT INTO parent SELECT generate_series(1, 1000)")
            conn.execute(
                "CREATE TABLE child (id bigserial PRIMARY KEY, parent_id bigint NOT NULL "
                "REFERENCES parent DEFERRABLE INITIALLY DEFERRED, name text NOT NULL)"
            )
            conn.execute("CREATE INDEX ON child (parent_id, name)")
            conn.commit()
            times = []
            for _ in range(3):
                start = time.perf_counter()
                conn.execute(
                    "INSERT INTO child (parent_id, name) SELECT n %% 1000 + 1, 'student ' || n "
                    "FROM generate_series(1, %s) AS n",
                    [ROWS],
                )
                conn.commit()
                times.append(time.perf_counter() - start)
                conn.execute("TRUNCATE child")
                conn.commit()
            return statistics.median(times)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")


def main() -> None:
    python = statistics.median(python_work() for _ in range(5))
    print(f"  machine yardstick: Python {python:.3f} s", end="", flush=True)
    postgres = postgres_work()
    if postgres is None:
        print(" (PostgreSQL not reachable)")
    else:
        print(f", PostgreSQL {postgres:.3f} s (100,000 rows with a foreign key, committed)")


if __name__ == "__main__":
    main()
