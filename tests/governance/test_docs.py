"""docs/governance.md stays true: its page table names the real URL names and its role table the real rules."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from campusbrain.governance import selectors, urls

DOC = Path(__file__).parents[2] / "docs" / "governance.md"


def test_every_page_of_the_app_is_documented_with_its_url():
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(/governance/[^`]*)` \| `([a-z-]+)` \|", text, flags=re.M)
    documented = {name for _path, name in rows}

    assert documented == {pattern.name for pattern in urls.urlpatterns}
    for path, name in rows:
        if "<" not in path:
            assert reverse(name) == path


def test_the_role_table_matches_the_selectors():
    text = DOC.read_text(encoding="utf-8")
    readers = re.search(r"^\| catalogue, item pages, [^|]*\| ([^|]*) \|", text, flags=re.M)

    assert readers is not None
    assert {r.strip() for r in readers.group(1).split(",")} == set(selectors.READ_ROLES)
    assert selectors.WORKBENCH_OWN_ROLES == {"steward"}
    assert selectors.WORKBENCH_ALL_ROLES == {"sysadmin"}
