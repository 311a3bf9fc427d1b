"""``dwd.person_record`` of the shared demo college, built in a scratch database per test.

The identity tests run ``resolve`` on a snapshot-like database of their own (with the build's
``cb_*`` functions registered and the ODS attached read-only) so that they can rebuild, change
records and attach a "previous snapshot" without touching the shared college.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.python import PREVIOUS_CATALOG, PythonModelContext
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.standards.cleaning import SQL_FUNCTIONS
from campusbrain.hub.warehouse import read_published

IDENTITY_TABLES = ("person_link", "person", "person_review", "person_id_registry")


def _connect(path: Path, ods: Path | None) -> engine.Connection:
    con = engine.connect(path, threads=2)
    for function in SQL_FUNCTIONS:
        engine.create_function(con, function.name, function.function, function.parameters, function.returns)
    if ods is not None:
        engine.attach(con, ods, "ods_source", read_only=True)
    engine.run(con, "CREATE SCHEMA IF NOT EXISTS dwd")
    return con


@pytest.fixture(scope="session")
def demo_person_records(built_demo_college: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding ``dwd.person_record`` of the shared 600-student demo college, as
    the build made it (the per-system ``dwd.person_source_*`` models unioned and normalized)."""
    published = read_published(HubPaths(built_demo_college))
    assert published is not None
    path = tmp_path_factory.mktemp("identity") / "person_record.duckdb"
    con = _connect(path, None)
    engine.attach(con, published.snapshot, "built", read_only=True)
    source = exp.table_("person_record", db="dwd", catalog="built")
    create = exp.Create(
        this=exp.table_("person_record", db="dwd"), kind="TABLE", expression=exp.select("*").from_(source)
    )
    engine.run(con, create.sql(dialect="duckdb"))
    engine.detach(con, "built")
    con.close()
    return path


@dataclass
class Snapshot:
    """A scratch snapshot: its connection and the context ``resolve`` gets."""

    path: Path
    con: engine.Connection
    ctx: PythonModelContext

    def links(self) -> dict[tuple[str, str], str]:
        rows = engine.fetch_all(self.con, "SELECT system, record_key, person_id FROM dwd.person_link")
        return {(str(s), str(k)): str(p) for s, k, p in rows}


@pytest.fixture
def make_snapshot(demo_person_records: Path, tmp_path: Path) -> Iterator[Callable[..., Snapshot]]:
    """``make_snapshot(name, previous=None)``: a copy of the demo records, optionally with a
    previous snapshot attached the way the build attaches it."""
    opened: list[engine.Connection] = []

    def make(name: str, previous: Snapshot | None = None) -> Snapshot:
        path = tmp_path / f"{name}.duckdb"
        path.write_bytes(demo_person_records.read_bytes())
        con = _connect(path, None)
        opened.append(con)
        previous_tables: frozenset[str] = frozenset()
        if previous is not None:
            previous.con.close()
            engine.attach(con, previous.path, PREVIOUS_CATALOG, read_only=True)
            previous_tables = frozenset(f"dwd.{t}" for t in IDENTITY_TABLES)
        ctx = PythonModelContext(
            con=con,
            build_id=name,
            home=tmp_path,
            target="dwd.person_link",
            has_previous=previous is not None,
            previous_tables=previous_tables,
        )
        return Snapshot(path=path, con=con, ctx=ctx)

    yield make
    for con in opened:
        con.close()
