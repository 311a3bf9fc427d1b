"""The SQL connector: full tables skipped when unchanged, incremental tables resumed by watermark."""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from campusbrain.hub.sync import sync

from .conftest import College


def _jiaowu(college: College, db: Path, url: str = "sqlite:///src/zfjw.db") -> None:
    con = sqlite3.connect(db)
    con.executescript(
        """
        CREATE TABLE xs (xh TEXT PRIMARY KEY, xm TEXT, bj INTEGER);
        CREATE TABLE cj (cj_id INTEGER PRIMARY KEY, xh TEXT, cj REAL, xgsj TEXT);
        INSERT INTO xs VALUES ('2021001', '张三', 1), ('2021002', '李四', NULL);
        INSERT INTO cj VALUES (1, '2021001', 90.0, '2025-01-01 08:00:00'),
                              (2, '2021002', 71.5, '2025-01-02 08:00:00');
        """
    )
    con.commit()
    con.close()
    college.source(
        {
            "name": "jiaowu",
            "kind": "sql",
            "url": url,
            "schedule": "daily",
            "tables": [
                {"name": "xs", "table": "xs", "primary_key": ["xh"]},
                {"name": "cj", "table": "cj", "primary_key": ["cj_id"], "incremental": {"column": "xgsj"}},
            ],
        }
    )


def test_sqlite_full_and_incremental(college: College) -> None:
    (college.home / "src").mkdir(parents=True)
    db = college.home / "src" / "zfjw.db"
    _jiaowu(college, db)
    first = {t.table: t for t in sync(college.home, progress=False).tables}
    assert (first["xs"].status, first["xs"].rows_loaded) == ("loaded", 2)
    assert (first["cj"].status, first["cj"].rows_loaded) == ("loaded", 2)
    assert college.rows("jiaowu__xs", "xh, xm, bj, _source, _source_row") == [
        ("2021001", "张三", "1", "jiaowu:xs", 1),
        ("2021002", "李四", None, "jiaowu:xs", 2),
    ]
    assert college.rows("jiaowu__cj", "cj_id, cj") == [("1", "90"), ("2", "71.5")]
    assert college.fetch('SELECT "column", value FROM meta.watermarks WHERE "table" = \'cj\'') == [
        ("xgsj", "2025-01-02 08:00:00")
    ]

    # Nothing new: nothing loaded, the full table is recognised by its content hash.
    again = {t.table: t for t in sync(college.home, progress=False).tables}
    assert {t.status for t in again.values()} == {"unchanged"}

    # New and updated rows past the watermark arrive; the full table changes and is replaced.
    con = sqlite3.connect(db)
    con.execute("INSERT INTO cj VALUES (3, '2021001', 60.0, '2025-01-03 08:00:00')")
    con.execute("UPDATE cj SET cj = 75.0, xgsj = '2025-01-04 08:00:00' WHERE cj_id = 2")
    con.execute("UPDATE xs SET bj = 2 WHERE xh = '2021002'")
    con.commit()
    con.close()
    third = {t.table: t for t in sync(college.home, progress=False).tables}
    assert third["cj"].rows_loaded == 2
    assert third["xs"].rows_loaded == 2
    assert college.rows("jiaowu__xs", "xh, bj") == [("2021001", "1"), ("2021002", "2")]
    # ODS keeps the history of an incremental table: the update is a new row, in watermark order.
    assert college.rows("jiaowu__cj", "cj_id, cj, xgsj", order="xgsj") == [
        ("1", "90", "2025-01-01 08:00:00"),
        ("2", "71.5", "2025-01-02 08:00:00"),
        ("3", "60", "2025-01-03 08:00:00"),
        ("2", "75", "2025-01-04 08:00:00"),
    ]
    assert college.fetch("SELECT value FROM meta.watermarks WHERE \"table\" = 'cj'") == [
        ("2025-01-04 08:00:00",)
    ]


