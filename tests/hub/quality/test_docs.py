"""docs/quality.md stays true: its example parses, and every kind, dimension, weight and SLA is there."""

from __future__ import annotations

import re
from pathlib import Path

from campusbrain.hub.quality.rules import DIMENSIONS, KINDS, parse_rule_file
from campusbrain.hub.quality.run import RULE_RESULT_COLUMNS
from campusbrain.hub.quality.scores import WEIGHTS
from campusbrain.hub.quality.tickets import SLA

DOC = (Path(__file__).resolve().parents[3] / "docs" / "quality.md").read_text(encoding="utf-8")


def test_the_example_rule_file_parses(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(.*?)```", DOC, re.S)
    assert example is not None
    path = tmp_path / "card_transaction.quality.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    rules = parse_rule_file(path, folder_layer="dwd")
    assert [r.kind for r in rules] == ["reference", "range"]
    assert rules[0].owner == "008 后勤服务中心"


def test_every_kind_is_documented_with_its_fields() -> None:
    for kind, (required, _optional) in KINDS.items():
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{kind}` |")), None)
        assert row is not None, kind
        for name in required:
            assert f"`{name}`" in row, (kind, name)


def test_dimensions_and_weights_match() -> None:
    for dimension in DIMENSIONS:
        assert f"| `{dimension}` |" in DOC and f"| {WEIGHTS[dimension]:.2f} |" in DOC, dimension


def test_ticket_deadlines_match() -> None:
    assert f"due in {SLA['error'].days} days for `error`" in DOC
    assert f"{SLA['warn'].days} days for `warn`" in DOC


def test_every_result_column_the_doc_names_exists() -> None:
    columns = {name for name, _ in RULE_RESULT_COLUMNS}
    assert "failing_query" in columns and "`failing_query`" in DOC
