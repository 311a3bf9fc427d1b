"""测评 export: 评教 rows point at the 教务 system's 教学班 and teachers (or at a logged orphan)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from campusbrain.demo.world import build_world

from .conftest import SMALL


def test_evaluations_reference_teaching_classes(small_college: Path, manifest: dict[str, Any]) -> None:
    world = build_world(students=SMALL["students"], seed=SMALL["seed"])
    orphans = {
        d["key"] for d in manifest["defects"] if d["system"] == "ceping" and d["kind"] == "orphan_reference"
    }
    with open(small_college / "demo-sources" / "ceping" / "CP_XSPJ.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for r in rows:
        assert r["学号"] in world.student_by_xh
        assert r["教师工号"] in world.staff_by_gh or r["评价ID"] in orphans
        items = [int(r[f"T{i:02d}"]) for i in range(1, 11)]
        assert all(1 <= v <= 5 for v in items) and int(r["总分"]) == 2 * sum(items)
        assert (
            r["课程代码"].startswith("GG") or r["课程代码"][:6] == world.student_by_xh[r["学号"]].major.code
        )
