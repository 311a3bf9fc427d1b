"""`manage.py check --deploy` is clean with production settings, and refuses to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
SECRET = "t" * 10 + "8vQ2nL5xR7kW3mZ9pB4cJ6hF1dG0sYaE-uIoTqNwVe"


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    # A clean environment: CAMPUSBRAIN_* from the developer's shell or DJANGO_ALLOW_ASYNC_UNSAFE from
    # another test would change what the check sees.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CAMPUSBRAIN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        CAMPUSBRAIN_HOME=str(tmp_path),
        CAMPUSBRAIN_PRODUCTION="1",
        CAMPUSBRAIN_SECRET_KEY=SECRET,
        CAMPUSBRAIN_ALLOWED_HOSTS="campus.example.edu.cn",
        DJANGO_SETTINGS_MODULE="campusbrain.web.settings",
    )
    return env


def test_check_deploy_is_clean_in_production(production_env):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_does_not_start(production_env):
    del production_env["CAMPUSBRAIN_SECRET_KEY"]

    result = _manage("check", env=production_env)

    assert result.returncode != 0
    assert "CAMPUSBRAIN_SECRET_KEY" in result.stderr
