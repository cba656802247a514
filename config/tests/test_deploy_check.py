"""The production configuration passes Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def run_manage(*args, **env_overrides):
    # Drop what the test run itself sets (pytest-env, the browser tests) to see production.
    dropped = {
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SECRET_KEY",
        "EMAIL_URL",
    }
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x7#Qm2!vL9pR4zT8wK1nB6yH3jF5dS0aG-cE_uI+oP*rM&tN%lZ" * 2,
        ALLOWED_HOSTS="safar.example",
        EMAIL_URL="smtp+tls://safar:secret@mail.safar.example:587",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "EMAIL_URL"])
def test_production_refuses_to_start_without_a_secret_key_or_mail_server(missing):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "safar.example",
        "EMAIL_URL": "smtp+tls://safar:secret@mail.safar.example:587",
    }
    del env[missing]

    result = run_manage("check", "--deploy", **env)

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_migrations_are_complete():
    result = run_manage("makemigrations", "--check", "--dry-run", DEBUG="true")

    assert result.returncode == 0, result.stdout + result.stderr
