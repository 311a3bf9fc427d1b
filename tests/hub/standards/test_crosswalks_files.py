"""Crosswalk files: parsing, merging built-in defaults with a college's own, identity rows, errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from campusbrain.hub.standards.crosswalks import (
    CrosswalkError,
    CrosswalkRow,
    crosswalk_rows,
    field_bindings,
    identity_values,
    parse_crosswalk,
)


@dataclass(frozen=True)
class FakeCode:
    code_system: str
    code: str
    name: str
    version: str = "test"


FAKE = [
    FakeCode("SEX", "1", "男性"),
    FakeCode("SEX", "2", "女性"),
    FakeCode("SEX", "9", "未说明的性别"),
    FakeCode("ETH", "01", "汉族"),
    FakeCode("ETH", "02", "蒙古族"),
    FakeCode("ETH", "10", "朝鲜族"),
    FakeCode("ETH", "97", "其他"),
    FakeCode("STATUS", "01", "在读"),
    FakeCode("STATUS", "07", "毕业"),
    # Two codes named alike, and a name spelled like another code: neither may become a guess.
    FakeCode("PLACE", "330100", "市辖区"),
    FakeCode("PLACE", "330200", "市辖区"),
    FakeCode("PLACE", "330000", "浙江省"),
    FakeCode("PLACE", "110000", "330000"),
]


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def college(tmp_path: Path, *sources: str) -> Path:
    home = tmp_path / "home"
    for source in sources:
        write(home / "sources", f"{source}.yaml", f"name: {source}\ntitle: t\nkind: files\ntables: []\n")
    return home


def rows_of(rows: list[CrosswalkRow], field: str) -> dict[str, str]:
    return {r.source_value: r.code for r in rows if r.field == field}


def test_identity_rows_cover_codes_names_and_unpadded_codes() -> None:
    eth = identity_values([c for c in FAKE if c.code_system == "ETH"])
    assert eth["01"] == "01" and eth["1"] == "01" and eth["汉族"] == "01"
    assert eth["10"] == "10" and "0" not in eth
    place = identity_values([c for c in FAKE if c.code_system == "PLACE"])
    assert place["浙江省"] == "330000"
    assert "市辖区" not in place  # two codes share the name
    assert place["330000"] == "330000"  # a code is itself, even when another code's name spells it


def test_a_college_file_binds_fields_and_maps_its_own_values(tmp_path: Path) -> None:
    home = college(tmp_path, "xuegong")
    write(
        home / "crosswalks",
        "xuegong.yaml",
        """
source: xuegong
fields:
  T_XG_XSJBXX.MZDM:
    code_system: ETH
  T_XG_XSJBXX.XJZTDM:
    code_system: STATUS
    identity: false
    values:
      "10": "01"
      40: 07
""",
    )
    rows = crosswalk_rows(home, code_values=FAKE, builtin=tmp_path / "no-builtin")
    assert rows_of(rows, "XJZTDM") == {"10": "01", "40": "07"}  # unquoted 40/07 stay text, zero kept
    eth = rows_of(rows, "MZDM")
    assert eth["1"] == "01" and eth["朝鲜族"] == "10"
    keys = [(r.source, r.table, r.field, r.source_value) for r in rows]
    assert len(keys) == len(set(keys)), "one row per source value, so a DWD join never multiplies rows"
    assert all(r.code_system in ("ETH", "STATUS") and r.table == "T_XG_XSJBXX" for r in rows)


def test_explicit_values_win_over_identity_rows(tmp_path: Path) -> None:
    home = college(tmp_path, "jiaowu")
    write(
        home / "crosswalks",
        "jiaowu.yaml",
        "source: jiaowu\nfields:\n  s.xjzt:\n    code_system: STATUS\n    values: {'01': '07'}\n",
    )
    rows = rows_of(crosswalk_rows(home, code_values=FAKE, builtin=tmp_path / "none"), "xjzt")
    assert rows["01"] == "07" and rows["07"] == "07" and rows["在读"] == "01"


def test_built_in_defaults_merge_with_the_college_and_lose_on_conflict(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    write(
        builtin,
        "xuegong.yaml",
        """
source: xuegong
fields:
  T.XBDM: {code_system: SEX, values: {M: "1", F: "2", U: "9"}}
  T.MZDM: {code_system: SEX}
  T.ONLY_DEFAULT: {code_system: SEX}
""",
    )
    write(builtin, "other.yaml", "source: other\nfields:\n  T.XB: {code_system: SEX}\n")
    home = college(tmp_path, "xuegong")
    write(
        home / "crosswalks",
        "mine.yaml",
        """
source: xuegong
fields:
  T.XBDM: {code_system: SEX, values: {U: "2", W: "2"}}
  T.MZDM: {code_system: ETH}
