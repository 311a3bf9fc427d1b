"""Every demo source syncs; status, query and the hub lock as the CLI will use them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from campusbrain.demo.generate import generate
from campusbrain.hub.lock import HubBusy, hub_lock
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.query import QueryError, query
from campusbrain.hub.sync import UnknownSource, status, sync


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo-college")
    generate(home, students=300, seed=7, scale=0.1, show_progress=False)
    return home


@pytest.fixture(scope="module")
def first_sync(demo_home: Path) -> Any:
    return sync(demo_home, progress=False)


def test_every_demo_source_syncs_with_the_manifest_row_counts(demo_home: Path, first_sync: Any) -> None:
    manifest = json.loads((demo_home / "demo-sources" / "manifest.json").read_text(encoding="utf-8"))
    assert first_sync.ok, [t for t in first_sync.tables if t.status != "loaded"]
    loaded = {f"{t.source}.{t.table}": t.rows_loaded for t in first_sync.tables}
    assert loaded == manifest["row_counts"]
    assert len({t.source for t in first_sync.tables}) == len(list((demo_home / "sources").glob("*.yaml")))
    missing = {(t.source, t.table): t.missing_periods for t in first_sync.tables if t.missing_periods}
    assert "2025-03-12" in missing[("yikatong", "transactions")]


def test_demo_rerun_loads_nothing(demo_home: Path, first_sync: Any) -> None:
    again = sync(demo_home, progress=False)
    assert again.ok and again.rows_loaded == 0
    assert {t.status for t in again.tables} == {"unchanged"}


def test_status_reports_every_source(demo_home: Path, first_sync: Any) -> None:
    found = {s.source: s for s in status(demo_home)}
    assert set(found) == {t.source for t in first_sync.tables}
    xuegong = found["xuegong"]
    assert xuegong.freshness == "fresh" and xuegong.last_sync is not None and xuegong.last_error is None
    assert xuegong.rows == sum(t.rows_loaded for t in first_sync.tables if t.source == "xuegong")
    assert {t.table: t.ods_table for t in xuegong.tables}["T_XG_XSJBXX"] == "xuegong__T_XG_XSJBXX"
    transactions = next(t for t in found["yikatong"].tables if t.table == "transactions")
    assert "2025-03-12" in transactions.missing_periods


def test_status_before_any_sync(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "x.yaml").write_text(
        "name: x\nkind: files\nschedule: daily\ntables:\n- name: t\n  path: t.csv\n", encoding="utf-8"
    )
    [only] = status(tmp_path)
    assert (only.freshness, only.last_sync, only.rows) == ("never", None, 0)


def test_query_reads_ods_until_something_is_published(demo_home: Path, first_sync: Any) -> None:
    result = query(demo_home, 'SELECT count(*) AS n FROM ods."xuegong__T_XG_XSJBXX"')
    assert result.columns == ("n",) and result.build_id is None
    assert result.database == HubPaths(demo_home.resolve()).ods
    limited = query(demo_home, "SELECT * FROM meta.batches", limit=2)
    assert len(limited.rows) == 2 and limited.truncated
    for refused in (
        "DELETE FROM meta.batches",
        "SELECT 1; SELECT 2",
        "COPY meta.batches TO 'x.csv'",
        "SELECT * FROM read_csv('/etc/hostname')",
    ):
        with pytest.raises(QueryError):
            query(demo_home, refused)


def test_query_prefers_the_published_snapshot(tmp_path: Path, demo_home: Path, first_sync: Any) -> None:
    from campusbrain.hub.engine import duckdb as engine
    from campusbrain.hub.warehouse import publish, snapshot_path

    paths = HubPaths(tmp_path)
    snapshot = snapshot_path(paths, "b1")
    con = engine.connect(snapshot)
    engine.run(con, "CREATE TABLE answer AS SELECT 42 AS x")
    con.close()
    publish(paths, "b1", snapshot)
    result = query(tmp_path, "SELECT x FROM answer")
    assert (result.rows, result.build_id) == (((42,),), "b1")
    with pytest.raises(QueryError):
        query(tmp_path, "SELECT 1", target="ods")


def test_second_sync_is_refused_while_the_lock_is_held(demo_home: Path, first_sync: Any) -> None:
    with (
        hub_lock(HubPaths(demo_home.resolve()), "build"),
        pytest.raises(HubBusy, match="another hub command"),
    ):
        sync(demo_home, progress=False)


def test_unknown_source_is_an_error(demo_home: Path) -> None:
    with pytest.raises(UnknownSource):
        sync(demo_home, source="nope", progress=False)
    only = sync(demo_home, source="renshi", progress=False)
    assert {t.source for t in only.tables} == {"renshi"}


def test_a_home_without_sources_is_reported(tmp_path: Path) -> None:
    report = sync(tmp_path, progress=False)
    assert not report.ok and report.tables == ()
    assert "no sources folder" in report.config_errors[0]
