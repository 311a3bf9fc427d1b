"""The demo college generator: determinism, planted defects, ID numbers and file formats."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from python_calamine import CalamineWorkbook
from stdnum.cn import ric

from campusbrain.cli import main
from campusbrain.demo.defects import DEFECT_KINDS
from campusbrain.demo.generate import SYSTEMS, generate
from campusbrain.demo.systems import yikatong

from .conftest import SMALL


def _digest_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_byte_identical_files(small_college: Path, tmp_path: Path) -> None:
    generate(tmp_path, show_progress=False, **SMALL)
    for folder in ("demo-sources", "sources"):
        first, second = _digest_tree(small_college / folder), _digest_tree(tmp_path / folder)
        assert first.keys() == second.keys()
        differing = [name for name in first if first[name] != second[name]]
        assert differing == []


def test_another_seed_gives_another_college(small_college: Path, tmp_path: Path) -> None:
    generate(tmp_path, show_progress=False, systems=("xuegong",), students=600, seed=8, scale=0.5)
    name = "demo-sources/xuegong/T_XG_XSJBXX.csv"
    assert (tmp_path / name).read_bytes() != (small_college / name).read_bytes()


def test_manifest_lists_every_defect_kind(manifest: dict[str, Any]) -> None:
    counts = manifest["defect_counts"]
    assert set(counts) == set(DEFECT_KINDS)
    assert [kind for kind, n in counts.items() if n == 0] == []
    for entry in manifest["defects"]:
        assert (
            entry["system"] in SYSTEMS and entry["table"] and entry["key"] and entry["kind"] in DEFECT_KINDS
        )


def test_manifest_counts_rows_and_people(manifest: dict[str, Any], small_college: Path) -> None:
    assert set(manifest["systems"]) == set(SYSTEMS)
    assert manifest["total_rows"] == sum(manifest["row_counts"].values())
    with open(small_college / "demo-sources" / manifest["truth_file"], encoding="utf-8") as fh:
        people = {row["person_id"] for row in csv.DictReader(fh)}
    assert manifest["people"]["distinct_real_people"] == len(people)
    # Every student and staff member is a real person; admissions no-shows add more.
    assert (
        len(people)
        >= manifest["people"]["students"]
        + manifest["people"]["staff"]
        - manifest["people"]["staff_who_are_alumni"]
    )


def _xuegong_students(home: Path) -> dict[str, dict[str, str]]:
    text = (home / "demo-sources/xuegong/T_XG_XSJBXX.csv").read_bytes().decode("gbk")
    return {row["WID"]: row for row in csv.DictReader(io.StringIO(text))}


def _defects(manifest: dict[str, Any], system: str, kind: str) -> list[dict[str, str]]:
    return [d for d in manifest["defects"] if d["system"] == system and d["kind"] == kind]


def test_valid_id_numbers_pass_and_planted_invalid_ones_fail(
    manifest: dict[str, Any], small_college: Path
) -> None:
    rows = _xuegong_students(small_college)
    flagged = {
        d["key"]
        for d in manifest["defects"]
        if d["system"] == "xuegong"
        and d["table"] == "T_XG_XSJBXX"
        and d["kind"] in ("invalid_id_checksum", "fullwidth_digits", "missing_mandatory")
        and (d["kind"] != "fullwidth_digits" or d["detail"] == "SFZJH")
    }
    invalid = {d["key"] for d in _defects(manifest, "xuegong", "invalid_id_checksum")}
    assert invalid
    for key, row in rows.items():
        if key in invalid:
            assert not ric.is_valid(row["SFZJH"]), row["SFZJH"]
        elif key not in flagged:
            assert ric.is_valid(row["SFZJH"]), row["SFZJH"]
    db = sqlite3.connect(small_college / "demo-sources/jiaowu/zfjw.db")
    ids = [r[0] for r in db.execute("SELECT zjhm FROM jw_xjgl_xsjbxxb")]
    assert ids and all(ric.is_valid(i) for i in ids)


def test_planted_defects_are_in_the_files(manifest: dict[str, Any], small_college: Path) -> None:
    rows = _xuegong_students(small_college)
    for d in _defects(manifest, "xuegong", "mixed_date_format"):
        assert rows[d["key"]]["CSRQ"] == d["detail"].removeprefix("CSRQ ")
    for d in _defects(manifest, "xuegong", "fullwidth_digits"):
        value = rows[d["key"]]["SFZJH" if d["detail"] == "SFZJH" else "LXDH"]
        assert any("０" <= ch <= "９" for ch in value)
    for d in _defects(manifest, "xuegong", "missing_mandatory"):
        assert rows[d["key"]]["SFZJH"] == ""
    raw = (small_college / "demo-sources/xuegong/T_XG_XSJBXX.csv").read_bytes().decode("gbk")
    for d in _defects(manifest, "xuegong", "duplicate_row"):
        assert raw.count(d["key"]) == 2
    for d in _defects(manifest, "xuegong", "code_outside_standard"):
        row = rows[d["key"]]
        assert row["XBDM"] in ("男", "女") or row["MZDM"] == "57"

    # 教务: legacy 2015 major codes on student rows.
    db = sqlite3.connect(small_college / "demo-sources/jiaowu/zfjw.db")
    legacy = _defects(manifest, "jiaowu", "legacy_major_code")
    assert legacy
    for d in legacy:
        (zyh,) = db.execute("SELECT zyh_id FROM jw_xjgl_xsjbxxb WHERE xh = ?", (d["key"],)).fetchone()
        assert zyh == d["detail"].split()[1]

    # 一卡通: the missing day has no file, the late one was delivered days after the others.
    tx = small_college / "demo-sources/yikatong/transactions"
    missing = _defects(manifest, "yikatong", "missing_daily_file")
    assert [d["key"] for d in missing] == [f"{yikatong.MISSING_DAY:%Y%m%d}"]
    assert not (tx / f"{yikatong.MISSING_DAY:%Y%m%d}.csv").exists()
    late = tx / f"{yikatong.LATE_DAY:%Y%m%d}.csv"
    on_time = tx / f"{yikatong.LATE_DAY.replace(day=yikatong.LATE_DAY.day + 1):%Y%m%d}.csv"
    assert late.stat().st_mtime > on_time.stat().st_mtime
    accounts = {
        r["CARDNO"]: r for r in csv.DictReader(open(tx.parent / "card_account.csv", encoding="utf-8"))
    }
    orphans = _defects(manifest, "yikatong", "orphan_reference")
    assert orphans
    for d in orphans:
        assert d["detail"].split()[1] not in accounts
    # A student who changed major still swipes under the old 学号, unknown to 教务.
    known = {r[0] for r in db.execute("SELECT xh FROM jw_xjgl_xsjbxxb")}
    renamed = _defects(manifest, "yikatong", "same_person_different_ids")
    assert renamed
    for d in renamed:
        assert accounts[d["key"]]["XGH"] not in known


def _read_table(home: Path, source: dict[str, Any], table: dict[str, Any]) -> int:
    """Open one table the way its source YAML says and return its data row count."""
    fmt = table.get("format")
    if source["kind"] == "sql":
        db = sqlite3.connect(home / source["url"].removeprefix("sqlite:///"))
        return db.execute(f'SELECT count(*) FROM "{table["table"]}"').fetchone()[0]
    paths = sorted(home.glob(table["path"]))
    assert paths, table["path"]
    total = 0
    for path in paths:
        if fmt == "csv":
            text = path.read_bytes().decode(table["encoding"])  # strict: a wrong encoding raises
            assert not text.startswith("\ufeff"), "utf-8-sig must strip the BOM"
            total += sum(1 for _ in csv.reader(io.StringIO(text))) - 1
        elif fmt == "xlsx":
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(table["sheet"]).to_python()
            total += len(sheet) - table.get("title_rows", 0) - len(table.get("header_rows", [1]))
        elif fmt == "jsonl":
            with open(path, encoding="utf-8") as fh:
                total += sum(1 for line in fh if json.loads(line))
        elif fmt == "json":
            payload = json.loads(path.read_text(encoding="utf-8"))
            records = payload[table["json_path"]] if "json_path" in table else payload
            total += len(records)
        else:
            raise AssertionError(f"undocumented format {fmt!r}")
    return total


@pytest.mark.parametrize("system", SYSTEMS)
def test_each_system_opens_with_its_documented_format(
    system: str, small_college: Path, manifest: dict[str, Any]
) -> None:
    source = yaml.safe_load((small_college / "sources" / f"{system}.yaml").read_text(encoding="utf-8"))
    assert source["name"] == system and source["tables"]
    for table in source["tables"]:
        expected = manifest["row_counts"][f"{system}.{table['name']}"]
        assert _read_table(small_college, source, table) == expected, table["name"]


def test_cli_generate_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "demo",
            "generate",
            "--home",
            str(tmp_path),
            "--students",
            "300",
            "--scale",
            "0.1",
            "--json",
            "--quiet",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["total_rows"] == sum(summary["row_counts"].values()) > 0
    assert (tmp_path / "demo-sources/manifest.json").exists()


def test_cli_rejects_a_too_small_college(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "generate", "--home", str(tmp_path), "--students", "10", "--quiet"]) == 2
    assert "at least 300" in capsys.readouterr().err


def test_generation_never_reads_the_clock() -> None:
    # The generator's only notion of "now" is calendar.AS_OF; this guards the constant's type.
    from campusbrain.demo.calendar import AS_OF

    assert not isinstance(AS_OF, datetime)
