"""The demo college's crosswalks: ``$CAMPUSBRAIN_HOME/crosswalks/<system>.yaml``.

What a real college's data steward writes once per source system (format: docs/crosswalks.md):
which coded field holds which national code set, and the college's own spellings that the
automatic identity rows do not cover — 学工's school-specific 学籍状态 codes 10/20/30/40,
招生/就业's 男/女 words, major codes with a 学院 suffix
and the 2015-catalog codes still in use, a province written as its two-digit prefix.

Deliberately absent: the values the demo plants as ``code_outside_standard`` defects (a 学工
XBDM of 男/女, MZDM 57, 就业 去向 typed as 已就业 …). They must stay unmapped, so the hub's
unmapped-value queue shows them to the steward instead of hiding them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from campusbrain.demo import reference as ref

CROSSWALK_DIR = "crosswalks"

SEX_WORDS = {"男": "1", "女": "2"}
# 学工 (金智) keeps the school's own 学籍状态 codes (10 正常 …); 教务 uses the JY/T 1001 ones.
XUEGONG_STATUS = {"10": "01", "20": "02", "30": "03", "40": "07"}
# GB/T 2260 province prefixes of the 31 provincial-level divisions of the mainland.
PROVINCES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65".split()
)


def _legacy_majors() -> dict[str, str]:
    """The college's 2015-catalog major codes still found in its exports → their 2021 codes."""
    return {m.code_2015: m.code for m in ref.MAJORS}


def _field(
    code_system: str, values: dict[str, str] | None = None, *, identity: bool = True
) -> dict[str, Any]:
    spec: dict[str, Any] = {"code_system": code_system}
    if not identity:
        spec["identity"] = False
    if values:
        spec["values"] = dict(sorted(values.items()))
    return spec


def _xuegong(tables: list[str]) -> dict[str, dict[str, Any]]:
    suffixed = {f"{m.code}-{m.department[1:]}": m.code for m in ref.MAJORS}
    t = "T_XG_XSJBXX"
    return {
        f"{t}.XBDM": _field("GB/T 2261.1"),
        f"{t}.MZDM": _field("GB/T 3304"),
        f"{t}.ZZMMDM": _field("GB/T 4762"),
        f"{t}.SFZJLXDM": _field("JY/T 1001 SFZJLX"),
        f"{t}.JGDM": _field("GB/T 2260"),
        f"{t}.CSDDM": _field("GB/T 2260"),
        f"{t}.XJZTDM": _field("JY/T 1001 XJZT", XUEGONG_STATUS, identity=False),
        f"{t}.ZYDM": _field("ZYML 2021", suffixed),
    }


def _jiaowu(tables: list[str]) -> dict[str, dict[str, Any]]:
    legacy = _legacy_majors()
    return {
        "jw_xjgl_xsjbxxb.xbm": _field("GB/T 2261.1"),
        "jw_xjgl_xsjbxxb.xjztdm": _field("JY/T 1001 XJZT"),
        "jw_xjgl_xsjbxxb.zyh_id": _field("ZYML 2021", legacy),
        "jw_xjgl_bjdmb.zyh_id": _field("ZYML 2021", legacy),
        "zftal_xtgl_zydmb.zyh": _field("ZYML 2021", legacy),
        "zftal_xtgl_zydmb.jzyh": _field("ZYML 2015"),
    }


def _renshi(tables: list[str]) -> dict[str, dict[str, Any]]:
    t = "jzgxx"
    return {
        f"{t}.性别码 XBM": _field("GB/T 2261.1"),
        f"{t}.民族码 MZM": _field("GB/T 3304"),
        f"{t}.政治面貌码 ZZMMM": _field("GB/T 4762"),
        f"{t}.学历码 XLM": _field("JY/T 1001 XL"),
        f"{t}.专业技术职务码 ZYJSZWM": _field("JY/T 1001 ZYJSZW"),
    }


def _zhaosheng(tables: list[str]) -> dict[str, dict[str, Any]]:
    legacy = _legacy_majors()
    return {
        "ZS_JHS.专业代码": _field("ZYML 2021", legacy),
        "ZS_JHS.省份代码": _field("GB/T 2260", {p: f"{p}0000" for p in PROVINCES}),
        "ZS_JHS.省份名称": _field("GB/T 2260"),
        "ZS_LQ.性别": _field("GB/T 2261.1", SEX_WORDS),
        "ZS_LQ.生源省份": _field("GB/T 2260"),
        "ZS_LQ.录取专业代码": _field("ZYML 2021", legacy),
    }


def _jiuye(tables: list[str]) -> dict[str, dict[str, Any]]:
    # One table for every 届 (a glob of the yearly workbooks), so each field is bound once.
    legacy = _legacy_majors()
    t = "JY_BYS"
    return {
        f"{t}.性别": _field("GB/T 2261.1", SEX_WORDS),
        f"{t}.专业代码": _field("ZYML 2021", legacy),
        f"{t}.毕业去向代码": _field("BYQX"),
        f"{t}.毕业去向": _field("BYQX"),
        f"{t}.单位所在地代码": _field("GB/T 2260"),
    }


_BUILDERS = {
    "xuegong": _xuegong,
    "jiaowu": _jiaowu,
    "renshi": _renshi,
    "zhaosheng": _zhaosheng,
    "jiuye": _jiuye,
}


def crosswalk_documents(systems: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """The crosswalk document of each generated system that has coded fields.

    ``systems`` maps a generated system to its table names.
    """
    return {
        name: {"source": name, "fields": _BUILDERS[name](tables)}
        for name, tables in systems.items()
        if name in _BUILDERS
    }


def write_crosswalks(folder: Path, systems: dict[str, list[str]]) -> list[Path]:
    """Write ``<folder>/<system>.yaml`` for every system with coded fields; return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in crosswalk_documents(systems).items():
        path = folder / f"{name}.yaml"
        header = (
            f"# 代码对照 (crosswalk) of the demo source {name} — written by `campusbrain demo generate`.\n"
            "# Format: docs/crosswalks.md. Values planted as code_outside_standard defects are left out on\n"
            "# purpose: they belong in the unmapped-value queue.\n"
        )
        path.write_text(
            header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        written.append(path)
    return written


def install_crosswalks(staging: Path, home: Path, systems: Iterable[str]) -> None:
    """Move the staged crosswalk files into ``home/crosswalks``, replacing the demo systems' files.

    A college's crosswalks for its other sources are left alone, as with ``sources/*.yaml``.
    """
    staged = staging / CROSSWALK_DIR
    target = home / CROSSWALK_DIR
    target.mkdir(exist_ok=True)
    for name in systems:
        path = staged / f"{name}.yaml"
        if path.exists():
            path.replace(target / path.name)
    if staged.exists():
        shutil.rmtree(staged)
