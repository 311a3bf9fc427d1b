"""学工系统 (金智 style): GBK CSV files with WID keys and ``*DM`` code fields.

Quirks: GBK encoding; ``WID`` technical keys; ``CLRQ``/``CZLX``/``SJLY``/``TBRQ`` sync columns;
school-specific 学籍状态 codes (10 正常, 20 休学, 30 退学, 40 毕业); 民族 codes sometimes
unpadded ("1" for "01"); 专业代码 with a school suffix ("510203-rj"); dates as yyyymmdd strings
with the time in a separate column.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from campusbrain.demo.calendar import AS_OF, all_terms
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import break_checksum, date_variant, fullwidth, hit
from campusbrain.demo.world import py_rng

NAME = "xuegong"
STATUS_CODES = {"在读": "10", "休学": "20", "退学": "30", "毕业": "40"}
SCHOLARSHIPS = (
    ("GJJXJ", "国家奖学金", 8000, 0.002),
    ("GJLZJXJ", "国家励志奖学金", 5000, 0.03),
    ("XYDJXJ", "学业一等奖学金", 2000, 0.03),
    ("XYEJXJ", "学业二等奖学金", 1000, 0.06),
    ("XYSJXJ", "学业三等奖学金", 500, 0.10),
    ("ZXJ1", "国家助学金一等", 4300, 0.0),
    ("ZXJ2", "国家助学金二等", 3300, 0.0),
    ("ZXJ3", "国家助学金三等", 2300, 0.0),
)


def wid(*parts: object) -> str:
    """金智-style 32-hex technical key, stable for the same record."""
    return hashlib.md5("|".join(map(str, parts)).encode()).hexdigest().upper()


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="学生工作管理系统",
        vendor_style="金智 (Wisedu)",
        owner_department="003 学生工作处",
        kind="files",
        fmt="csv",
        encoding="gbk",
        quirks=[
            "GBK encoding",
            "WID technical keys",
            "*DM code fields (XBDM, MZDM)",
            "school-specific 学籍状态 codes 10/20/30/40",
            "unpadded 民族 codes",
            "专业代码 with school suffix",
            "dates yyyymmdd with time in a separate column",
        ],
    )
    rng = py_rng(ctx.seed, NAME)
    out = ctx.out / NAME
    students = ctx.world.students
    log = ctx.defects

    table = "T_XG_XSJBXX"
    rows = []
    for s in students:
        p = s.person
        key = wid(NAME, "xs", s.xh)
        id_number = p.id_number
        birth = p.birth_date.strftime("%Y%m%d")
        sex = p.sex
        ethnicity = p.ethnicity.lstrip("0") if rng.random() < 0.3 else p.ethnicity
        phone = p.phone
        name = p.name
        if hit(rng, "invalid_id_checksum"):
            id_number = break_checksum(id_number)
            log.add(NAME, table, key, "invalid_id_checksum", f"SFZJH {id_number}")
        elif hit(rng, "fullwidth_digits"):
            id_number = fullwidth(id_number)
            log.add(NAME, table, key, "fullwidth_digits", "SFZJH")
        if hit(rng, "mixed_date_format", 2.0):
            birth = date_variant(p.birth_date, rng, native="%Y%m%d")
            log.add(NAME, table, key, "mixed_date_format", f"CSRQ {birth}")
        if hit(rng, "code_outside_standard"):
            sex = "男" if sex == "1" else "女"
            log.add(NAME, table, key, "code_outside_standard", f"XBDM {sex}")
        elif hit(rng, "code_outside_standard"):
            ethnicity = "57"
            log.add(NAME, table, key, "code_outside_standard", "MZDM 57")
        if hit(rng, "missing_mandatory"):
            phone = ""
            id_number = ""
            log.add(NAME, table, key, "missing_mandatory", "SFZJH")
        if hit(rng, "fullwidth_digits"):
            phone = fullwidth(phone)
            log.add(NAME, table, key, "fullwidth_digits", "LXDH")
        row = [
            key,
            s.xh,
            name,
            sex,
            birth,
            ethnicity,
            s.person.political,
            "1",
            id_number,
            p.birthplace[:4] + "00",
            p.birthplace,
            s.major.department,
            f"{s.major.code}-{s.major.department[1:]}",
            s.class_code,
            STATUS_CODES[s.status],
            phone,
            s.difficulty,
            s.dorm,
            f"{s.cohort}09",
            f"{min(AS_OF, s.status_date or AS_OF):%Y%m%d}",
            "I",
            "XG",
            f"{AS_OF:%Y%m%d}",
        ]
        rows.append(row)
        ctx.link(NAME, table, key, p.person_id)
        if hit(rng, "duplicate_row"):
            rows.append(list(row))
            log.add(NAME, table, key, "duplicate_row")
    header = [
        "WID",
        "XH",
        "XM",
        "XBDM",
        "CSRQ",
        "MZDM",
        "ZZMMDM",
        "SFZJLXDM",
        "SFZJH",
        "JGDM",
        "CSDDM",
        "XYDM",
        "ZYDM",
        "BJDM",
        "XJZTDM",
        "LXDH",
        "JTJJKNDJDM",
        "SSH",
        "RXNY",
        "CLRQ",
        "CZLX",
        "SJLY",
        "TBRQ",
    ]
    result.add_csv(
        ctx,
        out / f"{table}.csv",
        "学生基本信息",
        header,
        rows,
        encoding="gbk",
        primary_key=["WID"],
    )

    # 请假单 (leave): a few per student per term; orphans reference students that do not exist.
    table = "T_XG_QJXX"
    rows = []
    terms = all_terms()
    for s in students:
        for term in terms:
            if not (s.enrolled_on(term.start) or s.enrolled_on(term.end)):
                continue
            for k in range(rng.choice((0, 0, 1, 1, 2, 3))):
                start = term.start + timedelta(days=rng.randrange(0, (term.end - term.start).days))
                if start > AS_OF:
                    continue
                end = start + timedelta(days=rng.choice((0, 0, 1, 2, 3, 6)))
                key = wid(NAME, "qj", s.xh, term.label, k)
                xh = s.xh
                if hit(rng, "orphan_reference"):
                    xh = f"{s.cohort}99{rng.randrange(10**6):06d}"
                    log.add(NAME, table, key, "orphan_reference", f"XH {xh}")
                rows.append(
                    [
                        key,
                        xh,
                        rng.choice(("病假", "事假", "事假", "公假")),
                        f"{start:%Y%m%d}",
                        f"{rng.choice((8, 13, 18))}00",
                        f"{end:%Y%m%d}",
                        "2200",
                        rng.choice(("已审核", "已审核", "已审核", "已销假", "待审核")),
                        f"{start:%Y%m%d}",
                    ]
                )
    header = ["WID", "XH", "QJLB", "QJKSRQ", "QJKSSJ", "QJJSRQ", "QJJSSJ", "ZT", "CLRQ"]
    result.add_csv(ctx, out / f"{table}.csv", "请假单", header, rows, encoding="gbk", primary_key=["WID"])

    # 家庭经济困难认定 each year, then 奖助学金 per 学年 (助学金 follows the difficulty level).
    kn_rows, award_rows = [], []
    for year in range(2021, AS_OF.year + (1 if AS_OF.month >= 10 else 0)):
        xn = f"{year}-{year + 1}"
        decided = date(year, 10, 15)
        for s in students:
            if not s.enrolled_on(decided):
                continue
            if s.difficulty:
                kn_rows.append([wid(NAME, "kn", s.xh, xn), s.xh, xn, s.difficulty, f"{decided:%Y%m%d}"])
                level = {"1": "ZXJ1", "2": "ZXJ2", "3": "ZXJ3"}[s.difficulty]
                code, title, amount, _ = next(x for x in SCHOLARSHIPS if x[0] == level)
                award_rows.append(
                    [
                        wid(NAME, "jx", s.xh, xn, code),
                        s.xh,
                        xn,
                        code,
                        title,
                        amount,
                        f"{date(year, 11, 20):%Y%m%d}",
                    ]
                )
            if year == s.cohort:
                continue  # scholarships reward the previous year's results
            r = rng.random()
            cumulative = 0.0
            for code, title, amount, share in SCHOLARSHIPS:
                cumulative += share
                if share and r < cumulative:
                    if code == "GJLZJXJ" and not s.difficulty:
                        break
                    award_rows.append(
                        [
                            wid(NAME, "jx", s.xh, xn, code),
                            s.xh,
                            xn,
                            code,
                            title,
                            amount,
                            f"{date(year, 11, 20):%Y%m%d}",
                        ]
                    )
                    break
    header = ["WID", "XH", "XN", "KNDJDM", "RDRQ"]
    result.add_csv(
        ctx, out / "T_XG_KNSRD.csv", "家庭经济困难认定", header, kn_rows, encoding="gbk", primary_key=["WID"]
    )
    header = ["WID", "XH", "XN", "JXJDM", "JXJMC", "JE", "PDRQ"]
    result.add_csv(
        ctx, out / "T_XG_JZXX.csv", "奖助学金", header, award_rows, encoding="gbk", primary_key=["WID"]
    )
    return result
