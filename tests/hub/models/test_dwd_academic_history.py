"""SCD2 history and rejected rows from record versions the demo college does not plant: a student who
takes a 休学 and comes back, a staff member who moves department, a soft-deleted version."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from campusbrain.demo.crosswalks import write_crosswalks
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.runner import build
from campusbrain.hub.warehouse import open_published

from .conftest import write_ods

STUDENT_COLUMNS = (
    "xh_id", "xh", "xm", "xbm", "csrq", "zjhm", "zyh_id", "bh_id", "njdm_id", "jg_id", "xjztdm", "rxrq", "xgsj",
)  # fmt: skip
# One student, exported three times as her 学籍 changed (在读 → 休学 → 在读), the last version twice.
STUDENT_VERSIONS = [
    ("2024001", "2024001", "林晓", "2", "2006-03-07", "11010519491231002X", "510203", "B1", "2024", "107", "01",
     "2024-09-01", "2024-09-01 08:00:00"),
    ("2024001", "2024001", "林晓", "2", "2006-03-07", "11010519491231002X", "510203", "B1", "2024", "107", "02",
     "2024-09-01", "2025-03-10 08:00:00"),
    ("2024001", "2024001", "林晓", "2", "2006-03-07", "11010519491231002X", "510203", "B1", "2024", "107", "01",
     "2024-09-01", "2025-09-05 08:00:00"),
    ("2024001", "2024001", "林晓", "2", "2006-03-07", "11010519491231002X", "510203", "B1", "2024", "107", "01",
     "2024-09-01", "2025-09-05 08:00:00"),
]  # fmt: skip
XUEGONG_COLUMNS = (
    "WID", "XH", "XM", "XBDM", "CSRQ", "MZDM", "ZZMMDM", "SFZJLXDM", "SFZJH", "JGDM", "CSDDM", "XYDM", "ZYDM",
    "BJDM", "XJZTDM", "LXDH", "JTJJKNDJDM", "SSH", "RXNY", "CLRQ", "CZLX", "SJLY", "TBRQ",
)  # fmt: skip
# 学工 recorded the 休学 as taking effect on 1 March, before 教务 changed its row; a second student's
# record was deleted in 学工 (CZLX D).
XUEGONG_ROWS = [
    ("W1", "2024001", "林晓", "2", "20060307", "1", "03", "1", "11010519491231002X", "110100", "110105", "107",
     "510203-07", "B1", "20", "13800000000", "", "A-101", "202409", "20250301", "U", "XG", "20250302"),
    ("W2", "2024002", "周宁", "1", "2006年5月1日", "01", "03", "1", "", "110100", "110105", "107",
     "510203-07", "B1", "10", "", "", "A-102", "202409", "20240901", "D", "XG", "20250302"),
]  # fmt: skip
STAFF_COLUMNS = (
    "工号 GH", "姓名 XM", "性别码 XBM", "出生日期 CSRQ", "身份证件号 SFZJH", "民族码 MZM", "政治面貌码 ZZMMM",
    "学历码 XLM", "手机号 SJH", "单位号 DWH", "单位名称 DWMC", "人员类别 RYLB", "岗位 GW",
    "专业技术职务码 ZYJSZWM", "专业技术职务 ZYJSZW", "双师素质 SFSSSZ", "人员性质码 RYXZM", "入职日期 RZRQ",
    "版本号 BBH", "是否删除 SFSC", "是否有效 SFYX", "更新时间 GXSJ",
)  # fmt: skip
# Version 2 changed only the phone; version 3 moved to another department; version 4 was deleted.
STAFF_ROWS = [
    ("T01", "王老师", "1", "1985-01-02", "11010519491231002X", "01", "13", "14", "13900000001", "101", "机械工程学院",
     "专任教师", "专任教师", "012", "副教授", "是", "10", "2015-07-01", "1", "否", "否", "2016-07-05 00:00:00"),
    ("T01", "王老师", "1", "1985/1/2", "11010519491231002X", "01", "13", "14", "13900000002", "101", "机械工程学院",
     "专任教师", "专任教师", "012", "副教授", "是", "10", "2015-07-01", "2", "否", "否", "2018-03-01 00:00:00"),
    ("T01", "王老师", "1", "19850102", "11010519491231002X", "01", "13", "14", "13900000002", "102", "智能制造学院",
     "专任教师", "专任教师", "012", "副教授", "是", "10", "2015-07-01", "3", "否", "是", "2021-09-01 00:00:00"),
    ("T01", "王老师", "1", "1985-01-02", "11010519491231002X", "01", "13", "14", "13900000002", "103", "化工学院",
     "专任教师", "专任教师", "012", "副教授", "是", "10", "2015-07-01", "4", "是", "否", "2022-01-01 00:00:00"),
]  # fmt: skip


@pytest.fixture(scope="module")
def college(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("academic-history")
    write_ods(
        home,
        {
            "jiaowu__jw_xjgl_xsjbxxb": (STUDENT_COLUMNS, STUDENT_VERSIONS),
            "xuegong__T_XG_XSJBXX": (XUEGONG_COLUMNS, XUEGONG_ROWS),
            "renshi__jzgxx": (STAFF_COLUMNS, STAFF_ROWS),
        },
    )
    write_crosswalks(
        home / "crosswalks", {"jiaowu": ["jw_xjgl_xsjbxxb"], "xuegong": ["T_XG_XSJBXX"], "renshi": ["jzgxx"]}
    )
    report = build(home, progress=False)
    assert report.ok, report.error
    return home


def _rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    con = open_published(home)
    try:
        return engine.fetch_all(con, sql)
    finally:
        con.close()


def test_student_status_changes_become_periods(college: Path) -> None:
    history = _rows(
        college,
        "SELECT XJZT, valid_from, valid_to, is_current, source_system"
        " FROM dwd.student_status_history WHERE XH = '2024001' ORDER BY valid_from",
    )
    assert history == [
        ("在读", date(2024, 9, 1), date(2025, 3, 1), False, "jiaowu"),
        # 学工's effective date opens the 休学; 教务's later modification of the same status joins it.
        ("休学", date(2025, 3, 1), date(2025, 9, 5), False, "xuegong"),
        ("在读", date(2025, 9, 5), None, True, "jiaowu"),
    ]


def test_only_the_latest_student_version_is_carried(college: Path) -> None:
    # Of two identical exports the later row is kept (same rule as a later load).
    assert _rows(college, "SELECT XH, XJZTM, _source_row FROM dwd.student") == [("2024001", "01", 4)]
    assert _rows(college, "SELECT _source_row, reason FROM dwd.student_rejected ORDER BY _source_row") == [
        (1, "superseded_version 已被新版本取代"),
        (2, "superseded_version 已被新版本取代"),
        (3, "duplicate_row 重复导出"),
    ]


def test_records_deleted_in_xuegong_are_rejected(college: Path) -> None:
    assert _rows(college, "SELECT WID, XJZTM, MZM, status_date FROM dwd.student_affairs") == [
        ("W1", "02", "01", date(2025, 3, 1))
    ]
    assert _rows(college, "SELECT _source_row, reason FROM dwd.student_affairs_rejected") == [
        (2, "deleted_in_source 源系统已删除 (CZLX=D)")
    ]


def test_staff_position_periods_follow_department_changes_only(college: Path) -> None:
    versions = _rows(
        college, "SELECT BBH, CSRQ, valid_from, valid_to, is_current FROM dwd.staff_version ORDER BY BBH"
    )
    assert versions == [
        (1, date(1985, 1, 2), date(2015, 7, 1), date(2018, 3, 1), False),
        (2, date(1985, 1, 2), date(2018, 3, 1), date(2021, 9, 1), False),
        (3, date(1985, 1, 2), date(2021, 9, 1), None, True),
    ]
    positions = _rows(
        college,
        "SELECT DWH, first_BBH, last_BBH, valid_from, valid_to, is_current"
        " FROM dwd.staff_position_history ORDER BY valid_from",
    )
    assert positions == [
        ("101", 1, 2, date(2015, 7, 1), date(2021, 9, 1), False),
        ("102", 3, 3, date(2021, 9, 1), None, True),
    ]
    assert _rows(college, "SELECT GH, BBH, DWH FROM dwd.staff") == [("T01", 3, "102")]
    assert _rows(college, "SELECT _source_row, reason FROM dwd.staff_version_rejected") == [
        (4, "soft_deleted 源系统已删除 (是否删除=是)")
    ]
