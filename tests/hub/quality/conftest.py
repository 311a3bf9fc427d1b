"""A tiny snapshot (DuckDB tables made by hand) to run single quality rules on, without a build."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.project import Model, Project
from campusbrain.hub.quality import check
from campusbrain.hub.quality.rules import parse_rule_file
from campusbrain.hub.sources.config import SourceConfig, TableConfig

Rows = Sequence[tuple[object, ...]]


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]::VARCHAR[]"
    return "'" + str(value).replace("'", "''") + "'"


class Harness:
    """Tables in a snapshot file (and an ODS attached as ``ods_source``) plus the models they belong to."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.con = engine.connect(root / "snapshot.duckdb")
        # Writable here (a build attaches the ODS read-only): the tests make its tables.
        engine.attach(self.con, root / "ods.duckdb", "ods_source", read_only=False)
        self.models: dict[str, Model] = {}
        self.sources: dict[str, SourceConfig] = {}

    def table(self, name: str, columns: Sequence[str], rows: Rows, *, ods: bool = False) -> None:
        con = self.con
        schema, _, table = name.partition(".")
        if ods:
            schema = f'ods_source"."{schema}'
        engine.run(con, f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        select = " UNION ALL ".join(
            "SELECT " + ", ".join(f'{_literal(v)} AS "{c}"' for v, c in zip(row, columns, strict=True))
            for row in rows
        )
        if not rows:
            select = "SELECT " + ", ".join(f'NULL::VARCHAR AS "{c}"' for c in columns) + " LIMIT 0"
        engine.run(con, f'CREATE OR REPLACE TABLE "{schema}"."{table}" AS {select}')
        if not ods:
            self.model(name)

    def model(self, name: str, *, reconciles: Sequence[str] = (), owner: str = "002 教务处") -> None:
        layer = name.split(".")[0]
        self.models[name] = Model(
            name=name,
            layer=layer,
            grain="-",
            owner=owner,
            description="-",
            materialized="full",
            sql="",
            path=self.root / f"{name}.sql",
            origin="college",
            reconciles=tuple((r.split(".")[0], r.split(".")[1]) for r in reconciles),
        )

    def source(self, name: str, tables: dict[str, dict[str, object]], schedule: str = "daily") -> None:
        self.sources[name] = SourceConfig(
            name=name,
            title=name,
            kind="files",
            schedule=schedule,
            tables=tuple(
                TableConfig(t, t, tuple(str(k) for k in o.get("primary_key", [])), o)  # type: ignore[union-attr]
                for t, o in tables.items()
            ),
            options={},
            file=self.root / f"{name}.yaml",
        )

    def rules(self, model: str, text: str) -> list[check.Outcome]:
        """Run the rules of one ``.quality.yaml`` text on the tables made so far."""
        layer, _, table = model.partition(".")
        path = self.root / layer / f"{table}.quality.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        rules = parse_rule_file(path, folder_layer=layer, model_owner="002 教务处")
        own = engine.current_catalog(self.con)
        project = Project(
            models=self.models,
            order=tuple(self.models),
            upstream={n: frozenset() for n in self.models},
            sources={n: frozenset() for n in self.models},
        )
        ctx = check.Context(
            con=self.con,
            project=project,
            own_catalog=own,
            ods_alias="ods_source",
            sources=self.sources,
            now=datetime.now(UTC),
            tables=lambda: {
                own: engine.catalog_columns(self.con, own),
                "ods_source": engine.catalog_columns(self.con, "ods_source"),
            },
        )
        return check.evaluate(ctx, rules)

    def close(self) -> None:
        self.con.close()


@pytest.fixture
def harness(tmp_path: Path) -> Harness:
    h = Harness(tmp_path)
    yield h  # type: ignore[misc]
    h.close()


def one(outcomes: list[check.Outcome]) -> check.Outcome:
    assert len(outcomes) == 1
    assert outcomes[0].error is None, outcomes[0].error
    return outcomes[0]
