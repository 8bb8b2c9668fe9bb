"""Small helpers that read settings from the environment (12-factor)."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def required_secret(name: str, *, debug: bool, development_default: str) -> str:
    """The secret ``name`` from the environment. Blank with DEBUG off stops start-up with a
    message naming the variable; with DEBUG on, ``development_default`` is used."""
    value = os.environ.get(name, "")
    if value.strip():
        return value
    if debug:
        return development_default
    raise ImproperlyConfigured(
        f"{name} is not set. Set the {name} environment variable to a long random value "
        "(for example the output of: python -c \"import secrets; print(secrets.token_urlsafe(50))\"), "
        "or set DEBUG=1 for development."
    )
