"""The files connector: encodings, spreadsheets, JSON, daily globs, rejects, reruns."""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl

from campusbrain.hub.sync import status, sync

from .conftest import College


def _files_source(name: str, tables: list[dict[str, object]]) -> dict[str, object]:
    return {"name": name, "title": name, "kind": "files", "schedule": "daily", "tables": tables}


def test_gbk_csv_is_read_as_text_with_provenance(college: College) -> None:
    college.file("exp/xs.csv", "WID,XM,XBDM,CSRQ\n1,张三,1,20030516\n2,欧阳娜娜,2,\n", encoding="gbk")
    college.source(
        _files_source("xuegong", [{"name": "T_XS", "path": "exp/xs.csv", "format": "csv", "encoding": "gbk"}])
    )
    report = sync(college.home, progress=False)
    assert report.ok, report
    [table] = report.tables
    assert (table.status, table.rows_read, table.rows_loaded, table.rows_rejected) == ("loaded", 2, 2, 0)
    assert college.columns("xuegong__T_XS") == [
        "WID", "XM", "XBDM", "CSRQ", "_batch_id", "_loaded_at", "_source", "_source_row",
    ]  # fmt: skip
    rows = college.rows("xuegong__T_XS", "WID, XM, XBDM, CSRQ, _source, _source_row, _batch_id")
    assert rows == [
        ("1", "张三", "1", "20030516", "xuegong:exp/xs.csv", 1, table.batch_id),
        ("2", "欧阳娜娜", "2", None, "xuegong:exp/xs.csv", 2, table.batch_id),
    ]


def test_encodings_are_detected_when_not_declared(college: College) -> None:
    # 𠀀 is outside GBK: only GB18030 can carry it, and detection must pick GB18030 for it.
    college.file("e/gb18030.csv", "名字,备注\n王𠀀,甲\n", encoding="gb18030")
    college.file("e/bom.csv", "名字,备注\n李四,乙\n", encoding="utf-8-sig")
    college.file("e/plain.tsv", "名字\t备注\n赵五\t丙,丁\n")
    college.source(
        _files_source(
            "enc",
            [
                {"name": "gb", "path": "e/gb18030.csv"},
                {"name": "bom", "path": "e/bom.csv", "format": "csv"},
                {"name": "tsv", "path": "e/plain.tsv", "format": "tsv"},
            ],
        )
    )
    assert sync(college.home, progress=False).ok
    assert college.rows("enc__gb", "名字, 备注") == [("王𠀀", "甲")]
    assert college.rows("enc__bom", "名字, 备注") == [("李四", "乙")]
    assert college.rows("enc__tsv", "名字, 备注") == [("赵五", "丙,丁")]


def test_malformed_rows_are_rejected_with_reasons_and_rows_keep_their_numbers(college: College) -> None:
    college.file("bad/a.csv", "id,name,score\n1,a,90\n2,b\n3,c,70\n4,d,60,extra\n5,e,50\n")
    college.file("bad/b.csv", "id,name\n1,好\n".encode() + b"2,\xb9\xfe\xff\n" + "3,也好\n".encode("gbk"))
    college.source(
        _files_source(
            "bad",
            [
                {"name": "a", "path": "bad/a.csv", "format": "csv"},
                {"name": "b", "path": "bad/b.csv", "format": "csv", "encoding": "utf-8"},
            ],
        )
    )
    report = sync(college.home, progress=False)
    by_table = {t.table: t for t in report.tables}
    assert (by_table["a"].rows_read, by_table["a"].rows_loaded, by_table["a"].rows_rejected) == (5, 3, 2)
    assert college.rows("bad__a", "id, _source_row") == [("1", 1), ("3", 3), ("5", 5)]
    rejects = college.rejects("a")
    assert [(r[1], r[2]) for r in rejects] == [(2, "2,b"), (4, "4,d,60,extra")]
    assert "MISSING COLUMNS" in str(rejects[0][3])
    assert "TOO MANY COLUMNS" in str(rejects[1][3])
    # Invalid UTF-8 in a file declared UTF-8: the bad lines are rejected, the good one stays.
    assert by_table["b"].rows_rejected >= 1
    assert ("1", "好", 1) in college.rows("bad__b", "id, name, _source_row")
    assert by_table["b"].rows_read == by_table["b"].rows_loaded + by_table["b"].rows_rejected == 3


