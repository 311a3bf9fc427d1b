"""Fixtures for data governance: the small built demo college as the hub, and a cast of users.

The cast follows healthchecks: for every rule a user who may (the demo steward of 教务处, the
sysadmin, a leader …) and one who may not (a teacher, a student, a steward of another department).
Demo users come from the built college's own manifest, so their departments are real 单位号
that own tickets and code values in the warehouse.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from campusbrain.hub import api


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's million iterations would dominate the run time; hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _point_at(settings, home: Path) -> Path:
    settings.CAMPUSBRAIN = dataclasses.replace(settings.CAMPUSBRAIN, home=home)
    return home


@pytest.fixture
def hub_home(settings, built_demo_college: Path) -> Path:
    """The shared built demo college, read-only."""
    return _point_at(settings, built_demo_college)


@pytest.fixture
def writable_hub_home(settings, built_demo_college: Path, tmp_path: Path) -> Path:
    """A copy of the built college for tests that write a crosswalk (the shared one stays clean)."""
    home = tmp_path / "college"
    # The generated exports are not read by any governance page; the rest is what the hub reads.
    shutil.copytree(built_demo_college, home, ignore=shutil.ignore_patterns("demo-sources"))
    shutil.copytree(
        built_demo_college / "demo-sources",
        home / "demo-sources",
        ignore=lambda folder, names: (
            [n for n in names if n != "manifest.json"] if folder.endswith("demo-sources") else []
        ),
    )
    return _point_at(settings, home)


@pytest.fixture
def cast(db, built_demo_college: Path, django_user_model):
    """The built college's eleven demo users plus a steward of another department (招生就业处)."""
    from campusbrain.accounts.models import Profile
    from campusbrain.accounts.services import demo_accounts_create

    users = {
        u.username: u
        for u in demo_accounts_create(manifest_path=built_demo_college / "demo-sources" / "manifest.json")
    }
    other = django_user_model.objects.create_user(username="steward010", password="x" * 12)
    Profile.objects.create(
        user=other,
        role="steward",
        person_type="staff",
        person_number="GH-TEST-010",
        display_name="另一位数据专员",
        department_code="010",
        department_name="招生就业处",
    )
    users["steward010"] = other
    return users


@pytest.fixture
def login(client, cast):
    def as_user(username: str):
        client.force_login(cast[username])
        return client

    return as_user


@pytest.fixture
def steward_department(cast) -> str:
    return cast["steward"].profile.department_code


@pytest.fixture
def tickets(hub_home: Path):
    return api.quality_tickets(hub_home)
