"""Every rule kind on a tiny hand-made snapshot: a passing case and a failing case each."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from campusbrain.hub.quality.check import CAPTURE_LIMIT

from .conftest import Harness, one

PROV = ("_source", "_source_row")


def _rule(rule_id: str, body: str, *, key: str = "[XH]") -> str:
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return f"key: {key}\nrules:\n  - id: {rule_id}\n    severity: warn\n    description: 测试规则\n{lines}\n"


def _students(h: Harness) -> None:
    h.table(
        "dwd.student",
        ("XH", "SFZJH", "id_problem", "XBM", "XBM_source", "legacy", "conflict", "score", *PROV),
        [
            ("S1", "11010519491231002X", None, "1", "1", False, False, 90, "f.csv", 1),
            ("S2", "", "empty", "2", "2", False, False, 55, "f.csv", 2),
            ("S3", "110105194912310021", "checksum", None, "男", True, True, 130, "f.csv", 3),
        ],
    )
    h.table("std.code_value", ("code_system", "code"), [("GB/T 2261.1", "1"), ("GB/T 2261.1", "2")])


def test_not_null(harness: Harness) -> None:
    _students(harness)
    rules = (
        _rule("a.xh", "dimension: completeness\nkind: not_null\ncolumn: XH")
        + _rule("a.id", "dimension: completeness\nkind: not_null\ncolumn: SFZJH").split("rules:\n", 1)[1]
    )
    passing, failing = harness.rules("dwd.student", rules)
    assert (passing.status, passing.checked, passing.failing) == ("pass", 3, 0)
    assert (failing.status, failing.checked, failing.failing) == ("fail", 3, 1)
    ((key, value, source, source_row, _table),) = failing.samples
    assert json.loads(key) == {"XH": "S2"} and value == "" and (source, source_row) == ("f.csv", 2)


def test_not_null_where(harness: Harness) -> None:
    _students(harness)
    outcome = one(
        harness.rules(
            "dwd.student",
            _rule("a.id", "dimension: completeness\nkind: not_null\ncolumn: SFZJH\nwhere: score >= 60"),
        )
    )
    assert (outcome.checked, outcome.failing) == (2, 0)


def test_unique(harness: Harness) -> None:
    harness.table("dwd.t", ("XH", *PROV), [("A", "f", 1), ("B", "f", 2), ("B", "f", 3)])
    failing = one(harness.rules("dwd.t", _rule("t.u", "dimension: uniqueness\nkind: unique\ncolumns: [XH]")))
    assert (failing.checked, failing.failing) == (3, 2)
    harness.table("dwd.t", ("XH", *PROV), [("A", "f", 1), ("B", "f", 2)])
    assert (
        one(harness.rules("dwd.t", _rule("t.u", "dimension: uniqueness\nkind: unique\ncolumns: [XH]"))).status
        == "pass"
    )


def test_pattern_and_forbid(harness: Harness) -> None:
    harness.table(
        "dwd.t",
        ("XH", "CSRQ", "SJH", *PROV),
        [
            ("A", "20030501", "13800001111", "f", 1),
            ("B", "2003年5月1日", "１38", "f", 2),
            ("C", None, None, "f", 3),
        ],
    )
    body = "dimension: validity\nkind: pattern\ncolumn: CSRQ\npattern: '\\d{8}'"
    date_rule = one(harness.rules("dwd.t", _rule("t.csrq", body)))
    assert (date_rule.checked, date_rule.failing) == (2, 1) and date_rule.samples[0][1] == "2003年5月1日"
    body = "dimension: validity\nkind: pattern\ncolumn: SJH\nforbid: '[０-９]'"
    width = one(harness.rules("dwd.t", _rule("t.sjh", body)))
    assert (width.checked, width.failing) == (2, 1)
    body = "dimension: validity\nkind: pattern\ncolumn: XH\npattern: '[A-C]'"
    assert one(harness.rules("dwd.t", _rule("t.xh", body))).status == "pass"


def test_in_code_set(harness: Harness) -> None:
    _students(harness)
    body = "dimension: validity\nkind: in_code_set\ncolumn: XBM\nsource_column: XBM_source\ncode_system: GB/T 2261.1"
    mapped = one(harness.rules("dwd.student", _rule("s.xbm", body)))
    assert (mapped.checked, mapped.failing) == (3, 1) and mapped.samples[0][1] == "男"
    body = "dimension: validity\nkind: in_code_set\ncolumn: XBM\ncode_system: GB/T 2261.1"
    assert one(harness.rules("dwd.student", _rule("s.xbm2", body))).status == "pass"
    body = "dimension: validity\nkind: in_code_set\ncolumn: XBM\ncode_system: NO SUCH SET"
    (broken,) = harness.rules("dwd.student", _rule("s.xbm3", body))
    assert broken.status == "error" and "NO SUCH SET" in str(broken.error)


def test_id_number(harness: Harness) -> None:
    _students(harness)
    outcome = one(
        harness.rules("dwd.student", _rule("s.id", "dimension: validity\nkind: id_number\ncolumn: SFZJH"))
    )
    # The empty number is completeness' business: checked are the two numbers present.
    assert (outcome.checked, outcome.failing) == (2, 1) and outcome.samples[0][1] == "110105194912310021"
    harness.table("dwd.student", ("XH", "SFZJH", "id_problem"), [("S1", "11010519491231002X", None)])
    assert (
        one(
            harness.rules("dwd.student", _rule("s.id", "dimension: validity\nkind: id_number\ncolumn: SFZJH"))
        ).status
        == "pass"
    )


def test_range(harness: Harness) -> None:
    _students(harness)
    failing = one(
        harness.rules(
            "dwd.student", _rule("s.r", "dimension: validity\nkind: range\ncolumn: score\nmin: 0\nmax: 100")
        )
    )
    assert (failing.checked, failing.failing) == (3, 1)
    passing = one(
        harness.rules("dwd.student", _rule("s.r", "dimension: validity\nkind: range\ncolumn: score\nmin: 0"))
    )
    assert passing.status == "pass"


def test_reference_to_any_of_several_tables(harness: Harness) -> None:
    harness.table("dwd.student", ("XH",), [("S1",), ("S2",)])
    harness.table("dwd.staff", ("GH",), [("T1",)])
    harness.table(
        "dwd.card",
        ("CARDNO", "XGH", *PROV),
        [("1", "S1", "c", 1), ("2", "T1", "c", 2), ("3", "X9", "c", 3), ("4", None, "c", 4)],
    )
    body = "dimension: consistency\nkind: reference\ncolumn: XGH\nreferences: [dwd.student.XH, dwd.staff.GH]"
    outcome = one(harness.rules("dwd.card", _rule("c.holder", body, key="[CARDNO]")))
    assert (outcome.checked, outcome.failing) == (3, 1)
    assert json.loads(outcome.samples[0][0]) == {"CARDNO": "3"}
    body = "dimension: consistency\nkind: reference\ncolumn: XGH\nreferences: dwd.nowhere.XH"
    (broken,) = harness.rules("dwd.card", _rule("c.bad", body, key="[CARDNO]"))
    assert broken.status == "error" and "dwd.nowhere" in str(broken.error)


def test_reference_across_types(harness: Harness) -> None:
    harness.table("dwd.account", ("CARDNO",), [(1,), (2,)])
    harness.table("dwd.tx", ("JYLSH", "CARDNO"), [("a", "1"), ("b", "3")])
    body = "dimension: consistency\nkind: reference\ncolumn: CARDNO\nreferences: dwd.account.CARDNO"
    outcome = one(harness.rules("dwd.tx", _rule("tx.card", body, key="[JYLSH]")))
    assert outcome.failing == 1


def test_expression(harness: Harness) -> None:
    _students(harness)
    failing = one(
        harness.rules(
            "dwd.student", _rule("s.e", "dimension: validity\nkind: expression\ncondition: NOT legacy")
        )
    )
    assert (failing.checked, failing.failing) == (3, 1)
    passing = one(
        harness.rules(
            "dwd.student", _rule("s.e", "dimension: validity\nkind: expression\ncondition: XH LIKE 'S%'")
        )
    )
    assert passing.status == "pass"


def test_agreement(harness: Harness) -> None:
    _students(harness)
    body = "dimension: consistency\nkind: agreement\ncolumn: XBM\nconflict: conflict"
    assert one(harness.rules("dwd.student", _rule("s.a", body))).failing == 1
    harness.table("dwd.student", ("XH", "XBM", "conflict"), [("S1", "1", False), ("S2", "2", None)])
    assert one(harness.rules("dwd.student", _rule("s.a", body))).status == "pass"


def test_cross_system_existence_and_agreement(harness: Harness) -> None:
    harness.table(
        "dwd.student",
        ("XH", "XJZTM", "XBM", *PROV),
        [("S1", "07", "1", "j", 1), ("S2", "07", "2", "j", 2), ("S3", "01", "1", "j", 3)],
    )
    harness.table("dwd.graduate", ("XH", "XBM"), [("S1", "1"), ("S3", "2")])
    body = "dimension: consistency\nkind: cross_system\nother: dwd.graduate\n\"on\": {XH: XH}\nwhere: XJZTM = '07'"
    exists = one(harness.rules("dwd.student", _rule("s.grad", body)))
    assert (exists.checked, exists.failing) == (2, 1) and json.loads(exists.samples[0][0]) == {"XH": "S2"}
    body = 'dimension: accuracy\nkind: cross_system\nother: dwd.graduate\n"on": {XH: XH}\ncompare: {XBM: XBM}'
    agree = one(harness.rules("dwd.student", _rule("s.agree", body)))
    assert (agree.checked, agree.failing) == (2, 1) and json.loads(agree.samples[0][0]) == {"XH": "S3"}
    harness.table("dwd.graduate", ("XH", "XBM"), [("S1", "1"), ("S2", "2"), ("S3", "1")])
    assert one(harness.rules("dwd.student", _rule("s.agree", body))).status == "pass"


def test_identity(harness: Harness) -> None:
    record = ("system", "record_key", "source_table", "student_no", "staff_no", *PROV)
    harness.table(
        "dwd.person_record",
        record,
        [
            ("jiaowu", "N1", "xs", "N1", None, "j", 1),  # the 学籍 record, new 学号
            ("yikatong", "100", "card", "O1", None, "y", 1),  # card kept the old 学号
            ("tushu", "L1", "reader", None, None, "t", 1),  # desk reader known by name only
            ("jiaowu", "N2", "xs", "N2", None, "j", 2),
            ("yikatong", "101", "card", "N2", None, "y", 2),
            ("renshi", "T1", "staff", None, "T1", "r", 1),  # a former student now on the staff
        ],
    )
    harness.table(
        "dwd.person_link",
        ("system", "record_key", "person_id"),
        [
            ("jiaowu", "N1", "P1"),
            ("yikatong", "100", "P1"),
            ("tushu", "L1", "P1"),
            ("jiaowu", "N2", "P2"),
            ("yikatong", "101", "P2"),
            ("renshi", "T1", "P2"),
        ],
    )
    harness.table(
        "dwd.person", ("person_id", "student_no", "staff_no"), [("P1", "N1", None), ("P2", "N2", "T1")]
    )
    body = "dimension: consistency\nkind: identity\nid_columns: [student_no, staff_no]\nsystem_of_record: {student_no: jiaowu}"
    outcome = one(harness.rules("dwd.person_record", _rule("p.id", body, key="[record_key]")))
    assert outcome.checked == 6 and outcome.failing == 3
    assert {json.loads(k)["record_key"] for k, *_ in outcome.samples} == {"N1", "100", "L1"}
    assert {t for *_, t in outcome.samples} == {"ods.jiaowu__xs", "ods.yikatong__card", "ods.tushu__reader"}


def _ods_with_rejected(h: Harness, rejected: list[tuple[object, ...]]) -> None:
    h.table(
        "ods.xg__T",
        ("WID", "_source", "_source_row"),
        [("W1", "x.csv", 1), ("W2", "x.csv", 2), ("W2", "x.csv", 3)],
        ods=True,
    )
    h.table("dwd.affairs", ("WID", *PROV), [("W1", "x.csv", 1), ("W2", "x.csv", 2)])
    h.model("dwd.affairs", reconciles=["ods.xg__T"])
    h.table("dwd.affairs_rejected", ("_source", "_source_row", "reason"), rejected)
    h.source("xg", {"T": {"primary_key": ["WID"]}})


def test_duplicate_from_rejected_rows(harness: Harness) -> None:
    _ods_with_rejected(harness, [("x.csv", 3, "duplicate_row 重复导出")])
    outcome = one(
        harness.rules("dwd.affairs", _rule("a.dup", "dimension: uniqueness\nkind: duplicate", key="[WID]"))
    )
    assert (outcome.checked, outcome.failing) == (3, 1)
    assert outcome.samples == [('{"WID":"W2"}', "W2", "x.csv", 3, "ods.xg__T")]
    harness.table(
        "dwd.affairs_rejected", ("_source", "_source_row", "reason"), [("x.csv", 3, "superseded_version")]
    )
    assert (
        one(harness.rules("dwd.affairs", _rule("a.dup", "dimension: uniqueness\nkind: duplicate"))).status
        == "pass"
    )


def test_reconciliation(harness: Harness) -> None:
    _ods_with_rejected(harness, [("x.csv", 3, "duplicate_row")])
    body = "dimension: accuracy\nkind: reconciliation"
    assert one(harness.rules("dwd.affairs", _rule("a.rec", body))).status == "pass"
    _ods_with_rejected(harness, [("x.csv", 0, "typed")])
    harness.con.execute("DELETE FROM dwd.affairs_rejected")  # no row rejected: one ODS row is lost
    lost = one(harness.rules("dwd.affairs", _rule("a.rec", body)))
    assert (lost.checked, lost.failing) == (3, 1) and lost.samples[0][2:4] == ("x.csv", 3)


def test_source_scope_reads_the_raw_ods_text(harness: Harness) -> None:
    harness.table(
        "ods.xg__T",
        ("WID", "SFZJH", "_source", "_source_row"),
        [("W1", "１１０", "x.csv", 1), ("W2", "110", "x.csv", 2)],
        ods=True,
    )
    harness.table("dwd.affairs", ("WID", "SFZJH"), [("W1", "110"), ("W2", "110")])
    harness.model("dwd.affairs", reconciles=["ods.xg__T"])
    harness.source("xg", {"T": {"primary_key": ["WID"]}})
    body = "dimension: validity\nkind: pattern\nscope: source\ncolumn: SFZJH\nforbid: '[０-９]'"
    outcome = one(harness.rules("dwd.affairs", _rule("a.fw", body, key="[WID]").replace("key: [WID]\n", "")))
    assert outcome.failing == 1 and outcome.samples[0] == ('{"WID":"W1"}', "１１０", "x.csv", 1, "ods.xg__T")


def _files(h: Harness, delays: dict[str, float], *, synced_ago: timedelta) -> None:
    h.table("ods.card__tx", ("JYLSH", "_source", "_source_row"), [("1", "a", 1)], ods=True)
    h.table("dwd.tx", ("JYLSH",), [("1",)])
    h.model("dwd.tx", reconciles=["ods.card__tx"])
    h.source("card", {"tx": {"primary_key": ["JYLSH"], "daily_file_pattern": "%Y%m%d.csv"}}, schedule="daily")
    rows = []
    for day, delay in delays.items():
        end = datetime.strptime(day, "%Y%m%d").replace(tzinfo=UTC) + timedelta(days=1)
        rows.append(
            ("card", "tx", f"card:tx/{day}.csv", int((end + timedelta(days=delay)).timestamp() * 1e9))
        )
    h.table("meta.files", ("source", "table", "path", "mtime_ns"), rows, ods=True)
    finished = (datetime.now(UTC) - synced_ago).replace(tzinfo=None)
    h.table(
        "meta.batches",
        ("source", "table", "status", "finished_at"),
        [("card", "tx", "loaded", finished)],
        ods=True,
    )


def test_missing_and_late_daily_files(harness: Harness) -> None:
    _files(harness, {"20250301": 0.1, "20250302": 3.5, "20250304": 0.1}, synced_ago=timedelta(hours=2))
    text = (
        _rule("tx.gap", "dimension: timeliness\nkind: missing_periods", key="[JYLSH]")
        + _rule("tx.late", "dimension: timeliness\nkind: late_files\nmax_delay_days: 2").split("rules:\n", 1)[
            1
        ]
        + _rule("tx.fresh", "dimension: timeliness\nkind: freshness").split("rules:\n", 1)[1]
    )
    gap, late, fresh = harness.rules("dwd.tx", text)
    assert (gap.checked, gap.failing) == (4, 1) and json.loads(gap.samples[0][0]) == {"period": "20250303"}
    assert (late.checked, late.failing) == (3, 1) and json.loads(late.samples[0][0]) == {"period": "20250302"}
    assert (fresh.checked, fresh.failing) == (1, 0)


def test_files_on_time_and_a_stale_source(harness: Harness) -> None:
    _files(harness, {"20250301": 0.1, "20250302": 0.2}, synced_ago=timedelta(days=3))
    text = (
        _rule("tx.gap", "dimension: timeliness\nkind: missing_periods", key="[JYLSH]")
        + _rule("tx.fresh", "dimension: timeliness\nkind: freshness").split("rules:\n", 1)[1]
    )
    gap, fresh = harness.rules("dwd.tx", text)
    assert gap.status == "pass" and fresh.failing == 1


def test_capture_is_bounded_and_rules_share_one_scan(harness: Harness) -> None:
    n = CAPTURE_LIMIT + 500
    harness.table("dwd.big", ("K", "V", *PROV), [])
    harness.con.execute(
        f"INSERT INTO dwd.big SELECT i::VARCHAR, NULL, 'f', i FROM range({n}) t(i)"  # every row fails
    )
    text = (
        _rule("big.v", "dimension: completeness\nkind: not_null\ncolumn: V", key="[K]")
        + _rule("big.k", "dimension: completeness\nkind: not_null\ncolumn: K").split("rules:\n", 1)[1]
    )
    v, k = harness.rules("dwd.big", text)
    assert v.failing == n and len(v.samples) == CAPTURE_LIMIT
    assert k.status == "pass"


def test_a_missing_column_is_an_error_naming_file_and_rule(harness: Harness) -> None:
    _students(harness)
    (outcome,) = harness.rules(
        "dwd.student", _rule("s.nope", "dimension: completeness\nkind: not_null\ncolumn: NOPE")
    )
    assert outcome.status == "error"
    assert (
        "student.quality.yaml" in str(outcome.error)
        and "s.nope" in str(outcome.error)
        and "NOPE" in str(outcome.error)
    )
