"""Which way of rostering fits a district: DESIGN.md's table as four questions and a rule.

Pure: no database, no requests. Each answer fits one or more of the three methods (the
columns of the table). The head count also rules out self-managed rostering from 50 accounts
up: the portal's forms are for small groups. Of the methods left, the one most answers fit is
recommended. A tie goes to the method the head count points to when it is among the tied ones
(the size of the roster decides how much typing a district faces), otherwise to the more
automated one, so a district is not left with rosters it cannot keep current.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rostering.models.org import RosteringMethod

SELF = RosteringMethod.SELF_MANAGED
ASSISTED = RosteringMethod.ASSISTED
AUTOMATED = RosteringMethod.AUTOMATED
# From least to most automated: the order ties are broken in.
ORDER = (SELF, ASSISTED, AUTOMATED)


class HeadCount(StrEnum):
    UNDER_50 = "under_50"
    FROM_50_TO_200 = "50_to_200"
    OVER_200 = "over_200"


class Mobility(StrEnum):
    RARELY = "rarely"
    OFTEN = "often"


class UpdateFrequency(StrEnum):
    AS_NEEDED = "as_needed"
    ONCE_OR_TWICE_A_YEAR = "yearly"
    DAILY_OR_WEEKLY = "daily_or_weekly"


class CurrentMethod(StrEnum):
    BY_HAND = "by_hand"
    SIS_OR_INTEGRATION = "sis"


# The questions as the chooser asks them, with their answers' labels.
QUESTIONS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "head_count": (
        "How many student and educator accounts does your district need?",
        (
            (HeadCount.UNDER_50, "Fewer than 50"),
            (HeadCount.FROM_50_TO_200, "50 to 200"),
            (HeadCount.OVER_200, "More than 200"),
        ),
    ),
    "mobility": (
        "How often do students move between schools or classes during the year?",
        ((Mobility.RARELY, "Rarely"), (Mobility.OFTEN, "Often")),
    ),
    "updates": (
        "How often does your roster need updating?",
        (
            (UpdateFrequency.AS_NEEDED, "Now and then, as needed"),
            (UpdateFrequency.ONCE_OR_TWICE_A_YEAR, "Once or twice a year"),
            (UpdateFrequency.DAILY_OR_WEEKLY, "Daily or weekly"),
        ),
    ),
    "current_method": (
        "How do you keep rosters today?",
        (
            (CurrentMethod.BY_HAND, "By hand (spreadsheets, typing them in)"),
            (CurrentMethod.SIS_OR_INTEGRATION, "An SIS or an integration service"),
        ),
    ),
}

# For each answer: the methods it fits, and why, in the words the chooser shows.
_FITS: dict[str, tuple[frozenset[str], str]] = {
    HeadCount.UNDER_50: (
        frozenset({SELF}),
        "Fewer than 50 accounts are quick to type in with the portal's forms.",
    ),
    HeadCount.FROM_50_TO_200: (
        frozenset({ASSISTED}),
        "50 to 200 accounts are a lot to type: send import files once and our support "
        "team loads them for you.",
    ),
    HeadCount.OVER_200: (
        frozenset({AUTOMATED}),
        "More than 200 accounts are best kept by your SIS rather than by hand.",
    ),
    Mobility.RARELY: (
        frozenset({SELF, ASSISTED}),
        "Students rarely move, so rosters stay right with occasional edits in the portal.",
    ),
    Mobility.OFTEN: (
        frozenset({AUTOMATED}),
        "Students move often: a scheduled sync follows them without anyone retyping.",
    ),
    UpdateFrequency.AS_NEEDED: (
        frozenset({SELF}),
        "Updates now and then fit the portal's forms.",
    ),
    UpdateFrequency.ONCE_OR_TWICE_A_YEAR: (
        frozenset({ASSISTED}),
        "A big update once or twice a year fits a one-time import, then forms in between.",
    ),
    UpdateFrequency.DAILY_OR_WEEKLY: (
        frozenset({AUTOMATED}),
        "Daily or weekly updates need a scheduled sync; by hand they would fall behind.",
    ),
    CurrentMethod.BY_HAND: (
        frozenset({SELF, ASSISTED}),
        "You keep rosters by hand today, which the portal's forms and imports continue.",
    ),
    CurrentMethod.SIS_OR_INTEGRATION: (
        frozenset({AUTOMATED}),
        "Your SIS or integration service already holds the rosters: the sync reads them "
        "from there.",
    ),
}

NEEDS_SIS_NOTE = (
    "Automated rostering reads your rosters from an SIS or an integration service that "
    "exports OneRoster; ask your SIS vendor before switching."
)


@dataclass(frozen=True)
class Answers:
    head_count: HeadCount
    mobility: Mobility
    updates: UpdateFrequency
    current_method: CurrentMethod

    @classmethod
    def from_values(cls, values: dict[str, str]) -> Answers:
        """Answers from the chooser's submitted values (ValueError on an unknown one)."""
        return cls(
            head_count=HeadCount(values["head_count"]),
            mobility=Mobility(values["mobility"]),
            updates=UpdateFrequency(values["updates"]),
            current_method=CurrentMethod(values["current_method"]),
        )


@dataclass(frozen=True)
class Reason:
    text: str
    fits: bool  # does this answer point to the recommended method?


@dataclass(frozen=True)
class Recommendation:
    method: RosteringMethod
    reasons: tuple[Reason, ...]
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.method.label

    @property
    def is_mixed(self) -> bool:
        """Some answers point elsewhere: the district may want to talk it over with us."""
        return not all(reason.fits for reason in self.reasons)


def recommend(answers: Answers) -> Recommendation:
    """The method most of ``answers`` fit, with one reason per answer (see the module)."""
    given = (answers.head_count, answers.mobility, answers.updates, answers.current_method)
    allowed = ORDER if answers.head_count == HeadCount.UNDER_50 else (ASSISTED, AUTOMATED)
    votes = {method: sum(method in _FITS[a][0] for a in given) for method in allowed}
    best = max(votes.values())
    tied = [method for method in allowed if votes[method] == best]
    (head_count_method,) = _FITS[answers.head_count][0]
    method = head_count_method if head_count_method in tied else tied[-1]
    reasons = tuple(Reason(_FITS[a][1], method in _FITS[a][0]) for a in given)
    notes = ()
    if method == AUTOMATED and answers.current_method == CurrentMethod.BY_HAND:
        notes = (NEEDS_SIS_NOTE,)
    return Recommendation(method=RosteringMethod(method), reasons=reasons, notes=notes)


# What each method means for a district: the lower rows of DESIGN.md's table.
WHAT_IT_MEANS: dict[str, tuple[tuple[str, str], ...]] = {
    SELF: (
        ("First roster", "Your staff add students and classes/groups with the portal's forms."),
        ("Later updates", "The portal's forms."),
        ("Sign-in", "Username and password."),
    ),
    ASSISTED: (
        (
            "First roster",
            "You send import files; our support team checks them, imports them in bulk and "
            "confirms with you that the accounts were made.",
        ),
        ("Later updates", "The portal's forms."),
        ("Sign-in", "Username and password."),
    ),
    AUTOMATED: (
        ("First roster", "The SIS sync."),
        ("Later updates", "Scheduled syncs, daily or weekly."),
        ("Sign-in", "Username and password, or single sign-on where your district has it."),
    ),
}
