"""The big DWD models keep one row per key: the latest export, with the count of exports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.runner import build
from campusbrain.hub.warehouse import open_published

from .conftest import write_ods, yikatong_tables

# Rows 11-15 of the ODS table (the 10 of conftest come first, in the same batch): 202409020000004
# exported again twice, the last time with a corrected amount and a padded key, which is the same
# 流水号; and a 冲正 of it exported twice.
REEXPORTS = [
    ("202409020000004", "100002", "20240902150001", "21", "2101", "210", "1", "1600", ""),
    (" 202409020000004 ", "100002", "20240902150001", "21", "2101", "210", "1", "1650", ""),
    ("202409029000002", "100002", "20240902160001", "21", "2101", "211", "1", "1650", "202409020000004"),
    ("202409029000002", "100002", "20240902160001", "21", "2101", "211", "1", "1650", "202409020000004"),
    # A row without a 流水号, alone (so not a repeated key by count): never carried.
    ("  ", "100002", "20240902170001", "21", "2101", "210", "1", "100", ""),
]


def _built(
    home: Path, tables: dict[str, tuple[Sequence[str], list[tuple[str, ...]]]]
) -> Callable[[str], list[tuple[object, ...]]]:
    """Write the ODS tables, build, and return a query function over the published snapshot's rows."""
    write_ods(home, tables)
    report = build(home, progress=False)
    assert report.ok, report.error

    def rows(sql: str) -> list[tuple[object, ...]]:
        con = open_published(home)
        try:
            return engine.fetch_all(con, sql)
        finally:
            con.close()

    return rows


def test_the_latest_export_is_kept_and_the_copies_are_rejected(tmp_path: Path) -> None:
    rows = _built(tmp_path, yikatong_tables(REEXPORTS))
    assert rows(
        "SELECT amount_yuan, export_count, _source_row, is_reversed FROM dwd.card_transaction "
        "WHERE JYLSH = '202409020000004'",
    ) == [(16.50, 3, 12, True)]
    assert rows(
        "SELECT export_count, is_reversal FROM dwd.card_transaction WHERE JYLSH = '202409029000002'"
    ) == [(2, True)]
    # Every ODS row is carried once or rejected once with its reason.
    assert rows("SELECT count(*) FROM dwd.card_transaction") == [(10,)]
    assert rows("SELECT _source_row, reason FROM dwd.card_transaction_rejected ORDER BY _source_row") == [
        (4, "duplicate_row 重复导出"),
        (8, "duplicate_row 重复导出"),
        (11, "duplicate_row 重复导出"),
        (13, "duplicate_row 重复导出"),
        (15, "missing_key 流水号缺失"),
    ]


_XAPI_COLUMNS = (
    "id",
    "actor_name",
    "actor_account_name",
    "actor_mbox",
    "verb_id",
    "object_id",
    "timestamp",
    "result_duration",
    "result_score_scaled",
    "result_success",
    "context_grouping_id",
    "statement",
)


def _statement(statement_id: str, minutes: int) -> tuple[str, ...]:
    return (
        statement_id,
        "2024010101",
        "2024010101",
        "",
        "http://adlnet.gov/expapi/verbs/completed",
        "https://learn.example/res/1",
        "2024-09-02T08:00:00+08:00",
        f"PT{minutes}M",
        "",
        "",
        "course-1",
        "{}",
    )


def test_a_statement_delivered_again_is_kept_once_as_its_latest_delivery(tmp_path: Path) -> None:
    rows = _built(
        tmp_path,
        {
            "xuexi__statements": (
                _XAPI_COLUMNS,
                [
                    _statement("s-1", 10),
                    _statement("s-2", 20),
                    _statement(" s-1 ", 15),  # the same id again, corrected: this one is kept
                    _statement("", 5),  # no id, alone: never carried
                    _statement("s-2\u3000", 25),  # padded with an ideographic space: s-2 again
                ],
            )
        },
    )
    assert rows(
        "SELECT statement_id, duration_seconds, export_count, _source_row "
        "FROM dwd.learning_statement ORDER BY statement_id",
    ) == [("s-1", 900, 2, 3), ("s-2", 1500, 2, 5)]
    assert rows("SELECT _source_row, reason FROM dwd.learning_statement_rejected ORDER BY _source_row") == [
        (1, "duplicate_row 重复导出"),
        (2, "duplicate_row 重复导出"),
        (4, "missing_key 语句ID缺失"),
    ]
