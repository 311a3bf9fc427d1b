"""The benchmark baseline: DuckDB loading the raw export files by hand, with no hub around it.

This is "the practical limit of this machine": one ``CREATE TABLE … AS SELECT … FROM read_csv(…)``
(or ``read_ndjson_objects``) per source table, making the same table ODS holds as far as one
statement can: every column as text, the file each row came from (``_source``), the batch and load
time, and for xAPI statements the same fields taken out of each statement. What it leaves out is
the hub's bookkeeping: no line number within the file (DuckDB's parallel readers do not give one),
no batches or file records, no hashes, no rejects, no crash safety. ``campusbrain bench`` compares
``hub sync`` against it on the same tables.
Tables DuckDB cannot read by itself here (GBK CSV, .xlsx, SQLite, whole-document JSON: their
readers are extensions that cannot be downloaded offline) are left out and listed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from campusbrain.hub.paths import HubPaths
from campusbrain.hub.sources import xapi
from campusbrain.hub.sources.config import load_sources

NATIVE_CSV_ENCODINGS = {"utf-8", "utf8", "utf-8-sig"}


# The xAPI fields ODS keeps beside each statement, taken out in one parse as the connector does.
_STATEMENT_FIELDS = sqlglot.parse_one(
    f"SELECT {xapi.FIELDS_SQL}, statement, _source FROM (SELECT json_extract_string(json, {xapi.PATHS_SQL}) AS f, "
    "CAST(json AS VARCHAR) AS statement, filename AS _source FROM files) AS s",
    dialect="duckdb",
)


def _option(name: str, value: exp.Expr) -> exp.Expr:
    return exp.EQ(this=exp.column(name), expression=value)


def _select(home: Path, kind: str, options: dict[str, object]) -> exp.Select | None:
    """The SELECT that reads one source table natively into its ODS columns, or None.

    Plain JSON lines (OA) are left out: DuckDB's JSON reader types its columns and has no
    all-text mode, so one statement cannot make the hub's all-text table from them.
    """
    fmt = options.get("format")
    path = options.get("path")
    if not isinstance(path, str):
        return None
    files = exp.Literal.string(str(home / path))
    provenance = [
        exp.alias_(exp.Literal.string("bench"), "_batch_id"),
        exp.alias_(exp.cast(exp.func("now"), "TIMESTAMP"), "_loaded_at"),
    ]
    if fmt == "csv" and str(options.get("encoding", "utf-8")).lower() in NATIVE_CSV_ENCODINGS:
        reader = exp.func(
            "read_csv",
            files,
            _option("header", exp.true()),
            _option("all_varchar", exp.true()),
            _option("filename", exp.true()),
        )
        every_column = exp.Star(except_=[exp.column("filename")])
        return exp.select(every_column, *provenance, exp.alias_(exp.column("filename"), "_source")).from_(
            reader
        )
    if fmt == "jsonl" and kind == "xapi":
        reader = exp.func("read_ndjson_objects", files, _option("filename", exp.true()))
        select = _STATEMENT_FIELDS.copy()
        assert isinstance(select, exp.Select)
        inner = select.find(exp.Subquery)
        assert inner is not None
        inner.this.set("from_", exp.From(this=reader))
        return select.select(*provenance, copy=False)
    return None


def load(home: Path, database: Path) -> dict[str, object]:
    """Load every natively readable source table into a fresh ``database``; return the figures."""
    if database.exists():
        database.unlink()
    sources, _problems = load_sources(HubPaths(home).sources)
    con = duckdb.connect(str(database))
    tables: dict[str, dict[str, object]] = {}
    skipped: list[str] = []
    started = time.perf_counter()
    try:
        for source in sources:
            for table in source.tables:
                name = f"{source.name}__{table.name}"
                select = _select(home, source.kind, dict(table.options))
                if select is None:
                    skipped.append(name)
                    continue
                t0 = time.perf_counter()
                create = exp.Create(this=exp.table_(name, quoted=True), kind="TABLE", expression=select)
                con.execute(create.sql(dialect="duckdb"))
                rows = con.execute(exp.select("count(*)").from_(exp.table_(name, quoted=True)).sql("duckdb"))
                tables[name] = {"rows": rows.fetchone()[0], "seconds": round(time.perf_counter() - t0, 2)}  # type: ignore[index]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "rows": sum(int(t["rows"]) for t in tables.values()),  # type: ignore[call-overload]
        "tables": tables,
        "not_in_baseline": skipped,
    }


if __name__ == "__main__":
    # Run as a subprocess by the bench so that its peak memory is measured on its own.
    print(json.dumps(load(Path(sys.argv[1]), Path(sys.argv[2]))))
