"""DWS summaries of the student/academic/HR side equal a direct computation from the ODS or DWD."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import open_published

TERM = {"3": 1, "12": 2}


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


def _rows(con: engine.Connection, sql: str) -> list[tuple[Any, ...]]:
    return engine.fetch_all(con, sql)


def _ods(table: str) -> str:
    return f'ods.ods."{table}"'


@pytest.fixture(scope="module")
def raw_grades(ods: engine.Connection) -> list[tuple[Any, ...]]:
    """(xh, term_label, kch, score, jd, ksxz) straight from the 教务 grade table, one row per cj_id."""
    rows = _rows(
        ods,
        f"SELECT DISTINCT cj_id, xh_id, xnm, xqm, kch_id, bfzcj, jd, ksxz FROM {_ods('jiaowu__jw_cj_xscjb')}",
    )
    out = []
    for _cj, xh, xnm, xqm, kch, score, jd, kind in rows:
        term = f"{xnm}-{int(xnm) + 1}-{TERM[xqm]}"
        out.append((xh, term, kch, float(score), float(jd), kind))
    return out


@pytest.fixture(scope="module")
def credits(ods: engine.Connection) -> dict[str, Decimal]:
    return {k: Decimal(x) for k, x in _rows(ods, f"SELECT kch_id, xf FROM {_ods('jiaowu__jw_jh_kcdmb')}")}


def test_student_grades_term_equals_the_raw_grades(
    warehouse: engine.Connection, raw_grades: list[tuple[Any, ...]], credits: dict[str, Decimal]
) -> None:
    summary = {
        (r[0], r[1]): r[2:]
        for r in _rows(
            warehouse,
            "SELECT XH, term_label, courses, credits_attempted, credits_earned, gpa, failed_courses,"
            " makeup_exams, retake_exams FROM dws.student_grades_term",
        )
    }
    by_key: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for xh, term, kch, score, jd, kind in raw_grades:
        by_key[(xh, term)].append((kch, score, jd, kind))
    assert set(summary) == set(by_key)
    sample = sorted(by_key)[:: max(1, len(by_key) // 60)]
    for key in sample:
        grades = by_key[key]
        first = [g for g in grades if g[3] == "正常考试"]
        attempted = sum((credits.get(g[0], Decimal(0)) for g in first), Decimal(0))
        earned_courses = {g[0] for g in grades if g[3] in ("正常考试", "补考") and g[1] >= 60}
        earned = sum((credits.get(k, Decimal(0)) for k in earned_courses), Decimal(0))
        weights = [(float(credits[g[0]]), g[2]) for g in first if g[0] in credits]
        gpa = round(sum(w * p for w, p in weights) / sum(w for w, _ in weights), 2) if weights else None
        expected = (
            len({g[0] for g in first}),
            attempted,
            earned,
            gpa,
            sum(1 for g in first if g[1] < 60),
            sum(1 for g in grades if g[3] == "补考"),
            sum(1 for g in grades if g[3] == "重修"),
        )
        got = summary[key]
        assert got[:3] == expected[:3], key
        assert got[3] == pytest.approx(expected[3], abs=0.006), key
        assert got[4:] == expected[4:], key


def test_course_grades_term_equals_the_raw_grades(
    warehouse: engine.Connection, raw_grades: list[tuple[Any, ...]]
) -> None:
    summary = {
        (r[0], r[1]): r[2:]
        for r in _rows(
            warehouse,
            "SELECT KCH, term_label, students, pass_rate, average_score, makeup_exams, retake_exams"
            " FROM dws.course_grades_term",
        )
    }
    by_key: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for xh, term, kch, score, _jd, kind in raw_grades:
        by_key[(kch, term)].append((xh, score, kind))
    assert set(summary) == set(by_key)
    for key in sorted(by_key)[:: max(1, len(by_key) // 60)]:
        grades = by_key[key]
        first = [g for g in grades if g[2] == "正常考试"]
        students, pass_rate, average, makeups, retakes = summary[key]
        assert students == len({g[0] for g in first}), key
        if first:
            assert pass_rate == pytest.approx(sum(g[1] >= 60 for g in first) / len(first), abs=1e-4), key
            assert average == pytest.approx(sum(g[1] for g in first) / len(first), abs=0.006), key
        assert makeups == sum(1 for g in grades if g[2] == "补考"), key
        assert retakes == sum(1 for g in grades if g[2] == "重修"), key


def test_student_profile_has_every_student_once_with_their_awards(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    profile = _rows(
        warehouse, "SELECT XH, person_id, scholarship_amount, grant_amount FROM dws.student_profile"
    )
    students = _rows(warehouse, "SELECT XH FROM dwd.student")
    assert sorted(r[0] for r in profile) == sorted(r[0] for r in students)
    assert all(r[1] is not None for r in profile)
    amounts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    awards = _rows(ods, f"SELECT DISTINCT WID, XH, JXJMC, JE FROM {_ods('xuegong__T_XG_JZXX')}")
    for _wid, xh, title, amount in awards:
        kind = "grant" if "助学金" in title else "scholarship"
        amounts[(xh, kind)] += Decimal(amount)
    for xh, _person, scholarship, grant in profile:
        assert scholarship == amounts.get((xh, "scholarship"), 0), xh
        assert grant == amounts.get((xh, "grant"), 0), xh
    assert any(r[2] > 0 for r in profile) and any(r[3] > 0 for r in profile)


def test_staff_profile_counts_teaching_from_the_timetable_source(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    profile = dict(_rows(warehouse, "SELECT GH, teaching_classes FROM dws.staff_profile"))
    assert sorted(profile) == sorted(r[0] for r in _rows(warehouse, "SELECT GH FROM dwd.staff"))
    taught = Counter(
        gh for (_jxb, gh) in _rows(ods, f"SELECT DISTINCT jxb_id, jsgh FROM {_ods('jiaowu__jw_jxrw_jxbxxb')}")
    )
    assert {gh: profile[gh] for gh in profile} == {gh: taught.get(gh, 0) for gh in profile}
    assert sum(profile.values()) > 0


def test_employment_cohort_equals_the_raw_workbooks(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    summary = _rows(
        warehouse,
        "SELECT BYJ, SUM(graduates), SUM(placed), SUM(awaiting), SUM(further_study), SUM(unmapped_destination)"
        " FROM dws.employment_cohort GROUP BY BYJ ORDER BY BYJ",
    )
    # 去向 codes of the 教育部 就业方案 that count as 落实 (everything but 待就业 70 and 暂不就业 65).
    placed_codes = {"10", "11", "12", "27", "46", "50", "51", "75", "76", "80", "85"}
    # A 去向 typed as its official name (自由职业) counts as its code; other words are unmapped.
    official = dict(_rows(warehouse, "SELECT name, code FROM std.code_value WHERE code_system = 'BYQX'"))
    # Every 届's workbook is one file of the one table; the 届 is in the file's name.
    raw: dict[int, list[str]] = defaultdict(list)
    for source, _xh, code in _rows(
        ods, f"SELECT DISTINCT _source, 学号, 毕业去向代码 FROM {_ods('jiuye__JY_BYS')}"
    ):
        found = re.search(r"/(\d{4})届[^/]*$", str(source))
        assert found, source
        raw[int(found.group(1))].append(official.get(code, code))
    assert sorted(raw) == [2024, 2025, 2026]
    expected = []
    for year, codes in sorted(raw.items()):
        known = placed_codes | {"70", "65"}
        expected.append(
            (
                year,
                len(codes),
                sum(c in placed_codes for c in codes),
                codes.count("70"),
                codes.count("80"),
                sum(c not in known for c in codes),
            )
        )
    assert [tuple(int(v) for v in row) for row in summary] == expected


def test_admission_year_equals_the_raw_lists(warehouse: engine.Connection, ods: engine.Connection) -> None:
    summary = _rows(
        warehouse,
        "SELECT ZSND, SUM(plan), SUM(admitted), SUM(registered) FROM dws.admission_year GROUP BY ZSND ORDER BY ZSND",
    )
    plan: Counter[int] = Counter()
    for year, n in _rows(ods, f"SELECT 年度, 计划数 FROM {_ods('zhaosheng__ZS_JHS')}"):
        plan[int(year)] += int(n)
    admitted: Counter[int] = Counter()
    exam_year: dict[str, int] = {}
    for exam, year in _rows(ods, f"SELECT DISTINCT 考生号, 招生年度 FROM {_ods('zhaosheng__ZS_LQ')}"):
        admitted[int(year)] += 1
        exam_year[exam] = int(year)
    registered: Counter[int] = Counter()
    for exam, came in _rows(ods, f"SELECT 考生号, 是否报到 FROM {_ods('zhaosheng__ZS_BD')}"):
        if came == "是" and exam in exam_year:
            registered[exam_year[exam]] += 1
    expected = [(y, plan[y], admitted[y], registered[y]) for y in sorted(plan)]
    assert [tuple(int(v) for v in row) for row in summary] == expected
    # Scores are summarized per 生源类型, never across the 750-point and 百分制 scales.
    scales = _rows(
        warehouse, "SELECT SYLX, COUNT(DISTINCT score_scale) FROM dws.admission_year GROUP BY SYLX"
    )
    assert all(n <= 1 for _, n in scales)
