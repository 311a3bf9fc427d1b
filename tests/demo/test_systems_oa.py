"""OA export: unique 文号, approval steps in time order."""

from __future__ import annotations

import json
from pathlib import Path


def test_documents_and_flows(small_college: Path) -> None:
    root = small_college / "demo-sources" / "oa"
    docs = json.loads((root / "gongwen.json").read_text(encoding="utf-8"))
    numbers = [d["文号"] for d in docs]
    assert len(set(numbers)) == len(numbers)
    flows = [json.loads(line) for line in (root / "liucheng.jsonl").read_text(encoding="utf-8").splitlines()]
    assert flows
    for flow in flows:
        times = [s["审批时间"] for s in flow["环节"] if s["审批时间"]]
        assert times == sorted(times)
        if flow["状态"] == "审批中":
            assert flow["办结时间"] is None
        if flow["办结时间"] and "T" in flow["发起时间"]:
            assert flow["发起时间"] <= flow["办结时间"]
