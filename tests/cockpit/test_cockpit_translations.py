"""The cockpit's catalogue is complete and compiled: its pages are Chinese first, English on request."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from tests.catalogues import po_entries


def test_every_cockpit_message_is_translated_and_compiled():
    entries = po_entries("cockpit")
    assert len(entries) > 100
    with translation.override("zh-hans"):
        for msgid, msgstr in entries.items():
            assert msgstr, f"untranslated: {msgid!r}"
            # A stale .mo (po edited, compilemessages not run) shows up as the English msgid here.
            assert translation.gettext(msgid) == msgstr, f"recompile the catalogue: {msgid!r}"


def test_theme_pages_are_chinese_first(hub_home, login):
    page = login("leader").get(reverse("cockpit-theme", kwargs={"slug": "grades"})).content.decode()

    for chinese in ("全校", "分解维度", "较上期", "数据表", "大屏"):
        assert chinese in page, chinese
    for english in ("Whole college", "Break down by", "vs previous period", "Data table", "Big screen"):
        assert english not in page, english


def test_the_language_switch_shows_english(hub_home, login):
    client = login("leader")
    client.post(reverse("set_language"), {"language": "en", "next": "/cockpit/"})

    page = client.get(reverse("cockpit-theme", kwargs={"slug": "grades"})).content.decode()

    assert "Whole college" in page and "Break down by" in page
