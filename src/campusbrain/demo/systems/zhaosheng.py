"""招生系统 (省考试院 data + the college's own 招生平台): UTF-8 CSV files with a byte-order mark.

Tables: ``ZS_JHS`` 招生计划 (年度 × 专业 × 生源类型 × 省份), ``ZS_LQ`` 录取 (one row per admitted
考生, keyed by 考生号) and ``ZS_BD`` 报到 (did the admitted 考生 turn up, and under which 学号).

Quirks: UTF-8 *with* BOM (Excel-friendly, the office edits these by hand); 录取分数 is on
different scales by 生源类型 (普通高考 and 单独考试招生 out of 750, 提前招生/中高职一体化 a
百分制 综合测试 score) and empty for 退役军人 (免试); about 6% of admitted 考生 never register,
so they appear only here: they are real people who never become students; 转专业 students were
admitted to their original major under their original 学号. The 2021 spring-round plans
(提前招生, 单考单招, 中高职一体化) were fixed before the 2021 专业目录 took effect and still
carry 2015 major codes.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import FIRST_COHORT, LAST_COHORT
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import break_checksum, fullwidth, hit
from campusbrain.demo.world import Person, PersonFactory, Student, py_rng

NAME = "zhaosheng"
PROVINCE = ("33", "浙江省")
NO_SHOW_RATE = (0.05, 0.08)
NO_SHOW_REASONS = ("复读", "放弃入学", "放弃入学", "另录取本科院校", "参军入伍", "出国留学", "联系不上")
SPRING_ROUNDS = ("高职提前招生", "单独考试招生", "中高职一体化")
# Tuition per year (元) by department: art and design majors cost more in Zhejiang.
TUITION = {"109": 8800, "105": 7700}
DEFAULT_TUITION = 6600


@dataclass
class Admission:
    exam: str  # 考生号
    person: Person
    person_id: str  # ground-truth id: the student's person id, or "A" + 考生号 for a no-show
    cohort: int
    major: ref.Major
    admission_type: str
    xh: str  # the 学号 given at registration ("" for a no-show)


def _admission_day(rng: random.Random, admission_type: str, year: int) -> date:
    start, span = {
        "普通高考": (date(year, 7, 28), 12),
        "高职提前招生": (date(year, 4, 20), 15),
        "单独考试招生": (date(year, 6, 28), 10),
        "中高职一体化": (date(year, 6, 15), 10),
        "退役军人": (date(year, 5, 20), 20),
    }[admission_type]
    return start + timedelta(days=rng.randrange(span))


def _score(rng: random.Random, admission_type: str) -> str:
    if admission_type == "普通高考":
        return str(int(min(640, max(300, rng.gauss(455, 45)))))
    if admission_type == "单独考试招生":
        return str(int(min(700, max(380, rng.gauss(540, 50)))))
    if admission_type in ("高职提前招生", "中高职一体化"):
        return f"{min(99.0, max(55.0, rng.gauss(78, 8))):.1f}"
    return ""  # 退役军人: 免试录取


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="招生管理系统",
        vendor_style="省考试院投档数据 + 学校招生平台",
        owner_department="010 招生就业处",
        kind="files",
        fmt="csv",
        encoding="utf-8-sig",
        quirks=[
            "UTF-8 with BOM",
            "录取分数 on different scales by 生源类型; empty for 退役军人 (免试)",
            "admitted but never registered 考生 (about 6%) exist only here",
            "转专业 students appear under their original major and 学号",
            "2021 spring-round plans on 2015 major codes",
        ],
    )
    world = ctx.world
    rng = py_rng(ctx.seed, NAME)
    out = ctx.out / NAME
    log = ctx.defects

    # No-shows: real people who were admitted and never came. Their ID numbers and exam numbers
    # must not collide with anyone in the world.
    factory = PersonFactory(ctx.seed)
    factory.rng = py_rng(ctx.seed, NAME, "no-shows")
    taken_ids = {s.person.id_number for s in world.students} | {s.person.id_number for s in world.staff}
    taken_exam = {s.exam_number for s in world.students}
    admissions: list[Admission] = []
    by_cohort_major: dict[tuple[int, str], list[Student]] = {}
    for s in world.students:
        by_cohort_major.setdefault((s.cohort, (s.old_major or s.major).code), []).append(s)
    majors = {m.code: m for m in ref.MAJORS}
    type_names = list(ref.ADMISSION_TYPES)
    type_weights = list(ref.ADMISSION_TYPES.values())
    for (cohort, major_code), enrolled in by_cohort_major.items():
        major = majors[major_code]
        for s in enrolled:
            admissions.append(
                Admission(
                    s.exam_number,
                    s.person,
                    s.person.person_id,
                    cohort,
                    major,
                    s.admission_type,
                    s.old_xh or s.xh,
                )
            )
        rate = rng.uniform(*NO_SHOW_RATE)
        expected = len(enrolled) * rate / (1 - rate)
        # Random rounding keeps the share right in small colleges, where most groups are tiny.
        for _ in range(int(expected) + (1 if rng.random() < expected - int(expected) else 0)):
            age = int(min(22, max(16, round(rng.gauss(18.2, 0.7)))))
            birth = date(cohort - age, 1, 1) + timedelta(days=rng.randrange(365))
            person = factory.make(birth, political=ref.POLITICAL_STUDENT)
            while person.id_number in taken_ids:
                person = factory.make(birth, political=ref.POLITICAL_STUDENT)
            taken_ids.add(person.id_number)
            exam = f"{str(cohort)[2:]}33{rng.randrange(10**10):010d}"
            while exam in taken_exam:
                exam = f"{str(cohort)[2:]}33{rng.randrange(10**10):010d}"
            taken_exam.add(exam)
            kind = rng.choices(type_names, weights=type_weights)[0]
            admissions.append(Admission(exam, person, f"A{exam}", cohort, major, kind, ""))
    admissions.sort(key=lambda a: (a.cohort, a.exam))

    # 招生计划: what was admitted, plus the unfilled places (plans are rarely filled exactly).
    admitted = Counter((a.cohort, a.major.code, a.admission_type) for a in admissions)
    table = "ZS_JHS"
    rows: list[list[Any]] = []
    for year in range(FIRST_COHORT, LAST_COHORT + 1):
        for major in ref.MAJORS:
            for admission_type in ref.ADMISSION_TYPES:
                n = admitted.get((year, major.code, admission_type), 0)
                plan = n + (rng.randrange(0, 4) if n else 0)
                if plan == 0:
                    continue
                code = major.code
                key = f"{year}|{major.code}|{admission_type}|{PROVINCE[0]}"
                if year == FIRST_COHORT and admission_type in SPRING_ROUNDS:
                    code = major.code_2015
                    log.add(NAME, table, key, "legacy_major_code", f"专业代码 {code} (2021: {major.code})")
                tuition = TUITION.get(major.department, DEFAULT_TUITION)
                rows.append(
                    [year, code, major.name, admission_type, PROVINCE[0], PROVINCE[1], plan, 3, tuition]
                )
    header = [
        "年度",
        "专业代码",
        "专业名称",
        "生源类型",
        "省份代码",
        "省份名称",
        "计划数",
        "学制",
        "学费(元/年)",
    ]
    result.add_csv(
        ctx,
        out / "ZS_JHS.csv",
        "招生计划",
        header,
        rows,
        encoding="utf-8-sig",
        primary_key=["年度", "专业代码", "生源类型", "省份代码"],
    )

    # 录取
    table = "ZS_LQ"
    rows = []
    for a in admissions:
        person, exam, major = a.person, a.exam, a.major
        day = _admission_day(rng, a.admission_type, a.cohort)
        id_number = person.id_number
        if hit(rng, "invalid_id_checksum"):
            id_number = break_checksum(id_number)
            log.add(NAME, table, exam, "invalid_id_checksum", f"身份证号 {id_number}")
        elif hit(rng, "fullwidth_digits"):
            id_number = fullwidth(id_number)
            log.add(NAME, table, exam, "fullwidth_digits", "身份证号")
        row = [
            exam,
            person.name,
            id_number,
            "男" if person.sex == "1" else "女",
            a.admission_type,
            PROVINCE[1],
            major.code,
            major.name,
            _score(rng, a.admission_type),
            f"{day:%Y-%m-%d}",
            a.cohort,
        ]
        rows.append(row)
        ctx.link(NAME, table, exam, a.person_id)
        if hit(rng, "duplicate_row"):
            rows.append(list(row))
            log.add(NAME, table, exam, "duplicate_row")
    header = [
        "考生号",
        "姓名",
        "身份证号",
        "性别",
        "生源类型",
        "生源省份",
        "录取专业代码",
        "录取专业名称",
        "录取分数",
        "录取日期",
        "招生年度",
    ]
    result.add_csv(
        ctx,
        out / "ZS_LQ.csv",
        "录取名单",
        header,
        rows,
        encoding="utf-8-sig",
        primary_key=["考生号"],
    )

    # 报到
    table = "ZS_BD"
    rows = []
    for a in admissions:
        exam, cohort = a.exam, a.cohort
        if a.xh:
            xh = a.xh
            if hit(rng, "fullwidth_digits"):
                xh = fullwidth(xh)
                log.add(NAME, table, exam, "fullwidth_digits", "学号")
            day = date(cohort, 9, 1) + timedelta(days=min(9, int(rng.expovariate(0.6))))
            rows.append([exam, xh, f"{day:%Y-%m-%d}", "是", ""])
        else:
            rows.append([exam, "", "", "否", rng.choice(NO_SHOW_REASONS)])
    header = ["考生号", "学号", "报到日期", "是否报到", "未报到原因"]
    result.add_csv(
        ctx,
        out / "ZS_BD.csv",
        "新生报到",
        header,
        rows,
        encoding="utf-8-sig",
        primary_key=["考生号"],
    )
    no_shows = sum(1 for a in admissions if not a.xh)
    result.notes["no_shows"] = no_shows
    result.notes["no_show_share"] = round(no_shows / max(1, len(admissions)), 4)
    return result
