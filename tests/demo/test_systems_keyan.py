"""科研 export: patent check characters, arrivals within contracts, orphan leaders logged."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from campusbrain.demo.systems.keyan import patent_number
from campusbrain.demo.world import build_world

from .conftest import SMALL


def test_records_are_consistent(small_college: Path, manifest: dict[str, Any]) -> None:
    dump = json.loads(
        (small_college / "demo-sources" / "keyan" / "keyan_dump.json").read_text(encoding="utf-8")
    )
    for patent in dump["patents"]:
        body = patent["专利号"][2:14]
        assert patent_number(int(body[:4]), body[4], int(body[5:])) == patent["专利号"]
        assert patent["申请日期"] < patent["授权日期"]
    contracts = {p["项目编号"]: p["合同金额"] for p in dump["projects"]}
    received: dict[str, float] = defaultdict(float)
    for f in dump["funding"]:
        received[f["项目编号"]] += f["金额"]
    assert all(received[k] <= contracts[k] + 0.01 for k in received)
    staff = build_world(students=SMALL["students"], seed=SMALL["seed"]).staff_by_gh
    unknown = {p["项目编号"] for p in dump["projects"] if p["负责人工号"] not in staff}
    logged = {
        d["key"]
        for d in manifest["defects"]
        if d["system"] == "keyan" and d["table"] == "projects" and d["kind"] == "orphan_reference"
    }
    assert unknown == logged
