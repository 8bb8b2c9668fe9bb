"""With DEBUG off, a server without its keys refuses to start instead of using the key in
the code (which would sign sessions and encrypt student passwords with a public key)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_base_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "STUDENT_PASSWORD_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings.base")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("missing", "env"),
    [
        ("SECRET_KEY", {"STUDENT_PASSWORD_KEY": "a-real-student-password-key"}),
        ("STUDENT_PASSWORD_KEY", {"SECRET_KEY": "a-real-secret-key"}),
    ],
)
def test_start_up_without_a_key_and_debug_off_stops_naming_the_variable(missing, env):
    result = _load_base_settings(DEBUG="0", **env)

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} is not set" in result.stderr


def test_start_up_with_both_keys_and_debug_off_starts():
    result = _load_base_settings(
        DEBUG="0", SECRET_KEY="a-real-secret-key", STUDENT_PASSWORD_KEY="a-real-student-key"
    )

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_with_debug_on_starts_without_keys():
    result = _load_base_settings(DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
