"""The unmapped-value queue of the published build, each value with the department that owns it."""

from __future__ import annotations

from pathlib import Path

from sqlglot import exp

from campusbrain.hub.catalog.index import catalog_for
from campusbrain.hub.contracts import CodeChoice, UnmappedValue
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.standards.codesets import code_values
from campusbrain.hub.warehouse import open_published


def _std(name: str) -> exp.Table:
    return exp.table_(exp.to_identifier(name, quoted=True), db=exp.to_identifier("std", quoted=True))


def unmapped(home: Path) -> tuple[UnmappedValue, ...]:
    """``std.unmapped_value`` of the published build, most rows first within each field."""
    catalog = catalog_for(home)
    con = open_published(home)
    try:
        present = engine.catalog_columns(con, engine.current_catalog(con)).get("std", {})
        if "unmapped_value" not in present:
            return ()
        columns = ("source", "table", "field", "source_value", "rows")
        rows = engine.fetch_all(
            con,
            exp.select(*[exp.column(c, quoted=True) for c in columns])
            .from_(_std("unmapped_value"))
            .sql(dialect="duckdb"),
        )
        systems: dict[tuple[str, str, str], str] = {}
        if "mapping_coverage" in present:
            coverage = exp.select(
                *[exp.column(c, quoted=True) for c in ("source", "table", "field", "code_system")]
            ).from_(_std("mapping_coverage"))
            for source, table, field, code_system in engine.fetch_all(con, coverage.sql(dialect="duckdb")):
                systems[(str(source), str(table), str(field))] = str(code_system)
    finally:
        con.close()
    found = []
    for source, table, field, value, count in rows:
        info = catalog.tables.get(f"ods.{source}__{table}")
        found.append(
            UnmappedValue(
                source=str(source),
                table=str(table),
                field=str(field),
                source_value=str(value),
                rows=int(str(count)),
                code_system=systems.get((str(source), str(table), str(field))),
                owner_code=info.owner_code if info else "",
                owner_name=info.owner_name if info else "",
            )
        )
    found.sort(key=lambda u: (u.source, u.table, u.field, -u.rows, u.source_value))
    return tuple(found)


def choices(code_system: str) -> tuple[CodeChoice, ...]:
    """Every code of a shipped code system (any version), each once with its newest name."""
    named: dict[str, str] = {}
    for value in code_values():
        if value.code_system == code_system:
            named[value.code] = value.name
    if not named:
        raise LookupError(f"no shipped code system {code_system!r}")
    return tuple(CodeChoice(code=code, name=name) for code, name in sorted(named.items()))
