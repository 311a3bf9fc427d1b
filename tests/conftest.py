"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from campusbrain.demo.generate import generate
from campusbrain.hub.sync import sync


@pytest.fixture(scope="session")
def synced_demo_college(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo college (600 students, half the transaction volume), every source synced.

    Built once per test run: generating and syncing all 13 systems takes seconds at this size,
    so tests of standards, identity and the DWD/DWS models share one. Tests must not write to it;
    a test that builds copies the folder first (see ``built_demo_college``).
    """
    home = tmp_path_factory.mktemp("synced-demo-college")
    generate(home, show_progress=False, students=600, seed=7, scale=0.5)
    report = sync(home, progress=False)
    assert report.ok, [t for t in report.tables if t.status not in ("loaded", "unchanged")]
    return home


@pytest.fixture(scope="session")
def built_demo_college(synced_demo_college: Path) -> Path:
    """The synced demo college after one ``hub build`` (every built-in model, published)."""
    from campusbrain.hub.models.runner import build

    report = build(synced_demo_college, progress=False)
    assert report.ok, report.error
    return synced_demo_college
