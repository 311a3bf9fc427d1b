"""The benchmark baseline: DuckDB loading the raw export files by hand, with no hub around it.

This is "the practical limit of this machine": one ``CREATE TABLE … AS SELECT * FROM read_csv(…)``
(or ``read_ndjson_objects``) per source table, all columns as text, no provenance, no batches, no
hashes, no rejects. ``campusbrain bench`` compares ``hub sync`` against it on the same tables.
Tables DuckDB cannot read by itself here (GBK CSV, .xlsx, SQLite, whole-document JSON: their
readers are extensions that cannot be downloaded offline) are left out and listed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb
from sqlglot import exp

from campusbrain.hub.paths import HubPaths
from campusbrain.hub.sources.config import load_sources

NATIVE_CSV_ENCODINGS = {"utf-8", "utf8", "utf-8-sig"}


def _reader(home: Path, options: dict[str, object]) -> exp.Expr | None:
    """The DuckDB table function that reads one source table natively, or None."""
    fmt = options.get("format")
    path = options.get("path")
    if not isinstance(path, str):
        return None
    files = exp.Literal.string(str(home / path))
    if fmt == "csv" and str(options.get("encoding", "utf-8")).lower() in NATIVE_CSV_ENCODINGS:
        return exp.func(
            "read_csv",
            files,
            exp.EQ(this=exp.column("header"), expression=exp.true()),
            exp.EQ(this=exp.column("all_varchar"), expression=exp.true()),
        )
    if fmt == "jsonl":
        return exp.func("read_ndjson_objects", files)
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
                reader = _reader(home, dict(table.options)) if source.kind != "sql" else None
                if reader is None:
                    skipped.append(name)
                    continue
                t0 = time.perf_counter()
                create = exp.Create(
                    this=exp.table_(name, quoted=True),
                    kind="TABLE",
                    expression=exp.select("*").from_(reader),
                )
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
