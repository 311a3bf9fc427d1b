"""图书馆系统 (汇文 Libsys style): UTF-8 CSV with a BOM (a Windows export).

Quirks: the reader id (读者证号 DZZH) is usually the 学号/工号, but readers registered at the
desk before they had one carry an ``L…`` number and are known only by name and phone; call
numbers are 中图法 (``TP311.5/1234``); 借阅 times and 入馆 gate events are separate exports.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF, HISTORY_START, days, term_of
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.world import py_rng, rng_for
from campusbrain.demo.writers import write_arrow_csv

NAME = "tushu"
TOPICS = {
    "T": [
        "机械制图",
        "数控编程",
        "PLC应用",
        "Python程序设计",
        "数据库原理",
        "电子电路",
        "化工原理",
        "纺织材料",
        "服装结构",
    ],
    "I": ["平凡的世界", "活着", "围城", "红楼梦", "三体", "边城", "人生", "白鹿原", "朝花夕拾"],
    "F": ["会计学基础", "电子商务概论", "物流管理", "市场营销学", "经济学原理"],
    "J": ["设计构成", "色彩基础", "摄影技术", "中国美术史"],
    "K": ["中国通史", "浙江地理", "世界史纲"],
    "B": ["心理学与生活", "论语译注", "逻辑学导论"],
    "H": ["大学英语词汇", "现代汉语", "商务英语写作"],
    "O": ["高等数学", "线性代数", "概率论"],
    "D": ["宪法学", "民法典通识"],
    "G": ["教育心理学", "体育与健康"],
    "TS": ["食品工艺学", "印刷工艺", "包装设计"],
}


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="图书馆管理系统",
        vendor_style="汇文 (Libsys)",
        owner_department="008 图书馆",
        kind="files",
        fmt="csv",
        encoding="utf-8-sig (BOM)",
        quirks=[
            "UTF-8 with BOM",
            "reader id = 学号/工号, except desk-registered L… readers known by name+phone",
            "中图法 call numbers",
            "loans and gate events exported separately",
        ],
    )
    rng = py_rng(ctx.seed, NAME)
    out = ctx.out / NAME
    readers: list[list[object]] = []
    reader_ids: list[str] = []
    is_student: list[bool] = []
    start_days: list[int] = []
    end_days: list[int] = []
    next_local = 0
    for staff in ctx.world.staff:
        readers.append(
            [
                staff.gh,
                staff.person.name,
                "教工",
                staff.department.name,
                staff.person.phone,
                f"{max(staff.hire_date, HISTORY_START - timedelta(days=3000)):%Y-%m-%d}",
                "有效",
            ]
        )
        ctx.link(NAME, "reader", staff.gh, staff.person.person_id)
        reader_ids.append(staff.gh)
        is_student.append(False)
        start_days.append(HISTORY_START.toordinal())
        end_days.append((AS_OF + timedelta(days=1)).toordinal())
    for s in ctx.world.students:
        rid = s.old_xh or s.xh
        dept = next(d.name for d in ref.DEPARTMENTS if d.code == s.major.department)
        if rng.random() < 0.015:
            next_local += 1
            rid = f"L{s.cohort}{next_local:05d}"
            dept = ""
            ctx.defects.add(
                NAME,
                "reader",
                rid,
                "same_person_different_ids",
                "desk-registered reader known only by name and phone",
            )
        elif s.old_xh:
            ctx.defects.add(
                NAME, "reader", rid, "same_person_different_ids", f"old 学号 {s.old_xh}, now {s.xh}"
            )
        state = "有效" if s.status == "在读" else "注销"
        readers.append([rid, s.person.name, "学生", dept, s.person.phone, f"{s.cohort}-09-10", state])
        ctx.link(NAME, "reader", rid, s.person.person_id)
        reader_ids.append(rid)
        is_student.append(True)
        start_days.append(max(HISTORY_START, date(s.cohort, 9, 10)).toordinal())
        end = s.graduation_date if s.status == "毕业" else (s.status_date or AS_OF)
        end_days.append(min(end, AS_OF).toordinal() + 1)
    header = ["DZZH", "XM", "DZLX", "DW", "SJH", "BZRQ", "ZT"]
    result.add_csv(
        ctx, out / "reader.csv", "读者", header, readers, encoding="utf-8-sig", primary_key=["DZZH"]
    )

    # Catalogue: ~1.4 books per student, as a 高职 library's circulating stock.
    classes = list(ref.CLC_CLASSES)
    weights = [ref.CLC_CLASSES[c][1] for c in classes]
    books = []
    n_books = max(2000, int(len(ctx.world.students) * 1.4))
    for i in range(n_books):
        clc = rng.choices(classes, weights=weights)[0]
        topic = rng.choice(TOPICS[clc])
        call = f"{clc}{rng.randrange(1, 400)}.{rng.randrange(1, 9)}/{rng.randrange(1, 9999)}"
        books.append(
            [
                f"W{i + 1:08d}",
                call,
                f"{topic}{'' if rng.random() < 0.5 else f'（第{rng.randrange(2, 6)}版）'}",
                rng.choice("王李张刘陈杨黄赵") + rng.choice("明华强伟芳敏") + "著",
                clc,
            ]
        )
    header = ["TXM", "SSH", "TM", "ZZ", "FLH"]
    result.add_csv(
        ctx, out / "book.csv", "馆藏图书", header, books, encoding="utf-8-sig", primary_key=["TXM"]
    )

    ids = np.array(reader_ids, dtype=object)
    student_mask = np.array(is_student)
    start = np.array(start_days)
    end = np.array(end_days)
    loans_reader: list[np.ndarray] = []
    loans_book: list[np.ndarray] = []
    loans_day: list[np.ndarray] = []
    gate_parts: dict[str, list[np.ndarray]] = {"reader": [], "when": [], "gate": []}
    for day in days(HISTORY_START, AS_OF):
        nrng = rng_for(ctx.seed, NAME, day.toordinal())
        ordinal = day.toordinal()
        in_term = term_of(day) is not None
        active = np.flatnonzero((start <= ordinal) & (ordinal < end))
        if active.size == 0:
            continue
        p_visit = (0.11 if in_term else 0.01) * (0.6 if day.weekday() >= 5 else 1.0) * min(ctx.scale, 4.0)
        visitors = active[nrng.random(active.size) < np.where(student_mask[active], p_visit, p_visit * 0.3)]
        if visitors.size:
            secs = nrng.integers(8 * 3600, 21 * 3600 + 1800, visitors.size)
            hh, rem = np.divmod(secs, 3600)
            mm, ss = np.divmod(rem, 60)
            gate_parts["reader"].append(visitors)
            gate_parts["when"].append(int(f"{day:%Y%m%d}") * 1_000_000 + hh * 10_000 + mm * 100 + ss)
            gate_parts["gate"].append(nrng.integers(1, 5, visitors.size))
            borrowers = visitors[nrng.random(visitors.size) < 0.18]
            if borrowers.size:
                loans_reader.append(borrowers)
                loans_book.append(nrng.integers(0, n_books, borrowers.size))
                loans_day.append(np.full(borrowers.size, ordinal))
    _write_loans(ctx, result, out, ids, loans_reader, loans_book, loans_day)
    reader_idx = np.concatenate(gate_parts["reader"])
    gate = pa.table(
        {
            "DZZH": pc.take(pa.array(reader_ids, pa.string()), reader_idx),
            "RGSJ": pa.array(np.concatenate(gate_parts["when"]), pa.int64()),
            "MJH": pa.array(np.concatenate(gate_parts["gate"]), pa.int64()),
        }
    )
    path = out / "gate.csv"
    n = write_arrow_csv(path, gate, bom=True)
    result.add(
        "gate",
        "入馆门禁记录",
        n,
        path=ctx.rel(path),
        format="csv",
        encoding="utf-8-sig",
        primary_key=["DZZH", "RGSJ"],
    )
    ctx.progress(n)
    return result


def _write_loans(
    ctx: GenContext,
    result: SystemResult,
    out: Path,
    ids: np.ndarray,
    readers: list[np.ndarray],
    books: list[np.ndarray],
    loan_days: list[np.ndarray],
) -> None:
    rng = rng_for(ctx.seed, NAME, "loans")
    reader = np.concatenate(readers)
    book = np.concatenate(books)
    day = np.concatenate(loan_days)
    renew = (rng.random(reader.size) < 0.15).astype(np.int64)
    keep_days = rng.integers(3, 40, reader.size) + renew * 30
    returned = day + keep_days
    as_of = AS_OF.toordinal()
    rows = []
    prng = py_rng(ctx.seed, NAME, "loan-defects")
    for i in range(reader.size):
        lsh = f"J{i + 1:09d}"
        out_day = date.fromordinal(int(day[i]))
        due = out_day + timedelta(days=30 + 30 * int(renew[i]))
        back = (
            "" if returned[i] > as_of else f"{date.fromordinal(int(returned[i])):%Y-%m-%d} 16:{i % 60:02d}:00"
        )
        rid = ids[reader[i]]
        if prng.random() < 0.0008:
            rid = f"{rid[:4]}88{i % 100000:05d}"
            ctx.defects.add(NAME, "loan", lsh, "orphan_reference", f"DZZH {rid} is not a reader")
        rows.append(
            [
                lsh,
                rid,
                f"W{int(book[i]) + 1:08d}",
                f"{out_day:%Y-%m-%d} 10:{i % 60:02d}:00",
                f"{due:%Y-%m-%d}",
                back,
                int(renew[i]),
            ]
        )
    header = ["LSH", "DZZH", "TXM", "JCSJ", "YHRQ", "GHSJ", "XJCS"]
    result.add_csv(ctx, out / "loan.csv", "借阅流水", header, rows, encoding="utf-8-sig", primary_key=["LSH"])
