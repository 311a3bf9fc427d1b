"""The benchmark baseline for the whole pipeline: raw export files to DWS tables by hand-written SQL.

``campusbrain bench`` compares ``hub sync`` + ``hub build`` against this: one hand-written DuckDB
statement per summary (``baseline_sql/*.sql``), reading the raw files directly — no ODS, no
provenance, no reconciliation, no identity — and producing the same rows as the hub's DWS tables
(the ``person_id`` column aside, which needs identity resolution the baseline does not do). The
bench proves "the same work" by comparing checksums of both sides.

Covered: the 一卡通 and learning-platform summaries, which together hold over 90% of the demo
college's rows; the other systems' exports are not natively readable by DuckDB offline (GBK,
.xlsx, SQLite) and are left out, as in ``baseline.py``.
"""

from __future__ import annotations

import json
import sys
import time
from importlib import resources
from pathlib import Path

import duckdb
from sqlglot import exp

from campusbrain.hub.paths import HubPaths
from campusbrain.hub.sources.config import load_sources

# DWS table → the columns compared (every column of the hub's table except person_id).
COMPARED: dict[str, tuple[str, ...]] = {
    "card_spend_person_month": (
        "CARDNO",
        "month",
        "canteen_meals",
        "canteen_spend_yuan",
        "other_spend_yuan",
        "total_spend_yuan",
        "purchases",
        "recharge_yuan",
        "subsidy_yuan",
    ),
    "learning_person_week": (
        "actor_key",
        "week_start",
        "statements",
        "active_days",
        "courses",
        "completions",
        "passes",
        "fails",
        "answers",
        "learning_minutes",
    ),
}


def checksum_query(table: exp.Table, columns: tuple[str, ...]) -> exp.Select:
    """``(rows, checksum)`` of a table: the sum of one hash per row, independent of row order."""
    row_hash = exp.func("hash", *[exp.column(c, quoted=True) for c in columns])
    return exp.select(
        exp.Count(this=exp.Star()),
        exp.cast(exp.Sum(this=exp.cast(row_hash, "HUGEINT")), "VARCHAR"),
    ).from_(table)


def _paths(home: Path) -> dict[str, list[str]]:
    """The raw files each summary reads, from the college's own source configuration."""
    sources = {source.name: source for source in load_sources(HubPaths(home).sources)[0]}
    found: dict[str, list[str]] = {}
    for source_name, table_name in (
        ("yikatong", "merchant"),
        ("yikatong", "transactions"),
        ("xuexi", "statements"),
    ):
        source = sources[source_name]
        table = next(t for t in source.tables if t.name == table_name)
        pattern = str(table.options["path"])
        found[f"{source_name}.{table_name}"] = sorted(str(p) for p in home.glob(pattern))
    return found


def run(home: Path, database: Path) -> dict[str, object]:
    """Build the baseline summaries into a fresh ``database``; return seconds and checksums."""
    for leftover in (database, database.with_name(database.name + ".wal")):
        leftover.unlink(missing_ok=True)
    files = _paths(home)
    parameters = {
        "card_spend_person_month": [files["yikatong.merchant"], files["yikatong.transactions"]],
        "learning_person_week": [files["xuexi.statements"]],
    }
    con = duckdb.connect(str(database))
    figures: dict[str, dict[str, object]] = {}
    started = time.perf_counter()
    try:
        for name in COMPARED:
            sql = (
                resources.files("campusbrain.hub.engine")
                .joinpath("baseline_sql", f"{name}.sql")
                .read_text("utf-8")
            )
            t0 = time.perf_counter()
            con.execute(sql, parameters[name])
            seconds = time.perf_counter() - t0
            row = con.execute(checksum_query(exp.table_(name), COMPARED[name]).sql("duckdb")).fetchone()
            assert row is not None
            figures[name] = {"seconds": round(seconds, 2), "rows": int(row[0]), "checksum": str(row[1])}
        con.execute("CHECKPOINT")
    finally:
        con.close()
    database.unlink(missing_ok=True)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "tables": figures,
        "files": {k: len(v) for k, v in files.items()},
    }


if __name__ == "__main__":
    # Run as a subprocess by the bench so that its peak memory is measured on its own.
    print(json.dumps(run(Path(sys.argv[1]), Path(sys.argv[2]))))
