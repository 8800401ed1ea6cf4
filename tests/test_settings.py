"""Settings come from the environment and refuse bad values loudly.

Each case starts a fresh interpreter, because settings are read once at start-up.
"""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from push import vapid

ROOT = Path(__file__).resolve().parent.parent
_VAPID_PRIVATE = vapid.new_private_key()
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "attune.example.org",
    "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "VAPID_PRIVATE_KEY": _VAPID_PRIVATE,
    "VAPID_PUBLIC_KEY": vapid.public_key_of(_VAPID_PRIVATE),
    "VAPID_SUBJECT": "mailto:operator@attune.example.org",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 60}, "FIELD_ENCRYPTION_KEYS"),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT must be an integer"),
        ({"ACCOUNT_EMAIL_VERIFICATION": "sometimes"}, "ACCOUNT_EMAIL_VERIFICATION must be one of"),
        ({"DATABASE_URL": "nonsense://x"}, "DATABASE_URL"),
    ],
)
def test_it_refuses_to_start_with_a_bad_value(env, message) -> None:
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_treats_a_blank_value_as_unset() -> None:
    # `SECURE_SSL_REDIRECT=` in a .env file must not switch the redirect off.
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT)",
        **PRODUCTION,
        SECURE_SSL_REDIRECT="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_production_settings_pass_the_deploy_check_with_no_warnings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
