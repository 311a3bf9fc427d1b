"""教务系统 (正方 ZFsoft style): one SQLite database, ``jiaowu/zfjw.db``.

Quirks: ``xnm`` is the 学年 start year and ``xqm`` is "3" for the first term and "12" for the
second; course codes embed the major code (``510203`` + two digits; common courses ``GGnn``);
grades carry 考试性质 (正常考试 / 补考 / 重修) and some are words (优秀, 缺考) rather than numbers;
``xgsj`` is the modification time an incremental sync can use as its watermark; some cohort-2021
students still carry their 2015-catalog major code.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF, terms_of_year
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import hit
from campusbrain.demo.world import Student, py_rng, rng_for
from campusbrain.demo.writers import write_sqlite

NAME = "jiaowu"
N_PROFESSIONAL = len(ref.PROFESSIONAL_COURSE_SUFFIXES)
WEEKDAY_SLOTS = ("1-2", "3-4", "5-6", "7-8", "9-10")


def course_code(major: ref.Major, k: int) -> str:
    """Professional course ``k`` (1-based) of a major; the 高职 habit of embedding the major code."""
    return f"{major.code}{k:02d}"


def common_code(k: int) -> str:
    return f"GG{k:02d}"


def plan_for_term(term_no: int) -> tuple[list[int], list[int]]:
    """Which common (index into COMMON_COURSES) and professional courses (1-based) run in term 1..6."""
    common = [i for i in range(len(ref.COMMON_COURSES)) if i % 4 + 1 == term_no]
    professional = [
        k for k in range(1, N_PROFESSIONAL + 1) if min(6, (k + 2) // 3 + (1 if k > 12 else 0)) == term_no
    ]
    return common, professional


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="教务管理系统",
        vendor_style="正方 (ZFsoft)",
        owner_department="002 教务处",
        kind="sql",
        fmt="sqlite",
        encoding="utf-8",
        quirks=[
            "xnm = 学年 start year; xqm 3 = 第1学期, 12 = 第2学期",
            "course codes embed major codes",
            "grades with 补考/重修 and word grades",
            "2015-catalog major codes on some cohort-2021 rows",
            "xgsj modification time usable as an incremental watermark",
        ],
    )
    world = ctx.world
    rng = py_rng(ctx.seed, NAME)
    db = ctx.out / NAME / "zfjw.db"

    departments = [
        (d.code, d.name, "教学单位" if d.kind == "teaching" else "职能部门") for d in ref.DEPARTMENTS
    ]
    majors = [(m.code, m.code, m.name, m.department, 3, m.code_2015) for m in ref.MAJORS]
    classes = [
        (c.code, c.name, str(c.cohort), c.major.code, c.major.department, c.counsellor_gh)
        for c in world.classes
    ]

    courses = []
    for i, (title, credit, kind, hours, _) in enumerate(ref.COMMON_COURSES, start=1):
        courses.append((common_code(i), title, credit, hours, kind, "必修", "002"))
    difficulty: dict[str, float] = {
        common_code(i): 80 - (6 if "数学" in c[0] else 0) for i, c in enumerate(ref.COMMON_COURSES, 1)
    }
    for m in ref.MAJORS:
        for k, suffix in enumerate(ref.PROFESSIONAL_COURSE_SUFFIXES, start=1):
            code = course_code(m, k)
            kind = (
                "C"
                if suffix in ("综合实训", "项目实践", "岗位实习")
                else ("A" if suffix in ("导论", "原理") else "B")
            )
            hours = 320 if suffix == "岗位实习" else (64 if kind == "B" else 48)
            courses.append(
                (
                    code,
                    f"{m.name.removesuffix('技术')}{suffix}",
                    4 if hours >= 64 else 3,
                    hours,
                    kind,
                    "必修" if k <= 11 else "选修",
                    m.department,
                )
            )
            difficulty[code] = 78 - rng.random() * 12 + (6 if kind == "C" else 0)

    # Student table; 10% of cohort-2021 rows keep the 2015-catalog major code.
    students_rows = []
    for s in world.students:
        zyh = s.major.code
        if s.cohort == 2021 and hit(rng, "legacy_major_code"):
            zyh = s.major.code_2015
            ctx.defects.add(
                NAME, "jw_xjgl_xsjbxxb", s.xh, "legacy_major_code", f"zyh {zyh} (2015) for {s.major.code}"
            )
        # JY/T 1001 学生当前状态码: 04 is 停学, 毕业 is 07.
        status = {"在读": "01", "休学": "02", "退学": "03", "毕业": "07"}[s.status]
        students_rows.append(
            (
                s.xh,
                s.xh,
                s.person.name,
                s.person.sex,
                f"{s.person.birth_date:%Y-%m-%d}",
                s.person.id_number,
                zyh,
                s.class_code,
                str(s.cohort),
                s.major.department,
                status,
                f"{s.cohort}-09-01",
                f"{AS_OF:%Y-%m-%d} 02:00:00",
            )
        )
        ctx.link(NAME, "jw_xjgl_xsjbxxb", s.xh, s.person.person_id)
        if s.old_xh:
            ctx.defects.add(
                NAME,
                "jw_xjgl_xsjbxxb",
                s.xh,
                "same_person_different_ids",
                f"学号 {s.xh} replaced {s.old_xh} after 转专业; other systems keep the old one",
            )

    classes_by_key, timetable = teaching_classes(ctx)
    grades = _grades(ctx, world, difficulty, classes_by_key)
    plans = []
    for m in ref.MAJORS:
        for term_no in range(1, 7):
            common, professional = plan_for_term(term_no)
            for i in common:
                plans.append((m.code, term_no, common_code(i + 1), "必修"))
            for k in professional:
                plans.append((m.code, term_no, course_code(m, k), "必修" if k <= 11 else "选修"))

    tables: dict[str, tuple[str, Any]] = {
        "jw_jg_jgdmb": (
            "CREATE TABLE jw_jg_jgdmb (jg_id TEXT PRIMARY KEY, jgmc TEXT, jglx TEXT)",
            departments,
        ),
        "zftal_xtgl_zydmb": (
            "CREATE TABLE zftal_xtgl_zydmb (zyh_id TEXT PRIMARY KEY, zyh TEXT, zymc TEXT, jg_id TEXT, xz INTEGER, jzyh TEXT)",
            majors,
        ),
        "jw_xjgl_bjdmb": (
            "CREATE TABLE jw_xjgl_bjdmb (bh_id TEXT PRIMARY KEY, bj TEXT, njdm_id TEXT, zyh_id TEXT, jg_id TEXT, fdy_gh TEXT)",
            classes,
        ),
        "jw_xjgl_xsjbxxb": (
            "CREATE TABLE jw_xjgl_xsjbxxb (xh_id TEXT PRIMARY KEY, xh TEXT, xm TEXT, xbm TEXT, csrq TEXT, zjhm TEXT, zyh_id TEXT, bh_id TEXT, njdm_id TEXT, jg_id TEXT, xjztdm TEXT, rxrq TEXT, xgsj TEXT)",
            students_rows,
        ),
        "jw_jh_kcdmb": (
            "CREATE TABLE jw_jh_kcdmb (kch_id TEXT PRIMARY KEY, kcmc TEXT, xf REAL, zxs INTEGER, kclbdm TEXT, kcxzmc TEXT, kkbm_id TEXT)",
            courses,
        ),
        "jw_jh_jxzxjhkcxxb": (
            "CREATE TABLE jw_jh_jxzxjhkcxxb (zyh_id TEXT, xq INTEGER, kch_id TEXT, kcxzmc TEXT)",
            plans,
        ),
        "jw_jxrw_jxbxxb": (
            "CREATE TABLE jw_jxrw_jxbxxb (jxb_id TEXT PRIMARY KEY, xnm TEXT, xqm TEXT, kch_id TEXT, jxbmc TEXT, jsgh TEXT, bh_id TEXT)",
            list(classes_by_key.values()),
        ),
        "jw_pk_kbsjb": (
            "CREATE TABLE jw_pk_kbsjb (jxb_id TEXT, xqj INTEGER, jc TEXT, zcd TEXT, cdmc TEXT)",
            timetable,
        ),
        "jw_cj_xscjb": (
            "CREATE TABLE jw_cj_xscjb (cj_id TEXT PRIMARY KEY, xh_id TEXT, xnm TEXT, xqm TEXT, kch_id TEXT, jxb_id TEXT, cj TEXT, bfzcj REAL, jd REAL, ksxz TEXT, cjbz TEXT, xgsj TEXT)",
            grades,
        ),
    }
    counts = write_sqlite(db, tables)
    titles = {
        "jw_jg_jgdmb": "机构代码",
        "zftal_xtgl_zydmb": "专业代码",
        "jw_xjgl_bjdmb": "班级",
        "jw_xjgl_xsjbxxb": "学生学籍",
        "jw_jh_kcdmb": "课程",
        "jw_jh_jxzxjhkcxxb": "教学计划",
        "jw_jxrw_jxbxxb": "教学班",
        "jw_pk_kbsjb": "课表",
        "jw_cj_xscjb": "成绩",
    }
    keys = {"jw_jh_jxzxjhkcxxb": ["zyh_id", "xq", "kch_id"], "jw_pk_kbsjb": ["jxb_id", "xqj", "jc"]}
    for name, n in counts.items():
        config: dict[str, Any] = {"table": name}
        ddl = tables[name][0]
        config["primary_key"] = keys.get(name) or [ddl.split("(", 1)[1].split()[0]]
        if "xgsj" in ddl:
            config["incremental"] = {"column": "xgsj"}
        result.add(name, titles[name], n, **config)
        ctx.progress(n)
    result.extra_config["url"] = f"sqlite:///{ctx.rel(db)}"
    return result


def teaching_classes(ctx: GenContext) -> tuple[dict[tuple[str, str, str], tuple], list[tuple]]:
    """One 教学班 per (class, course, term) and its timetable row.

    Keys are (班级代码, 课程代码, term label); values are ``jw_jxrw_jxbxxb`` rows (jxb_id first,
    teacher 工号 sixth). Other systems (测评) call this to reference exactly the same 教学班.
    """
    world = ctx.world
    teachers_by_dept: dict[str, list[str]] = {}
    for t in world.teachers():
        teachers_by_dept.setdefault(t.department.code, []).append(t.gh)
    all_teachers = [t.gh for t in world.teachers()]
    rng = py_rng(ctx.seed, NAME, "jxb")
    out: dict[tuple[str, str, str], tuple] = {}
    timetable: list[tuple] = []
    for group in world.classes:
        for term_no in range(1, 7):
            year = group.cohort + (term_no - 1) // 2
            term = terms_of_year(year)[(term_no - 1) % 2]
            if term.start > AS_OF:
                continue
            common, professional = plan_for_term(term_no)
            codes = [common_code(i + 1) for i in common] + [course_code(group.major, k) for k in professional]
            for code in codes:
                pool = (
                    teachers_by_dept.get(group.major.department, all_teachers)
                    if not code.startswith("GG")
                    else all_teachers
                )
                jxb_id = f"{year}{term.xqm.zfill(2)}{code}{group.code[-10:]}"
                row = (
                    jxb_id,
                    str(year),
                    term.xqm,
                    code,
                    f"{code}-{group.name}",
                    pool[rng.randrange(len(pool))],
                    group.code,
                )
                out[(group.code, code, term.label)] = row
                weekday = rng.randrange(1, 6)
                timetable.append(
                    (
                        jxb_id,
                        weekday,
                        WEEKDAY_SLOTS[rng.randrange(5)],
                        "1-16周",
                        f"{'明德楼求是楼致远楼'[rng.randrange(3) * 3 :][:3]}{rng.randrange(1, 6)}{rng.randrange(1, 30):02d}",
                    )
                )
    return out, timetable


def _grades(
    ctx: GenContext,
    world: Any,
    difficulty: dict[str, float],
    classes_by_key: dict[tuple[str, str, str], tuple],
) -> Iterator[tuple]:
    """Grades of every finished term; failed exams get a 补考 row and, when failed again, a 重修 row."""
    rng = rng_for(ctx.seed, NAME, "grades")
    prng = py_rng(ctx.seed, NAME, "grade-defects")
    students: list[Student] = world.students
    ability = rng.normal(0, 7, len(students))
    for idx, s in enumerate(students):
        for term_no in range(1, 7):
            year = s.cohort + (term_no - 1) // 2
            term = terms_of_year(year)[(term_no - 1) % 2]
            graded = term.end + timedelta(days=7)
            if graded > AS_OF or not s.enrolled_on(term.end):
                continue
            common, professional = plan_for_term(term_no)
            codes = [common_code(i + 1) for i in common] + [course_code(s.major, k) for k in professional]
            scores = np.clip(
                np.array([difficulty[c] for c in codes]) + ability[idx] + rng.normal(0, 8, len(codes)),
                20,
                100,
            )
            for code, score in zip(codes, scores, strict=True):
                key = (s.class_code, code, term.label)
                jxb = classes_by_key[key][0] if key in classes_by_key else f"{year}{term.xqm}{code}"
                cj_id = f"{s.xh}{year}{term.xqm}{code}"
                kch = code
                if prng.random() < 0.0004:
                    kch = f"{code[:6]}99"
                    ctx.defects.add(
                        NAME, "jw_cj_xscjb", cj_id, "orphan_reference", f"kch_id {kch} not in jw_jh_kcdmb"
                    )
                yield _grade_row(
                    cj_id, s.xh, year, term.xqm, kch, jxb, float(score), "正常考试", graded, prng
                )
                if score < 60:
                    retry = term.end + timedelta(days=60)
                    if retry > AS_OF:
                        continue
                    score2 = min(100.0, score + float(rng.normal(12, 8)))
                    yield _grade_row(cj_id + "B", s.xh, year, term.xqm, kch, jxb, score2, "补考", retry, prng)
                    if score2 < 60 and retry + timedelta(days=180) <= AS_OF:
                        score3 = min(100.0, score2 + float(rng.normal(15, 6)))
                        yield _grade_row(
                            cj_id + "C",
                            s.xh,
                            year + 1,
                            term.xqm,
                            kch,
                            jxb,
                            score3,
                            "重修",
                            retry + timedelta(days=180),
                            prng,
                        )


def _grade_row(
    cj_id: str,
    xh: str,
    year: int,
    xqm: str,
    kch: str,
    jxb: str,
    score: float,
    kind: str,
    when: date,
    prng: Any,
) -> tuple:
    score = round(score, 1)
    shown = f"{score:g}"
    note = ""
    if prng.random() < 0.004:
        shown, score, note = "缺考", 0.0, "缺考"
    elif score >= 90 and prng.random() < 0.2:
        shown = "优秀"
    point = 0.0 if score < 60 else round(1 + (score - 60) / 10, 1)
    stamp = datetime.combine(when, datetime.min.time()) + timedelta(hours=9, minutes=int(score) % 60)
    return (
        cj_id,
        xh,
        str(year),
        xqm,
        kch,
        jxb,
        shown,
        score,
        point,
        kind,
        note,
        f"{stamp:%Y-%m-%d %H:%M:%S}",
    )
