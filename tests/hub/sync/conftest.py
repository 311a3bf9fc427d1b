"""Helpers for the sync tests: a college folder with hand-written sources, and ODS readers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths


class College:
    """A ``CAMPUSBRAIN_HOME`` with helpers to describe sources and read back ODS."""

    def __init__(self, home: Path) -> None:
        self.home = home
        (home / "sources").mkdir(parents=True, exist_ok=True)

    def source(self, config: dict[str, Any]) -> Path:
        path = self.home / "sources" / f"{config['name']}.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def file(self, relative: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = self.home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    def fetch(self, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
        con = engine.connect(HubPaths(self.home).ods, read_only=True)
        try:
            return engine.fetch(con, sql, params)
        finally:
            con.close()

    def rows(
        self, table: str, columns: str = "*", order: str = "_source, _source_row"
    ) -> list[tuple[object, ...]]:
        return self.fetch(f'SELECT {columns} FROM ods.ods."{table}" ORDER BY {order}')

    def columns(self, table: str) -> list[str]:
        found = self.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'ods' AND table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        )
        return [str(r[0]) for r in found]

    def rejects(self, table: str | None = None) -> list[tuple[object, ...]]:
        if table is None:
            return self.fetch(
                'SELECT "table", file, source_row, raw_line, reason FROM meta.rejects ORDER BY ALL'
            )
        return self.fetch(
            'SELECT file, source_row, raw_line, reason FROM meta.rejects WHERE "table" = ? ORDER BY ALL',
            [table],
        )


@pytest.fixture
def college(tmp_path: Path) -> College:
    return College(tmp_path / "college")
