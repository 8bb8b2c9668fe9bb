"""Honest results: what a run was sent, what it refused, and when that is a failure.

``import_roster`` and ``sync_district`` exit 1 when records were sent but none, or more than
ROSTER_REFUSED_SHARE_PERCENT of one file's records, could be rostered, and say why in one
sentence. A cron job notices; the sentence names the first refused record and its reason.
Problems are dicts {file, row, record, field, message} (``problem``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

# Applied link names (rostering.engine.apply.LINK_TABLES) the counts group together.
MEMBERSHIP_LINKS = ("class_student", "class_educator")
PRODUCT_LINKS = ("class_product", "student_product")


def problem(file: str, row: int, record: str, field: str, message: str) -> dict:
    """One problem as ``import_roster --json`` and ``sync_district --json`` print it."""
    return {"file": file, "row": row, "record": record, "field": field, "message": message}


def as_problem(kept: dict) -> dict:
    """A sync run's kept problem (``field`` only when known) in the printed shape."""
    return problem(
        kept.get("file", ""),
        kept.get("row", 0),
        kept.get("record", ""),
        kept.get("field", ""),
        kept.get("message", ""),
    )


@dataclass
class Tally:
    """One file's (or template's) records: how many were sent, and the problems of each
    record refused (the first problem of each, in file order)."""

    noun: str  # "users", "classes", "rows"
    sent: int
    refused: list[dict] = field(default_factory=list)


# The files each noun's records come from: OneRoster's, then Clever's (rostering.clever).
FILES_OF = {
    "users": ("users.csv", "students.csv", "teachers.csv"),
    "classes": ("classes.csv", "sections.csv"),
}


def tally(
    noun: str, sent: int, problems: list[dict], *, file: str | tuple[str, ...] | None = None
) -> Tally:
    """A Tally whose refused records are the distinct records (or rows) ``problems`` name,
    only those of ``file`` (a name, or several) when given; whole-file problems (no record,
    row 0) refuse none."""
    files = (file,) if isinstance(file, str) else file
    refused: dict[tuple, dict] = {}
    for p in problems:
        if files is not None and p["file"] not in files:
            continue
        key = (p["file"], p["record"]) if p["record"] else (p["file"], p["row"])
        if p["record"] or p["row"]:
            refused.setdefault(key, p)
    return Tally(noun, sent, list(refused.values()))


def sent_of(snapshot) -> dict:
    """{"users", "classes"}: the records a OneRoster snapshot sent that a run rosters
    (users with a student, teacher or administrator role, every class), readable or not."""
    rejected = snapshot.rejected
    return {
        "users": sum(1 for u in snapshot.users.values() if u.kind) + len(rejected.get("users", ())),
        "classes": len(snapshot.classes) + len(rejected.get("classes", ())),
    }


def run_tallies(sent: dict, errors: list[dict]) -> list[Tally]:
    """A sync run's users and classes, refused when a problem of its file names them."""
    problems = [as_problem(kept) for kept in errors]
    return [
        tally(noun, sent.get(noun, 0), problems, file=FILES_OF[noun])
        for noun in ("users", "classes")
    ]


def run_refusal(run) -> str:
    """Why a sync run (applied or previewed) counts as refused, or "": its users and classes
    sent against the problems it kept. The engine stores it on an applied run (status
    "refused"); sync_district prints it."""
    return refusal(run_tallies((run.counts or {}).get("sent") or {}, run.errors or []))


def share_percent() -> int:
    return settings.ROSTER_REFUSED_SHARE_PERCENT


def refusal(tallies: list[Tally], share: int | None = None) -> str:
    """One sentence saying why the run failed, or "" when it rostered enough."""
    share = share_percent() if share is None else share
    over = [t for t in tallies if t.refused and _too_many(len(t.refused), t.sent, share)]
    if not over:
        return ""
    parts = " and ".join(f"{len(t.refused):,} of {t.sent:,} {t.noun}" for t in over)
    verb = "was" if len(over) == 1 and len(over[0].refused) == 1 else "were"
    first = over[0].refused[0]
    where = ", ".join(
        bit
        for bit in (
            first["file"],
            f"row {first['row']}" if first["row"] else "",
            first["record"],
            first["field"],
        )
        if bit
    )
    if all(len(t.refused) >= t.sent for t in over):
        why = "none could be rostered"
    else:
        why = f"more than the {share}% a run may refuse (ROSTER_REFUSED_SHARE_PERCENT)"
    return f"{parts} {verb} refused, {why}. The first: {where}: {first['message']}"


def _too_many(refused: int, sent: int, share: int) -> bool:
    return sent > 0 and (refused >= sent or refused * 100 > share * sent)


def link_counts(applied: dict) -> dict:
    """Organizations, memberships and product links an Applied.as_json() changed."""
    orgs = {"created": 0, "updated": 0}
    for record in applied.get("records") or []:
        if record["kind"] == "organization" and record["op"] in ("create", "update"):
            orgs[f"{record['op']}d"] += 1
    links = applied.get("links") or {}

    def moved(names, how):
        return sum(len(links.get(name, {}).get(how, [])) for name in names)

    return {
        "organizations": orgs,
        "memberships": {
            "added": moved(MEMBERSHIP_LINKS, "added"),
            "removed": moved(MEMBERSHIP_LINKS, "removed"),
        },
        "product_links": {
            "added": moved(PRODUCT_LINKS, "added"),
            "removed": moved(PRODUCT_LINKS, "removed"),
        },
    }
