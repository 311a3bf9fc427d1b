"""``hub query``: one read-only SQL query on the published warehouse snapshot.

Before the first build is published there is nothing to read but ODS, so the query runs on
``warehouse/ods.duckdb`` (tables ``ods."<source>__<table>"`` and ``meta.*``) and the result says so
(``build_id`` is None). ``target="ods"`` asks for ODS even when a snapshot is published. A query on
the snapshot that names the catalog ``ods_source`` (the failing-rows query of a quality rule on
source rows) gets the ODS attached read-only under that name too.
Only a single SELECT/WITH/VALUES, DESCRIBE, SHOW or SUMMARIZE statement is accepted, and the
connection is read-only with external access off, so a query can neither write nor read files.
"""

from __future__ import annotations

from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from campusbrain.hub.contracts import QueryResult
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import read_published

# The catalog name under which a query on the snapshot may read the ODS (stored failing-rows
# queries of quality rules on source rows use it).
ODS_QUERY_ALIAS = "ods_source"


class QueryError(ValueError):
    """The SQL is not a single read-only query, or there is no database to run it on."""


_READ_ONLY = (exp.Query, exp.Describe, exp.Show, exp.Summarize)


def _check(sql: str) -> None:
    try:
        statements = [s for s in sqlglot.parse(sql, dialect="duckdb") if s is not None]
    except ParseError as error:
        raise QueryError(f"cannot parse the query: {error}") from None
    if len(statements) != 1:
        raise QueryError("give exactly one SQL statement")
    statement = statements[0]
    if not isinstance(statement, _READ_ONLY) and not (
        isinstance(statement, exp.Command)
        and str(statement.this).upper() in ("SHOW", "DESCRIBE", "SUMMARIZE")
    ):
        raise QueryError(f"only read-only queries are allowed (got {statement.key.upper()})")


def _reads_catalog(sql: str, catalog: str) -> bool:
    return any(t.catalog == catalog for t in sqlglot.parse_one(sql, dialect="duckdb").find_all(exp.Table))


def query(
    home: Path,
    sql: str,
    *,
    params: list[object] | None = None,
    limit: int | None = None,
    target: str = "published",
) -> QueryResult:
    """Run one read-only query; ``limit`` caps the rows returned (``truncated`` says if it cut).

    ``target``: ``"published"`` (the published snapshot, or ODS when nothing is published yet)
    or ``"ods"``.
    """
    if target not in ("published", "ods"):
        raise QueryError("target must be 'published' or 'ods'")
    _check(sql)
    paths = HubPaths(Path(home).resolve())
    published = read_published(paths) if target == "published" else None
    database = published.snapshot if published else paths.ods
    if not database.exists():
        raise QueryError(f"nothing to query yet: {database} does not exist; run `campusbrain hub sync`")
    # A stored failing-rows query of a rule on the source rows reads the ODS under this name.
    extra = {ODS_QUERY_ALIAS: paths.ods} if published and _reads_catalog(sql, ODS_QUERY_ALIAS) else {}
    try:
        con = engine.connect_for_query(database, also=extra)
    except engine.DuckDBError as error:
        if "lock" in str(error).lower():
            raise QueryError(
                f"{database} is being written (a sync is running); query it when it has finished"
            ) from None
        raise QueryError(str(error)) from None
    try:
        names, rows = engine.fetch_columns(con, sql, params)
    except engine.DuckDBError as error:
        raise QueryError(str(error)) from None
    finally:
        con.close()
    truncated = limit is not None and len(rows) > limit
    if limit is not None:
        rows = rows[:limit]
    return QueryResult(
        columns=tuple(names),
        rows=tuple(rows),
        database=database,
        build_id=published.build_id if published else None,
        truncated=truncated,
    )
