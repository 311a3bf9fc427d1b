"""A private copy of the built demo college's published snapshot, for tests that change it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import read_published


def copy_published(home: Path, target: Path) -> Path:
    """``target`` as a college folder holding only ``home``'s sources, crosswalks and published snapshot."""
    source, copy = HubPaths(home), HubPaths(target)
    published = read_published(source)
    assert published is not None
    copy.snapshots.mkdir(parents=True)
    shutil.copy2(published.snapshot, copy.snapshots / published.snapshot.name)
    shutil.copy2(source.published, copy.published)
    for folder in ("sources", "crosswalks"):
        if (home / folder).is_dir():
            shutil.copytree(home / folder, target / folder)
    return target


@pytest.fixture
def snapshot_copy(built_demo_college: Path, tmp_path: Path) -> Path:
    return copy_published(built_demo_college, tmp_path / "college")
