"""财务 export: balanced vouchers, orphan projects logged, 科研到款 shared with 科研."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any


def _rows(home: Path, name: str) -> list[dict[str, str]]:
    with open(home / "demo-sources" / "caiwu" / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_vouchers_balance_and_orphans_are_logged(small_college: Path, manifest: dict[str, Any]) -> None:
    budget = {r["项目编号"] for r in _rows(small_college, "CW_YSZB.csv")}
    lines = {(r["凭证号"], r["分录号"]): r for r in _rows(small_college, "CW_PZ.csv")}  # duplicates collapse
    debit: dict[str, int] = defaultdict(int)
    credit: dict[str, int] = defaultdict(int)
    for (voucher, _), r in lines.items():
        debit[voucher] += int(r["借方金额(分)"])
        credit[voucher] += int(r["贷方金额(分)"])
    assert debit == credit
    orphans = {r["凭证号"] for r in lines.values() if r["项目编号"] not in budget}
    logged = {
        d["key"].split("|")[0]
        for d in manifest["defects"]
        if d["system"] == "caiwu" and d["kind"] == "orphan_reference"
    }
    assert orphans == logged


def test_research_income_matches_research_arrivals(small_college: Path) -> None:
    dump = json.loads(
        (small_college / "demo-sources" / "keyan" / "keyan_dump.json").read_text(encoding="utf-8")
    )
    arrivals = {f["到款编号"]: f for f in dump["funding"]}
    research = [r for r in _rows(small_college, "CW_SR.csv") if r["收入类别"].startswith("科研")]
    assert research
    for r in research:
        arrival = arrivals[r["摘要"].split()[0]]
        assert int(r["金额(分)"]) == round(arrival["金额"] * 100)
        assert r["项目编号"] == arrival["项目编号"]
