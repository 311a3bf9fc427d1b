"""``hub build``: the snapshot it writes, what it records, how it publishes, and how it fails."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from campusbrain.hub.contracts import BuildReport, ModelRun
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.lock import HubBusy, hub_lock
from campusbrain.hub.models.project import MissingReference, ModelError
from campusbrain.hub.models.runner import BuildContext, NoODS, build, load_project
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import (
    KEEP_PUBLISHED,
    NothingPublished,
    build_log,
    open_published,
    read_published,
)

from .conftest import add_model, write_ods, yikatong_tables


def rows(con: engine.Connection, sql: str) -> list[tuple[object, ...]]:
    return engine.fetch_all(con, sql)


def test_build_runs_the_builtin_models_into_a_published_snapshot(home: Path) -> None:
    report = build(home, progress=False)
    assert isinstance(report, BuildReport) and report.ok, report.error
    # Only the 一卡通 tables are synced here: the built-in models of the other systems are left out.
    assert [run.name for run in report.models] == [
        "dwd.card_account",
        "dwd.card_account_rejected",
        "dwd.card_merchant",
        "dwd.card_merchant_rejected",
        "dwd.card_transaction_type",
        "dwd.card_transaction_type_rejected",
        "dwd.person_source_yikatong",
        "dwd.card_transaction",
        "dwd.person_record",
        "dwd.card_transaction_rejected",
        # dws.card_spend_person_month adds person_id, so identity resolution runs on the card holders.
        "dwd.person_link",
        "dws.card_spend_person_month",
        "dws.card_meal_person_month",
        "ads.card_canteen_month",
    ]
    assert "dwd.grade" in load_project(home).unavailable
    assert all(isinstance(run, ModelRun) and run.action == "built" for run in report.models)
    published = read_published(HubPaths(home))
    assert published is not None and published.build_id == report.build_id
    assert published.snapshot == report.snapshot

    con = open_published(home)
    # The duplicate export of 202409020000007 is kept once.
    assert rows(con, "SELECT count(*) FROM dwd.card_transaction") == [(9,)]
    assert rows(
        con,
        "SELECT transacted_at::VARCHAR, amount_yuan, wallet, is_reversal, is_reversed, transaction_type "
        "FROM dwd.card_transaction WHERE JYLSH = '202409020000003'",
    ) == [("2024-09-02 11:55:01", Decimal("3.00"), "补助钱包", False, False, "消费")]
    assert rows(con, "SELECT is_reversed FROM dwd.card_transaction WHERE JYLSH = '202409020000005'") == [
        (True,)
    ]
    # 李同学: breakfast, lunch (two swipes = one meal), dinner reversed ⇒ 2 meals, 5.50 + 12.50 + 3.00.
    assert rows(
        con,
        "SELECT canteen_meals, canteen_spend_yuan, other_spend_yuan, recharge_yuan "
        "FROM dws.card_spend_person_month WHERE CARDNO = '100002'",
    ) == [(2, Decimal("21.00"), Decimal("16.00"), Decimal("100.00"))]
    assert rows(
        con, "SELECT holder_type, canteen_cards, canteen_meals FROM ads.card_canteen_month ORDER BY ALL"
    ) == [("学生", 1, 2), ("教工", 1, 1), ("未知", 1, 1)]
    # The ODS is not part of the snapshot: readers see only what the models made.
    assert rows(
        con, "SELECT count(*) FROM information_schema.schemata WHERE catalog_name = 'ods_source'"
    ) == [(0,)]
    con.close()


def test_models_and_build_are_recorded_in_the_snapshot(home: Path) -> None:
    report = build(home, progress=False)
    con = open_published(home)
    stored = rows(
        con,
        "SELECT layer, grain, owner, materialized, origin, upstream_models, source_tables, row_count, sql_hash "
        "FROM meta.models WHERE name = 'dws.card_spend_person_month'",
    )
    assert stored[0][:5] == ("dws", stored[0][1], "012 后勤管理处", "full", "builtin")
    assert stored[0][5] == ["dwd.card_merchant", "dwd.card_transaction", "dwd.person_link"]
    assert stored[0][6] == []
    assert stored[0][7] == 3 and len(str(stored[0][8])) == 64
    (build_row,) = rows(con, "SELECT build_id, status, models_built, rows_per_model FROM meta.builds")
    assert build_row[:3] == (report.build_id, "published", len(report.models))
    assert json.loads(str(build_row[3]))["dwd.card_transaction"] == 9
    # How fresh the ODS inputs were, for readers that never open the ODS.
    assert rows(
        con, "SELECT source_table, row_count, last_batch_id FROM meta.source_tables ORDER BY ALL"
    ) == [
        ("ods.yikatong__card_account", 3, "batch-1"),
        ("ods.yikatong__merchant", 3, "batch-1"),
        ("ods.yikatong__transactions", 10, "batch-1"),
        ("ods.yikatong__tx_type", 4, "batch-1"),
    ]
    con.close()


def test_column_lineage_is_stored_for_every_column_of_a_model(home: Path) -> None:
    build(home, progress=False)
    con = open_published(home)
    edges = rows(
        con,
        'SELECT "column", source_table, source_column, transform FROM meta.lineage '
        "WHERE model = 'dwd.card_transaction' ORDER BY ALL",
    )
    by_column: dict[str, set[tuple[str, str, str]]] = {}
    for column, table, source_column, transform in edges:
        by_column.setdefault(str(column), set()).add((str(table), str(source_column), str(transform)))
    assert by_column["amount_yuan"] == {("ods.yikatong__transactions", "JE", "expression")}
    assert by_column["transacted_at"] == {("ods.yikatong__transactions", "JYSJ", "expression")}
    assert by_column["transaction_type"] == {("dwd.card_transaction_type", "JYLXMC", "identity")}
    assert by_column["_batch_id"] == {("ods.yikatong__transactions", "_batch_id", "identity")}
    table_columns = {
        c
        for (c,) in rows(
            con, "SELECT column_name FROM information_schema.columns WHERE table_name = 'card_transaction'"
        )
    }
    assert set(by_column) == table_columns
    # Downstream lineage names the upstream model, not the ODS.
    assert rows(
        con,
        "SELECT source_table, source_column, transform FROM meta.lineage "
        "WHERE model = 'dws.card_spend_person_month' AND \"column\" = 'CARDNO'",
    ) == [("dwd.card_transaction", "CARDNO", "identity")]
    con.close()


def test_college_models_override_and_extend_the_builtin_ones(home: Path) -> None:
    add_model(
        home,
        "dwd",
        "card_merchant",
        "SELECT TRIM(SHOPID) AS SHOPID, TRIM(SHOPNAME) AS SHOPNAME, TRUE AS is_canteen FROM ods.yikatong__merchant",
    )
    add_model(home, "ads", "merchant_count", "SELECT count(*) AS merchants FROM dwd.card_merchant")
    report = build(home, progress=False)
    assert report.ok, report.error
    con = open_published(home)
    # Every merchant counts as a canteen in this college's version, so the shop purchase is a meal too.
    assert rows(con, "SELECT canteen_meals FROM dws.card_spend_person_month WHERE CARDNO = '100002'") == [
        (3,)
    ]
    assert rows(con, "SELECT merchants FROM ads.merchant_count") == [(3,)]
    assert rows(con, "SELECT origin FROM meta.models WHERE name = 'dwd.card_merchant'") == [("college",)]
    con.close()


def test_a_reader_keeps_its_snapshot_while_a_new_one_is_published(home: Path) -> None:
    first = build(home, progress=False)
    reader = open_published(home)
    before = rows(reader, "SELECT * FROM dws.card_spend_person_month ORDER BY ALL")
    assert rows(reader, "SELECT count(*) FROM dwd.card_transaction") == [(9,)]

    extra = [("202410020000001", "100002", "20241002120001", "11", "1101", "210", "1", "1000", "")]
    write_ods(home, yikatong_tables(extra))
    second = build(home, progress=False)
    assert second.ok and second.build_id != first.build_id

    # The open reader still sees the first snapshot, whole and unchanged.
    assert rows(reader, "SELECT count(*) FROM dwd.card_transaction") == [(9,)]
    assert rows(reader, "SELECT * FROM dws.card_spend_person_month ORDER BY ALL") == before
    assert rows(reader, "SELECT build_id FROM meta.builds") == [(first.build_id,)]
    # A fresh reader sees the second.
    fresh = open_published(home)
    assert rows(fresh, "SELECT count(*) FROM dwd.card_transaction") == [(10,)]
    assert rows(fresh, "SELECT build_id FROM meta.builds ORDER BY started_at") == [
        (first.build_id,),
        (second.build_id,),
    ]
    fresh.close()

    # Even once the first snapshot falls out of the kept history and its file is deleted, the
    # reader that has it open goes on reading it.
    for _ in range(KEEP_PUBLISHED):
        assert build(home, progress=False).ok
    assert first.snapshot is not None and not first.snapshot.exists()
    assert rows(reader, "SELECT * FROM dws.card_spend_person_month ORDER BY ALL") == before
    reader.close()


def test_only_the_last_published_snapshots_are_kept(home: Path) -> None:
    reports = [build(home, progress=False) for _ in range(KEEP_PUBLISHED + 2)]
    paths = HubPaths(home)
    kept = sorted(p.name for p in paths.snapshots.iterdir())
    assert kept == sorted(f"{r.build_id}.duckdb" for r in reports[-KEEP_PUBLISHED:])
    published = read_published(paths)
    assert published is not None and published.build_id == reports[-1].build_id
    assert len(published.history) == KEEP_PUBLISHED
    assert not paths.published.with_name("published.json.tmp").exists()


def test_a_failed_build_publishes_nothing(home: Path) -> None:
    good = build(home, progress=False)
    # Division by zero is an error in DuckDB only for integers cast this way: a runtime SQL failure.
    add_model(
        home, "ads", "broken", "SELECT CAST('not a number' AS INTEGER) AS n FROM dws.card_spend_person_month"
    )
    failed = build(home, progress=False)
    assert failed.status == "failed" and not failed.ok
    assert failed.failed_model == "ads.broken"
    assert "not a number" in (failed.error or "")
    assert failed.snapshot is None
    assert {run.name for run in failed.models} >= {"dwd.card_transaction", "dws.card_spend_person_month"}
    paths = HubPaths(home)
    published = read_published(paths)
    assert published is not None and published.build_id == good.build_id
    assert sorted(p.name for p in paths.snapshots.iterdir()) == [f"{good.build_id}.duckdb"]
    assert [entry["status"] for entry in build_log(paths)] == ["published", "failed"]
    assert build_log(paths)[-1]["failed_model"] == "ads.broken"


def test_project_mistakes_raise_before_any_file_is_written(home: Path) -> None:
    add_model(home, "dwd", "x", "SELECT * FROM ods.jiaowu__missing")
    with pytest.raises(MissingReference, match="dwd.x"):
        build(home, progress=False)
    paths = HubPaths(home)
    assert not paths.snapshots.exists() or not any(paths.snapshots.iterdir())
    assert read_published(paths) is None
    with pytest.raises(NothingPublished):
        open_published(home)


def test_build_without_an_ods_says_to_sync_first(tmp_path: Path) -> None:
    with pytest.raises(NoODS, match="hub sync"):
        build(tmp_path, progress=False)


def test_unknown_selected_model_is_an_error(home: Path) -> None:
    with pytest.raises(ModelError, match="no such model: dwd.nope"):
        build(home, progress=False, select=["dwd.nope"])


def test_build_refuses_to_run_beside_a_sync_or_another_build(home: Path) -> None:
    with hub_lock(HubPaths(home), "sync"):
        with pytest.raises(HubBusy, match='"purpose": "sync"'):
            build(home, progress=False)
    assert build(home, progress=False).ok


def test_select_rebuilds_the_models_named_and_downstream_and_copies_the_rest(home: Path) -> None:
    build(home, progress=False)
    report = build(home, progress=False, select=["dws.card_spend_person_month"])
    actions = {run.name: run.action for run in report.models}
    rebuilt = {"dws.card_spend_person_month", "dws.card_meal_person_month", "ads.card_canteen_month"}
    assert actions == {name: "built" if name in rebuilt else "copied" for name in actions}
    assert {"dwd.card_account", "dwd.card_transaction"} <= set(actions)
    con = open_published(home)
    assert rows(con, "SELECT count(*) FROM dwd.card_transaction") == [(9,)]
    con.close()


def test_incremental_model_adds_only_the_new_slice(home: Path) -> None:
    add_model(
        home,
        "dwd",
        "card_tx_log",
        "SELECT JYLSH, JE, _batch_id, _source_row AS seq FROM ods.yikatong__transactions",
        materialized="incremental",
        incremental_by="seq",
    )
    first = build(home, progress=False)
    assert {r.name: r.rows for r in first.models}["dwd.card_tx_log"] == 10
    extra = [("202410020000001", "100002", "20241002120001", "11", "1101", "210", "1", "1000", "")]
    write_ods(home, yikatong_tables(extra))
    second = build(home, progress=False)
    run = {r.name: r for r in second.models}["dwd.card_tx_log"]
    assert (run.action, run.rows) == ("incremental", 11)
    # A full refresh recomputes from all input and gets the same rows.
    third = build(home, progress=False, full_refresh=True)
    run = {r.name: r for r in third.models}["dwd.card_tx_log"]
    assert (run.action, run.rows) == ("built", 11)


def test_incremental_model_with_a_unique_key_replaces_rows_at_the_boundary(home: Path) -> None:
    add_model(
        home,
        "dwd",
        "card_latest",
        "SELECT CARDNO, max(JYSJ) AS last_seen, count(*) AS n FROM ods.yikatong__transactions GROUP BY CARDNO",
        materialized="incremental",
        incremental_by="last_seen",
        unique_key="CARDNO",
    )
    build(home, progress=False)
    extra = [("202410020000001", "990001", "20241001120001", "11", "1101", "210", "1", "1000", "")]
    write_ods(home, yikatong_tables(extra))
    build(home, progress=False)
    con = open_published(home)
    assert rows(con, "SELECT n FROM dwd.card_latest WHERE CARDNO = '990001'") == [(2,)]
    assert rows(con, "SELECT count(*) FROM dwd.card_latest") == [(3,)]
    con.close()


def test_a_hook_that_fails_a_model_keeps_downstream_from_the_last_good_snapshot(home: Path) -> None:
    build(home, progress=False)
    extra = [("202410020000001", "100002", "20241002120001", "11", "1101", "210", "1", "1000", "")]
    write_ods(home, yikatong_tables(extra))
    seen: list[str] = []

    def stop_after_transactions(context: BuildContext, model: object, run: ModelRun) -> bool:
        seen.append(run.name)
        assert context.runs[run.name] is run
        return run.name != "dwd.card_transaction"

    report = build(home, progress=False, after_model=[stop_after_transactions])
    actions = {run.name: run.action for run in report.models}
    assert actions["dwd.card_transaction"] == "built"
    assert actions["dws.card_spend_person_month"] == "kept"
    assert actions["ads.card_canteen_month"] == "kept"
    con = open_published(home)
    assert rows(con, "SELECT count(*) FROM dwd.card_transaction") == [(10,)]
    # The October purchase is in DWD but the DWS summary is still the previous good one.
    assert rows(con, "SELECT count(*) FROM dws.card_spend_person_month WHERE month = '2024-10-01'") == [(1,)]
    assert (
        rows(
            con,
            "SELECT canteen_meals FROM dws.card_spend_person_month WHERE CARDNO = '100002' AND month = '2024-10-01'",
        )
        == []
    )
    con.close()


def test_select_recomputes_what_reads_a_model_whose_sql_changed(home: Path) -> None:
    build(home, progress=False)
    # The college changes dwd.card_merchant but asks only for ads.card_canteen_month: the changed
    # model must be rebuilt (its old table is stale) and so must the DWS summary reading it.
    add_model(
        home,
        "dwd",
        "card_merchant",
        "SELECT TRIM(SHOPID) AS SHOPID, TRIM(SHOPNAME) AS SHOPNAME, TRUE AS is_canteen FROM ods.yikatong__merchant",
    )
    report = build(home, progress=False, select=["ads.card_canteen_month"])
    actions = {run.name: run.action for run in report.models}
    # dws.card_meal_person_month was not selected but reads a recomputed model: rebuilt too.
    rebuilt = {
        "dwd.card_merchant",
        "dws.card_spend_person_month",
        "dws.card_meal_person_month",
        "ads.card_canteen_month",
    }
    assert actions == {name: "built" if name in rebuilt else "copied" for name in actions}
    assert {"dwd.card_account", "dwd.card_transaction"} <= set(actions)
    con = open_published(home)
    assert rows(con, "SELECT canteen_meals FROM dws.card_spend_person_month WHERE CARDNO = '100002'") == [
        (3,)
    ]
    con.close()


def test_a_blocked_model_with_nothing_to_keep_is_skipped(home: Path) -> None:
    build(home, progress=False)
    add_model(home, "ads", "new_summary", "SELECT count(*) AS n FROM dws.card_spend_person_month")
    report = build(home, progress=False, after_model=[lambda c, m, r: r.name != "dwd.card_transaction"])
    assert report.ok
    actions = {run.name: run.action for run in report.models}
    assert actions["ads.new_summary"] == "skipped"
    assert actions["dws.card_spend_person_month"] == "kept"
    con = open_published(home)
    assert rows(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'new_summary'") == [
        (0,)
    ]
    assert rows(con, "SELECT action, row_count FROM meta.models WHERE name = 'ads.new_summary'") == [
        ("skipped", 0)
    ]
    con.close()


def test_leftovers_of_a_killed_build_are_removed_by_the_next(home: Path) -> None:
    paths = HubPaths(home)
    first = build(home, progress=False)
    leftover = paths.snapshots / "20261203T000000Z-dead00.duckdb"
    for path in (leftover, leftover.with_name(leftover.name + ".wal")):
        path.write_bytes(b"half a build")
    spill = leftover.with_name(leftover.name + ".tmp")
    spill.mkdir()
    (spill / "duckdb_temp_block-0.block").write_bytes(b"spilled")
    # Bounded memory and one thread still build the same warehouse.
    second = build(home, progress=False, memory_limit="256MB", threads=1)
    assert second.ok
    assert sorted(p.name for p in paths.snapshots.iterdir()) == sorted(
        [f"{first.build_id}.duckdb", f"{second.build_id}.duckdb"]
    )


def test_source_tables_keep_the_case_of_the_source_system(home: Path) -> None:
    # 学工 tables keep their upper-case names in ODS (xuegong__T_XG_BYSJ); a model may write the
    # name in either case and lineage reports the real spelling. (A table no built-in model reads.)
    tables = yikatong_tables()
    tables["xuegong__T_XG_BYSJ"] = (("XH", "XM"), [("2024010101", "李同学")])
    write_ods(home, tables)
    add_model(home, "dwd", "student", 'SELECT TRIM(XH) AS xh, XM AS xm FROM ods."xuegong__T_XG_BYSJ"')
    add_model(home, "dwd", "student_lower", "SELECT xh FROM ods.xuegong__t_xg_bysj")
    add_model(home, "ads", "numbers", "SELECT 1 AS one, count(*) AS n FROM range(3)")
    report = build(home, progress=False)
    assert report.ok, report.error
    con = open_published(home)
    assert rows(con, "SELECT xh, xm FROM dwd.student") == [("2024010101", "李同学")]
    assert rows(
        con,
        'SELECT model, "column", source_table, source_column, transform FROM meta.lineage '
        "WHERE model LIKE 'dwd.student%' ORDER BY ALL",
    ) == [
        ("dwd.student", "xh", "ods.xuegong__T_XG_BYSJ", "XH", "expression"),
        ("dwd.student", "xm", "ods.xuegong__T_XG_BYSJ", "XM", "identity"),
        # DuckDB names an unaliased column as the table spells it.
        ("dwd.student_lower", "XH", "ods.xuegong__T_XG_BYSJ", "XH", "identity"),
    ]
    # Columns made from constants or a table function have no source columns, and that is fine.
    assert rows(con, "SELECT count(*) FROM meta.lineage WHERE model = 'ads.numbers'") == [(0,)]
    assert rows(con, "SELECT n FROM ads.numbers") == [(3,)]
    assert ("ods.xuegong__T_XG_BYSJ", 1) in rows(
        con, "SELECT source_table, row_count FROM meta.source_tables"
    )
    con.close()
