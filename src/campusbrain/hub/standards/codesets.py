"""National code sets (国家/行业标准代码集) as versioned reference data.

Every code set ships as a CSV under ``data/codesets/`` with the columns
``code_system,version,code,name,parent,valid_from,valid_to``. Codes change over the years
(GB/T 2260 区划 every year, the 专业目录 every five), so a code carries its validity and a code
set may ship in several versions; the newest version is the default.

The 2015 → 2021 专业目录 crosswalk has its own file, ``major_crosswalk_2015_2021.csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

CODESET_COLUMNS = ("code_system", "version", "code", "name", "parent", "valid_from", "valid_to")
CROSSWALK_FILE = "major_crosswalk_2015_2021.csv"
CROSSWALK_COLUMNS = ("code_2015", "name_2015", "code_2021", "name_2021")

# The exact identifiers every module, SQL model and crosswalk file uses.
SEX = "GB/T 2261.1"
ETHNICITY = "GB/T 3304"
DIVISION = "GB/T 2260"
POLITICAL_STATUS = "GB/T 4762"
COUNTRY = "GB/T 2659"
COUNTRY_ALPHA3 = "GB/T 2659 alpha-3"
ID_TYPE = "JY/T 1001 SFZJLX"
STUDENT_STATUS = "JY/T 1001 XJZT"
EDUCATION = "JY/T 1001 XL"
TECHNICAL_TITLE = "JY/T 1001 ZYJSZW"
GRADUATE_DESTINATION = "BYQX"
MAJOR_2021 = "ZYML 2021"
MAJOR_2015 = "ZYML 2015"


class CodeSetError(ValueError):
    """A code set file is malformed, or a code system/version does not exist."""


@dataclass(frozen=True)
class CodeValue:
    """One code of one version of a code system, valid from/to the given dates (None = open)."""

    code_system: str
    version: str
    code: str
    name: str
    parent: str | None
    valid_from: date | None
    valid_to: date | None

    def is_valid(self, on: date | None = None) -> bool:
        """True when the code is in force on ``on`` (any code is, when ``on`` is None)."""
        if on is None:
            return True
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_to is None or on <= self.valid_to


@dataclass(frozen=True)
class CodeSet:
    """One version of a code system, with look-ups by code and by name."""

    code_system: str
    version: str
    values: tuple[CodeValue, ...]
    _by_code: dict[str, CodeValue] = field(init=False, repr=False, compare=False)
    _by_name: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code = {v.code: v for v in self.values}
        by_name: dict[str, str] = {}
        # A name that was used by several codes (a 区划 renamed back and forth, "市辖区" under
        # every city) is ambiguous: prefer the code in force now, else the newest one.
        for value in sorted(self.values, key=_recency):
            by_name[value.name] = value.code
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_by_name", by_name)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code of this version, in file order."""
        return tuple(v.code for v in self.values)

    def get(self, code: str) -> CodeValue | None:
        """The code's full row, or None when the code is not in this set."""
        return self._by_code.get(code)

    def name_of(self, code: str) -> str | None:
        """The official name of ``code``, or None when the code is not in this set."""
        value = self._by_code.get(code)
        return value.name if value else None

    def code_of_name(self, name: str) -> str | None:
        """The code whose official name is exactly ``name`` (see __post_init__ for ties)."""
        return self._by_name.get(name)

    def is_valid(self, code: str, on: date | None = None) -> bool:
        """True when ``code`` exists and, if ``on`` is given, was in force on that date."""
        value = self._by_code.get(code)
        return value is not None and value.is_valid(on)


def _recency(value: CodeValue) -> tuple[int, date, date]:
    open_ended = value.valid_to is None
    return (1 if open_ended else 0, value.valid_to or date.min, value.valid_from or date.min)


