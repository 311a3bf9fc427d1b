"""资产 export: title row, two-level merged header, unique asset numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook


def test_register_layout_and_keys(small_college: Path, manifest: dict[str, Any]) -> None:
    wb = CalamineWorkbook.from_path(str(small_college / "demo-sources" / "zichan" / "固定资产台账.xlsx"))
    rows = wb.get_sheet_by_name("固定资产台账").to_python()
    assert rows[0][0].startswith("望湖职业技术学院固定资产台账")
    assert rows[1][0] == "基本信息" and rows[1][-1] == "经费来源"
    assert rows[2][:3] == ["资产编号", "资产名称", "分类代码"]
    data = rows[3:]
    assert len(data) == manifest["row_counts"]["zichan.ZC_GDZCTZ"]
    numbers = [r[0] for r in data]
    assert len(set(numbers)) == len(numbers)
    assert any(isinstance(r[8], date) for r in data) and any(isinstance(r[8], str) for r in data)
    for r in data:
        assert round(r[5] * r[6], 2) == r[7]
        assert r[14] in ("在用", "闲置", "待报废", "已报废")
