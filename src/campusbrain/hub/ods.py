"""The ODS database: raw tables in schema ``ods`` and sync bookkeeping in schema ``meta``.

Every ODS table is ``ods."<source>__<table>"`` with the source's columns as VARCHAR followed by the
provenance columns. A column that appears in a later file is added (older rows read NULL in it);
a column that disappears stays, NULL in newer rows: ODS never loses what a source once delivered.

Statements are written once as SQL text with stand-in table names, parsed by SQLGlot and
rendered for DuckDB with the real, quoted identifiers swapped in; values are always bound with ``?``.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import pyarrow as pa
import sqlglot
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.generators.duckdb import DuckDBGenerator

from .engine import duckdb as engine

PROVENANCE = ("_batch_id", "_loaded_at", "_source", "_source_row")
_PROVENANCE_TYPES = {
    "_batch_id": "VARCHAR",
    "_loaded_at": "TIMESTAMP",
    "_source": "VARCHAR",
    "_source_row": "BIGINT",
}


class _DuckDBGenerator(DuckDBGenerator):
    """DuckDB's SQL, with a column's compression written the way DuckDB spells it.

    SQLGlot has no DuckDB form of a column compression constraint (it would write ``COMPRESS x``,
    which DuckDB rejects); DuckDB's is ``USING COMPRESSION x``.
    """

    def compresscolumnconstraint_sql(self, expression: exp.CompressColumnConstraint) -> str:
        return f"USING COMPRESSION {self.sql(expression, 'this')}"


_META_DDL = (
    "CREATE SCHEMA IF NOT EXISTS ods.ods",
    "CREATE SCHEMA IF NOT EXISTS meta",
    """CREATE TABLE IF NOT EXISTS meta.batches (
        batch_id VARCHAR, run_id VARCHAR, "source" VARCHAR, "table" VARCHAR, ods_table VARCHAR,
        started_at TIMESTAMP, finished_at TIMESTAMP, seconds DOUBLE,
        rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT,
        files_loaded BIGINT, files_skipped BIGINT, status VARCHAR, error VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS meta.files (
        "source" VARCHAR, "table" VARCHAR, path VARCHAR, sha256 VARCHAR, size BIGINT,
        batch_id VARCHAR, loaded_at TIMESTAMP, rows_loaded BIGINT, rows_rejected BIGINT, mtime_ns BIGINT)""",
    """CREATE TABLE IF NOT EXISTS meta.watermarks (
        "source" VARCHAR, "table" VARCHAR, "column" VARCHAR, value VARCHAR, content_hash VARCHAR,
        batch_id VARCHAR, updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS meta.rejects (
        batch_id VARCHAR, "source" VARCHAR, "table" VARCHAR, file VARCHAR, source_row BIGINT,
        raw_line VARCHAR, reason VARCHAR)""",
)

# DuckDB names a database file's catalog after its stem: warehouse/ods.duckdb is catalog "ods".
CATALOG = "ods"


def ods_table_name(source: str, table: str) -> str:
    """The ODS table name of a source table (``xuegong__T_XG_XSJBXX``)."""
    return f"{source.lower()}__{table}"


def ods_table(source: str, table: str) -> exp.Table:
    """The table's full name; the catalog is spelled out because the file ``ods.duckdb`` makes a
    catalog called ``ods`` too, and DuckDB refuses the ambiguous ``ods.<table>``."""
    return exp.table_(
        exp.to_identifier(ods_table_name(source, table), quoted=True),
        db=exp.to_identifier("ods", quoted=True),
        catalog=exp.to_identifier(CATALOG, quoted=True),
    )


@lru_cache(maxsize=256)
def _parse(template: str) -> exp.Expr:
    return sqlglot.parse_one(template, dialect="duckdb")


_RENDERED: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}


def render(template: str, **tables: exp.Table) -> str:
    """Render a statement template, swapping stand-in table names (``__target__``) for real ones.

    Rendered text is cached: sync renders the same few statements once per file, thousands of times.
    """
    key = (template, tuple((name, table.sql(dialect="duckdb")) for name, table in sorted(tables.items())))
    cached = _RENDERED.get(key)
    if cached is not None:
        return cached
    tree = _parse(template).copy()
    if tables:

        def swap(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Table) and node.name in tables and not node.args.get("db"):
                replacement = tables[node.name].copy()
                if node.alias:
                    replacement.set("alias", node.args["alias"].copy())
                return replacement
            return node

        tree = tree.transform(swap)
    rendered = tree.sql(dialect="duckdb")
    if len(_RENDERED) < 4096:
        _RENDERED[key] = rendered
    return rendered


def ensure_meta(con: engine.Connection) -> None:
    """Create the schemas and bookkeeping tables if they are missing."""
    for statement in _META_DDL:
        engine.run(con, render(statement))


# Columns of ODS tables as last seen through each connection; dropped whenever a transaction
# rolls back (it may have undone a CREATE or ALTER), see :func:`forget_columns`.
_COLUMNS: weakref.WeakKeyDictionary[engine.Connection, dict[str, list[str]]] = weakref.WeakKeyDictionary()


# Whether the CSV reader's temporary reject tables on a connection may hold rows of an earlier
# file (True until they are dropped; again after a scan that looked at them, or a rollback).
_SCRATCH_DIRTY: weakref.WeakKeyDictionary[engine.Connection, bool] = weakref.WeakKeyDictionary()


def scratch_dirty(con: engine.Connection) -> bool:
    """Whether the CSV reject tables on ``con`` may hold rows of an earlier scan."""
    return _SCRATCH_DIRTY.get(con, True)


def set_scratch_dirty(con: engine.Connection, dirty: bool) -> None:
    """Mark the CSV reject tables on ``con`` as holding rows (True) or dropped (False)."""
    _SCRATCH_DIRTY[con] = dirty


def forget_columns(con: engine.Connection) -> None:
    """Forget what is cached about ``con`` (after a rollback, which may have undone DDL)."""
    _COLUMNS.pop(con, None)
    _SCRATCH_DIRTY.pop(con, None)


def table_columns(con: engine.Connection, source: str, table: str) -> list[str]:
    """The columns of an ODS table in order, or ``[]`` when it does not exist yet."""
    cache = _COLUMNS.setdefault(con, {})
    name = ods_table_name(source, table)
    if name in cache:
        return list(cache[name])
    columns = _query_columns(con, source, table)
    if columns:
        cache[name] = columns
    return list(columns)


def _query_columns(con: engine.Connection, source: str, table: str) -> list[str]:
    rows = engine.fetch(
        con,
        render(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'ods' "
            "AND table_name = ? ORDER BY ordinal_position"
        ),
        [ods_table_name(source, table)],
    )
    return [str(r[0]) for r in rows]


def ensure_table(
    con: engine.Connection,
    source: str,
    table: str,
    columns: Sequence[str],
    compression: Mapping[str, str] | None = None,
) -> None:
    """Create the ODS table, or add the columns it lacks, so an ``INSERT ... BY NAME`` fits.

    ``compression`` names DuckDB's compression for some columns of a new table (a column added
    later, or a table that exists, keeps DuckDB's choice): ``zstd`` suits long text such as whole
    JSON documents, which DuckDB's default string compression writes more slowly and larger.
    """
    existing = table_columns(con, source, table)
    target = ods_table(source, table)
    if not existing:
        names = [c for c in dict.fromkeys(columns) if c not in _PROVENANCE_TYPES]
        chosen = compression or {}
        defs = [
            exp.ColumnDef(
                this=exp.to_identifier(c, quoted=True),
                kind=exp.DataType.build("VARCHAR"),
                constraints=[exp.ColumnConstraint(kind=exp.CompressColumnConstraint(this=exp.var(chosen[c])))]
                if c in chosen
                else [],
            )
            for c in names
        ] + [
            exp.ColumnDef(this=exp.to_identifier(c, quoted=True), kind=exp.DataType.build(t))
            for c, t in _PROVENANCE_TYPES.items()
        ]
        create = exp.Create(this=exp.Schema(this=target, expressions=defs), kind="TABLE", exists=True)
        engine.run(con, _DuckDBGenerator(dialect=DuckDB()).generate(create))
        _COLUMNS.setdefault(con, {})[ods_table_name(source, table)] = [*names, *_PROVENANCE_TYPES]
        return
    have = set(existing)
    for column in dict.fromkeys(columns):
        if column in have:
            continue
        alter = exp.Alter(
            this=target,
            kind="TABLE",
            actions=[
                exp.ColumnDef(this=exp.to_identifier(column, quoted=True), kind=exp.DataType.build("VARCHAR"))
            ],
        )
        engine.run(con, alter.sql(dialect="duckdb"))
        _COLUMNS.setdefault(con, {}).setdefault(ods_table_name(source, table), list(existing)).append(column)
        have.add(column)


def delete_source_rows(con: engine.Connection, source: str, table: str, label: str) -> None:
    """Remove the rows one file (``_source``) delivered earlier: a changed file replaces its rows."""
    target = ods_table(source, table)
    if table_columns(con, source, table):
        engine.execute(con, render("DELETE FROM __target__ WHERE _source = ?", __target__=target), [label])
    engine.execute(
        con,
        render('DELETE FROM meta.rejects WHERE "source" = ? AND "table" = ? AND file = ?'),
        [source, table, label],
    )


def delete_all_rows(con: engine.Connection, source: str, table: str) -> None:
    """Empty an ODS table and its rejects (a full SQL/HTTP snapshot replaces the previous one)."""
    if table_columns(con, source, table):
        engine.run(con, render("DELETE FROM __target__", __target__=ods_table(source, table)))
    engine.execute(
        con, render('DELETE FROM meta.rejects WHERE "source" = ? AND "table" = ?'), [source, table]
    )


def insert_arrow(
    con: engine.Connection,
    source: str,
    table: str,
    rows: object,
    columns: Sequence[str],
    *,
    batch_id: str,
    loaded_at: datetime,
    label: str,
) -> None:
    """Insert a pyarrow Table of text columns plus ``_source_row`` into the ODS table."""
    ensure_table(con, source, table, columns)
    view = "__campusbrain_rows"
    engine.register_arrow(con, view, rows)
    try:
        engine.execute(
            con,
            render(
                "INSERT INTO __target__ BY NAME SELECT *, ? AS _batch_id, CAST(? AS TIMESTAMP) AS _loaded_at, "
                "? AS _source FROM __campusbrain_rows",
                __target__=ods_table(source, table),
            ),
            [batch_id, loaded_at, label],
        )
    finally:
        engine.unregister(con, view)


@dataclass(frozen=True)
class Reject:
    """One row that could not be read, with why; kept in ``meta.rejects`` instead of ODS."""

    source_row: int | None
    raw_line: str | None
    reason: str


def insert_rejects(
    con: engine.Connection, source: str, table: str, label: str, batch_id: str, rejects: Iterable[Reject]
) -> None:
    """Record rows that could not be read, each with its file, row number, raw text and reason."""
    rows: list[tuple[object, ...]] = [
        (batch_id, source, table, label, r.source_row, r.raw_line, r.reason) for r in rejects
    ]
    engine.execute_many(
        con,
        render(
            'INSERT INTO meta.rejects (batch_id, "source", "table", file, source_row, raw_line, reason) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)"
        ),
        rows,
    )


@dataclass(frozen=True)
class KnownFile:
    sha256: str
    size: int
    mtime_ns: int | None


def known_files(con: engine.Connection, source: str, table: str) -> dict[str, KnownFile]:
    """``{path label: what was recorded}`` for the files already loaded for a table."""
    rows = engine.fetch(
        con,
        render('SELECT path, sha256, size, mtime_ns FROM meta.files WHERE "source" = ? AND "table" = ?'),
        [source, table],
    )
    return {
        str(p): KnownFile(str(h), int(z), None if m is None else int(m))  # type: ignore[call-overload]
        for p, h, z, m in rows
    }


def touch_files(con: engine.Connection, source: str, table: str, touched: list[tuple[str, int]]) -> None:
    """Record new modification times of files whose content (hash) did not change."""
    engine.execute_many(
        con,
        render('UPDATE meta.files SET mtime_ns = ? WHERE "source" = ? AND "table" = ? AND path = ?'),
        [(mtime, source, table, label) for label, mtime in touched],
    )


@dataclass(frozen=True)
class FileRecord:
    """A loaded file for ``meta.files``: its label (``_source``), content hash and counts."""

    path: str
    sha256: str
    size: int
    mtime_ns: int
    replaces: bool
    rows_loaded: int
    rows_rejected: int


def record_files(
    con: engine.Connection,
    source: str,
    table: str,
    records: Sequence[FileRecord],
    *,
    batch_id: str,
    loaded_at: datetime,
) -> None:
    """Record loaded files' hashes (replacing the records of their previous content), in one insert."""
    if not records:
        return
    engine.execute_many(
        con,
        render('DELETE FROM meta.files WHERE "source" = ? AND "table" = ? AND path = ?'),
        [(source, table, r.path) for r in records if r.replaces],
    )
    view = "__campusbrain_files"
    engine.register_arrow(
        con,
        view,
        pa.table(
            {
                "path": pa.array([r.path for r in records], pa.string()),
                "sha256": pa.array([r.sha256 for r in records], pa.string()),
                "size": pa.array([r.size for r in records], pa.int64()),
                "mtime_ns": pa.array([r.mtime_ns for r in records], pa.int64()),
                "rows_loaded": pa.array([r.rows_loaded for r in records], pa.int64()),
                "rows_rejected": pa.array([r.rows_rejected for r in records], pa.int64()),
            }
        ),
    )
    try:
        engine.execute(
            con,
            render(
                'INSERT INTO meta.files BY NAME SELECT ? AS "source", ? AS "table", path, sha256, size, '
                "? AS batch_id, CAST(? AS TIMESTAMP) AS loaded_at, rows_loaded, rows_rejected, mtime_ns "
                "FROM __campusbrain_files"
            ),
            [source, table, batch_id, loaded_at],
        )
    finally:
        engine.unregister(con, view)


@dataclass(frozen=True)
class Watermark:
    column: str | None
    value: str | None
    content_hash: str | None


def read_watermark(con: engine.Connection, source: str, table: str) -> Watermark | None:
    """The committed watermark (or full-read content hash) of a table, ``None`` before its first load."""
    rows = engine.fetch(
        con,
        render(
            'SELECT "column", value, content_hash FROM meta.watermarks WHERE "source" = ? AND "table" = ?'
        ),
        [source, table],
    )
    if not rows:
        return None
    column, value, content_hash = rows[0]
    return Watermark(
        column=None if column is None else str(column),
        value=None if value is None else str(value),
        content_hash=None if content_hash is None else str(content_hash),
    )


def write_watermark(
    con: engine.Connection,
    *,
    source: str,
    table: str,
    watermark: Watermark,
    batch_id: str,
    updated_at: datetime,
) -> None:
    """Replace a table's watermark; called inside the transaction that inserts the rows it covers."""
    engine.execute(
        con, render('DELETE FROM meta.watermarks WHERE "source" = ? AND "table" = ?'), [source, table]
    )
    engine.execute(
        con,
        render(
            'INSERT INTO meta.watermarks ("source", "table", "column", value, content_hash, batch_id, updated_at) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)"
        ),
        [source, table, watermark.column, watermark.value, watermark.content_hash, batch_id, updated_at],
    )
