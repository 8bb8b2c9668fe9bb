"""Student passwords from the SIS (users.csv's ``password``): what the plan sets.

A password the SIS sends is kept encrypted, as every student password (rostering.passwords);
a blank one keeps the student's current password, and one the student already has changes
nothing. A password the student rules refuse is a warning: the student is still rostered,
with the password they had. Tokens never show in a plan or a run: they read "(set)".
"""

from __future__ import annotations

from rostering.passwords import (
    HIDDEN_PASSWORD,
    encrypt_password,
    password_matches,
    validate_student_password,
)

FIELD = "password_encrypted"


def plan_passwords(plan, snapshot) -> None:
    """Sets the password of each student the plan creates or keeps whose SIS password is new
    or changed, and counts them in ``plan.passwords_set``."""
    kind_plan = plan.kinds.get("student")
    if kind_plan is None:
        return
    users = snapshot.users
    for change in kind_plan.changes:
        user = users.get(change.sourced_id)
        raw = user.password if user is not None else ""
        if not raw or change.action == "deactivate" or _refused(plan, user, change.label, raw):
            continue
        record = change.record
        if change.action == "create":
            setattr(record, FIELD, encrypt_password(raw))
        elif not password_matches(getattr(record, FIELD), raw):
            # A dict of the change's own: a change may share the empty one (.matching).
            new = encrypt_password(raw)
            change.changes = {**change.changes, FIELD: (getattr(record, FIELD), new)}
        else:
            continue
        plan.passwords_set += 1
    # A record otherwise unchanged becomes an update when the SIS sends a new password.
    kept = []
    for record in kind_plan.unchanged:
        user = users.get(record.sis_sourced_id)
        raw = user.password if user is not None else ""
        old = getattr(record, FIELD)
        if (
            not raw
            or _refused(plan, user, kind_plan.label_of(record), raw)
            or password_matches(old, raw)
        ):
            kept.append(record)
            continue
        kind_plan.updated(record, {FIELD: (old, encrypt_password(raw))})
        plan.passwords_set += 1
    kind_plan.unchanged = kept


def _refused(plan, user, label: str, raw: str) -> bool:
    """Whether the student rules refuse the SIS's password ``raw``: a warning (the student
    keeps the current one)."""
    problems = validate_student_password(raw)
    if problems:
        plan.warnings.append(
            {
                "file": user.file,
                "row": user.row,
                "record": user.sourced_id,
                "field": "password",
                "message": f"{label}: {' '.join(problems)} The password was not kept; the "
                "student keeps the current one.",
            }
        )
    return bool(problems)


def shown(old: str, new: str) -> list[str]:
    """How a password change reads in a plan: never the tokens."""
    return [HIDDEN_PASSWORD if old else "", HIDDEN_PASSWORD if new else ""]
