"""就业 export: one workbook per 届 behind ONE table (a glob), every graduate linked, codes from the
standard or logged."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import yaml
from python_calamine import CalamineWorkbook

from campusbrain.demo.reference import GRADUATE_DESTINATIONS


def test_one_table_globs_the_yearly_workbooks(small_college: Path, manifest: dict[str, Any]) -> None:
    source = yaml.safe_load((small_college / "sources" / "jiuye.yaml").read_text(encoding="utf-8"))
    [table] = source["tables"]
    assert table["name"] == "JY_BYS"
    files = sorted(p.name for p in small_college.glob(table["path"]))
    # Next year's workbook joins the table by being dropped into the folder: the path is a glob.
    assert files == [f"{year}届毕业生就业信息.xlsx" for year in (2024, 2025, 2026)]
    assert list(manifest["systems"]["jiuye"]["tables"]) == ["JY_BYS"]
    assert not any(key.startswith("jiuye.") and key != "jiuye.JY_BYS" for key in manifest["row_counts"])


def test_graduates_linked_and_coded(small_college: Path, manifest: dict[str, Any]) -> None:
    with open(small_college / "demo-sources" / "_truth" / "person_links.csv", encoding="utf-8") as fh:
        links = [(r["table"], r["key"]) for r in csv.DictReader(fh) if r["system"] == "jiuye"]
    assert {table for table, _key in links} == {"JY_BYS"}
    odd = {
        d["key"]
        for d in manifest["defects"]
        if d["system"] == "jiuye" and d["kind"] == "code_outside_standard"
    }
    assert {d["table"] for d in manifest["defects"] if d["system"] == "jiuye"} == {"JY_BYS"}
    by_year = manifest["systems"]["jiuye"]["notes"]["rows_by_graduation_year"]
    keys: list[str] = []
    for path in sorted((small_college / "demo-sources" / "jiuye").glob("*.xlsx")):
        year = re.match(r"(\d{4})届", path.name)
        assert year, path.name
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("毕业生就业信息").to_python()
        assert rows[0][0] == "学号"
        assert len(rows) - 1 == by_year[year.group(1)] > 0
        for r in rows[1:]:
            assert r[8] in GRADUATE_DESTINATIONS or r[0] in odd
        keys += [r[0] for r in rows[1:]]
    assert sum(by_year.values()) == manifest["row_counts"]["jiuye.JY_BYS"] == len(keys)
    # A graduate is in one 届's workbook only, so 学号 alone links a row to its person.
    assert sorted(keys) == sorted(key for _table, key in links)
