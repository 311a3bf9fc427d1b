"""SQL connector: any database SQLAlchemy can reach, table by table.

A table with ``incremental.column`` loads only rows whose column is greater than the committed
watermark, in column order, and commits them together with the new watermark; rows updated in the
source arrive again as new ODS rows (ODS keeps history, DWD keeps the latest per primary key).
Rows whose watermark value ties the committed one but arrive later are not seen: the column must
grow strictly (a modification timestamp or a sequence). Every other table is read in full and
replaces its previous ODS rows in one transaction, unless the result's content hash is unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from campusbrain.hub import ods

from .base import Batch, Counts, SyncContext, register, to_text
from .config import SourceConfig, SourceConfigError, TableConfig, expand_env

FETCH_ROWS = 50_000


class _Unchanged(Exception):
    """Raised inside a transaction to roll it back when a full read equals the last one."""


def source_url(source: SourceConfig, home: Path) -> sa.URL:
    """The source's SQLAlchemy URL; ``${VAR}`` expanded, a relative SQLite path taken from home."""
    raw = source.get("url")
    if not raw:
        raise SourceConfigError(f"{source.file}: kind sql needs 'url' (an SQLAlchemy URL)")
    url = sa.make_url(expand_env(str(raw)))
    database = url.database
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        if not Path(database).is_absolute():
            url = url.set(database=str(home / database))
    return url


_NONE = type(None)


def _float_text(value: float) -> str:
    return to_text(value) or ""


