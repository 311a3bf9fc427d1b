"""xAPI connector: statements exported by a learning record store as JSON-lines files.

ODS keeps the whole statement as text (``statement``), so nothing the LRS said is lost, and beside
it, as text columns taken out in the one parse the load makes anyway, every field the hub's models
read: ``id``, ``actor_name`` (``actor.account.name``, else ``actor.mbox``), ``actor_account_name``,
``actor_mbox``, ``verb_id``, ``object_id``, ``timestamp``, ``result_duration``,
``result_score_scaled``, ``result_success`` and ``context_grouping_id`` (the id of the first
``context.contextActivities.grouping`` activity). The models then never parse the JSON again: at
14 million statements a second parse cost more than the rest of the learning model together.
"""

from __future__ import annotations

import json

from sqlglot import exp

from campusbrain.hub import ods
from campusbrain.hub.engine import duckdb as engine

from .base import Batch, Counts, SyncContext, register
from .config import SourceConfig, TableConfig
from .files import STAGE_TABLE, FileUnit, RetryFileByFile, _insert_columns, load_staged, sync_files

# Where each field column comes from (actor_name, the first of two, is computed).
_PATH_OF = {
    "id": "$.id",
    "actor_account_name": "$.actor.account.name",
    "actor_mbox": "$.actor.mbox",
    "verb_id": "$.verb.id",
    "object_id": "$.object.id",
    "timestamp": "$.timestamp",
    "result_duration": "$.result.duration",
    "result_score_scaled": "$.result.score.scaled",
    "result_success": "$.result.success",
    "context_grouping_id": "$.context.contextActivities.grouping[0].id",
}
COLUMNS = ("id", "actor_name", *(c for c in _PATH_OF if c != "id"), "statement")
# The statements repeat the same keys and activity ids over and over: zstd writes them in half
# the time of DuckDB's default string compression and in a sixth of the space (2.1 million demo
# statements: 1.4 s and 60 MB against 3.0 s and 352 MB), and reads them about as fast.
_COMPRESSION = {"statement": "zstd"}

# One json_extract_string with a list of paths parses each statement once (one ->> per path
# would parse it once per path: 2.3x slower on the demo's 4.7 million statements); f[i] is the
# i-th path of _PATH_OF.
PATHS_SQL = "[" + ", ".join(f"'{path}'" for path in _PATH_OF.values()) + "]"
FIELDS_SQL = ", ".join(
    [
        "COALESCE(f[2], f[3]) AS actor_name",
        *(f'f[{index}] AS "{column}"' for index, column in enumerate(_PATH_OF, start=1)),
    ]
)
_FAST_INSERT = (
    f"INSERT INTO __target__ BY NAME SELECT {FIELDS_SQL}, statement, "
    "? AS _batch_id, CAST(? AS TIMESTAMP) AS _loaded_at, ? AS _source, ordinality AS _source_row FROM ("
    f"SELECT json_extract_string(json, {PATHS_SQL}) AS f, CAST(json AS VARCHAR) AS statement, ordinality "
    "FROM read_ndjson_objects(?, ignore_errors = TRUE) WITH ORDINALITY WHERE NOT json IS NULL)"
)


_STAGE = (
    f"CREATE TEMP TABLE {STAGE_TABLE} AS SELECT CAST(json AS VARCHAR) AS statement, file_index "
    "FROM read_ndjson_objects(?, ignore_errors = TRUE) WHERE NOT json IS NULL"
)
# The fields are taken out of the staged text in the insert, which DuckDB runs on every core.
_FROM_STAGE = (
    f"INSERT INTO __target__ BY NAME SELECT {FIELDS_SQL}, statement, "
    "? AS _batch_id, CAST(? AS TIMESTAMP) AS _loaded_at, "
    "list_element(CAST(? AS VARCHAR[]), CAST(s.file_index AS INTEGER) + 1) AS _source, "
    "s.stage_row - ? - list_element(CAST(? AS BIGINT[]), CAST(s.file_index AS INTEGER) + 1) + 1 AS _source_row "
    f"FROM (SELECT json_extract_string(statement, {PATHS_SQL}) AS f, statement, file_index, "
    f"rowid AS stage_row FROM {STAGE_TABLE}) AS s"
)


def _ensure_table(con: engine.Connection, source: SourceConfig, table: TableConfig) -> None:
    """Create the ODS table, or add the field columns an older version did not keep.

    Rows loaded before a column existed get it filled from their own statement, in the caller's
    transaction, so that old and new rows answer alike (a model reading the column would
    otherwise see NULL for every statement loaded before the upgrade).
    """
    before = set(ods.table_columns(con, source.name, table.name))
    ods.ensure_table(con, source.name, table.name, COLUMNS, compression=_COMPRESSION)
    added = [c for c in COLUMNS if before and c not in before and c in _PATH_OF]
    if not added:
        return
    statement = exp.column("statement", quoted=True)
    fill = exp.update(
        ods.ods_table(source.name, table.name),
        {
            # Quoted text keys: sqlglot parses each, and "timestamp" must stay a column name.
            exp.column(c, quoted=True).sql(dialect="duckdb"): exp.func(
                "json_extract_string", statement, exp.Literal.string(_PATH_OF[c])
            )
            for c in added
        },
    )
    engine.execute(con, fill.sql(dialect="duckdb"))


