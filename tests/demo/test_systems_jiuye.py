"""就业 export: one workbook per 届, every graduate linked, codes from the standard or logged."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from campusbrain.demo.reference import GRADUATE_DESTINATIONS


def test_graduates_linked_and_coded(small_college: Path, manifest: dict[str, Any]) -> None:
    with open(small_college / "demo-sources" / "_truth" / "person_links.csv", encoding="utf-8") as fh:
        links = {(r["table"], r["key"]) for r in csv.DictReader(fh) if r["system"] == "jiuye"}
    odd = {
        d["key"]
        for d in manifest["defects"]
        if d["system"] == "jiuye" and d["kind"] == "code_outside_standard"
    }
    for year in (2024, 2025, 2026):
        path = small_college / "demo-sources" / "jiuye" / f"{year}届毕业生就业信息.xlsx"
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("毕业生就业信息").to_python()
        assert rows[0][0] == "学号"
        assert len(rows) - 1 == manifest["row_counts"][f"jiuye.JY_BYS_{year}"]
        for r in rows[1:]:
            assert (f"JY_BYS_{year}", r[0]) in links
            assert r[8] in GRADUATE_DESTINATIONS or r[0] in odd
