"""A small demo college, generated once per test run and shared (read-only) by the demo tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from campusbrain.demo.generate import generate

SMALL = {"students": 600, "seed": 7, "scale": 0.5}


@pytest.fixture(scope="session")
def small_college(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("college")
    generate(home, show_progress=False, **SMALL)
    return home


@pytest.fixture(scope="session")
def manifest(small_college: Path) -> dict[str, Any]:
    return json.loads((small_college / "demo-sources" / "manifest.json").read_text(encoding="utf-8"))
