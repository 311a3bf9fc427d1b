"""教学质量测评 (质量管理办公室的评教/督导/问卷平台): UTF-8 CSV files, no BOM.

- ``CP_XSPJ`` 学生评教: one row per student × 教学班 × 评价批次 in the end-of-term evaluation
  window of every term since 2023-09 whose window has closed: 10 items scored 1–5 (``T01``…``T10``)
  and 总分 = 2 × their sum (0–100). 教学班 and 教师工号 are the 教务 system's (same 教学班 ids, same
  course codes ``<专业代码><nn>`` / ``GGnn``); students who skip the evaluation have no row.
- ``CP_DDTK`` 督导听课: senior teachers acting as 督导 observe lessons and score 教学态度 (20),
  教学内容 (30), 教学方法 (25), 教学效果 (25); 等级 from the total.
- ``CP_MYD`` 满意度调查: the May student survey, anonymous (问卷编号 only), 大一 and 大二 cohorts,
  one row per answer; 维度 follow the 质量年报 学生反馈表 (课堂育人/课外育人/教书育人/管理与服务).

Quirks: many students tick 5 for every item (straight-lining), so 总分 100 is common; ctx.scale
above 1 adds 期中 evaluation rounds; a few 教学班 carry a teacher 工号 that is not on the staff
list (a 外聘 teacher typed in by hand); a few evaluation rows were exported twice.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from campusbrain.demo.calendar import AS_OF, HISTORY_START, all_terms
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import RATES, hit
from campusbrain.demo.systems import jiaowu
from campusbrain.demo.systems._common import unknown_gh
from campusbrain.demo.world import Student, py_rng, rng_for
from campusbrain.demo.writers import write_arrow_csv

NAME = "ceping"
ITEMS = 10
PARTICIPATION = 0.88
SURVEY_RESPONSE = 0.72
QUESTIONS = (  # (维度, 题目, mean satisfaction 1–5)
    ("课堂育人/思政课", "你对思想政治理论课教学的总体满意度", 4.30),
    ("课堂育人/公共基础课", "你对公共基础课（英语、数学、信息技术等）教学的满意度", 4.05),
    ("课堂育人/专业课", "你对专业课教学的满意度", 4.15),
    ("课堂育人/专业课", "专业课实训条件能满足学习需要", 3.95),
    ("课外育人/课外活动", "你对学校组织的课外实践活动的满意度", 4.00),
    ("课外育人/社团活动", "你对学生社团活动的满意度", 3.95),
    ("教书育人", "教师为人师表、师德师风良好", 4.40),
    ("教书育人", "教师关心学生的学习和成长", 4.25),
    ("管理与服务/学生工作", "你对辅导员工作的满意度", 4.20),
    ("管理与服务/学生工作", "你对学生资助工作的满意度", 4.10),
    ("管理与服务/教学管理", "你对排课、考试等教学管理工作的满意度", 3.95),
    ("管理与服务/教学管理", "选课与成绩查询方便快捷", 3.90),
    ("管理与服务/后勤服务", "你对学校食堂的满意度", 3.55),
    ("管理与服务/后勤服务", "你对学生宿舍条件的满意度", 3.60),
    ("管理与服务/后勤服务", "你对校园网络的满意度", 3.40),
)
COMMENTS = (
    "教学准备充分，课堂组织有序",
    "讲授清晰，理论联系实际",
    "学生参与度较高，互动良好",
    "建议加强课堂管理",
    "信息化手段运用较好",
    "实训指导细致，注重规范操作",
    "建议控制讲授节奏，增加练习时间",
    "课程思政融入自然",
)


def _teaching_classes(ctx: GenContext) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(班级代码, 课程代码, term label) -> (教学班 id, 教师工号), exactly as the 教务 system assigns them."""
    classes, _ = jiaowu.teaching_classes(ctx)
    return {key: (row[0], row[5]) for key, row in classes.items()}