def _columns_as_text(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[list[str | None]]:
    """Rows to text columns; a column of one Python type takes a fast path (most are all str)."""
    columns: list[list[str | None]] = []
    for index in range(len(names)):
        values = [row[index] for row in rows]
        kinds = set(map(type, values)) - {_NONE}
        if kinds <= {str}:
            columns.append(values)
        elif kinds == {int}:
            columns.append([None if v is None else str(v) for v in values])
        elif kinds == {float}:
            columns.append([None if v is None else _float_text(v) for v in values])
        else:
            columns.append([to_text(v) for v in values])
    return columns


def _typed(value: str, column: sa.Column[Any]) -> object:
    """The committed watermark text back in the column's Python type, for a correct comparison."""
    try:
        kind = column.type.python_type
    except NotImplementedError:  # SQLAlchemy's answer for types without a Python equivalent
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind in (int, float, Decimal):
        return kind(value)
    return value


@register("sql")
class SqlConnector:
    """``kind: sql``: ``url`` at the top; each table names its source ``table`` (default: its name)."""

    kind = "sql"

    def __init__(self) -> None:
        self._engines: dict[str, sa.Engine] = {}

    def check(self, source: SourceConfig) -> None:
        if not source.get("url"):
            raise SourceConfigError(f"{source.file}: kind sql needs 'url' (an SQLAlchemy URL)")

    def _engine(self, ctx: SyncContext, source: SourceConfig) -> sa.Engine:
        if source.name not in self._engines:
            self._engines[source.name] = sa.create_engine(source_url(source, ctx.paths.home))
        return self._engines[source.name]

    def sync_table(self, ctx: SyncContext, source: SourceConfig, table: TableConfig, batch: Batch) -> None:
        db = self._engine(ctx, source)
        name = str(table.get("table") or table.name)
        source_table = sa.Table(name, sa.MetaData(), schema=table.get("schema"), autoload_with=db)
        label = f"{source.name}:{name}"
        incremental = table.get("incremental") or {}
        column = incremental.get("column") if isinstance(incremental, dict) else None
        if column:
            self._incremental(ctx, db, source, table, batch, source_table, str(column), label)
        else:
            self._full(ctx, db, source, table, batch, source_table, label)

    def _stream(self, db: sa.Engine, query: sa.Select[Any]) -> Iterator[tuple[list[str], list[Any]]]:
        with db.connect() as connection:
            result = connection.execution_options(stream_results=True, yield_per=FETCH_ROWS).execute(query)
            names = [str(k) for k in result.keys()]
            for part in result.partitions(FETCH_ROWS):
                yield names, list(part)

    def _insert(
        self,
        ctx: SyncContext,
        source: SourceConfig,
        table: TableConfig,
        batch: Batch,
        label: str,
        names: list[str],
        rows: list[Any],
        first_row: int,
    ) -> None:
        arrays = [pa.array(c, type=pa.string()) for c in _columns_as_text(names, rows)]
        arrays.append(pa.array(range(first_row, first_row + len(rows)), type=pa.int64()))
        ods.insert_arrow(
            ctx.con,
            source.name,
            table.name,
            pa.Table.from_arrays(arrays, names=[*names, "_source_row"]),
            names,
            batch_id=batch.batch_id,
            loaded_at=ctx.loaded_at,
            label=label,
        )

    def _incremental(
        self,
        ctx: SyncContext,
        db: sa.Engine,
        source: SourceConfig,
        table: TableConfig,
        batch: Batch,
        source_table: sa.Table,
        column: str,
        label: str,
    ) -> None:
        if column not in source_table.c:
            raise SourceConfigError(
                f"{source.file}: table {table.name!r}: no column {column!r} in the source"
            )
        watermark_column = source_table.c[column]
        mark = ods.read_watermark(ctx.con, source.name, table.name)
        query = sa.select(source_table).order_by(watermark_column)
        if mark is not None and mark.value is not None:
            query = query.where(watermark_column > _typed(mark.value, watermark_column))
        try:
            self._incremental_commit(ctx, db, source, table, batch, query, column, label, mark)
        except _Unchanged:
            return

    def _incremental_commit(
        self,
        ctx: SyncContext,
        db: sa.Engine,
        source: SourceConfig,
        table: TableConfig,
        batch: Batch,
        query: sa.Select[Any],
        column: str,
        label: str,
        mark: ods.Watermark | None,
    ) -> None:
        loaded = 0
        highest: object = None
        with ctx.commit(batch) as pending:
            for names, rows in self._stream(db, query):
                self._insert(ctx, source, table, batch, label, names, rows, loaded + 1)
                loaded += len(rows)
                position = names.index(column)
                values = [r[position] for r in rows if r[position] is not None]
                if values:
                    highest = values[-1]
                ctx.crash.hit("after_chunk")
            if loaded == 0:
                raise _Unchanged
            value = to_text(highest) if highest is not None else (mark.value if mark else None)
            ods.write_watermark(
                ctx.con,
                source=source.name,
                table=table.name,
                watermark=ods.Watermark(column=column, value=value, content_hash=None),
                batch_id=batch.batch_id,
                updated_at=ctx.loaded_at,
            )
            pending.add(Counts(loaded, loaded, 0))

    def _full(
        self,
        ctx: SyncContext,
        db: sa.Engine,
        source: SourceConfig,
        table: TableConfig,
        batch: Batch,
        source_table: sa.Table,
        label: str,
    ) -> None:
        keys = [source_table.c[k] for k in table.primary_key if k in source_table.c]
        query = sa.select(source_table).order_by(*keys) if keys else sa.select(source_table)
        mark = ods.read_watermark(ctx.con, source.name, table.name)
        digest = hashlib.sha256()
        loaded = 0
        try:
            with ctx.commit(batch) as pending:
                ods.delete_all_rows(ctx.con, source.name, table.name)
                for names, rows in self._stream(db, query):
                    if loaded == 0:
                        digest.update("\x1f".join(names).encode())
                    for column in _columns_as_text(names, rows):
                        digest.update("\x1f".join("\x00" if v is None else v for v in column).encode())
                    self._insert(ctx, source, table, batch, label, names, rows, loaded + 1)
                    loaded += len(rows)
                    ctx.crash.hit("after_chunk")
                content_hash = digest.hexdigest()
                if mark is not None and mark.content_hash == content_hash:
                    raise _Unchanged
                ods.write_watermark(
                    ctx.con,
                    source=source.name,
                    table=table.name,
                    watermark=ods.Watermark(column=None, value=None, content_hash=content_hash),
                    batch_id=batch.batch_id,
                    updated_at=ctx.loaded_at,
                )
                pending.add(Counts(loaded, loaded, 0))
        except _Unchanged:
            return
