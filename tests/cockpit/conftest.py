"""Fixtures for the cockpit: the small built demo college as the hub, and its cast of users.

Demo users come from the built college's own manifest, so the dean and teacher belong to a real
二级学院 of the warehouse and their scope cuts real rows.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from campusbrain.hub.metrics import service as metrics_service


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's million iterations would dominate the run time; hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def point_at(settings, home: Path) -> Path:
    settings.CAMPUSBRAIN = dataclasses.replace(settings.CAMPUSBRAIN, home=home)
    return home


@pytest.fixture
def hub_home(settings, built_demo_college: Path) -> Path:
    """The shared built demo college, read-only."""
    return point_at(settings, built_demo_college)


@pytest.fixture
def cast(db, built_demo_college: Path):
    """The built college's eleven demo users, keyed by role."""
    from campusbrain.accounts.services import demo_accounts_create

    manifest = built_demo_college / "demo-sources" / "manifest.json"
    return {u.username: u for u in demo_accounts_create(manifest_path=manifest)}


@pytest.fixture
def login(client, cast):
    def as_user(username: str):
        client.force_login(cast[username])
        return client

    return as_user


@pytest.fixture
def fresh_metric_cache():
    """Answers are cached per build id; a test that changes what the hub reads starts and ends clean."""
    metrics_service.clear_cache()
    yield
    metrics_service.clear_cache()
