"""The data-element catalog: validation, coverage of the entities, and masking."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from campusbrain.hub.standards.codesets import code_systems
from campusbrain.hub.standards.elements import ElementError, data_elements, mask, parse_catalog

DOC: dict[str, Any] = {
    "departments": ["教务处"],
    "systems": ["jiaowu"],
    "entities": [
        {
            "entity": "学生基本信息",
            "id": "XSJBXX",
            "owner": "教务处",
            "system_of_record": "jiaowu",
            "elements": [
                {
                    "id": "XBM",
                    "name": "性别码",
                    "type": "C",
                    "length": 1,
                    "code_system": "GB/T 2261.1",
                    "grade": "一般数据",
                    "personal": True,
                    "sensitive": False,
                    "masking": "none",
                }
            ],
        }
    ],
}


def _with(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(DOC)
    doc["entities"][0]["elements"][0].update(changes)
    return doc


def test_catalog_loads_and_covers_the_entities() -> None:
    elements = data_elements()
    entities = {e.entity for e in elements}
    for needed in (
        "学生基本信息",
        "教职工基本信息",
        "课程",
        "成绩",
        "教学班",
        "专业",
        "班级",
        "院系/机构",
        "一卡通消费",
        "图书借阅",
        "科研项目",
        "资产",
        "预算/凭证",
        "毕业去向",
        "录取",
    ):
        assert needed in entities
    assert len({e.key for e in elements}) == len(elements)


def test_every_code_system_named_by_an_element_ships() -> None:
    shipped = set(code_systems())
    assert {e.code_system for e in data_elements() if e.code_system} <= shipped


def test_one_source_of_truth_for_student_fields() -> None:
    by_key = {e.key: e for e in data_elements()}
    assert by_key["XSJBXX.XJZTM"].system_of_record == "jiaowu"  # 学籍 → 教务
    assert by_key["XSJBXX.SJH"].system_of_record == "xuegong"  # 学生手机号 → 学工
    assert by_key["XSJBXX.SFZJH"].masking == "id_number" and by_key["XSJBXX.SFZJH"].sensitive
    assert by_key["XSJBXX.XM"].masking == "name"
    assert by_key["JZGJBXX.ZYJSZWM"].code_system == "JY/T 1001 ZYJSZW"
    assert by_key["XSJBXX.XBM"].level == "general"


def test_valid_sample_parses() -> None:
    (element,) = parse_catalog(DOC, {"GB/T 2261.1"})
    assert element.key == "XSJBXX.XBM" and element.owner == "教务处"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code_system": "GB/T 9999"}, "unknown code_system 'GB/T 9999'"),
        ({"masking": "blur"}, "unknown masking policy 'blur'"),
        ({"type": "X"}, "type must be one of"),
        ({"grade": "绝密"}, "grade must be one of"),
        ({"owner": "不存在处"}, "owner '不存在处'"),
        ({"system_of_record": "nowhere"}, "system_of_record 'nowhere'"),
        ({"personal": False, "sensitive": True}, "sensitive but not personal"),
        ({"colour": "red"}, "unknown keys"),
    ],
)
def test_bad_entries_name_the_element(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ElementError, match=r"element XSJBXX\.XBM \(性别码\).*" + message.replace("(", r"\(")):
        parse_catalog(_with(**changes), {"GB/T 2261.1"})


def test_masking_formats() -> None:
    assert mask("33010619900101123X", "id_number") == "330106********123X"
    assert mask("13812345678", "phone") == "138****5678"
    assert mask("张伟", "name") == "张*"
    assert mask("欧阳娜娜", "name") == "欧***"
    assert mask("2000", "full") == "****"
    assert mask("西湖区", "none") == "西湖区"
    assert mask(None, "id_number") is None
    with pytest.raises(ElementError):
        mask("x", "blur")
