"""The unmapped-value and coverage queries, run on a small DuckDB database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.standards.crosswalks import (
    COVERAGE_COLUMNS,
    UNMAPPED_COLUMNS,
    FieldBinding,
    coverage_query,
    mapping_coverage,
    ods_table,
    unmapped_query,
    unmapped_values,
)

CROSSWALK = exp.table_(exp.to_identifier("crosswalk"), db=exp.to_identifier("std"))
SEX = FieldBinding("xuegong", "T_XG_XSJBXX", "XBDM", "GB/T 2261.1")
ETH = FieldBinding("xuegong", "T_XG_XSJBXX", "MZDM", "GB/T 3304")
JOB = FieldBinding("jiuye", "JY_BYS_2024", "毕业去向代码", "BYQX")


@pytest.fixture
def con(tmp_path: Path) -> engine.Connection:
    con = engine.connect(tmp_path / "w.duckdb")
    for statement in (
        "CREATE SCHEMA ods",
        "CREATE SCHEMA std",
        'CREATE TABLE std.crosswalk (source VARCHAR, "table" VARCHAR, field VARCHAR, source_value VARCHAR,'
        " code_system VARCHAR, code VARCHAR)",
        "INSERT INTO std.crosswalk VALUES"
        " ('xuegong', 'T_XG_XSJBXX', 'XBDM', '1', 'GB/T 2261.1', '1'),"
        " ('xuegong', 'T_XG_XSJBXX', 'XBDM', '2', 'GB/T 2261.1', '2'),"
        " ('xuegong', 'T_XG_XSJBXX', 'MZDM', '01', 'GB/T 3304', '01'),"
        " ('xuegong', 'T_XG_XSJBXX', 'MZDM', '1', 'GB/T 3304', '01'),"
        # The same value under another table or field must not count as mapped here.
        " ('xuegong', 'OTHER', 'XBDM', '男', 'GB/T 2261.1', '1'),"
        " ('xuegong', 'T_XG_XSJBXX', 'OTHER', '女', 'GB/T 2261.1', '2'),"
        " ('jiuye', 'JY_BYS_2024', '毕业去向代码', '10', 'BYQX', '10')",
        'CREATE TABLE ods."xuegong__T_XG_XSJBXX" ("XBDM" VARCHAR, "MZDM" VARCHAR)',
        'INSERT INTO ods."xuegong__T_XG_XSJBXX" VALUES'
        " ('1', '01'), ('1', '1'), (' 2 ', '01'), ('男', '57'), ('男', '57'), ('女', NULL),"
        " ('', '  '), (NULL, '01'), ('9', '01')",
        'CREATE TABLE ods."jiuye__JY_BYS_2024" ("毕业去向代码" VARCHAR)',
        """INSERT INTO ods."jiuye__JY_BYS_2024" VALUES ('10'), ('已就业')""",
    ):
        engine.run(con, statement)
    return con


def run(con: engine.Connection, query: exp.Query) -> list[tuple[object, ...]]:
    return engine.fetch_all(con, query.sql("duckdb"))


def test_unmapped_values_of_one_field_with_row_counts(con: engine.Connection) -> None:
    rows = run(con, unmapped_query(SEX, CROSSWALK, ods_table(SEX)).order_by('"source_value"'))
    # ' 2 ' is trimmed and maps; blank and NULL values are missing, not unmapped.
    assert rows == [("xuegong", "T_XG_XSJBXX", "XBDM", "9", 1), ("xuegong", "T_XG_XSJBXX", "XBDM", "女", 1),
                    ("xuegong", "T_XG_XSJBXX", "XBDM", "男", 2)]  # fmt: skip


def test_coverage_of_one_field(con: engine.Connection) -> None:
    assert run(con, coverage_query(SEX, CROSSWALK, ods_table(SEX))) == [
        ("xuegong", "T_XG_XSJBXX", "XBDM", "GB/T 2261.1", 7, 3, 3 / 7)
    ]
    assert run(con, coverage_query(ETH, CROSSWALK, ods_table(ETH))) == [
        ("xuegong", "T_XG_XSJBXX", "MZDM", "GB/T 3304", 7, 5, 5 / 7)
    ]


def test_all_fields_in_one_query(con: engine.Connection) -> None:
    bindings = [SEX, ETH, JOB]
    unmapped = run(con, unmapped_values(bindings, CROSSWALK))
    assert unmapped == [
        ("jiuye", "JY_BYS_2024", "毕业去向代码", "已就业", 1),
        ("xuegong", "T_XG_XSJBXX", "MZDM", "57", 2),
        ("xuegong", "T_XG_XSJBXX", "XBDM", "男", 2),
        ("xuegong", "T_XG_XSJBXX", "XBDM", "9", 1),
        ("xuegong", "T_XG_XSJBXX", "XBDM", "女", 1),
    ]
    coverage = {row[:3]: row[4:] for row in run(con, mapping_coverage(bindings, CROSSWALK))}
    assert coverage[("jiuye", "JY_BYS_2024", "毕业去向代码")] == (2, 1, 0.5)
    assert coverage[("xuegong", "T_XG_XSJBXX", "MZDM")] == (7, 5, 5 / 7)


def test_a_field_with_only_blank_values_has_no_coverage_figure(con: engine.Connection) -> None:
    engine.run(con, 'CREATE TABLE ods."x__t" ("F" VARCHAR)')
    engine.run(con, "INSERT INTO ods.\"x__t\" VALUES (''), (NULL)")
    blank = FieldBinding("x", "t", "F", "GB/T 2261.1")
    assert run(con, coverage_query(blank, CROSSWALK, ods_table(blank))) == [
        ("x", "t", "F", "GB/T 2261.1", 0, 0, None)
    ]
    assert run(con, unmapped_query(blank, CROSSWALK, ods_table(blank))) == []


def test_no_bindings_give_typed_empty_results(con: engine.Connection) -> None:
    for query, columns in ((unmapped_values([], CROSSWALK), UNMAPPED_COLUMNS),
                           (mapping_coverage([], CROSSWALK), COVERAGE_COLUMNS)):  # fmt: skip
        engine.run(con, f"CREATE OR REPLACE TABLE empty AS {query.sql('duckdb')}")
        described = engine.fetch_all(con, "SELECT column_name, data_type FROM information_schema.columns"
                                     " WHERE table_name = 'empty' ORDER BY ordinal_position")  # fmt: skip
        assert described == list(columns)
        assert engine.fetch_all(con, "SELECT count(*) FROM empty") == [(0,)]


def test_queries_are_sqlglot_trees_that_transpile() -> None:
    sql = unmapped_values([SEX, ETH], CROSSWALK).sql("spark")
    assert "`xuegong__T_XG_XSJBXX`" in sql and "UNION ALL" in sql
