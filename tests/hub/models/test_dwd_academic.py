"""DWD models of 教务, 学工, 人事, 招生 and 就业 on the small demo college, checked against the ODS
and against the defects the generator planted (manifest.json)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.runner import load_project
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import open_published

# Every ODS table of the five systems, and the DWD model that must account for each of its rows.
RECONCILED_BY = {
    "jiaowu__jw_jg_jgdmb": "dwd.org_unit",
    "jiaowu__zftal_xtgl_zydmb": "dwd.major",
    "jiaowu__jw_xjgl_bjdmb": "dwd.class",
    "jiaowu__jw_xjgl_xsjbxxb": "dwd.student",
    "jiaowu__jw_jh_kcdmb": "dwd.course",
    "jiaowu__jw_jh_jxzxjhkcxxb": "dwd.teaching_plan",
    "jiaowu__jw_jxrw_jxbxxb": "dwd.teaching_class",
    "jiaowu__jw_pk_kbsjb": "dwd.timetable",
    "jiaowu__jw_cj_xscjb": "dwd.grade",
    "xuegong__T_XG_XSJBXX": "dwd.student_affairs",
    "xuegong__T_XG_QJXX": "dwd.leave_request",
    "xuegong__T_XG_KNSRD": "dwd.financial_aid_need",
    "xuegong__T_XG_JZXX": "dwd.scholarship",
    "renshi__jzgxx": "dwd.staff_version",
    "zhaosheng__ZS_JHS": "dwd.admission_plan",
    "zhaosheng__ZS_LQ": "dwd.admission",
    "zhaosheng__ZS_BD": "dwd.enrolment_check_in",
    "jiuye__JY_BYS": "dwd.graduate_destination",
}
PROVENANCE = "_batch_id, _source, _source_row"


@pytest.fixture(scope="module")
def warehouse(built_demo_college: Path) -> Iterator[engine.Connection]:
    con = open_published(built_demo_college)
    yield con
    con.close()


@pytest.fixture(scope="module")
def ods(built_demo_college: Path) -> Iterator[engine.Connection]:
    con = engine.connect(HubPaths(built_demo_college).ods, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def manifest(built_demo_college: Path) -> dict[str, Any]:
    return json.loads((built_demo_college / "demo-sources" / "manifest.json").read_text(encoding="utf-8"))


def _planted(manifest: dict[str, Any], system: str, table: str, kind: str) -> list[dict[str, str]]:
    return [d for d in manifest["defects"] if (d["system"], d["table"], d["kind"]) == (system, table, kind)]


def _rows(con: engine.Connection, sql: str) -> list[tuple[Any, ...]]:
    return engine.fetch_all(con, sql)


def _ods(table: str) -> str:
    # ods.duckdb's catalog is also called "ods": qualify the schema.
    return f'ods.ods."{table}"'


def test_each_table_is_reconciled_by_exactly_the_expected_model(built_demo_college: Path) -> None:
    declared: dict[str, list[str]] = defaultdict(list)
    for model in load_project(built_demo_college).models.values():
        for _schema, table in model.reconciles:
            declared[table].append(model.name)
    for table, model in RECONCILED_BY.items():
        assert declared[table] == [model], table


@pytest.mark.parametrize("model", sorted(set(RECONCILED_BY.values())))
def test_every_ods_row_is_carried_or_rejected_once(
    model: str, warehouse: engine.Connection, ods: engine.Connection
) -> None:
    source_rows: set[tuple[Any, ...]] = set()
    for table in (t for t, m in RECONCILED_BY.items() if m == model):
        rows = _rows(ods, f"SELECT {PROVENANCE} FROM {_ods(table)}")
        assert len(set(rows)) == len(rows), f"{table}: provenance is not unique"
        source_rows |= set(rows)
    carried = _rows(warehouse, f"SELECT {PROVENANCE} FROM {model}")
    rejected = _rows(warehouse, f"SELECT {PROVENANCE} FROM {model}_rejected")
    assert len(set(carried)) == len(carried), "a source row is carried twice"
    assert len(set(rejected)) == len(rejected), "a source row is rejected twice"
    assert not set(carried) & set(rejected)
    assert set(carried) | set(rejected) == source_rows
    reasons = {r for (r,) in _rows(warehouse, f"SELECT DISTINCT reason FROM {model}_rejected")}
    assert all(re.fullmatch(r"[a-z_]+ \S.*", r) for r in reasons), reasons


@pytest.mark.parametrize(
    ("system", "table", "key_column", "model", "model_key"),
    [
        ("xuegong", "T_XG_XSJBXX", "WID", "dwd.student_affairs", "WID"),
        ("zhaosheng", "ZS_LQ", "考生号", "dwd.admission", "KSH"),
    ],
)
def test_duplicate_exports_are_rejected_with_their_reason(
    system: str,
    table: str,
    key_column: str,
    model: str,
    model_key: str,
    manifest: dict[str, Any],
    warehouse: engine.Connection,
    ods: engine.Connection,
) -> None:
    planted = {d["key"] for d in _planted(manifest, system, table, "duplicate_row")}
    assert planted
    ods_key = {
        row[:3]: row[3]
        for row in _rows(ods, f'SELECT {PROVENANCE}, "{key_column}" FROM {_ods(f"{system}__{table}")}')
    }
    rejected = _rows(warehouse, f"SELECT {PROVENANCE}, reason FROM {model}_rejected")
    duplicates = Counter(ods_key[row[:3]] for row in rejected if row[3].startswith("duplicate_row "))
    assert set(duplicates) == planted
    kept = Counter(k for (k,) in _rows(warehouse, f"SELECT {model_key} FROM {model}"))
    assert all(kept[key] == 1 for key in planted)


def test_invalid_id_numbers_are_flagged_not_dropped(
    manifest: dict[str, Any], warehouse: engine.Connection
) -> None:
    checks = [
        ("xuegong", "T_XG_XSJBXX", "SELECT WID, id_problem FROM dwd.student_affairs"),
        ("zhaosheng", "ZS_LQ", "SELECT KSH, id_problem FROM dwd.admission"),
        ("renshi", "jzgxx", "SELECT GH || '#' || BBH, id_problem FROM dwd.staff_version"),
        ("jiuye", "JY_BYS", "SELECT XH, id_problem FROM dwd.graduate_destination"),
    ]
    checked = 0
    for system, table, sql in checks:
        planted = {d["key"] for d in _planted(manifest, system, table, "invalid_id_checksum")}
        checked += len(planted)
        problems = dict(_rows(warehouse, sql))
        assert {k: problems.get(k) for k in planted} == dict.fromkeys(planted, "checksum"), table
        # Every checksum problem found is one the generator planted: valid numbers are not flagged.
        assert {k for k, p in problems.items() if p == "checksum"} == planted, table
    # A small college does not plant every defect in every table, but it plants these.
    assert checked >= 5


def test_missing_id_numbers_are_flagged_empty(manifest: dict[str, Any], warehouse: engine.Connection) -> None:
    checks = [
        ("xuegong", "T_XG_XSJBXX", "SFZJH", "SELECT WID, id_problem FROM dwd.student_affairs"),
        ("renshi", "jzgxx", "SFZJH", "SELECT GH || '#' || BBH, id_problem FROM dwd.staff_version"),
        ("jiuye", "JY_BYS", "身份证号", "SELECT XH, id_problem FROM dwd.graduate_destination"),
    ]
    for system, table, field, sql in checks:
        planted = {
            d["key"] for d in _planted(manifest, system, table, "missing_mandatory") if d["detail"] == field
        }
        problems = dict(_rows(warehouse, sql))
        assert {k: problems[k] for k in planted} == dict.fromkeys(planted, "empty"), table
    # Whether or not a small college planted one: an empty number is exactly an 'empty' problem.
    for model in ("dwd.student_affairs", "dwd.staff_version", "dwd.admission", "dwd.graduate_destination"):
        mismatched = _rows(
            warehouse,
            f"SELECT COUNT(*) FROM {model} WHERE (SFZJH IS NULL) <> (id_problem IS NOT DISTINCT FROM 'empty')",
        )
        assert mismatched == [(0,)], model


def _legacy_pairs(details: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    """(record key, 2015 code, 2021 code) from details such as '专业代码 590104 (2021: 490104)'."""
    pairs = []
    for d in details:
        codes = re.findall(r"\d{6}", d["detail"])
        assert len(codes) == 2, d
        # '… 590104 (2021: 490104)' names the 2015 code first; jiaowu writes 'zyh 610215 (2015) for 510205'.
        pairs.append((d["key"], codes[0], codes[1]))
    return pairs


def test_legacy_major_codes_are_mapped_to_the_2021_catalog(
    manifest: dict[str, Any], warehouse: engine.Connection
) -> None:
    students = {
        r[0]: r[1:]
        for r in _rows(warehouse, "SELECT XH, ZYDM_source, ZYDM, is_legacy_major_code FROM dwd.student")
    }
    for key, old, new in _legacy_pairs(_planted(manifest, "jiaowu", "jw_xjgl_xsjbxxb", "legacy_major_code")):
        assert students[key] == (old, new, True), key
    graduates = {
        r[0]: r[1:]
        for r in _rows(
            warehouse, "SELECT XH, ZYDM_source, ZYDM, is_legacy_major_code FROM dwd.graduate_destination"
        )
    }
    legacy = _legacy_pairs(_planted(manifest, "jiuye", "JY_BYS", "legacy_major_code"))
    assert legacy
    for key, old, new in legacy:
        assert graduates[key] == (old, new, True), key
    plans = {
        (str(r[0]), r[1], r[2]): r[3:]
        for r in _rows(
            warehouse, "SELECT ZSND, ZYDM_source, SYLX, ZYDM, is_legacy_major_code FROM dwd.admission_plan"
        )
    }
    for d in _planted(manifest, "zhaosheng", "ZS_JHS", "legacy_major_code"):
        year, new, kind, _province = d["key"].split("|")
        old = re.findall(r"\d{6}", d["detail"])[0]
        assert plans[(year, old, kind)] == (new, True), d["key"]
    # Codes already in the 2021 catalog are left alone.
    assert _rows(
        warehouse, "SELECT COUNT(*) FROM dwd.student WHERE NOT is_legacy_major_code AND ZYDM <> ZYDM_source"
    ) == [(0,)]


def test_codes_outside_the_standard_stay_unmapped_and_visible(
    manifest: dict[str, Any], warehouse: engine.Connection
) -> None:
    affairs = {
        r[0]: r[1:]
        for r in _rows(warehouse, "SELECT WID, XBM, XBM_source, MZM, MZM_source FROM dwd.student_affairs")
    }
    for d in _planted(manifest, "xuegong", "T_XG_XSJBXX", "code_outside_standard"):
        sex, sex_source, ethnicity, ethnicity_source = affairs[d["key"]]
        field, value = d["detail"].split()
        if field == "XBDM":
            assert (sex, sex_source) == (None, value)
        else:
            assert (ethnicity, ethnicity_source) == (None, value)
    destinations = {
        r[0]: r[1:]
        for r in _rows(warehouse, "SELECT XH, BYQXDM, BYQXDM_source, is_placed FROM dwd.graduate_destination")
    }
    # A word that is the official name of a 去向 (自由职业) maps to its code; any other stays unmapped.
    official = dict(_rows(warehouse, "SELECT name, code FROM std.code_value WHERE code_system = 'BYQX'"))
    planted = 0
    for d in _planted(manifest, "jiuye", "JY_BYS", "code_outside_standard"):
        word = d["detail"].split()[-1]
        code = official.get(word)
        assert destinations[d["key"]] == (code, word, None if code is None else code not in ("70", "65"))
        planted += code is None
    assert planted


def test_graduation_year_comes_from_the_workbook_file_name(
    manifest: dict[str, Any], warehouse: engine.Connection, ods: engine.Connection
) -> None:
    # One ODS table holds every 届's workbook; each row's 届 is the yyyy of its file's ``yyyy届…`` name.
    files = {str(s) for (s,) in _rows(ods, f"SELECT DISTINCT _source FROM {_ods('jiuye__JY_BYS')}")}
    assert len(files) == 3
    year_of = {}
    for label in files:
        found = re.fullmatch(r"jiuye:demo-sources/jiuye/(\d{4})届毕业生就业信息\.xlsx", label)
        assert found, label
        year_of[label] = int(found.group(1))
    rows = _rows(warehouse, "SELECT BYJ, XH, _source, source_table FROM dwd.graduate_destination")
    assert all(byj == year_of[source] and table == "JY_BYS" for byj, _xh, source, table in rows)
    by_year = Counter(byj for byj, *_ in rows)
    assert {str(y): n for y, n in by_year.items()} == manifest["systems"]["jiuye"]["notes"][
        "rows_by_graduation_year"
    ]
    # A demo graduate is in one 届 only, so the planted defects' 学号 name one row each.
    assert len({xh for _byj, xh, *_ in rows}) == len(rows)
    assert _rows(
        warehouse,
        "SELECT COUNT(*) FROM dwd.graduate_destination_rejected WHERE reason LIKE 'missing_graduation_year%'",
    ) == [(0,)]


@pytest.mark.parametrize(
    "model",
    ["dwd.student", "dwd.student_affairs", "dwd.staff_version", "dwd.admission", "dwd.graduate_destination"],
)
def test_sex_codes_that_contradict_the_id_number_are_flagged(
    model: str, warehouse: engine.Connection
) -> None:
    rows = _rows(warehouse, f"SELECT XBM, SFZJH, id_problem, sex_code_conflicts_id FROM {model}")
    assert rows
    for sex, number, problem, conflict in rows:
        # GB 11643: the 17th digit is odd for men (GB/T 2261.1 code 1), even for women (2).
        from_id = None if problem is not None or number is None else ("1" if int(number[16]) % 2 else "2")
        assert conflict == (sex is not None and from_id is not None and sex != from_id), (model, number)


def test_planted_wrong_sex_codes_are_flagged(manifest: dict[str, Any], warehouse: engine.Connection) -> None:
    staff = {
        r[0]: r[1:]
        for r in _rows(
            warehouse, "SELECT GH || '#' || BBH, sex_code_conflicts_id, id_problem FROM dwd.staff_version"
        )
    }
    planted = {d["key"] for d in _planted(manifest, "renshi", "jzgxx", "code_outside_standard")}
    for key in planted:
        conflict, id_problem = staff[key]
        # A wrong sex code next to a broken ID number cannot be detected from the number.
        assert conflict or id_problem is not None, key
    # The only conflicts are the planted ones (none at all when the college planted none).
    assert {k for k, (conflict, _) in staff.items() if conflict} <= planted


def _demo_date(spelling: str) -> date:
    if re.fullmatch(r"\d{8}", spelling):
        return date(int(spelling[:4]), int(spelling[4:6]), int(spelling[6:]))
    y, m, d = (int(p) for p in re.findall(r"\d+", spelling))
    return date(y, m, d)


def test_mixed_date_formats_are_parsed(manifest: dict[str, Any], warehouse: engine.Connection) -> None:
    affairs = dict(_rows(warehouse, "SELECT WID, CSRQ FROM dwd.student_affairs"))
    planted = _planted(manifest, "xuegong", "T_XG_XSJBXX", "mixed_date_format")
    assert planted
    spellings = {re.sub(r"\d+", "9", d["detail"].split()[1]) for d in planted}
    assert len(spellings) >= 2, spellings  # the check covers more than one spelling
    for d in planted:
        assert affairs[d["key"]] == _demo_date(d["detail"].split()[1]), d
    staff = dict(_rows(warehouse, "SELECT GH || '#' || BBH, CSRQ FROM dwd.staff_version"))
    for d in _planted(manifest, "renshi", "jzgxx", "mixed_date_format"):
        assert staff[d["key"]] == _demo_date(d["detail"].split()[1]), d
    unparsed = _rows(warehouse, "SELECT COUNT(*) FROM dwd.student_affairs WHERE CSRQ IS NULL")
    assert unparsed == [(0,)]


def test_soft_deleted_staff_records_are_rejected(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    deleted = set(
        _rows(ods, f"SELECT {PROVENANCE} FROM {_ods('renshi__jzgxx')} WHERE \"是否删除 SFSC\" = '是'")
    )
    soft = set(
        _rows(
            warehouse,
            f"SELECT {PROVENANCE} FROM dwd.staff_version_rejected WHERE reason LIKE 'soft_deleted %'",
        )
    )
    assert soft == deleted


def _check_intervals(rows: list[tuple[Any, ...]]) -> int:
    """rows: (key, valid_from, valid_to, is_current) ordered by key, valid_from. Returns keys with history."""
    by_key: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    for key, valid_from, valid_to, is_current in rows:
        by_key[key].append((valid_from, valid_to, is_current))
    changed = 0
    for key, periods in by_key.items():
        assert [p[2] for p in periods].count(True) == 1, key
        assert periods[-1][2] and periods[-1][1] is None, key
        for before, after in zip(periods, periods[1:], strict=False):
            assert before[1] == after[0], key  # contiguous, no overlap, no gap
            assert before[0] <= before[1], key
        changed += len(periods) > 1
    return changed


def test_student_status_history_is_scd2(warehouse: engine.Connection) -> None:
    rows = _rows(
        warehouse,
        "SELECT XH, valid_from, valid_to, is_current FROM dwd.student_status_history ORDER BY XH, valid_from",
    )
    assert _check_intervals(rows) > 0  # graduates and leavers have more than one period
    # Every student has a history, and its current status is the student's current 学籍状态.
    mismatched = _rows(
        warehouse,
        """
        SELECT s.XH, s.XJZTM, h.XJZTM
        FROM dwd.student AS s
        LEFT JOIN dwd.student_status_history AS h ON h.XH = s.XH AND h.is_current
        WHERE s.XJZTM IS NOT NULL AND h.XJZTM IS DISTINCT FROM s.XJZTM
        """,
    )
    assert mismatched == []
    # A graduate was 在读 first, from enrolment.
    first = _rows(
        warehouse,
        """
        SELECT DISTINCT h.XJZT
        FROM dwd.student_status_history AS h
        JOIN dwd.student AS s ON s.XH = h.XH AND s.XJZT = '毕业'
        WHERE h.period_no = 1
        """,
    )
    assert first == [("在读",)]


def test_staff_versions_and_positions_are_scd2(warehouse: engine.Connection) -> None:
    versions = _rows(
        warehouse, "SELECT GH, valid_from, valid_to, is_current FROM dwd.staff_version ORDER BY GH, BBH"
    )
    assert _check_intervals(versions) > 0  # many staff records have several versions
    positions = _rows(
        warehouse,
        "SELECT GH, valid_from, valid_to, is_current FROM dwd.staff_position_history ORDER BY GH, period_no",
    )
    _check_intervals(positions)
    staff = {gh for (gh,) in _rows(warehouse, "SELECT GH FROM dwd.staff")}
    assert {p[0] for p in positions} == staff
    # dwd.staff holds the highest version of each 工号.
    stale = _rows(
        warehouse,
        "SELECT s.GH FROM dwd.staff AS s JOIN dwd.staff_version AS v ON v.GH = s.GH AND v.BBH > s.BBH",
    )
    assert stale == []


def test_grades_keep_orphan_courses_flagged(manifest: dict[str, Any], warehouse: engine.Connection) -> None:
    planted = {d["key"] for d in _planted(manifest, "jiaowu", "jw_cj_xscjb", "orphan_reference")}
    assert planted
    flagged = {k for (k,) in _rows(warehouse, "SELECT CJID FROM dwd.grade WHERE course_missing")}
    assert planted <= flagged
    # The 补考/重修 rows of a planted grade (cj_id + B/C) repeat its course code.
    assert {k.rstrip("BC") for k in flagged} == planted


def test_orphan_leave_requests_are_flagged(manifest: dict[str, Any], warehouse: engine.Connection) -> None:
    planted = {d["key"] for d in _planted(manifest, "xuegong", "T_XG_QJXX", "orphan_reference")}
    assert planted
    flagged = {k for (k,) in _rows(warehouse, "SELECT WID FROM dwd.leave_request WHERE student_missing")}
    assert flagged == planted


def test_full_width_values_are_normalized(manifest: dict[str, Any], warehouse: engine.Connection) -> None:
    check_ins = {
        r[0]: r[1:] for r in _rows(warehouse, "SELECT KSH, XH, XH_source FROM dwd.enrolment_check_in")
    }
    planted = _planted(manifest, "zhaosheng", "ZS_BD", "fullwidth_digits")
    assert planted
    for d in planted:
        xh, source = check_ins[d["key"]]
        assert xh != source and xh.isascii() and xh.isdigit() and len(xh) == len(source), d
    affairs = {
        r[0]: r[1:] for r in _rows(warehouse, "SELECT WID, SFZJH, id_problem, LXDH FROM dwd.student_affairs")
    }
    planted = _planted(manifest, "xuegong", "T_XG_XSJBXX", "fullwidth_digits")
    assert planted
    for d in planted:
        number, problem, phone = affairs[d["key"]]
        if d["detail"] == "SFZJH":
            assert number.isascii() and problem is None, d
        else:
            assert phone is None or (phone.isascii() and phone.isdigit() and len(phone) == 11), d
