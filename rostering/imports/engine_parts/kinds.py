"""Which checker handles each kind of tabular import, and how its checked work becomes the
engine's batch (batches.py) and is written (rostering.engine.apply)."""

from __future__ import annotations

from rostering import engine
from rostering.engine.sql import paused_gc
from rostering.history import Channel

from . import batches


def checker_for(kind: str, ctx, match, plan):
    if kind in ("students", "bulk_students"):
        from .students import StudentChecker

        return StudentChecker(ctx, match, plan, bulk=kind == "bulk_students")
    if kind == "educators":
        from .educators import EducatorChecker

        return EducatorChecker(ctx, match, plan)
    if kind == "classes":
        from .classes import ClassChecker

        return ClassChecker(ctx, match, plan)
    if kind == "organizations":
        from .organizations import OrganizationChecker

        return OrganizationChecker(ctx, match, plan)
    raise ValueError(f"Unknown kind of import: {kind}")


def batch_for(kind: str, work, district) -> engine.Batch:
    if kind in ("students", "bulk_students"):
        return batches.students(work)
    if kind == "educators":
        return batches.educators(work)
    if kind == "classes":
        return batches.classes(work)
    if kind == "organizations":
        return batches.organizations(work, district)
    raise ValueError(f"Unknown kind of import: {kind}")


def write(kind: str, *, district, work, actor, progress) -> engine.Applied:
    """Write the checked ``work`` through the engine (channel "import"); what it changed."""
    with paused_gc():  # tens of thousands of small items, no cycles among them
        batch = batch_for(kind, work, district)
    progress(10, f"Writing {len(batch):,} changes")
    return engine.apply(batch, district=district, actor=actor, channel=Channel.IMPORT)
