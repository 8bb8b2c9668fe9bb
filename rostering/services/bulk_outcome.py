"""The one wording of a bulk action's outcome (rostering.bulk.Outcome): what was done, what
was already so, and each record refused with why. The Students list's bulk actions and the
admin's actions both say it in these words, so the same selection reads the same on both."""

from __future__ import annotations

from dataclasses import dataclass, field

from rostering.models import Student

SHOWN_REFUSED = 10  # refusals told one by one; the rest are counted
SHOWN_NAMES = 5

# action -> (what was done, what was already so); {n} records, {noun} singular or plural,
# {target} the class/group or product.
WORDS = {
    "deactivate": ("Deactivated {n} {noun}", "already deactivated"),
    "reactivate": ("Reactivated {n} {noun}", "already reactivated"),
    "add_class": ("Added {n} {noun} to {target}", "already in {target}"),
    "add_product": ("Assigned {target} to {n} {noun}", "already had {target}"),
    "remove_product": ("Removed {target} from {n} {noun}", "did not have {target} of their own"),
    "reset_password": ("Reset the password of {n} {noun}", "left as they were"),
}


@dataclass(frozen=True)
class OutcomeSentences:
    done: str = ""  # "" when nothing was done
    unchanged: str = ""
    refused: list[str] = field(default_factory=list)
    nothing: str = ""  # nothing was chosen at all


def label(record) -> str:
    return getattr(record, "full_name", None) or str(record)


def _names(records) -> str:
    names = [label(r) for r in records[:SHOWN_NAMES]]
    more = len(records) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _noun(model, n: int) -> str:
    meta = model._meta
    return str(meta.verbose_name if n == 1 else meta.verbose_name_plural)


def outcome_sentences(outcome, action: str, *, model=Student, target=None) -> OutcomeSentences:
    """The sentences of ``outcome`` of ``action`` (a key of WORDS) on records of ``model``,
    ``target`` the class/group or product acted with."""
    did, already = WORDS[action]
    target_name = getattr(target, "name", "")
    done = unchanged = nothing = ""
    n = len(outcome.done)
    if n:
        text = did.format(n=n, noun=_noun(model, n), target=target_name)
        done = f"{text}: {_names(outcome.done)}."
    if outcome.unchanged:
        text = already.format(target=target_name)
        unchanged = f"{len(outcome.unchanged)} {text}: {_names(outcome.unchanged)}."
    refused = [
        f"Not changed, {label(r.student)}: {r.reason}" for r in outcome.refused[:SHOWN_REFUSED]
    ]
    more = len(outcome.refused) - SHOWN_REFUSED
    if more > 0:
        refused.append(f"{more} more {_noun(model, more)} {'was' if more == 1 else 'were'} not changed.")
    if not (n or outcome.unchanged or outcome.refused):
        nothing = f"No {_noun(model, 2)} were chosen: tick the boxes beside their names."
    return OutcomeSentences(done=done, unchanged=unchanged, refused=refused, nothing=nothing)
