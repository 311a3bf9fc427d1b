"""docs/sources.md names every YAML key the connectors read, so the documentation stays true."""

from __future__ import annotations

import re
from pathlib import Path

import campusbrain.hub.sources as sources

ROOT = Path(__file__).resolve().parents[3]


def test_every_key_the_connectors_read_is_documented() -> None:
    docs = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    code = "\n".join(p.read_text(encoding="utf-8") for p in Path(sources.__file__).parent.glob("*.py"))
    keys = set(re.findall(r'(?:table|source|paging|incremental)\.(?:get|require)\("([a-z_]+)"', code))
    keys |= set(re.findall(r'paging\.get\("([a-z_]+)"', code))
    assert {"path", "encoding", "json_path", "header_rows", "url"} <= keys
    undocumented = sorted(k for k in keys if f"`{k}`" not in docs and f"{k}`" not in docs)
    assert not undocumented, f"keys read by connectors but missing from docs/sources.md: {undocumented}"


def test_every_registered_kind_is_documented() -> None:
    docs = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    for kind in sources.CONNECTORS:
        assert f"`{kind}`" in docs
