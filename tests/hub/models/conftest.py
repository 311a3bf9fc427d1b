"""A tiny college folder with an ODS shaped the way ``hub sync`` writes it (text columns + provenance)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths

PROVENANCE = (
    ("_batch_id", "VARCHAR"),
    ("_loaded_at", "TIMESTAMPTZ"),
    ("_source", "VARCHAR"),
    ("_source_row", "BIGINT"),
)

CARD_ACCOUNT = (
    ("CARDNO", "XGH", "XM", "SFLB", "KKRQ", "KZT", "WLKH"),
    [
        ("100001", "T0001", "王老师", "教工", "20150901", "正常", "0A1B2C3D"),
        ("100002", "2024010101", "李同学", "学生", "20240901", "正常", "0A1B2C3E"),
        ("100003", "2023010102", "赵同学", "学生", "20230901", "注销", "0A1B2C3F"),
    ],
)
MERCHANT = (
    ("SHOPID", "FSHOPID", "SHOPNAME", "LEVEL1"),
    [("11", "1", "第一食堂", "餐饮"), ("12", "1", "教工餐厅", "餐饮"), ("21", "2", "校园超市", "商超")],
)
TX_TYPE = (("JYLX", "JYLXMC"), [("110", "充值"), ("120", "补助发放"), ("210", "消费"), ("211", "冲正")])
TX_COLUMNS = ("JYLSH", "CARDNO", "JYSJ", "SHOPID", "ZDH", "JYLX", "QBLX", "JE", "YJYLSH")
TRANSACTIONS = (
    TX_COLUMNS,
    [
        # 李同学: breakfast and two lunch swipes (one meal), a shop purchase, one reversed purchase.
        ("202409020000001", "100002", "20240902072501", "11", "1102", "210", "1", "550", ""),
        ("202409020000002", "100002", "20240902115001", "11", "1103", "210", "1", "1250", ""),
        ("202409020000003", "100002", "20240902115501", "11", "1103", "210", "2", "300", ""),
        ("202409020000004", "100002", "20240902150001", "21", "2101", "210", "1", "1600", ""),
        ("202409020000005", "100002", "20240902173501", "11", "1102", "210", "1", "1150", ""),
        ("202409029000001", "100002", "20240902174001", "11", "1102", "211", "1", "1150", "202409020000005"),
        ("202409020000006", "100002", "20240902090001", "0", "9001", "110", "1", "10000", ""),
        # 王老师 at the staff canteen, exported twice.
        ("202409020000007", "100001", "20240902115501", "12", "1201", "210", "1", "1500", ""),
        ("202409020000007", "100001", "20240902115501", "12", "1201", "210", "1", "1500", ""),
        # A temporary card with no account, in October.
        ("202410010000001", "990001", "20241001120001", "11", "1101", "210", "1", "800", ""),
    ],
)


def _create(
    con: engine.Connection, schema: str, table: str, columns: Sequence[str], rows: list[tuple[str, ...]]
) -> None:
    # The file is ods.duckdb, so its catalog is also called "ods": qualify fully to stay unambiguous.
    target = exp.Table(
        this=exp.to_identifier(table, quoted=True),
        db=exp.to_identifier(schema),
        catalog=exp.to_identifier(engine.current_catalog(con)),
    )
    defs = [
        exp.ColumnDef(this=exp.to_identifier(c, quoted=True), kind=exp.DataType.build("VARCHAR"))
        for c in columns
    ]
    defs += [
        exp.ColumnDef(this=exp.to_identifier(c), kind=exp.DataType.build(kind, dialect="duckdb"))
        for c, kind in PROVENANCE
    ]
    engine.run(
        con,
        exp.Create(this=exp.Schema(this=target, expressions=defs), kind="TABLE", replace=True).sql("duckdb"),
    )
    insert = exp.insert(
        exp.Values(expressions=[exp.Tuple(expressions=[exp.Placeholder() for _ in range(len(columns) + 4)])]),
        target,
    ).sql("duckdb")
    loaded = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    engine.execute_many(
        con, insert, [(*row, "batch-1", loaded, f"{table}.csv", i + 1) for i, row in enumerate(rows)]
    )


def write_ods(home: Path, tables: dict[str, tuple[Sequence[str], list[tuple[str, ...]]]]) -> None:
    """(Re)write ``ods."<table>"`` tables in the college's ODS file; other tables are left alone."""
    paths = HubPaths(home)
    con = engine.connect(paths.ods)
    try:
        # The file's catalog is also called "ods"; "ods.ods" is the schema, not the catalog.
        engine.run(con, "CREATE SCHEMA IF NOT EXISTS ods.ods")
        engine.run(con, "CREATE SCHEMA IF NOT EXISTS ods.meta")
        engine.run(con, "CREATE TABLE IF NOT EXISTS ods.meta.batches (batch_id VARCHAR, source VARCHAR)")
        for name, (columns, rows) in tables.items():
            _create(con, "ods", name, columns, rows)
        engine.checkpoint(con)
    finally:
        con.close()


def yikatong_tables(
    extra_transactions: list[tuple[str, ...]] = (),
) -> dict[str, tuple[Sequence[str], list[tuple[str, ...]]]]:  # type: ignore[assignment]
    return {
        "yikatong__card_account": CARD_ACCOUNT,
        "yikatong__merchant": MERCHANT,
        "yikatong__tx_type": TX_TYPE,
        "yikatong__transactions": (TX_COLUMNS, TRANSACTIONS[1] + list(extra_transactions)),
    }


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A college folder whose ODS holds the 一卡通 tables the built-in models read."""
    write_ods(tmp_path, yikatong_tables())
    return tmp_path


def add_model(home: Path, folder: str, table: str, sql: str, **header: str | None) -> Path:
    """Write a college model file with a valid header (fields can be overridden or blanked)."""
    fields = {
        "name": f"{folder}.{table}",
        "layer": folder,
        "grain": "one row per test row",
        "owner": "000 测试",
        "description": "a model written by a test",
        "materialized": "full",
    }
    fields.update(header)
    lines = [f"-- {key}: {value}" for key, value in fields.items() if value is not None]
    path = home / "models" / folder / f"{table}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n\n" + sql + "\n", encoding="utf-8")
    return path
