"""Source configuration: one YAML file per source system under ``$CAMPUSBRAIN_HOME/sources/``.

The schema is documented in ``docs/sources.md``. Parsing checks only what every connector needs
(name, kind, tables); each connector checks its own keys and reports a missing one by file and
table, so a college onboarding a system sees what to fix without reading code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_NAME = re.compile(r"^[a-z0-9_]+$")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class SourceConfigError(ValueError):
    """A source YAML file cannot be used as written."""


@dataclass(frozen=True)
class TableConfig:
    """One table of a source system; ``options`` holds every key as written in the YAML."""

    name: str
    title: str
    primary_key: tuple[str, ...]
    options: Mapping[str, Any] = field(repr=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def require(self, key: str, source: SourceConfig) -> Any:
        value = self.options.get(key)
        if value in (None, ""):
            raise SourceConfigError(f"{source.file}: table {self.name!r} needs the key {key!r}")
        return value


@dataclass(frozen=True)
class SourceConfig:
    """One source system as described by its YAML file."""

    name: str
    title: str
    kind: str
    schedule: str | None
    tables: tuple[TableConfig, ...]
    options: Mapping[str, Any] = field(repr=False)
    file: Path = field(repr=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


def expand_env(text: str) -> str:
    """Replace ``${NAME}`` with the environment variable, so passwords and tokens stay out of YAML."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise SourceConfigError(f"environment variable {name} is referenced but not set")
        return os.environ[name]

    return _ENV.sub(value, text)


def load_source(file: Path) -> SourceConfig:
    """Parse and check one source YAML file."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SourceConfigError(f"{file}: not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise SourceConfigError(f"{file}: expected a mapping at the top level")
    name = str(data.get("name") or "")
    if not _NAME.match(name):
        raise SourceConfigError(f"{file}: 'name' must match [a-z0-9_]+ (got {name!r})")
    kind = str(data.get("kind") or "")
    if not kind:
        raise SourceConfigError(f"{file}: 'kind' is required (files, sql, http, xapi)")
    raw_tables = data.get("tables")
    if not isinstance(raw_tables, list) or not raw_tables:
        raise SourceConfigError(f"{file}: 'tables' must be a non-empty list")
    tables: list[TableConfig] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_tables, start=1):
        if not isinstance(raw, dict) or not raw.get("name"):
            raise SourceConfigError(f"{file}: table #{index} needs a 'name'")
        table_name = str(raw["name"])
        if table_name in seen:
            raise SourceConfigError(f"{file}: table {table_name!r} is listed twice")
        seen.add(table_name)
        key = raw.get("primary_key") or ()
        tables.append(
            TableConfig(
                name=table_name,
                title=str(raw.get("title") or table_name),
                primary_key=(key,) if isinstance(key, str) else tuple(str(k) for k in key),
                options=dict(raw),
            )
        )
    return SourceConfig(
        name=name,
        title=str(data.get("title") or name),
        kind=kind,
        schedule=data.get("schedule"),
        tables=tuple(tables),
        options=dict(data),
        file=file,
    )


def load_sources(directory: Path) -> tuple[list[SourceConfig], list[tuple[Path, str]]]:
    """Every ``*.yaml``/``*.yml`` in ``directory``: the usable sources and the files that failed."""
    sources: list[SourceConfig] = []
    errors: list[tuple[Path, str]] = []
    names: dict[str, Path] = {}
    if not directory.is_dir():
        return sources, errors
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    for file in files:
        try:
            source = load_source(file)
        except SourceConfigError as error:
            errors.append((file, str(error)))
            continue
        if source.name in names:
            errors.append(
                (file, f"{file}: source name {source.name!r} is already used by {names[source.name]}")
            )
            continue
        names[source.name] = file
        sources.append(source)
    return sources, errors
