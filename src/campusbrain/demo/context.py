"""What every system generator receives and reports back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .defects import DefectLog
from .world import World
from .writers import write_csv


@dataclass
class TableInfo:
    """One exported table as the manifest and the source YAML describe it."""

    name: str
    title: str
    rows: int
    config: dict[str, Any]


@dataclass
class SystemResult:
    """A source system's export: its YAML configuration and its tables."""

    name: str
    title: str
    vendor_style: str
    owner_department: str
    kind: str  # files | sql | xapi
    fmt: str
    encoding: str
    quirks: list[str]
    tables: list[TableInfo] = field(default_factory=list)
    extra_config: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, title: str, rows: int, **config: Any) -> None:
        self.tables.append(TableInfo(name, title, rows, config))

    def add_csv(
        self,
        ctx: GenContext,
        path: Path,
        title: str,
        header: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        encoding: str = "utf-8",
        primary_key: list[str],
        **config: Any,
    ) -> int:
        """Write a CSV export, register it as table ``path.stem`` and advance the progress bar.

        ``encoding="utf-8-sig"`` writes a BOM, the way Windows tools export UTF-8.
        """
        bom = encoding == "utf-8-sig"
        n = write_csv(path, header, rows, encoding="utf-8" if bom else encoding, bom=bom)
        self.add(
            path.stem,
            title,
            n,
            path=ctx.rel(path),
            format="csv",
            encoding=encoding,
            primary_key=primary_key,
            **config,
        )
        ctx.progress(n)
        return n

    def source_config(self) -> dict[str, Any]:
        """The ``sources/<name>.yaml`` content (schema in docs/sources.md)."""
        cfg: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "vendor_style": self.vendor_style,
            "owner_department": self.owner_department,
            "kind": self.kind,
            "schedule": "daily",
        }
        cfg.update(self.extra_config)
        cfg["tables"] = [{"name": t.name, "title": t.title, **t.config} for t in self.tables]
        return cfg


@dataclass
class GenContext:
    world: World
    home: Path  # CAMPUSBRAIN_HOME; exports go under home / "demo-sources"
    seed: int
    scale: float
    defects: DefectLog
    progress: Callable[[int], None] = lambda n: None
    truth: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def out(self) -> Path:
        return self.home / "demo-sources"

    def rel(self, path: Path) -> str:
        """A path as the source YAML spells it: relative to CAMPUSBRAIN_HOME."""
        return path.relative_to(self.home).as_posix()

    def link(self, system: str, table: str, key: str, person_id: str) -> None:
        """Record that source record ``key`` belongs to real person ``person_id`` (ground truth)."""
        self.truth.append((system, table, key, person_id))
