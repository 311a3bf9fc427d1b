"""Derive shipped code set files from published machine-readable sources.

Two code sets are too long to type and are derived instead:

- GB/T 2260 行政区划代码 from python-stdnum's ``stdnum/cn/loc.dat`` (the 国家统计局/民政部
  lists as collected on Wikipedia, one line per code with the years each name was in use);
- GB/T 2659 国家和地区代码 from Debian's iso-codes (ISO 3166-1, which GB/T 2659-2000 adopts)
  with its zh_CN translation for the Chinese names.

``scripts/build_gbt2260.py`` and ``scripts/build_gbt2659.py`` write the CSV files; a test checks
that the shipped GB/T 2260 file still equals what this module derives from the installed stdnum.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from importlib import resources

from campusbrain.hub.standards.codesets import COUNTRY, COUNTRY_ALPHA3, DIVISION, CodeValue

_PROVINCE_LINE = re.compile(r'^(\d{2}) province="([^"]*)"$')
_COUNTY_LINE = re.compile(r'^\s+(\d{4}) county="([^"]*)"$')
_PERIOD = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")

# Wikipedia spells the two SARs' province lines in traditional characters; their "0000" county
# lines are simplified and win, but a file without them should still read right.
_SIMPLIFIED = {"香港特別行政區": "香港特别行政区", "澳門特別行政區": "澳门特别行政区"}

# GB/T 2659 names that differ from the iso-codes zh_CN translation [K: checked against usage in
# 教育部/公安部 forms, not against the text of GB/T 2659-2000 itself].
GBT2659_NAME_OVERRIDES = {
    "158": "中国台湾",
    "344": "中国香港",
    "446": "中国澳门",
    "408": "朝鲜",
    "410": "韩国",
}
GBT2659_VERSION = "2000"


def stdnum_loc_dat() -> str:
    """The text of the installed python-stdnum ``cn/loc.dat``."""
    return resources.files("stdnum").joinpath("cn", "loc.dat").read_text(encoding="utf-8")


def _periods(text: str) -> list[tuple[int | None, int | None, str]]:
    periods = []
    for part in text.split(","):
        match = _PERIOD.match(part)
        if match:
            start, end, name = match.groups()
            periods.append((int(start) if start else None, int(end) if end else None, name))
        else:
            periods.append((None, None, part))
    return periods


def gbt2260_values(loc_dat: str) -> list[CodeValue]:
    """Every province, prefecture and county code in ``loc.dat``, old and current.

    One row per code: the name is the latest one the code carried; ``valid_from`` is 1 January of
    the first year it was in use (empty when it predates the list), ``valid_to`` 31 December of
    the last year (empty while in force). A code that lapsed and came back is treated as valid
    in between: loc.dat has very few such codes and an ID number issued then is still real.
    ``parent`` is the prefecture (``XXYY00``) when the list has one, else the province.
    """
    entries: dict[str, list[tuple[int | None, int | None, str]]] = {}
    province_names: dict[str, str] = {}
    province = ""
    for line in loc_dat.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if match := _PROVINCE_LINE.match(line):
            province, name = match.groups()
            province_names[province] = _SIMPLIFIED.get(name, name)
        elif match := _COUNTY_LINE.match(line):
            entries[province + match.group(1)] = _periods(match.group(2))
        else:
            raise ValueError(f"unexpected loc.dat line: {line!r}")
    for prefix, name in province_names.items():
        entries.setdefault(prefix + "0000", [(None, None, name)])

    years = [y for periods in entries.values() for p in periods for y in p[:2] if y is not None]
    version = str(max(years))
    values = []
    for code in sorted(entries):
        periods = entries[code]
        starts = [p[0] for p in periods]
        ends = [p[1] for p in periods]
        start = None if None in starts else min(y for y in starts if y is not None)
        end = None if None in ends else max(y for y in ends if y is not None)
        latest = max(periods, key=lambda p: (p[1] is None, p[1] or 0, p[0] or 0))
        values.append(
            CodeValue(
                code_system=DIVISION,
                version=version,
                code=code,
                name=latest[2],
                parent=_division_parent(code, entries),
                valid_from=date(start, 1, 1) if start is not None else None,
                valid_to=date(end, 12, 31) if end is not None else None,
            )
        )
    return values


def _division_parent(code: str, known: Mapping[str, object]) -> str | None:
    if code.endswith("0000"):
        return None
    province = code[:2] + "0000"
    prefecture = code[:4] + "00"
    if code.endswith("00") or prefecture == province or prefecture not in known:
        return province
    return prefecture


def gbt2659_values(countries: Iterable[Mapping[str, str]], chinese: Callable[[str], str]) -> list[CodeValue]:
    """GB/T 2659 numeric codes and alpha-3 codes from ISO 3166-1 entries.

    ``countries`` are iso-codes ``iso_3166-1.json`` entries (``numeric``, ``alpha_3``, ``name``);
    ``chinese`` translates an English ISO name to its zh_CN short name.
    """
    numeric: list[CodeValue] = []
    alpha3: list[CodeValue] = []
    for entry in sorted(countries, key=lambda e: e["numeric"]):
        name = GBT2659_NAME_OVERRIDES.get(entry["numeric"]) or chinese(entry["name"])
        for system, code, values in (
            (COUNTRY, entry["numeric"], numeric),
            (COUNTRY_ALPHA3, entry["alpha_3"], alpha3),
        ):
            values.append(CodeValue(system, GBT2659_VERSION, code, name, None, None, None))
    return numeric + sorted(alpha3, key=lambda v: v.code)
