"""The production configuration passes Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def run_manage(*args, **env_overrides):
    # Drop what the test run itself sets (pytest-env, the browser tests) to see production.
    dropped = {"DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
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
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_flags_the_development_secret_key():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        ALLOWED_HOSTS="safar.example",
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_migrations_are_complete():
    result = run_manage("makemigrations", "--check", "--dry-run", DEBUG="true")

    assert result.returncode == 0, result.stdout + result.stderr
