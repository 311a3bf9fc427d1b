"""Fixtures for web tests; the demo people come from the accounts tests' hand-written manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

DEMO_MANIFEST = Path(__file__).parents[1] / "accounts" / "demo_manifest.json"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's million iterations would dominate the run time; hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_users(db):
    from campusbrain.accounts.services import demo_accounts_create

    return {user.username: user for user in demo_accounts_create(manifest_path=DEMO_MANIFEST)}


@pytest.fixture
def leader_client(client, demo_users):
    client.force_login(demo_users["leader"])
    return client