def test_undecodable_gbk_line_is_rejected_and_later_rows_keep_their_numbers(college: College) -> None:
    good = "编号,名称\n1,甲\n".encode("gbk")
    broken = b"2,\x81\x20\n"  # 0x81 opens a two-byte GBK character that 0x20 cannot finish
    college.file("g/x.csv", good + broken + "3,丙\n".encode("gbk"))
    college.source(_files_source("g", [{"name": "x", "path": "g/x.csv", "encoding": "gbk"}]))
    [table] = sync(college.home, progress=False).tables
    assert (table.rows_read, table.rows_loaded, table.rows_rejected) == (3, 2, 1)
    assert college.rows("g__x", "编号, _source_row") == [("1", 1), ("3", 3)]
    [(file, row, _raw, reason)] = college.rejects("x")
    assert (file, row) == ("g:g/x.csv", 2)
    assert "INVALID ENCODING" in str(reason)


def _workbook_with_title_and_merged_header(path: Path, extra_row: bool = False) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "教职工"
    sheet.append(["望湖职业技术学院教职工信息表（导出时间 2026-11-30）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    sheet.append(["基本信息", None, "岗位信息", None, "备注"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    sheet.merge_cells(start_row=2, start_column=3, end_row=2, end_column=4)
    sheet.merge_cells(start_row=2, start_column=5, end_row=3, end_column=5)
    sheet.append(["工号 GH", "姓名 XM", "单位号 DWH", "姓名 XM", None])
    sheet.append(["2005001", "宋勇", "001", "宋主任", 1.0])
    sheet.append([None, None, None, None, None])
    sheet.append(["2005002", "王婷", "107", None, 2.5])
    if extra_row:
        sheet.append(["2005003", "李明", "108", None, None, "多出来的一列"])
    workbook.save(path)


def test_xlsx_title_row_and_merged_two_level_header_detected(college: College) -> None:
    path = college.home / "hr" / "staff.xlsx"
    path.parent.mkdir(parents=True)
    _workbook_with_title_and_merged_header(path, extra_row=True)
    college.source(_files_source("renshi", [{"name": "jzg", "path": "hr/staff.xlsx"}]))
    [table] = sync(college.home, progress=False).tables
    assert (table.rows_read, table.rows_loaded, table.rows_rejected) == (3, 2, 1)
    # The lower row names a column; a name the lower row repeats becomes group/name; a column
    # merged down through both header rows keeps its one name.
    assert college.columns("renshi__jzg")[:5] == [
        "工号 GH",
        "基本信息/姓名 XM",
        "单位号 DWH",
        "岗位信息/姓名 XM",
        "备注",
    ]
    assert college.rows("renshi__jzg", '"工号 GH", "岗位信息/姓名 XM", "备注", _source_row') == [
        ("2005001", "宋主任", "1", 1),
        ("2005002", None, "2.5", 3),
    ]
    [(_file, row, raw, reason)] = college.rejects("jzg")
    assert row == 4 and "多出来的一列" in str(raw) and "TOO MANY COLUMNS" in str(reason)


def test_xlsx_hints_from_yaml(college: College) -> None:
    path = college.home / "hr" / "staff.xlsx"
    path.parent.mkdir(parents=True)
    _workbook_with_title_and_merged_header(path)
    college.source(
        _files_source(
            "renshi",
            [
                {
                    "name": "by_rows",
                    "path": "hr/staff.xlsx",
                    "sheet": "教职工",
                    "title_rows": 1,
                    "header_rows": [2, 3],
                },
                {"name": "by_count", "path": "hr/staff.xlsx", "title_rows": 1, "header_rows": 2},
                {"name": "lower_only", "path": "hr/staff.xlsx", "header_rows": [3], "data_start_row": 4},
            ],
        )
    )
    assert sync(college.home, progress=False).ok
    assert college.columns("renshi__by_rows") == college.columns("renshi__by_count")
    assert college.columns("renshi__lower_only")[:5] == [
        "工号 GH",
        "姓名 XM",
        "单位号 DWH",
        "姓名 XM_2",
        "备注",
    ]
    assert len(college.rows("renshi__by_rows")) == 2


def test_daily_glob_with_missing_day_loads_new_days_only(college: College) -> None:
    for day in ("20250310", "20250311", "20250313"):
        college.file(f"ykt/tx/{day}.csv", f"JYLSH,JE\n{day}-1,12.5\n{day}-2,3\n")
    college.source(
        _files_source(
            "yikatong",
            [{"name": "tx", "path": "ykt/tx/*.csv", "format": "csv", "daily_file_pattern": "%Y%m%d.csv"}],
        )
    )
    [first] = sync(college.home, progress=False).tables
    assert (first.status, first.files_loaded, first.rows_loaded) == ("loaded", 3, 6)
    assert first.missing_periods == ("2025-03-12",)
    # The late day arrives: only it is loaded, and the gap is gone.
    college.file("ykt/tx/20250312.csv", "JYLSH,JE\n20250312-1,8\n")
    [second] = sync(college.home, progress=False).tables
    assert (second.files_loaded, second.files_skipped, second.rows_loaded) == (1, 3, 1)
    assert second.missing_periods == ()
    sources = [r[0] for r in college.fetch('SELECT DISTINCT _source FROM ods.ods."yikatong__tx" ORDER BY 1')]
    assert sources == [f"yikatong:ykt/tx/2025031{d}.csv" for d in (0, 1, 2, 3)]


def _yearly_workbook(path: Path, rows: list[tuple[str, str]]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "毕业生就业信息"
    sheet.append(["学号", "毕业去向代码"])
    for row in rows:
        sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def test_glob_of_yearly_workbooks_loads_new_and_changed_files_only(college: College) -> None:
    folder = college.home / "jy"
    _yearly_workbook(folder / "2024届毕业生就业信息.xlsx", [("2101001", "10"), ("2101002", "80")])
    _yearly_workbook(folder / "2025届毕业生就业信息.xlsx", [("2201001", "70")])
    college.source(
        _files_source(
            "jiuye", [{"name": "JY_BYS", "path": "jy/*.xlsx", "sheet": "毕业生就业信息", "header_rows": [1]}]
        )
    )
    [first] = sync(college.home, progress=False).tables
    assert (first.status, first.files_loaded, first.rows_loaded) == ("loaded", 2, 3)
    label = "jiuye:jy/{}届毕业生就业信息.xlsx".format
    assert college.rows("jiuye__JY_BYS", "学号, 毕业去向代码, _source, _source_row") == [
        ("2101001", "10", label(2024), 1),
        ("2101002", "80", label(2024), 2),
        ("2201001", "70", label(2025), 1),
    ]
    # Next 届's workbook is dropped in (here a copy: same bytes, new name): only it is loaded.
    (folder / "2026届毕业生就业信息.xlsx").write_bytes((folder / "2025届毕业生就业信息.xlsx").read_bytes())
    [second] = sync(college.home, progress=False).tables
    assert (second.files_loaded, second.files_skipped, second.rows_loaded) == (1, 2, 1)
    # A workbook sent again with a correction replaces its own rows and no other file's.
    _yearly_workbook(
        folder / "2024届毕业生就业信息.xlsx", [("2101001", "10"), ("2101002", "11"), ("2101003", "80")]
    )
    [third] = sync(college.home, progress=False).tables
    assert (third.files_loaded, third.files_skipped, third.rows_loaded) == (1, 2, 3)
    rows = college.rows("jiuye__JY_BYS", "_source, 学号, 毕业去向代码, _batch_id")
    assert [r[:3] for r in rows] == [
        (label(2024), "2101001", "10"),
        (label(2024), "2101002", "11"),
        (label(2024), "2101003", "80"),
        (label(2025), "2201001", "70"),
        (label(2026), "2201001", "70"),
    ]
    assert [r[3] for r in rows] == [third.batch_id] * 3 + [first.batch_id, second.batch_id]
    assert college.fetch("SELECT count(*) FROM meta.files") == [(3,)]


def test_rerun_loads_nothing_and_changed_snapshot_replaces_its_rows(college: College) -> None:
    college.file("x/a.csv", "id,v\n1,a\n2,b\n")
    college.source(_files_source("s", [{"name": "a", "path": "x/a.csv"}]))
    sync(college.home, progress=False)
    [again] = sync(college.home, progress=False).tables
    assert (again.status, again.rows_loaded, again.files_skipped) == ("unchanged", 0, 1)
    college.file("x/a.csv", "id,v\n1,a\n2,B\n3,c\n")
    [changed] = sync(college.home, progress=False).tables
    assert (changed.status, changed.rows_loaded) == ("loaded", 3)
    assert college.rows("s__a", "id, v") == [("1", "a"), ("2", "B"), ("3", "c")]
    assert college.fetch("SELECT count(*) FROM meta.files") == [(1,)]
    statuses = [r[0] for r in college.fetch("SELECT status FROM meta.batches ORDER BY started_at")]
    assert statuses == ["loaded", "unchanged", "loaded"]


def test_new_column_in_a_later_file_is_added(college: College) -> None:
    college.file("d/20250101.csv", "id,v\n1,a\n")
    college.source(_files_source("s", [{"name": "d", "path": "d/*.csv"}]))
    sync(college.home, progress=False)
    college.file("d/20250102.csv", "id,v,w\n2,b,x\n")
    sync(college.home, progress=False)
    assert college.rows("s__d", "id, v, w") == [("1", "a", None), ("2", "b", "x")]


def test_json_and_json_lines(college: College) -> None:
    document = {"meta": {"v": 1}, "data": {"projects": [{"编号": "P1", "成员": ["a", "b"], "金额": 1.5}, 7]}}
    college.file("k/dump.json", json.dumps(document, ensure_ascii=False))
    college.file(
        "k/flow.jsonl", '{"id": 1, "ok": true}\n\n{"id": 2, "ok": false, "x": null}\n{"id": 3,\n[1]\n'
    )
    college.source(
        _files_source(
            "keyan",
            [
                {"name": "projects", "path": "k/dump.json", "format": "json", "json_path": "data.projects"},
                {"name": "flow", "path": "k/flow.jsonl", "format": "jsonl"},
            ],
        )
    )
    by_table = {t.table: t for t in sync(college.home, progress=False).tables}
    assert college.rows("keyan__projects", '"编号", "成员", "金额"') == [("P1", '["a","b"]', "1.5")]
    assert by_table["projects"].rows_rejected == 1
    assert college.rows("keyan__flow", "id, ok, x, _source_row") == [
        ("1", "true", None, 1),
        ("2", "false", None, 3),
    ]
    assert [(r[1], str(r[3]).split(":")[0]) for r in college.rejects("flow")] == [
        (4, "MALFORMED JSON"),
        (5, "NOT AN OBJECT"),
    ]


def test_one_broken_file_does_not_stop_the_others(college: College) -> None:
    college.file("w/20250101.xlsx", b"this is not a workbook")
    path = college.home / "w" / "20250102.xlsx"
    _workbook_with_title_and_merged_header(path)
    college.file("ok/a.csv", "id\n1\n")
    college.source(
        _files_source("w", [{"name": "books", "path": "w/*.xlsx"}, {"name": "missing", "path": "w/none.csv"}])
    )
    college.source(_files_source("ok", [{"name": "a", "path": "ok/a.csv"}]))
    college.source({"name": "broken", "kind": "nonsense", "tables": [{"name": "t"}]})
    (college.home / "sources" / "unreadable.yaml").write_text("name: [", encoding="utf-8")
    report = sync(college.home, progress=False)
    by_table = {(t.source, t.table): t for t in report.tables}
    books = by_table[("w", "books")]
    assert (books.status, books.files_loaded, books.rows_loaded) == ("partial", 1, 2)
    assert "20250101.xlsx" in str(books.error)
    assert by_table[("w", "missing")].status == "failed"
    assert by_table[("ok", "a")].status == "loaded"
    assert by_table[("broken", "t")].status == "failed" and "unknown kind" in str(
        by_table[("broken", "t")].error
    )
    assert len(report.config_errors) == 1 and "unreadable.yaml" in report.config_errors[0]
    assert not report.ok
    # The broken file is retried next time (its hash was never recorded); the good one is not.
    [rerun] = [t for t in sync(college.home, source="w", progress=False).tables if t.table == "books"]
    assert (rerun.files_loaded, rerun.files_skipped, rerun.status) == (0, 1, "failed")


def test_same_content_with_a_new_mtime_is_not_reloaded_and_same_size_edits_are(college: College) -> None:
    path = college.file("m/a.csv", "id,v\n1,a\n")
    college.source(_files_source("m", [{"name": "a", "path": "m/a.csv"}]))
    sync(college.home, progress=False)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    [touched] = sync(college.home, progress=False).tables
    assert (touched.status, touched.files_skipped) == ("unchanged", 1)
    assert college.fetch("SELECT mtime_ns FROM meta.files") == [(path.stat().st_mtime_ns,)]
    college.file("m/a.csv", "id,v\n1,b\n")  # same size, new content
    [edited] = sync(college.home, progress=False).tables
    assert (edited.status, edited.rows_loaded) == ("loaded", 1)
    assert college.rows("m__a", "v") == [("b",)]


def test_status_of_a_source_with_a_failing_table(college: College) -> None:
    college.file("st/a.csv", "id\n1\n")
    college.source(
        _files_source("st", [{"name": "a", "path": "st/a.csv"}, {"name": "b", "path": "st/none.csv"}])
    )
    sync(college.home, progress=False)
    [source] = status(college.home)
    assert source.freshness == "stale" and source.last_sync is not None
    assert "none.csv" in str(source.last_error)
    by_table = {t.table: t for t in source.tables}
    assert (by_table["a"].rows, by_table["a"].last_status) == (1, "loaded")
    assert (by_table["b"].last_loaded_at, by_table["b"].last_status) == (None, "failed")


def test_quoted_header_multiline_values_and_blank_lines(college: College) -> None:
    college.file("q/a.csv", '"编号","备注"\n1,"第一行\n第二行"\n2,"含,逗号"\n\n3,"引号""内"\n')
    college.source(_files_source("q", [{"name": "a", "path": "q/a.csv"}]))
    [table] = sync(college.home, progress=False).tables
    assert (table.rows_read, table.rows_loaded, table.rows_rejected) == (3, 3, 0)
    assert college.rows("q__a", '"编号", "备注", _source_row') == [
        ("1", "第一行\n第二行", 1),
        ("2", "含,逗号", 2),
        ("3", '引号"内', 3),
    ]


def test_glob_chunk_with_a_bad_row_falls_back_to_file_by_file(college: College) -> None:
    college.file("c/20250101.csv", "id,v\n1,a\n2,b\n")
    college.file("c/20250102.csv", "id,v\n3,c\n4\n5,e\n")
    college.file("c/20250103.csv", "id,v\n6,f\n")
    college.source(_files_source("c", [{"name": "d", "path": "c/*.csv", "encoding": "utf-8"}]))
    [table] = sync(college.home, progress=False).tables
    assert (table.status, table.rows_read, table.rows_loaded, table.rows_rejected, table.error) == (
        "loaded",
        6,
        5,
        1,
        None,
    )
    rows = college.rows("c__d", "_source, id, _source_row")
    assert [(str(s).rsplit("/", 1)[-1], i, n) for s, i, n in rows] == [
        ("20250101.csv", "1", 1),
        ("20250101.csv", "2", 2),
        ("20250102.csv", "3", 1),
        ("20250102.csv", "5", 3),
        ("20250103.csv", "6", 1),
    ]
    assert [(r[0], r[1], r[2]) for r in college.rejects("d")] == [("c:c/20250102.csv", 2, "4")]
    assert college.fetch("SELECT path, rows_loaded, rows_rejected FROM meta.files ORDER BY path") == [
        ("c:c/20250101.csv", 2, 0),
        ("c:c/20250102.csv", 2, 1),
        ("c:c/20250103.csv", 1, 0),
    ]
