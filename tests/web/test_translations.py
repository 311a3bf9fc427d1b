"""The compiled Chinese catalogue matches its .po source: no English leaks into the Chinese UI."""

from __future__ import annotations

from django.utils import translation
from tests.catalogues import CATALOGUE_APPS, po_entries


def test_every_message_is_translated_and_compiled():
    entries = po_entries("web")
    assert len(entries) > 40
    with translation.override("zh-hans"):
        for msgid, msgstr in entries.items():
            assert msgstr, f"untranslated: {msgid!r}"
            # A stale .mo (po edited, compilemessages not run) shows up as the English msgid here.
            assert translation.gettext(msgid) == msgstr, f"recompile the catalogue: {msgid!r}"


def test_a_message_in_several_catalogues_has_one_translation():
    # Django merges the apps' catalogues and the first app wins, so a msgid translated two ways
    # shows one app's words on the other's pages (and fails that app's catalogue test).
    seen: dict[str, tuple[str, str]] = {}
    for app in CATALOGUE_APPS:
        for msgid, msgstr in po_entries(app).items():
            first = seen.setdefault(msgid, (app, msgstr))
            assert first[1] == msgstr, f"{msgid!r}: {first[0]} says {first[1]!r}, {app} says {msgstr!r}"
