"""Normalisers of the registry: what people and SISes type, as Homeroom stores it.

Each takes a trimmed, cleaned (rostering.text) value and returns it normalised, or raises
ValidationError with the message every channel shows.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from rostering.models import Grade

_GRADE_ALIASES = {
    "K": "KG",
    "0": "KG",
    "00": "KG",
    "KINDERGARTEN": "KG",
    "PREK": "PK",
    "PRE-K": "PK",
    "TRANSITIONAL KINDERGARTEN": "TK",
    "PRESCHOOL": "PR",
    "POSTSECONDARY": "PS",
    "OTHER": "Other",
    "UNGRADED": "UG",
}
_GRADE_VALUES = {choice.upper(): choice for choice in Grade.values}
_GRADE_NUMBER = re.compile(r"^(?:GRADE\s*)?0*(\d{1,2})$")

GRADE_HELP = "K, 1 to 12, PK, TK, or 13, PS, UG, Other (or leave blank)."
_GRADE_LABELS = dict(Grade.choices)


def grade_label(code) -> str:
    """How a stored grade reads to people: "KG" is "Kindergarten", "02" is "Grade 2"; blank
    stays blank and a value outside the vocabulary is shown as it is."""
    return _GRADE_LABELS.get(code or "", code or "")


def grade(value: str) -> str:
    """A OneRoster grade from what people and SISes type: "k", "0", "KG", "Kindergarten" are
    KG; "7", "07", "Grade 7" are 07; 13, PS (postsecondary), UG (ungraded) and Other are
    OneRoster's own, and kept."""
    upper = (value or "").strip().upper()
    if not upper:
        return ""
    if upper in _GRADE_VALUES:
        return _GRADE_VALUES[upper]
    if upper in _GRADE_ALIASES:
        return _GRADE_ALIASES[upper]
    number = _GRADE_NUMBER.match(upper)
    if number and 1 <= int(number.group(1)) <= 13:
        return f"{int(number.group(1)):02d}"
    raise ValidationError(
        f'"{value}" is not a grade. Type K, 1 to 12, PK or TK (or a OneRoster grade: '
        f"{', '.join(Grade.values)}).",
        code="grade",
    )


_GRADE_SEPARATORS = re.compile(r"[;,]")


def grade_list(value: str) -> str:
    """A class/group's grades as people and SISes list them ("3; 4", "03, 04", "K,1"): each
    a grade (``grade``, whose words refuse the first that is not one), joined with "," as
    they are stored ("03,04")."""
    return ",".join(grade(item) for item in _GRADE_SEPARATORS.split(value) if item.strip())


class _EmailValidator(EmailValidator):
    """Django's email check, its domain half remembered: a district's 10,000 students share
    a few domains, and that half (a long regex) is most of the check's time."""

    __hash__ = object.__hash__
    # Django's lazily compiled pattern, compiled here: its proxy costs more than the match.
    user_regex = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)

    def validate_domain_part(self, domain_part: str) -> bool:
        return _domain_ok(domain_part)


_DJANGO_EMAIL = EmailValidator()


@lru_cache(maxsize=1024)
def _domain_ok(domain_part: str) -> bool:
    return _DJANGO_EMAIL.validate_domain_part(domain_part)


validate_email = _EmailValidator()


def email(value: str) -> str:
    """An email address with its domain in lower case (as Django's normalize_email)."""
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            f'"{value}" is not an email address. Correct it (name@example.org) or leave it blank.',
            code="email",
        ) from None
    local, _, domain = value.rpartition("@")
    lower = domain.lower()
    if lower == domain:
        return value  # the same string, not a copy of it per record (a sync holds them all)
    return f"{local}@{lower}"
