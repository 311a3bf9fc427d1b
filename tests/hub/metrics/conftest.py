"""Fixtures of the metrics tests: the built demo college and viewers of each role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from campusbrain.hub.contracts import Viewer
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.metrics.service import clear_cache
from campusbrain.hub.warehouse import open_published

LEADER = Viewer(username="leader", role="leader")
DEAN_107 = Viewer(username="dean107", role="dean", department_code="107", department_name="信息技术学院")
TEACHER_107 = Viewer(
    username="teacher107", role="teacher", department_code="107", department_name="信息技术学院"
)
STUDENT = Viewer(username="student", role="student", department_code="107", class_codes=("X",))


@pytest.fixture(autouse=True)
def _cold_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(scope="module")
def warehouse(built_demo_college: Path) -> Iterator[engine.Connection]:
    """A read-only connection to the built demo college, to compute figures directly."""
    con = open_published(built_demo_college)
    yield con
    con.close()


def one(con: engine.Connection, sql: str, params: list[object] | None = None) -> object:
    return engine.fetch(con, sql, params)[0][0]
