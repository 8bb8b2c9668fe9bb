"""Value checks shared by services, forms, imports, the sync and the admin."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from .text import clean_text
from .usernames import validate_sis_username  # noqa: F401  (the SIS rule lives there)

USERNAME_RE = re.compile(r"^[A-Za-z0-9._@+-]+$")


def validate_username(value: str) -> str:
    value = clean_text(value)
    if not value:
        raise ValidationError("A username is required.", code="required")
    if not USERNAME_RE.match(value):
        raise ValidationError(
            f'"{value}" cannot be a username: use letters, digits and . _ - @ + only, no spaces.',
            code="username",
        )
    return value


def blank_to_none(value: str | None) -> str | None:
    """Unique nullable identifiers store NULL, never "", so blanks never collide."""
    if value is None:
        return None
    return clean_text(value) or None


_UNIT = re.compile(r"^(?P<name>.+?)\s*\((?P<unit>[^()]+)\)$")


def _name_and_range(setting) -> tuple[str, str]:
    """("Session time", "between 10 and 60 minutes") for "Session time (minutes)", 10 to 60."""
    match = _UNIT.match(setting.label or "")
    name, unit = (match["name"], f" {match['unit']}") if match else (setting.label, "")
    low, high = setting.min_value, setting.max_value
    if low is not None and high is not None:
        return name, f"between {low} and {high}{unit}"
    if low is not None:
        return name, f"at least {low}{unit}"
    if high is not None:
        return name, f"at most {high}{unit}"
    return name, ""


def setting_range_message(setting) -> str:
    """The allowed range of a whole-number setting as a sentence: "Session time is between 10
    and 60 minutes." for "Session time (minutes)" from 10 to 60."""
    name, allowed = _name_and_range(setting)
    return f"{name} is {allowed}."


def setting_integer_message(setting) -> str:
    """"Session time is a whole number between 10 and 60 minutes." (or without the range)."""
    name, allowed = _name_and_range(setting)
    return f"{name} is a whole number{' ' + allowed if allowed else ''}."


def validate_setting_value(setting, raw) -> str:
    """``raw`` as the canonical value of ``setting``, or ValidationError saying what is allowed."""
    value = "" if raw is None else str(raw).strip()
    kind = setting.setting_type
    if kind == "choice":
        lookup = {str(v).lower(): str(v) for v in setting.allowed_values}
        if value.lower() in lookup:
            return lookup[value.lower()]
        raise ValidationError(
            f'"{value}" is not allowed for {setting.label}. '
            f"Choose one of: {', '.join(str(v) for v in setting.allowed_values)}.",
            code="setting_choice",
        )
    if kind == "integer":
        try:
            number = int(value)
        except ValueError:
            raise ValidationError(
                f'"{value}" is not a number. {setting_integer_message(setting)}',
                code="setting_integer",
            ) from None
        if setting.min_value is not None and number < setting.min_value:
            raise ValidationError(setting_range_message(setting), code="setting_min")
        if setting.max_value is not None and number > setting.max_value:
            raise ValidationError(setting_range_message(setting), code="setting_max")
        return str(number)
    if kind == "boolean":
        if value.lower() in {"yes", "true", "1", "y", "on"}:
            return "Yes"
        if value.lower() in {"no", "false", "0", "n", "off"}:
            return "No"
        raise ValidationError(f"{setting.label} must be Yes or No.", code="setting_boolean")
    if len(value) > 200:
        raise ValidationError(f"{setting.label} is too long (200 characters at most).")
    return value