def read_statement_files(
    ctx: SyncContext, source: SourceConfig, table: TableConfig, units: list[FileUnit], batch_id: str
) -> list[Counts] | None:
    """Load a chunk of statement files through a staging table (see ``files.load_staged``).

    Rows are numbered within their file from the line counts taken while hashing; a chunk where
    any line did not become a statement (malformed, blank) is rolled back and read file by file.
    """
    if any(u.lines is None or u.size == 0 for u in units):
        return None
    _ensure_table(ctx.con, source, table)
    expected = [int(u.lines or 0) for u in units]
    loaded = load_staged(
        ctx,
        ods.ods_table(source.name, table.name),
        units,
        expected,
        ods.render(_STAGE),
        [[str(u.path) for u in units]],
        batch_id,
        insert=_FROM_STAGE,
    )
    ctx.crash.hit("after_scan")
    if loaded != sum(expected):
        raise RetryFileByFile(f"{len(units)} files: {loaded} statements for {sum(expected)} lines")
    return [Counts(read=n, loaded=n, rejected=0) for n in expected]


def _line_count(unit: FileUnit) -> int:
    lines = 0
    last = b"\n"
    with unit.path.open("rb") as handle:
        while block := handle.read(8 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (0 if last == b"\n" else 1)


def _as_text(node: object) -> str | None:
    """A JSON value as DuckDB's json_extract_string gives it: strings bare, the rest as JSON."""
    if node is None or isinstance(node, str):
        return node
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, dict | list):
        return json.dumps(node, ensure_ascii=False, separators=(",", ":"))
    return str(node)


def statement_fields(statement: dict[str, object]) -> dict[str, str | None]:
    """The columns of one statement (the Python twin of the fast path's JSON extraction)."""

    def get(path: str) -> str | None:
        node: object = statement
        for step in path.removeprefix("$.").split("."):
            key, _, index = step.partition("[")
            node = node.get(key) if isinstance(node, dict) else None
            if index:
                position = int(index.rstrip("]"))
                node = node[position] if isinstance(node, list) and len(node) > position else None
        return _as_text(node)

    fields = {column: get(path) for column, path in _PATH_OF.items()}
    account = fields["actor_account_name"]
    fields["actor_name"] = account if account is not None else fields["actor_mbox"]
    return fields


def read_statements(
    ctx: SyncContext, source: SourceConfig, table: TableConfig, unit: FileUnit, batch_id: str
) -> Counts:
    """DuckDB's JSON reader loads a clean file; a file with a bad or blank line is reread in Python.

    The fast path cannot say which line was bad; when its row count differs from the file's line
    count, its rows are deleted (same transaction) and every line is parsed here to give each
    rejected line its number and reason.
    """
    con = ctx.con
    _ensure_table(con, source, table)
    target = ods.ods_table(source.name, table.name)
    result = engine.fetch(
        con,
        ods.render(_FAST_INSERT, __target__=target),
        [batch_id, ctx.loaded_at, unit.label, str(unit.path)],
    )
    loaded = int(result[0][0]) if result else 0  # type: ignore[call-overload]
    lines = unit.lines if unit.lines is not None else _line_count(unit)
    if loaded == lines:
        return Counts(read=loaded, loaded=loaded, rejected=0)
    ods.delete_source_rows(con, source.name, table.name, unit.label)
    values: list[list[str | None]] = [[] for _ in COLUMNS]
    numbers: list[int] = []
    rejects: list[ods.Reject] = []
    with unit.path.open("r", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                statement = json.loads(text)
            except json.JSONDecodeError as error:
                rejects.append(ods.Reject(number, text, f"MALFORMED JSON: {error}"))
                continue
            if not isinstance(statement, dict):
                rejects.append(ods.Reject(number, text, "NOT AN OBJECT: a statement must be a JSON object"))
                continue
            fields = statement_fields(statement)
            for index, column in enumerate(COLUMNS[:-1]):
                values[index].append(fields[column])
            values[-1].append(text)
            numbers.append(number)
    _insert_columns(ctx, source, table, unit, batch_id, list(COLUMNS), values, numbers)
    ods.insert_rejects(con, source.name, table.name, unit.label, batch_id, rejects)
    return Counts(read=len(numbers) + len(rejects), loaded=len(numbers), rejected=len(rejects))


@register("xapi")
class XapiConnector:
    """``kind: xapi``: each table's ``path`` is a JSON-lines file or glob of xAPI statements."""

    kind = "xapi"

    def check(self, source: SourceConfig) -> None:
        for table in source.tables:
            table.require("path", source)

    def sync_table(self, ctx: SyncContext, source: SourceConfig, table: TableConfig, batch: Batch) -> None:
        batch.missing = tuple(
            sync_files(ctx, source, table, batch, read=read_statements, read_chunk=read_statement_files)
        )
