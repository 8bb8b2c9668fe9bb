"""Which checker and writer handle each kind of tabular import."""

from __future__ import annotations


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


def writer_for(kind: str):
    if kind in ("students", "bulk_students"):
        from .students_write import write_students

        return lambda *, district, work, user, actor, progress: write_students(
            district=district, work=work, user=user, progress=progress
        )
    if kind == "educators":
        from .educators import write_educators

        return write_educators
    if kind == "classes":
        from .classes import write_classes

        return write_classes
    if kind == "organizations":
        from .organizations import write_organizations

        return write_organizations
    raise ValueError(f"Unknown kind of import: {kind}")