def test_watermark_resumes_after_a_failed_run(college: College) -> None:
    (college.home / "src").mkdir(parents=True)
    db = college.home / "src" / "zfjw.db"
    _jiaowu(college, db)
    sync(college.home, progress=False)
    moved = db.with_suffix(".away")
    db.rename(moved)
    failed = {t.table: t for t in sync(college.home, progress=False).tables}
    assert failed["cj"].status == "failed" and failed["cj"].error
    moved.rename(db)
    con = sqlite3.connect(db)
    con.execute("INSERT INTO cj VALUES (4, '2021002', 88.0, '2025-02-01 08:00:00')")
    con.commit()
    con.close()
    resumed = {t.table: t for t in sync(college.home, progress=False).tables}
    assert resumed["cj"].rows_loaded == 1
    assert [r[0] for r in college.rows("jiaowu__cj", "cj_id", order="xgsj")] == ["1", "2", "4"]


def test_url_from_environment(college: College, monkeypatch: pytest.MonkeyPatch) -> None:
    (college.home / "src").mkdir(parents=True)
    _jiaowu(college, college.home / "src" / "zfjw.db", url="sqlite:///${JW_DB}")
    monkeypatch.setenv("JW_DB", str(college.home / "src" / "zfjw.db"))
    assert sync(college.home, progress=False).ok
    monkeypatch.delenv("JW_DB")
    report = sync(college.home, progress=False)
    assert {t.status for t in report.tables} == {"failed"}
    assert "JW_DB" in str(report.tables[0].error)


def _service(url: str, port: int) -> Iterator[sa.Engine]:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        engine = sa.create_engine(url)
        engine.connect().close()
    except Exception as error:
        if os.environ.get("CAMPUSBRAIN_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{url} is required (CAMPUSBRAIN_REQUIRE_SERVICES=1) but unreachable: {error}")
        pytest.skip(
            f"{url} unreachable ({type(error).__name__}); set CAMPUSBRAIN_REQUIRE_SERVICES=1 to require it"
        )
    yield engine
    engine.dispose()


@pytest.fixture(
    params=[
        ("postgresql+psycopg://postgres@127.0.0.1:5432/test", 5432),
        ("mysql+pymysql://root@127.0.0.1:3306/test", 3306),
    ],
    ids=["postgresql", "mariadb"],
)
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, sa.Engine]]:
    url, port = request.param
    yield from ((url, e) for e in _service(url, port))


@pytest.mark.services
def test_server_database_incremental(college: College, server: tuple[str, sa.Engine]) -> None:
    url, engine = server
    name = f"cb_sync_{secrets.token_hex(4)}"
    metadata = sa.MetaData()
    table = sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("xm", sa.String(20)),
        sa.Column("je", sa.Numeric(10, 2)),
        sa.Column("xgsj", sa.DateTime),
    )
    metadata.create_all(engine)
    try:
        with engine.begin() as con:
            con.execute(
                table.insert(),
                [
                    {"id": 1, "xm": "张三", "je": "12.50", "xgsj": "2025-01-01 08:00:00"},
                    {"id": 2, "xm": "李四", "je": "3.00", "xgsj": "2025-01-02 08:00:00"},
                ],
            )
        college.source(
            {
                "name": "caiwu",
                "kind": "sql",
                "url": url,
                "tables": [
                    {"name": "pz", "table": name, "incremental": {"column": "xgsj"}},
                    {"name": "pz_full", "table": name, "primary_key": ["id"]},
                ],
            }
        )
        first = {t.table: t for t in sync(college.home, progress=False).tables}
        assert first["pz"].rows_loaded == 2 and first["pz_full"].rows_loaded == 2, first
        assert college.rows("caiwu__pz", "id, xm, je, xgsj") == [
            ("1", "张三", "12.50", "2025-01-01 08:00:00"),
            ("2", "李四", "3.00", "2025-01-02 08:00:00"),
        ]
        assert {t.status for t in sync(college.home, progress=False).tables} == {"unchanged"}
        with engine.begin() as con:
            con.execute(table.insert(), [{"id": 3, "xm": "王五", "je": "1", "xgsj": "2025-01-03 09:30:00"}])
        third = {t.table: t for t in sync(college.home, progress=False).tables}
        assert third["pz"].rows_loaded == 1 and third["pz_full"].rows_loaded == 3
    finally:
        metadata.drop_all(engine)