def _term_no(cohort: int, year: int, number: int) -> int:
    return (year - cohort) * 2 + number


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="教学质量测评系统",
        vendor_style="评教/督导/问卷平台 CSV 导出",
        owner_department="011 质量管理办公室",
        kind="files",
        fmt="csv",
        encoding="utf-8",
        quirks=[
            "10 item scores 1–5 plus 总分 0–100",
            "straight-lining (all 5s) common",
            "教学班 ids and course codes shared with 教务",
            "anonymous satisfaction survey (no 学号)",
            "外聘 teacher 工号 not on the staff list",
        ],
    )
    world = ctx.world
    out = ctx.out / NAME
    log = ctx.defects
    prng = py_rng(ctx.seed, NAME)
    jxb = _teaching_classes(ctx)
    students_by_class: dict[str, list[Student]] = {}
    for s in world.students:
        students_by_class.setdefault(s.class_code, []).append(s)
    teacher_ghs = sorted({gh for _, gh in jxb.values()})
    quality_rng = rng_for(ctx.seed, NAME, "teacher-quality")
    quality = dict(zip(teacher_ghs, quality_rng.normal(0.0, 0.28, len(teacher_ghs)), strict=True))
    all_students = world.students
    student_index = {s.xh: i for i, s in enumerate(all_students)}
    leniency = rng_for(ctx.seed, NAME, "leniency").normal(0.0, 0.35, len(all_students))
    straight = rng_for(ctx.seed, NAME, "straight").random(len(all_students)) < 0.3
    rounds = max(1, math.ceil(ctx.scale))
    share = min(1.0, ctx.scale) * PARTICIPATION

    # 学生评教
    terms = [t for t in all_terms() if t.start >= HISTORY_START and t.end - timedelta(days=7) <= AS_OF]
    batches: list[pa.Table] = []
    orphan_jxb: dict[str, str] = {}
    for term in terms:
        for rnd in range(rounds):
            batch_name = "期末评教" if rnd == 0 else f"期中评教{rnd}" if rounds > 2 else "期中评教"
            window_end = term.end - timedelta(days=7) if rnd == 0 else term.start + timedelta(days=56)
            window_start = window_end - timedelta(days=14)
            rng = rng_for(ctx.seed, NAME, "pj", term.label, rnd)
            parts: dict[str, list[np.ndarray]] = {"student": [], "jxb": [], "course": [], "teacher": []}
            jxb_names: list[str] = []
            course_names: list[str] = []
            teacher_names: list[str] = []
            for group in world.classes:
                term_no = _term_no(group.cohort, term.year, term.number)
                if not 1 <= term_no <= 6:
                    continue
                members = [
                    student_index[s.xh]
                    for s in students_by_class.get(group.code, ())
                    if s.enrolled_on(window_end)
                ]
                if not members:
                    continue
                common, professional = jiaowu.plan_for_term(term_no)
                codes = [jiaowu.common_code(i + 1) for i in common]
                codes += [jiaowu.course_code(group.major, k) for k in professional]
                member_arr = np.array(members, dtype=np.int64)
                for code in codes:
                    found = jxb.get((group.code, code, term.label))
                    if found is None:
                        continue
                    jxb_id, teacher = found
                    if jxb_id not in orphan_jxb and rnd == 0 and hit(prng, "orphan_reference"):
                        orphan_jxb[jxb_id] = unknown_gh(prng, world)
                    teacher = orphan_jxb.get(jxb_id, teacher)
                    chosen = member_arr[rng.random(len(member_arr)) < share]
                    if not len(chosen):
                        continue
                    parts["student"].append(chosen)
                    parts["jxb"].append(np.full(len(chosen), len(jxb_names)))
                    parts["course"].append(np.full(len(chosen), len(course_names)))
                    parts["teacher"].append(np.full(len(chosen), len(teacher_names)))
                    jxb_names.append(jxb_id)
                    course_names.append(code)
                    teacher_names.append(teacher)
            if not parts["student"]:
                continue
            student = np.concatenate(parts["student"])
            jxb_idx = np.concatenate(parts["jxb"])
            n = len(student)
            teacher_q = np.array([quality.get(gh, -0.2) for gh in teacher_names])[jxb_idx]
            base = 4.35 + teacher_q + leniency[student]
            items = np.clip(np.rint(base[:, None] + rng.normal(0, 0.45, (n, ITEMS))), 1, 5).astype(np.int8)
            items[straight[student] & (rng.random(n) < 0.9)] = 5
            total = items.sum(axis=1).astype(np.int16) * 2
            days_span = (window_end - window_start).days
            seconds = rng.integers(0, days_span, n) * 86400 + rng.integers(8 * 3600, 23 * 3600, n)
            stamps = np.datetime64(window_start.isoformat(), "s") + seconds.astype("timedelta64[s]")
            ids = [f"PJ{term.year}{term.number}{rnd}{k:07d}" for k in range(1, n + 1)]
            columns = {
                "评价ID": pa.array(ids),
                "学年学期": pa.array([term.label] * n),
                "评价批次": pa.array([batch_name] * n),
                "课程代码": pa.array(course_names).take(pa.array(jxb_idx)),
                "教学班": pa.array(jxb_names).take(pa.array(jxb_idx)),
                "教师工号": pa.array(teacher_names).take(pa.array(jxb_idx)),
                "学号": pa.array([s.xh for s in all_students]).take(pa.array(student)),
            }
            for i in range(ITEMS):
                columns[f"T{i + 1:02d}"] = pa.array(items[:, i])
            columns["总分"] = pa.array(total)
            columns["评价时间"] = pc.strftime(pa.array(stamps), format="%Y-%m-%d %H:%M:%S")
            table = pa.table(columns)
            # Orphans and duplicates are logged by their 评价ID.
            orphan_rows = np.flatnonzero(
                np.isin(jxb_idx, [i for i, j in enumerate(jxb_names) if j in orphan_jxb])
            )
            for r in orphan_rows.tolist():
                log.add(NAME, "CP_XSPJ", ids[r], "orphan_reference", f"教师工号 {teacher_names[jxb_idx[r]]}")
            dup = np.flatnonzero(rng.random(n) < RATES["duplicate_row"])
            for r in dup.tolist():
                log.add(NAME, "CP_XSPJ", ids[r], "duplicate_row")
            order = np.sort(np.concatenate([np.arange(n), dup]))
            batches.append(table.take(pa.array(order)))
    table = pa.concat_tables(batches)
    path = out / "CP_XSPJ.csv"
    n = write_arrow_csv(path, table)
    result.add(
        "CP_XSPJ", "学生评教", n, path=ctx.rel(path), format="csv", encoding="utf-8", primary_key=["评价ID"]
    )
    ctx.progress(n)

    # 督导听课
    teachers = world.teachers()
    seniors = [t for t in teachers if t.title_code in ("011", "012")] or teachers
    n_supervisors = max(3, round(len(teachers) * 0.03))
    supervisors = [
        seniors[i] for i in sorted(prng.sample(range(len(seniors)), min(n_supervisors, len(seniors))))
    ]
    rows: list[list[Any]] = []
    obs_terms = [t for t in all_terms() if t.start >= HISTORY_START and t.start <= AS_OF]
    visits = max(1, round(25 * ctx.scale))
    for term in obs_terms:
        live = sorted((key, value) for key, value in jxb.items() if key[2] == term.label)
        if not live:
            continue
        for sup in supervisors:
            for _ in range(visits):
                (class_code, code, _), (jxb_id, teacher) = live[prng.randrange(len(live))]
                if teacher == sup.gh:
                    continue
                day = term.start + timedelta(days=prng.randrange(7, 7 * 17))
                while day.weekday() >= 5:
                    day -= timedelta(days=1)
                if day > AS_OF:
                    continue
                teacher = orphan_jxb.get(jxb_id, teacher)
                parts_score = [
                    min(cap, max(cap * 0.5, round(prng.gauss(cap * 0.86, cap * 0.07))))
                    for cap in (20, 30, 25, 25)
                ]
                total_score = sum(parts_score)
                grade = (
                    "优秀"
                    if total_score >= 90
                    else "良好"
                    if total_score >= 80
                    else "合格"
                    if total_score >= 60
                    else "不合格"
                )
                rows.append(
                    [
                        f"{sup.gh}",
                        teacher,
                        code,
                        jxb_id,
                        f"{day:%Y-%m-%d}",
                        jiaowu.WEEKDAY_SLOTS[prng.randrange(5)],
                        *parts_score,
                        total_score,
                        grade,
                        prng.choice(COMMENTS),
                    ]
                )
    rows.sort(key=lambda r: (r[4], r[0], r[3]))
    ids = [f"TK{r[4][:4]}{k:05d}" for k, r in enumerate(rows, start=1)]
    final_rows = []
    for key, row in zip(ids, rows, strict=True):
        teacher = row[1]
        if teacher not in world.staff_by_gh:
            log.add(NAME, "CP_DDTK", key, "orphan_reference", f"教师工号 {teacher}")
        elif hit(prng, "orphan_reference", 3.0):
            row[1] = unknown_gh(prng, world)
            log.add(NAME, "CP_DDTK", key, "orphan_reference", f"教师工号 {row[1]}")
        final_rows.append([key, *row])
        if hit(prng, "duplicate_row"):
            final_rows.append([key, *row])
            log.add(NAME, "CP_DDTK", key, "duplicate_row")
    header = [
        "听课编号",
        "督导工号",
        "教师工号",
        "课程代码",
        "教学班",
        "听课日期",
        "节次",
        "教学态度",
        "教学内容",
        "教学方法",
        "教学效果",
        "总分",
        "等级",
        "评语",
    ]
    table = pa.table({h: pa.array([r[i] for r in final_rows]) for i, h in enumerate(header)})
    path = out / "CP_DDTK.csv"
    n = write_arrow_csv(path, table)
    result.add(
        "CP_DDTK",
        "督导听课记录",
        n,
        path=ctx.rel(path),
        format="csv",
        encoding="utf-8",
        primary_key=["听课编号"],
    )
    ctx.progress(n)

    # 满意度调查 (May, 大一 and 大二)
    parts_tables = []
    dept_of = np.array([int(s.major.department) for s in all_students])
    cohorts = np.array([s.cohort for s in all_students])
    for year in range(HISTORY_START.year + 1, AS_OF.year + 1):
        day = date(year, 5, 15)
        if day > AS_OF:
            continue
        rng = rng_for(ctx.seed, NAME, "survey", year)
        eligible = np.array(
            [
                i
                for i, s in enumerate(all_students)
                if s.cohort in (year - 1, year - 2) and s.enrolled_on(day)
            ],
            dtype=np.int64,
        )
        respondents = eligible[rng.random(len(eligible)) < SURVEY_RESPONSE * min(1.0, ctx.scale)]
        rng.shuffle(respondents)  # anonymous: the order says nothing about who answered
        r_count, q_count = len(respondents), len(QUESTIONS)
        means = np.array([q[2] for q in QUESTIONS])
        bias = rng.normal(0, 0.5, r_count)
        scores = np.clip(
            np.rint(means[None, :] + bias[:, None] + rng.normal(0, 0.6, (r_count, q_count))), 1, 5
        )
        resp_idx = np.repeat(np.arange(r_count), q_count)
        q_idx = np.tile(np.arange(q_count), r_count)
        who = respondents[resp_idx]
        grade_labels = (
            pa.array([f"{c}级" for c in cohorts[who].tolist()]) if r_count else pa.array([], pa.string())
        )
        parts_tables.append(
            pa.table(
                {
                    "问卷编号": pa.array([f"WJ{year}-{i + 1:06d}" for i in resp_idx.tolist()]),
                    "调查年份": pa.array(np.full(len(resp_idx), year, dtype=np.int16)),
                    "年级": grade_labels,
                    "学院代码": pa.array([f"{d:03d}" for d in dept_of[who].tolist()]),
                    "维度": pa.array([q[0] for q in QUESTIONS]).take(pa.array(q_idx)),
                    "题号": pa.array((q_idx + 1).astype(np.int8)),
                    "题目": pa.array([q[1] for q in QUESTIONS]).take(pa.array(q_idx)),
                    "满意度": pa.array(scores.reshape(-1).astype(np.int8)),
                }
            )
        )
    table = pa.concat_tables(parts_tables)
    path = out / "CP_MYD.csv"
    n = write_arrow_csv(path, table)
    result.add(
        "CP_MYD",
        "学生满意度调查",
        n,
        path=ctx.rel(path),
        format="csv",
        encoding="utf-8",
        primary_key=["问卷编号", "题号"],
    )
    ctx.progress(n)
    return result
