"""DWD models of 财务, 资产, 科研, 图书, OA, 测评, 学习平台 and 一卡通 on the small demo college,
checked row by row against the ODS and against the defects the generator planted (manifest.json)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.reconcile import RowReconciliation, reconcile_rows
from campusbrain.hub.warehouse import open_published

# Every ODS table of the eight systems, and the DWD model that must account for each of its rows.
RECONCILED_BY = {
    "caiwu__CW_YSZB": "dwd.budget_line",
    "caiwu__CW_PZ": "dwd.voucher_entry",
    "caiwu__CW_XSJF": "dwd.tuition_payment",
    "caiwu__CW_SR": "dwd.income",
    "zichan__ZC_GDZCTZ": "dwd.asset",
    "keyan__projects": "dwd.research_project",
    "keyan__funding": "dwd.research_funding",
    "keyan__papers": "dwd.paper",
    "keyan__patents": "dwd.patent",
    "tushu__reader": "dwd.library_reader",
    "tushu__book": "dwd.library_book",
    "tushu__loan": "dwd.library_loan",
    "tushu__gate": "dwd.library_gate_entry",
    "oa__gongwen": "dwd.oa_document",
    "oa__liucheng": "dwd.oa_workflow",
    "ceping__CP_XSPJ": "dwd.teaching_evaluation",
    "ceping__CP_DDTK": "dwd.supervision_visit",
    "ceping__CP_MYD": "dwd.satisfaction_answer",
    "xuexi__statements": "dwd.learning_statement",
    "yikatong__card_account": "dwd.card_account",
    "yikatong__merchant": "dwd.card_merchant",
    "yikatong__tx_type": "dwd.card_transaction_type",
    "yikatong__transactions": "dwd.card_transaction",
    "yikatong__card_reissue": "dwd.card_reissue",
}


@pytest.fixture(scope="module")
def warehouse(built_demo_college: Path) -> Iterator[engine.Connection]:
    con = open_published(built_demo_college)
    yield con
    con.close()


@pytest.fixture(scope="module")
def manifest(built_demo_college: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((built_demo_college / "demo-sources" / "manifest.json").read_text())
    return data


@pytest.fixture(scope="module")
def reconciliation(built_demo_college: Path) -> dict[str, RowReconciliation]:
    return {r.ods_table.removeprefix("ods."): r for r in reconcile_rows(built_demo_college)}


def rows(con: engine.Connection, sql: str, parameters: list[object] | None = None) -> list[tuple[Any, ...]]:
    """The rows of a read-only query on a test connection, with ``?`` parameters."""
    return list(con.execute(sql, parameters or []).fetchall())


def planted(manifest: dict[str, Any], system: str, table: str, kind: str) -> list[dict[str, Any]]:
    return [
        d for d in manifest["defects"] if d["system"] == system and d["table"] == table and d["kind"] == kind
    ]


@pytest.mark.parametrize("ods_table", sorted(RECONCILED_BY))
def test_every_ods_row_is_carried_or_rejected_exactly_once(
    reconciliation: dict[str, RowReconciliation], ods_table: str
) -> None:
    result = reconciliation[ods_table]
    assert result.model == RECONCILED_BY[ods_table]
    assert result.ods_rows > 0
    assert result.carried + result.rejected == result.ods_rows, result
    assert result.ok, result


def test_duplicate_exports_are_rejected_with_a_reason(
    warehouse: engine.Connection, manifest: dict[str, Any]
) -> None:
    planted_total = 0
    for system, table, model in (
        ("caiwu", "CW_PZ", "voucher_entry"),
        ("ceping", "CP_XSPJ", "teaching_evaluation"),
        ("ceping", "CP_DDTK", "supervision_visit"),
        ("yikatong", "transactions", "card_transaction"),
    ):
        duplicates = planted(manifest, system, table, "duplicate_row")
        planted_total += len(duplicates)
        reasons = rows(warehouse, f"SELECT reason, count(*) FROM dwd.{model}_rejected GROUP BY 1")
        expected = [("duplicate_row 重复导出", len(duplicates))] if duplicates else []
        assert reasons == expected, (model, reasons)
    assert planted_total > 0


def test_the_duplicate_voucher_entries_are_kept_once(
    warehouse: engine.Connection, manifest: dict[str, Any]
) -> None:
    keys = [d["key"].split("|") for d in planted(manifest, "caiwu", "CW_PZ", "duplicate_row")]
    for voucher_no, entry_no in keys[:10]:
        assert rows(
            warehouse,
            "SELECT count(*) FROM dwd.voucher_entry WHERE voucher_no = ? AND entry_no = ?",
            [voucher_no, int(entry_no)],
        ) == [(1,)]


def test_transactions_of_an_unknown_card_are_kept_and_flagged(
    warehouse: engine.Connection, manifest: dict[str, Any]
) -> None:
    orphans = {d["key"] for d in planted(manifest, "yikatong", "transactions", "orphan_reference")}
    flagged = {r[0] for r in rows(warehouse, "SELECT JYLSH FROM dwd.card_transaction WHERE NOT card_known")}
    assert orphans and orphans <= flagged
    # Every flagged card really has no account.
    assert rows(
        warehouse,
        "SELECT count(*) FROM dwd.card_transaction AS t JOIN dwd.card_account AS a USING (CARDNO) "
        "WHERE NOT t.card_known",
    ) == [(0,)]


def test_loans_of_an_unknown_reader_are_kept_and_flagged(
    warehouse: engine.Connection, manifest: dict[str, Any]
) -> None:
    orphans = {d["key"] for d in planted(manifest, "tushu", "loan", "orphan_reference")}
    flagged = {r[0] for r in rows(warehouse, "SELECT LSH FROM dwd.library_loan WHERE NOT reader_known")}
    assert orphans and orphans == flagged


def test_vouchers_on_a_project_without_budget_are_flagged(
    warehouse: engine.Connection, manifest: dict[str, Any]
) -> None:
    orphans = [d["key"].split("|") for d in planted(manifest, "caiwu", "CW_PZ", "orphan_reference")]
    assert orphans
    for voucher_no, entry_no in orphans:
        assert rows(
            warehouse,
            "SELECT project_problem FROM dwd.voucher_entry WHERE voucher_no = ? AND entry_no = ?",
            [voucher_no, int(entry_no)],
        ) == [("no_budget_line",)]
    # The flag is exact: no flagged project has a budget line.
    assert rows(
        warehouse,
        "SELECT count(*) FROM dwd.voucher_entry AS v JOIN dwd.budget_line AS b USING (project_code) "
        "WHERE v.project_problem IS NOT NULL",
    ) == [(0,)]


def test_mixed_asset_dates_are_all_parsed(warehouse: engine.Connection, manifest: dict[str, Any]) -> None:
    mixed = planted(manifest, "zichan", "ZC_GDZCTZ", "mixed_date_format")
    assert mixed
    for defect in mixed:
        raw = defect["detail"].removeprefix("取得日期 ")
        ((acquired_on, acquired_on_raw),) = rows(
            warehouse,
            "SELECT acquired_on, acquired_on_raw FROM dwd.asset WHERE asset_no = ?",
            [defect["key"]],
        )
        assert acquired_on_raw == raw
        assert isinstance(acquired_on, date), defect
        assert str(acquired_on.year) == raw[:4]
    assert rows(warehouse, "SELECT count(*) FROM dwd.asset WHERE acquired_on IS NULL") == [(0,)]


def test_assets_missing_a_mandatory_field_are_kept_and_flagged(
    warehouse: engine.Connection, manifest: dict[str, Any]
) -> None:
    for defect in planted(manifest, "zichan", "ZC_GDZCTZ", "missing_mandatory"):
        ((missing,),) = rows(
            warehouse, "SELECT missing_fields FROM dwd.asset WHERE asset_no = ?", [defect["key"]]
        )
        assert defect["detail"] in missing.split(","), defect
    for defect in planted(manifest, "zichan", "ZC_GDZCTZ", "orphan_reference"):
        assert rows(warehouse, "SELECT user_known FROM dwd.asset WHERE asset_no = ?", [defect["key"]]) == [
            (False,)
        ]


def test_old_oa_time_format_is_read_as_campus_time(
    warehouse: engine.Connection, manifest: dict[str, Any]
) -> None:
    mixed = planted(manifest, "oa", "liucheng", "mixed_date_format")
    assert mixed
    for defect in mixed[:10]:
        raw = defect["detail"].removeprefix("发起时间 ")
        ((started_at,),) = rows(
            warehouse,
            "SELECT strftime(started_at, '%Y/%-m/%-d %H:%M:%S') FROM dwd.oa_workflow WHERE flow_no = ?",
            [defect["key"]],
        )
        assert started_at == raw
    # ISO times with +08:00 keep their wall-clock time (no shift to UTC).
    assert rows(
        warehouse,
        "SELECT count(*) FROM dwd.oa_workflow WHERE started_at_raw LIKE '%+08:00' "
        "AND strftime(started_at, '%Y-%m-%dT%H:%M:%S') <> left(started_at_raw, 19)",
    ) == [(0,)]
    assert rows(warehouse, "SELECT count(*) FROM dwd.oa_workflow WHERE started_at IS NULL") == [(0,)]


def test_unknown_approvers_and_teachers_are_flagged(
    warehouse: engine.Connection, manifest: dict[str, Any]
) -> None:
    for defect in planted(manifest, "oa", "liucheng", "orphan_reference"):
        gh = defect["detail"].split()[-1]
        ((approvers,),) = rows(
            warehouse, "SELECT unknown_approvers FROM dwd.oa_workflow WHERE flow_no = ?", [defect["key"]]
        )
        assert approvers is not None and gh in approvers, defect
    for table, model, key in (
        ("CP_XSPJ", "teaching_evaluation", "evaluation_id"),
        ("CP_DDTK", "supervision_visit", "visit_no"),
    ):
        for defect in planted(manifest, "ceping", table, "orphan_reference"):
            assert rows(
                warehouse, f"SELECT teacher_known FROM dwd.{model} WHERE {key} = ?", [defect["key"]]
            ) == [(False,)]


def test_research_levels_outside_the_controlled_list_are_not_guessed(
    warehouse: engine.Connection, manifest: dict[str, Any]
) -> None:
    for defect in planted(manifest, "keyan", "projects", "code_outside_standard"):
        assert rows(
            warehouse,
            "SELECT level, level_raw, level_problem FROM dwd.research_project WHERE project_code = ?",
            [defect["key"]],
        ) == [(None, defect["detail"].removeprefix("级别 "), "code_outside_standard")]


def test_amounts_in_fen_become_yuan(warehouse: engine.Connection, built_demo_college: Path) -> None:
    ods = engine.connect(built_demo_college / "warehouse" / "ods.duckdb", read_only=True)
    try:
        ((fen,),) = engine.fetch_all(ods, 'SELECT sum("预算金额(分)"::BIGINT) FROM ods.ods."caiwu__CW_YSZB"')
        ((received_fen,),) = engine.fetch_all(
            ods, 'SELECT sum("实收金额(分)"::BIGINT) FROM ods.ods."caiwu__CW_XSJF"'
        )
    finally:
        ods.close()
    ((yuan,),) = rows(warehouse, "SELECT sum(budget_yuan) FROM dwd.budget_line")
    assert yuan * 100 == fen
    ((received,),) = rows(warehouse, "SELECT sum(received_yuan) FROM dwd.tuition_payment")
    assert received * 100 == received_fen


def test_xapi_statements_are_extracted_once(warehouse: engine.Connection, built_demo_college: Path) -> None:
    ods = engine.connect(built_demo_college / "warehouse" / "ods.duckdb", read_only=True)
    try:
        sample = engine.fetch_all(
            ods,
            'SELECT id, statement FROM ods.ods."xuexi__statements" '
            "WHERE verb_id LIKE '%passed' ORDER BY id LIMIT 20",
        )
    finally:
        ods.close()
    assert sample
    for statement_id, text in sample:
        statement = json.loads(text)
        ((actor, verb, course, minutes, score, success, stated_at),) = rows(
            warehouse,
            "SELECT actor_key, verb, course_id, duration_seconds / 60, score_scaled, success, "
            "strftime(stated_at, '%Y-%m-%dT%H:%M:%S') FROM dwd.learning_statement WHERE statement_id = ?",
            [statement_id],
        )
        assert actor == statement["actor"]["account"]["name"]
        assert verb == "passed"
        assert course == statement["context"]["contextActivities"]["grouping"][0]["id"]
        assert f"PT{int(minutes)}M" == statement["result"]["duration"]
        assert score == statement["result"]["score"]["scaled"]
        assert success is statement["result"]["success"]
        assert stated_at == statement["timestamp"][:19]
