"""The DuckDB engine adapter: every ``import duckdb`` in the code base lives in this module.

Other hub modules call these functions with SQL built as SQLGlot expressions (rendered with
``dialect="duckdb"``) and never see a DuckDB object type in their signatures beyond ``Connection``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
from sqlglot import exp

from campusbrain.config import load_settings

Connection = duckdb.DuckDBPyConnection
DuckDBError = duckdb.Error


def connect(
    path: Path, *, read_only: bool = False, threads: int | None = None, memory_limit: str | None = None
) -> Connection:
    """Open a database file (created if absent unless read-only).

    Writers are bounded by ``memory_limit`` or else ``CAMPUSBRAIN_HUB_MEMORY_LIMIT`` (default 5GB):
    DuckDB's own default is 80% of the machine, which let a 100M-row build reach 20 GB of RSS on
    a 24 GB server; with a limit it spills to disk instead.
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {}
    if threads:
        config["threads"] = threads
    if memory_limit or not read_only:
        config["memory_limit"] = memory_limit or load_settings().hub_memory_limit
    return duckdb.connect(str(path), read_only=read_only, config=config)


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """BEGIN … COMMIT, rolled back on any exception: a batch is all there or not at all."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def run(con: Connection, statement: str) -> None:
    """Execute one rendered statement whose result nobody needs (DDL, INSERT, ATTACH)."""
    con.execute(statement)


def fetch_all(con: Connection, query: str) -> list[tuple[object, ...]]:
    """Execute a rendered query and return every row."""
    return con.execute(query).fetchall()


def attach(con: Connection, path: Path, alias: str, *, read_only: bool = True) -> None:
    """Attach another database file under ``alias`` (read-only unless asked otherwise)."""
    options = [exp.AttachOption(this=exp.var("READ_ONLY"))] if read_only else []
    statement = exp.Attach(
        this=exp.alias_(exp.Literal.string(str(path)), exp.to_identifier(alias, quoted=True)),
        expressions=options,
    )
    con.execute(statement.sql(dialect="duckdb"))


def detach(con: Connection, alias: str) -> None:
    """Detach a database attached with :func:`attach`."""
    con.execute(exp.Detach(this=exp.to_identifier(alias, quoted=True)).sql(dialect="duckdb"))


def checkpoint(con: Connection) -> None:
    """Write the WAL into the database file so the file alone is complete once closed."""
    con.execute("CHECKPOINT")


def catalog_columns(con: Connection, catalog: str) -> dict[str, dict[str, dict[str, str]]]:
    """``{schema: {table: {column: type}}}`` of one attached catalog, columns in table order."""
    rows = con.execute(
        "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_catalog = ? ORDER BY table_schema, table_name, ordinal_position",
        [catalog],
    ).fetchall()
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for schema, table, column, data_type in rows:
        tables.setdefault(schema, {}).setdefault(table, {})[column] = data_type
    return tables


def current_catalog(con: Connection) -> str:
    """The name DuckDB gives the connection's own database file (its stem)."""
    row = con.execute("SELECT current_database()").fetchone()
    assert row is not None
    return str(row[0])


def execute_many(con: Connection, statement: str, rows: list[tuple[object, ...]]) -> None:
    """Run one rendered statement with ``?`` parameters once per row (metadata inserts)."""
    if rows:
        con.executemany(statement, rows)


def execute(con: Connection, statement: str, params: list[object] | None = None) -> None:
    """Execute one rendered statement with ``?`` parameters bound (sync's inserts and deletes)."""
    con.execute(statement, params or [])


def fetch(con: Connection, query: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    """Execute a rendered query with ``?`` parameters bound and return every row."""
    return con.execute(query, params or []).fetchall()


def fetch_columns(
    con: Connection, query: str, params: list[object] | None = None
) -> tuple[list[str], list[tuple[object, ...]]]:
    """Like :func:`fetch`, with the result's column names (``hub query``)."""
    cursor = con.execute(query, params or [])
    names = [d[0] for d in cursor.description or []]
    return names, cursor.fetchall()


def register_arrow(con: Connection, name: str, table: object) -> None:
    """Expose a pyarrow Table to SQL under ``name`` until :func:`unregister` (rows built in Python)."""
    con.register(name, table)


def unregister(con: Connection, name: str) -> None:
    """Forget a view registered with :func:`register_arrow`."""
    con.unregister(name)


def connect_for_query(
    path: Path, alias: str = "warehouse", *, also: Mapping[str, Path] | None = None
) -> Connection:
    """A connection that can read ``path`` (attached read-only as ``alias``) and nothing else.

    ``hub query`` runs SQL typed by a person; read-only alone would still let it read any local file
    through ``read_csv`` or copy tables out with ``COPY ... TO``, so external access is switched
    off and locked once the database is attached. Attaching under an alias also lets the ODS file
    (whose own catalog would be called ``ods``) be queried as ``ods."<table>"`` without ambiguity.
    """
    con = duckdb.connect(":memory:")
    attach(con, path, alias, read_only=True)
    for other, other_path in (also or {}).items():
        attach(con, other_path, other, read_only=True)  # before access is locked, like the first
    con.execute(exp.Use(this=exp.to_identifier(alias, quoted=True)).sql(dialect="duckdb"))
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def disable_progress_bar(con: Connection) -> None:
    """Silence DuckDB's own per-query progress bar where the caller draws one (``hub build``)."""
    con.execute("SET enable_progress_bar = false")


def create_function(
    con: Connection,
    name: str,
    function: Callable[..., object],
    parameters: Sequence[str],
    returns: str,
) -> None:
    """Register a pure Python scalar function (types as DuckDB type names) on ``con``.

    NULL handling is "special" so that the function itself maps blank or invalid input to NULL;
    the functions are declared free of side effects, which lets DuckDB evaluate them once per value.
    """
    con.create_function(  # type: ignore[call-overload]  # the stubs want enums; DuckDB takes the strings
        name,
        function,
        list(parameters),
        returns,
        null_handling="special",
        side_effects=False,
    )
