"""What the last published build says about standardization: mapping coverage and reconciliation.

``hub status`` shows these beside the sources' freshness. Both come from tables each build writes
(``std.mapping_coverage``, ``std.unmapped_value``, ``meta.reconciliation``), so they describe the
snapshot readers actually see.
"""

from __future__ import annotations

from pathlib import Path

from sqlglot import exp

from campusbrain.hub.contracts import FieldCoverage, TableReconciliation
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import open_published, read_published

_KEY = ("source", "table", "field")


def _table(schema: str, name: str) -> exp.Table:
    return exp.table_(exp.to_identifier(name, quoted=True), db=exp.to_identifier(schema, quoted=True))


def _has(con: engine.Connection, schema: str, name: str) -> bool:
    return name in engine.catalog_columns(con, engine.current_catalog(con)).get(schema, {})


def mapping_coverage(home: Path) -> tuple[FieldCoverage, ...]:
    """Per bound source field: rows, rows mapped to a standard code, coverage, distinct unmapped values."""
    if read_published(HubPaths(home)) is None:
        return ()
    con = open_published(home)
    try:
        if not _has(con, "std", "mapping_coverage"):
            return ()
        unmapped = (
            exp.select(
                *[exp.column(k, quoted=True) for k in _KEY], exp.alias_(exp.Count(this=exp.Star()), "n")
            )
            .from_(_table("std", "unmapped_value"))
            .group_by(*[exp.column(k, quoted=True) for k in _KEY])
        )
        query = (
            exp.select(
                *[exp.column(k, table="c", quoted=True) for k in _KEY],
                *[
                    exp.column(c, table="c", quoted=True)
                    for c in ("code_system", "rows", "mapped_rows", "coverage")
                ],
                exp.func("coalesce", exp.column("n", table="u"), exp.Literal.number(0)),
            )
            .from_(exp.alias_(_table("std", "mapping_coverage"), "c", table=True))
            .join(
                exp.Subquery(this=unmapped, alias=exp.TableAlias(this=exp.to_identifier("u"))),
                using=list(_KEY),
                join_type="left",
            )
            .order_by(*[exp.column(k, table="c", quoted=True) for k in _KEY])
        )
        return tuple(
            FieldCoverage(
                source=str(s),
                table=str(t),
                field=str(f),
                code_system=str(cs),
                rows=int(str(rows)),
                mapped_rows=int(str(mapped)),
                coverage=None if cov is None else float(str(cov)),
                unmapped_values=int(str(n)),
            )
            for s, t, f, cs, rows, mapped, cov, n in engine.fetch_all(con, query.sql(dialect="duckdb"))
        )
    finally:
        con.close()


def reconciliation(home: Path) -> tuple[TableReconciliation, ...]:
    """Per ODS table (group): its rows against the DWD model's rows plus the rows it rejected."""
    if read_published(HubPaths(home)) is None:
        return ()
    con = open_published(home)
    try:
        if not _has(con, "meta", "reconciliation"):
            return ()
        columns = ("ods_table", "model", "ods_rows", "model_rows", "rejected_rows", "unaccounted_rows")
        query = exp.select(*columns).from_(_table("meta", "reconciliation")).order_by("ods_table")

        def number(value: object) -> int | None:
            return None if value is None else int(str(value))

        return tuple(
            TableReconciliation(
                str(o), None if m is None else str(m), int(str(n)), number(a), number(r), number(u)
            )
            for o, m, n, a, r, u in engine.fetch_all(con, query.sql(dialect="duckdb"))
        )
    finally:
        con.close()
