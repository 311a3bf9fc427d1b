"""Fixtures for account tests: a hand-written demo manifest and the demo users made from it."""

from __future__ import annotations

from pathlib import Path

import pytest

DEMO_MANIFEST = Path(__file__).with_name("demo_manifest.json")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's million iterations would dominate the run time; hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_manifest() -> Path:
    return DEMO_MANIFEST


@pytest.fixture
def demo_users(db, demo_manifest):
    from campusbrain.accounts.services import demo_accounts_create

    return {user.username: user for user in demo_accounts_create(manifest_path=demo_manifest)}
