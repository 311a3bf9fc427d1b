"""Reading the apps' Chinese gettext catalogues (.po) in tests: one parser for every app's catalogue."""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path

# The apps that ship their own catalogue (``<app>/locale``); the shell's is ``web``.
CATALOGUE_APPS = ("web", "cockpit", "governance")


def po_file(app: str) -> Path:
    """The zh_Hans ``django.po`` of ``campusbrain.<app>``."""
    package = import_module(f"campusbrain.{app}")
    return Path(package.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def po_entries(app: str) -> dict[str, str]:
    """msgid → msgstr of the app's catalogue (the singular form of a plural entry)."""
    entries: dict[str, str] = {}
    for block in po_file(app).read_text(encoding="utf-8").split("\n\n"):
        match = re.search(
            r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n?)+)',
            block + "\n",
            flags=re.M,
        )
        if match:
            msgid, msgstr = ("".join(re.findall(r'"(.*)"', part)) for part in match.groups())
            if msgid:
                entries[msgid.replace('\\"', '"')] = msgstr.replace('\\"', '"')
    return entries
