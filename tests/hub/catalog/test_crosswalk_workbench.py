"""Mapping an unmapped value from the queue into the college's crosswalk YAML; the next build applies it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from campusbrain.hub import api
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.runner import build
from campusbrain.hub.standards.crosswalks import parse_crosswalk
from campusbrain.hub.warehouse import open_published


def _college_copy(built: Path, target: Path) -> Path:
    """Everything a build needs (ODS, published snapshot, sources, crosswalks), not the raw exports."""
    for folder in ("warehouse", "sources", "crosswalks"):
        shutil.copytree(built / folder, target / folder)
    return target


def test_the_queue_names_each_value_its_code_system_and_owner(built_demo_college):
    queue = {(u.source, u.table, u.field, u.source_value): u for u in api.unmapped_values(built_demo_college)}

    male = queue[("xuegong", "T_XG_XSJBXX", "XBDM", "男")]
    assert (male.code_system, male.owner_code, male.owner_name) == ("GB/T 2261.1", "003", "学生工作处")
    assert male.rows == 3
    assert queue[("renshi", "jzgxx", "专业技术职务码 ZYJSZWM", "000")].owner_code == "004"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"field": "NOSUCH"}, "no crosswalk binds xuegong T_XG_XSJBXX.NOSUCH"),
        ({"code": "7"}, "'7' is not a code of GB/T 2261.1"),
        ({"source_value": "  "}, "a blank source value cannot be mapped"),
        ({"source_value": "1", "code": "2"}, "'1' already maps to '1'"),
    ],
)
def test_a_mapping_the_crosswalk_cannot_take_is_refused(tmp_path, built_demo_college, kwargs, message):
    home = tmp_path / "college"
    shutil.copytree(built_demo_college / "crosswalks", home / "crosswalks")
    shutil.copytree(built_demo_college / "sources", home / "sources")
    before = (home / "crosswalks" / "xuegong.yaml").read_text(encoding="utf-8")
    arguments = {
        "source": "xuegong",
        "table": "T_XG_XSJBXX",
        "field": "XBDM",
        "source_value": "男",
        "code": "1",
    }

    with pytest.raises(api.CrosswalkError, match=message):
        api.crosswalk_mapping_add(home, **(arguments | kwargs))
    assert (home / "crosswalks" / "xuegong.yaml").read_text(encoding="utf-8") == before


def test_a_mapping_is_written_into_the_college_file_keeping_its_header(tmp_path, built_demo_college):
    home = tmp_path / "college"
    shutil.copytree(built_demo_college / "crosswalks", home / "crosswalks")
    shutil.copytree(built_demo_college / "sources", home / "sources")

    path = api.crosswalk_mapping_add(
        home, source="xuegong", table="T_XG_XSJBXX", field="MZDM", source_value="57", code="01"
    )

    text = path.read_text(encoding="utf-8")
    assert path == home / "crosswalks" / "xuegong.yaml"
    assert text.startswith("# 代码对照 (crosswalk) of the demo source xuegong")
    bindings = {b.field: b for b in parse_crosswalk(text, "xuegong.yaml")}
    assert dict(bindings["MZDM"].values) == {"57": "01"}
    # The rest of the file is as it was: 学籍状态 keeps its own codes and identity: false.
    assert dict(bindings["XJZTDM"].values) == {"10": "01", "20": "02", "30": "03", "40": "07"}
    assert bindings["XJZTDM"].identity is False
    assert yaml.safe_load(text)["fields"]["T_XG_XSJBXX.MZDM"]["values"] == {"57": "01"}
    # Mapping it again to the same code changes nothing.
    assert (
        api.crosswalk_mapping_add(
            home, source="xuegong", table="T_XG_XSJBXX", field="MZDM", source_value="57", code="01"
        )
        == path
    )
    assert path.read_text(encoding="utf-8") == text


def test_the_next_build_applies_the_mapping(tmp_path, built_demo_college):
    home = _college_copy(built_demo_college, tmp_path / "college")

    api.crosswalk_mapping_add(
        home, source="xuegong", table="T_XG_XSJBXX", field="XBDM", source_value="男", code="1"
    )
    report = build(home, progress=False, select=["dwd.student_affairs"])

    assert report.ok, report.error
    con = open_published(home)
    try:
        mapped = engine.fetch_all(
            con, "SELECT count(*) FROM dwd.student_affairs WHERE XBM_source = '男' AND XBM = '1'"
        )
        queued = engine.fetch_all(
            con, "SELECT source_value FROM std.unmapped_value WHERE source = 'xuegong' AND field = 'XBDM'"
        )
    finally:
        con.close()
    assert mapped == [(3,)]
    assert queued == [("女",)]
    assert ("xuegong", "T_XG_XSJBXX", "XBDM", "男") not in {
        (u.source, u.table, u.field, u.source_value) for u in api.unmapped_values(home)
    }


def test_code_choices_come_from_the_code_set():
    choices = {c.code: c.name for c in api.code_choices("GB/T 2261.1")}

    assert choices["1"] == "男性"
    with pytest.raises(LookupError, match="no shipped code system 'GB/T 0'"):
        api.code_choices("GB/T 0")