def _parse_date(text: str, where: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CodeSetError(f"{where}: bad date {text!r} (ISO YYYY-MM-DD or empty)") from exc


def read_codeset_csv(path: Path | Traversable) -> list[CodeValue]:
    """Read one code set file; raises CodeSetError naming the file and line on a bad row."""
    with io.StringIO(path.read_text(encoding="utf-8"), newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != CODESET_COLUMNS:
            raise CodeSetError(f"{path.name}: header must be {','.join(CODESET_COLUMNS)}")
        rows = []
        for line, row in enumerate(reader, start=2):
            where = f"{path.name}:{line}"
            if not row["code_system"] or not row["version"] or not row["code"] or not row["name"]:
                raise CodeSetError(f"{where}: code_system, version, code and name are required")
            rows.append(
                CodeValue(
                    code_system=row["code_system"],
                    version=row["version"],
                    code=row["code"],
                    name=row["name"],
                    parent=row["parent"] or None,
                    valid_from=_parse_date(row["valid_from"], where),
                    valid_to=_parse_date(row["valid_to"], where),
                )
            )
        return rows


def write_codeset_csv(path: Path, values: Iterable[CodeValue]) -> None:
    """Write code values in the shipped CSV layout (used by the scripts that derive code sets)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CODESET_COLUMNS)
        for v in values:
            writer.writerow(
                [
                    v.code_system,
                    v.version,
                    v.code,
                    v.name,
                    v.parent or "",
                    v.valid_from.isoformat() if v.valid_from else "",
                    v.valid_to.isoformat() if v.valid_to else "",
                ]
            )


def data_dir() -> Traversable:
    """The package folder that holds the code set CSV files."""
    return resources.files("campusbrain.hub.standards").joinpath("data", "codesets")


@cache
def _all_values() -> tuple[CodeValue, ...]:
    values: list[CodeValue] = []
    files = sorted((p for p in data_dir().iterdir() if p.name.endswith(".csv")), key=lambda p: p.name)
    for path in files:
        if path.name != CROSSWALK_FILE:
            values.extend(read_codeset_csv(path))
    return tuple(values)


def code_values() -> list[CodeValue]:
    """Every code of every shipped code set and version (cached after the first call)."""
    return list(_all_values())


def code_systems() -> dict[str, tuple[str, ...]]:
    """Each code system identifier with its shipped versions, oldest first."""
    versions: dict[str, set[str]] = {}
    for v in _all_values():
        versions.setdefault(v.code_system, set()).add(v.version)
    return {system: tuple(sorted(found)) for system, found in versions.items()}


@cache
def code_set(code_system: str, version: str | None = None) -> CodeSet:
    """One version of a code system; the newest shipped version when ``version`` is None."""
    versions = code_systems().get(code_system)
    if not versions:
        known = ", ".join(sorted(code_systems()))
        raise CodeSetError(f"unknown code system {code_system!r}; known: {known}")
    chosen = version if version is not None else versions[-1]
    if chosen not in versions:
        raise CodeSetError(f"{code_system} has no version {chosen!r}; shipped: {', '.join(versions)}")
    values = tuple(v for v in _all_values() if v.code_system == code_system and v.version == chosen)
    return CodeSet(code_system=code_system, version=chosen, values=values)


@dataclass(frozen=True)
class MajorCrosswalkRow:
    """A 2015-catalog 高职专科 major and the 2021-catalog major that replaced it."""

    code_2015: str
    name_2015: str
    code_2021: str
    name_2021: str


@cache
def _crosswalk() -> tuple[MajorCrosswalkRow, ...]:
    path = data_dir().joinpath(CROSSWALK_FILE)
    with io.StringIO(path.read_text(encoding="utf-8"), newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != CROSSWALK_COLUMNS:
            raise CodeSetError(f"{CROSSWALK_FILE}: header must be {','.join(CROSSWALK_COLUMNS)}")
        return tuple(MajorCrosswalkRow(**row) for row in reader)


def major_crosswalk() -> list[MajorCrosswalkRow]:
    """Every 2015 → 2021 专业目录 crosswalk row (loaded as ``std.major_crosswalk``)."""
    return list(_crosswalk())


def major_code_2021(code_2015: str) -> str | None:
    """The 2021 专业代码 that replaced a 2015 高职专科 code, or None when there is no row."""
    code = code_2015.strip()
    for row in _crosswalk():
        if row.code_2015 == code:
            return row.code_2021
    return None