""",
    )
    bindings = {b.field: b for b in field_bindings(home, code_values=FAKE, builtin=builtin)}
    assert set(bindings) == {"XBDM", "MZDM", "ONLY_DEFAULT"}, (
        "defaults for a source the college lacks are skipped"
    )
    assert dict(bindings["XBDM"].values) == {"M": "1", "F": "2", "U": "2", "W": "2"}
    assert bindings["MZDM"].code_system == "ETH" and bindings["MZDM"].values == ()
    assert bindings["ONLY_DEFAULT"].origin == "built-in/xuegong.yaml"
    assert bindings["XBDM"].origin == "crosswalks/mine.yaml"


def test_without_a_sources_folder_every_default_applies(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    write(builtin, "other.yaml", "source: other\nfields:\n  T.XB: {code_system: SEX}\n")
    rows = crosswalk_rows(tmp_path / "empty-home", code_values=FAKE, builtin=builtin)
    assert rows_of(rows, "XB") == {
        "1": "1",
        "2": "2",
        "9": "9",
        "男性": "1",
        "女性": "2",
        "未说明的性别": "9",
    }


def test_the_shipped_default_files_parse() -> None:
    from campusbrain.hub.standards.crosswalks import _yaml_files, builtin_dir

    files = _yaml_files(builtin_dir())
    assert files, "at least one built-in crosswalk ships with the package"
    for file in files:
        assert parse_crosswalk(file.read_text(encoding="utf-8"), file.name)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source: x\nfields: [1, 2\n", "not valid YAML"),
        ("- a\n- b\n", "expected a mapping"),
        ("fields: {}\n", "'source' must be a source name"),
        ("source: Xue Gong\n", "'source' must be a source name"),
        ("source: x\nfield: {}\n", "unknown top-level key(s) ['field']"),
        ("source: x\nfields: [a]\n", "'fields' must map"),
        (
            "source: x\nfields:\n  XBDM: {code_system: SEX}\n",
            "fields.XBDM: the key must be '<table>.<field>'",
        ),
        ("source: x\nfields:\n  T.XBDM: SEX\n", "fields.T.XBDM: expected a mapping"),
        ("source: x\nfields:\n  T.XBDM: {values: {a: '1'}}\n", "fields.T.XBDM: 'code_system' is missing"),
        ("source: x\nfields:\n  T.XBDM: {code_system: SEX, value: {}}\n", "unknown key(s) ['value']"),
        ("source: x\nfields:\n  T.XBDM: {code_system: SEX, values: [1]}\n", "'values' must map"),
        (
            "source: x\nfields:\n  T.XBDM: {code_system: SEX, values: {a: [1]}}\n",
            "value 'a' must map to one code",
        ),
        ("source: x\nfields:\n  T.XBDM: {code_system: SEX, values: {' ': '1'}}\n", "blank source value"),
        (
            "source: x\nfields:\n  T.XBDM: {code_system: SEX, identity: maybe}\n",
            "'identity' must be true or false",
        ),
    ],
)
def test_malformed_files_are_reported_with_file_field_and_fault(text: str, message: str) -> None:
    with pytest.raises(CrosswalkError) as caught:
        parse_crosswalk(text, "crosswalks/x.yaml")
    assert str(caught.value).startswith("crosswalks/x.yaml: ")
    assert message in str(caught.value)


def test_unknown_code_system_and_unknown_code_are_errors(tmp_path: Path) -> None:
    home = college(tmp_path, "x")
    path = write(home / "crosswalks", "x.yaml", "source: x\nfields:\n  T.F: {code_system: GB/T 9999}\n")
    with pytest.raises(CrosswalkError, match=r"crosswalks/x.yaml: T.F: unknown code system 'GB/T 9999'"):
        crosswalk_rows(home, code_values=FAKE, builtin=tmp_path / "none")
    path.write_text("source: x\nfields:\n  T.F: {code_system: SEX, values: {男: '3'}}\n", encoding="utf-8")
    with pytest.raises(CrosswalkError, match=r"T.F: value '男' maps to '3', which is not a code of SEX"):
        crosswalk_rows(home, code_values=FAKE, builtin=tmp_path / "none")


def test_the_same_field_in_two_college_files_is_an_error(tmp_path: Path) -> None:
    home = college(tmp_path, "x")
    write(home / "crosswalks", "a.yaml", "source: x\nfields:\n  T.F: {code_system: SEX}\n")
    write(home / "crosswalks", "b.yaml", "source: x\nfields:\n  T.F: {code_system: SEX}\n")
    with pytest.raises(
        CrosswalkError, match=r"crosswalks/b.yaml: x T.F is already defined in crosswalks/a.yaml"
    ):
        field_bindings(home, code_values=FAKE, builtin=tmp_path / "none")


def test_shipped_code_sets_are_the_default(tmp_path: Path) -> None:
    home = college(tmp_path, "x")
    write(
        home / "crosswalks",
        "x.yaml",
        "source: x\nfields:\n  T.XB: {code_system: GB/T 2261.1}\n  T.MZ: {code_system: GB/T 3304}\n",
    )
    rows = crosswalk_rows(home, builtin=tmp_path / "none")
    assert rows_of(rows, "XB")["男性"] == "1"
    assert rows_of(rows, "MZ")["1"] == "01"
    assert rows_of(rows, "MZ")["外国血统中国籍人士"] == "98"
