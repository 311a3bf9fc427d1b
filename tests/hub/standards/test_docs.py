"""docs/standards.md describes every code set that ships, with its size."""

from __future__ import annotations

import re
from pathlib import Path

from campusbrain.hub.standards.codesets import code_set, code_systems
from campusbrain.hub.standards.elements import data_elements

DOC = Path(__file__).resolve().parents[3] / "docs" / "standards.md"


def _table_rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([^`]+)` \|(.*)\|$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def test_every_code_system_is_documented_with_its_version_and_size() -> None:
    rows = _table_rows()
    for system, versions in code_systems().items():
        assert system in rows, f"docs/standards.md does not describe {system}"
        _title, version, count, _source = rows[system]
        assert version == versions[-1], system
        assert int(count) == len(code_set(system).codes), system


def test_element_count_in_docs_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    elements = data_elements()
    assert f"{len({e.entity for e in elements})} entities and {len(elements)} elements" in text
