"""The governance catalogue is complete and compiled: no English leaks into the Chinese pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from tests.catalogues import po_entries


def test_every_governance_message_is_translated_and_compiled():
    entries = po_entries("governance")
    assert len(entries) > 100
    with translation.override("zh-hans"):
        for msgid, msgstr in entries.items():
            assert msgstr, f"untranslated: {msgid!r}"
            # A stale .mo (po edited, compilemessages not run) shows up as the English msgid here.
            assert translation.gettext(msgid) == msgstr, f"recompile the catalogue: {msgid!r}"


def test_pages_are_chinese_first(hub_home, login):
    page = login("leader").get(reverse("platform-governance")).content.decode()

    assert "数据资源目录" in page
    assert "汇聚数据项" in page
    assert "Data catalog" not in page


def test_code_words_are_shown_in_chinese(hub_home, login):
    page = login("sysadmin").get(reverse("governance-workbench") + "?status=all").content.decode()

    assert "未关闭" in page
    assert ">open<" not in page


def test_the_language_switch_shows_english(hub_home, login):
    client = login("leader")
    client.post(reverse("set_language"), {"language": "en", "next": "/governance/"})

    page = client.get(reverse("platform-governance")).content.decode()

    assert "Data catalog" in page
    assert "catalogued data items" in page
