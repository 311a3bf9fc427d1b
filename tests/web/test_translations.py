"""The compiled Chinese catalogue matches its .po source: no English leaks into the Chinese UI."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

import campusbrain.web

PO_FILE = Path(campusbrain.web.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _po_entries() -> dict[str, str]:
    entries: dict[str, str] = {}
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", flags=re.M)
        if match:
            msgid, msgstr = ("".join(re.findall(r'"(.*)"', part)) for part in match.groups())
            if msgid:
                entries[msgid] = msgstr
    return entries


def test_every_message_is_translated_and_compiled():
    entries = _po_entries()
    assert len(entries) > 40
    with translation.override("zh-hans"):
        for msgid, msgstr in entries.items():
            assert msgstr, f"untranslated: {msgid!r}"
            # A stale .mo (po edited, compilemessages not run) shows up as the English msgid here.
            assert translation.gettext(msgid) == msgstr, f"recompile the catalogue: {msgid!r}"
