"""财务系统 (用友/浪潮-style 高校财务 export): UTF-8 CSV files, every amount an integer in 分.

Tables:

- ``CW_YSZB`` 预算指标: one line per 自然年 (2023–2026) × 部门 × 项目 × 经济分类科目 (the 政府收支
  分类 支出经济分类 codes: 30201 办公费, 30211 差旅费, 30216 培训费, 30227 委托业务费, 31002
  办公设备购置, 301xx 工资福利…).
- ``CW_PZ`` 记账凭证: one row per 分录 (凭证号 + 分录号); the debit lines carry the 项目 and the
  经济分类, the closing credit line pays out of 零余额账户用款额度 (财政 funds) or 银行存款.
  Spending follows the calendar: quiet in the February holiday and in summer, busy in term,
  and the year-end rush of November/December; payroll on the 10th of every month.
- ``CW_SR`` 收入明细: 财政拨款 (生均拨款 12,000 元/生/年 paid monthly on the current head count,
  plus quarterly 双高 专项), 学费/住宿费 (monthly totals per 学院 of ``CW_XSJF``), 科研到款 (the
  科研 system's arrivals, same 到款编号) and 社会培训 income.
- ``CW_XSJF`` 学生缴费: one row per student × 学年 × 收费项目 (学费, 住宿费); students with
  economic difficulty sometimes defer (绿色通道), so 实收 can be below 应收.

Quirks: amounts in 分 as integers; two code systems side by side (会计科目 and 经济分类科目);
credit lines leave 经济分类 empty; the 学费 of a 转专业 student's first year sits under the old
学号; a few vouchers book onto project numbers that have no budget line (last year's carried
over projects, typing slips); a few 分录 were exported twice.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import hit
from campusbrain.demo.systems._common import CITIES, company_name, staff_by_department
from campusbrain.demo.systems.keyan import research_records
from campusbrain.demo.systems.zhaosheng import DEFAULT_TUITION, TUITION
from campusbrain.demo.world import Staff, py_rng

NAME = "caiwu"
YEARS = (2023, 2024, 2025, 2026)
DORM_FEE = 1200  # 元 per 学年
PER_STUDENT_GRANT = 12_000  # 生均拨款, 元 per student per year
# Debit lines at 15,000 students and scale 1 (credit lines add about 40% on top).
TARGET_DEBIT_LINES = 150_000

ECON = {  # 经济分类科目: name, typical payment in 元
    "30101": ("基本工资", 0),
    "30102": ("津贴补贴", 0),
    "30103": ("奖金", 0),
    "30107": ("绩效工资", 0),
    "30108": ("机关事业单位基本养老保险缴费", 0),
    "30113": ("住房公积金", 0),
    "30201": ("办公费", 1_500),
    "30202": ("印刷费", 5_000),
    "30203": ("咨询费", 20_000),
    "30205": ("水费", 60_000),
    "30206": ("电费", 150_000),
    "30207": ("邮电费", 3_000),
    "30209": ("物业管理费", 400_000),
    "30211": ("差旅费", 2_500),
    "30213": ("维修（护）费", 15_000),
    "30215": ("会议费", 8_000),
    "30216": ("培训费", 6_000),
    "30217": ("公务接待费", 1_500),
    "30218": ("专用材料费", 8_000),
    "30226": ("劳务费", 3_000),
    "30227": ("委托业务费", 60_000),
    "30299": ("其他商品和服务支出", 2_000),
    "30308": ("助学金", 150_000),
    "30309": ("奖励金", 50_000),
    "31002": ("办公设备购置", 15_000),
    "31003": ("专用设备购置", 120_000),
    "31006": ("大型修缮", 500_000),
    "31007": ("信息网络及软件购置更新", 150_000),
    "31022": ("无形资产购置", 200_000),
    "31099": ("其他资本性支出", 30_000),
}
PAYROLL = {"30101": 0.2, "30102": 0.15, "30103": 0.05, "30107": 0.4, "30108": 0.1, "30113": 0.1}
# (项目名称, 元 per year at 15,000 students, {经济分类: share}, paid from 财政 funds)
COMMON_PROJECTS = (
    (
        "日常公用经费",
        0,
        {
            "30201": 0.25,
            "30202": 0.05,
            "30207": 0.05,
            "30211": 0.25,
            "30213": 0.1,
            "30215": 0.05,
            "30226": 0.1,
            "30299": 0.15,
        },
        True,
    ),
)
TEACHING_PROJECTS = (
    (
        "专业建设经费",
        2_000_000,
        {"30203": 0.1, "30216": 0.15, "30218": 0.3, "30226": 0.15, "30227": 0.2, "31002": 0.1},
        True,
    ),
    ("实训基地建设", 4_000_000, {"31003": 0.7, "30213": 0.1, "30218": 0.2}, True),
    ("学生技能竞赛", 500_000, {"30218": 0.4, "30211": 0.3, "30226": 0.2, "30216": 0.1}, False),
    ("师资队伍建设", 600_000, {"30216": 0.5, "30211": 0.4, "30226": 0.1}, False),
    ("产教融合项目", 800_000, {"30227": 0.6, "30226": 0.2, "30211": 0.2}, False),
)
OFFICE_PROJECTS = {
    "001": (
        ("会议及接待经费", 600_000, {"30215": 0.6, "30217": 0.4}, True),
        ("党建与宣传经费", 800_000, {"30202": 0.3, "30227": 0.4, "30226": 0.3}, True),
    ),
    "002": (
        ("教学运行经费", 3_000_000, {"30202": 0.2, "30226": 0.4, "30218": 0.2, "30227": 0.2}, True),
        ("教材建设经费", 1_000_000, {"30202": 0.6, "30227": 0.4}, True),
    ),
    "003": (
        ("学生资助经费", 8_000_000, {"30308": 0.8, "30309": 0.2}, True),
        (
            "学生活动与心理健康教育",
            1_000_000,
            {"30226": 0.3, "30218": 0.3, "30227": 0.2, "30211": 0.2},
            False,
        ),
    ),
    "004": (("人才引进与教职工培训", 2_000_000, {"30216": 0.6, "30226": 0.4}, False),),
    "005": (("审计与财务咨询", 400_000, {"30203": 0.6, "30227": 0.4}, True),),
    "006": (("设备购置与资产管理", 6_000_000, {"31002": 0.4, "31003": 0.6}, True),),
    "007": (("科研配套经费", 2_000_000, {"30227": 0.4, "30226": 0.3, "30218": 0.3}, False),),
    "008": (("图书资料与数字资源", 3_000_000, {"31022": 0.4, "31099": 0.6}, True),),
    "009": (
        ("信息化建设", 8_000_000, {"31007": 0.7, "30227": 0.2, "30213": 0.1}, True),
        ("网络运维", 2_000_000, {"30207": 0.5, "30213": 0.5}, True),
    ),
    "010": (
        ("招生宣传", 1_200_000, {"30202": 0.4, "30211": 0.3, "30227": 0.3}, False),
        ("就业创业服务", 600_000, {"30226": 0.4, "30215": 0.3, "30211": 0.3}, False),
    ),
    "011": (("诊改与质量监测", 500_000, {"30203": 0.5, "30227": 0.5}, True),),
    "012": (
        ("水电能耗", 12_000_000, {"30205": 0.3, "30206": 0.7}, True),
        ("物业管理", 15_000_000, {"30209": 1.0}, True),
        ("校园维修改造", 10_000_000, {"30213": 0.6, "31006": 0.4}, True),
    ),
}
# Spending by month: the February holiday and summer are quiet, November/December rush.
MONTH_WEIGHTS = (0.7, 0.3, 1.0, 1.0, 1.0, 1.1, 0.6, 0.4, 1.0, 0.9, 1.4, 1.9)
ANNUAL_PAY = 200_000  # 元 per staff member per year, all payroll items together
MATERIALS = (
    "实训耗材",
    "化学试剂",
    "纺织面料",
    "电子元器件",
    "刀具量具",
    "食品检测试剂",
    "打印耗材",
    "实训工具",
)
EVENTS = (
    "全国职业院校技能大赛",
    "专业建设研讨会",
    "产教融合论坛",
    "教学能力比赛培训",
    "学术会议",
    "企业调研",
)
DEVICES = ("台式计算机", "便携式计算机", "激光打印机", "投影仪", "交互式智能平板", "办公桌椅", "复印机")


@dataclass
class BudgetLine:
    year: int
    dept: str
    project: str
    project_name: str
    econ: str
    amount: int  # 分
    fiscal: bool


def _size(ctx: GenContext) -> float:
    """The college's size relative to the default 15,000 students (about 14,800 on the books at AS_OF)."""
    return len(ctx.world.current_students()) / 14_800


def _cents(yuan: float) -> int:
    return int(round(yuan * 100))


def _budget(ctx: GenContext) -> list[BudgetLine]:
    size = _size(ctx)
    headcount = {d.code: 0 for d in ref.DEPARTMENTS}
    for s in ctx.world.staff:
        headcount[s.department.code] += 1
    rng = py_rng(ctx.seed, NAME, "budget")
    lines = []
    for year in YEARS:
        growth = 1.04 ** (year - 2023)
        for dept in ref.DEPARTMENTS:
            projects: list[tuple[str, float, dict[str, float], bool]] = [
                ("人员经费", headcount[dept.code] * ANNUAL_PAY * growth, PAYROLL, True),
                (
                    COMMON_PROJECTS[0][0],
                    (1_200_000 if dept.kind == "teaching" else 500_000) * size * growth,
                    COMMON_PROJECTS[0][2],
                    True,
                ),
            ]
            specific = TEACHING_PROJECTS if dept.kind == "teaching" else OFFICE_PROJECTS.get(dept.code, ())
            projects += [(n, a * size * growth * rng.uniform(0.8, 1.2), s, f) for n, a, s, f in specific]
            for k, (name, amount, shares, fiscal) in enumerate(projects, start=1):
                if amount <= 0:
                    continue
                project = f"{year}{dept.code}{k:03d}"
                for econ, share in shares.items():
                    lines.append(
                        BudgetLine(
                            year, dept.code, project, name, econ, _cents(round(amount * share, -2)), fiscal
                        )
                    )
    return lines


def _weekday_in_month(day: date, last: date) -> date:
    """Move a weekend day to the Monday after, or to the Friday before if Monday is past ``last``."""
    if day.weekday() < 5:
        return day
    monday = day + timedelta(days=7 - day.weekday())
    if monday <= last:
        return monday
    friday = day - timedelta(days=day.weekday() - 4)
    return friday if friday.month == day.month else day


def _pick_staff(rng: random.Random, pool: list[Staff], day: date) -> Staff:
    for _ in range(6):
        s = pool[rng.randrange(len(pool))]
        if s.hire_date <= day:
            return s
    return min(pool, key=lambda s: s.hire_date)


def _summary(rng: random.Random, econ: str, who: Staff, project_name: str, day: date) -> str:
    name = who.person.name
    if econ in PAYROLL:
        return f"发放{day.year}年{day.month}月{ECON[econ][0]}"
    if econ == "30211":
        return f"{name}赴{rng.choice(CITIES)}参加{rng.choice(EVENTS)}差旅费"
    if econ == "30216":
        return (
            f"{name}报{rng.choice(('教师企业实践', '教学能力提升', '双师型教师', '职业技能等级证书'))}培训费"
        )
    if econ == "30227":
        return f"支付{company_name(rng)}{project_name}委托业务费"
    if econ == "30218":
        return f"购{rng.choice(MATERIALS)}（{project_name}）"
    if econ == "31002":
        return f"购置{rng.choice(DEVICES)}"
    if econ == "31003":
        return f"购置{project_name}专用设备"
    if econ in ("30205", "30206"):
        return f"支付{day.year}年{day.month}月{ECON[econ][0]}"
    if econ == "30226":
        return f"支付{rng.choice(('校外专家', '兼职教师', '学生助理', '评审专家'))}劳务费"
    if econ == "30309":
        return f"发放{day.year - 1}-{day.year}学年{rng.choice(('学业奖学金', '技能竞赛获奖奖励', '优秀学生干部奖励'))}"
    if econ == "30308":
        return f"发放{day.year}年国家助学金（第{rng.randrange(1, 3)}批）"
    return f"{name}报{ECON[econ][0]}"


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="财务管理系统",
        vendor_style="高校财务系统 (用友/浪潮风格) CSV 导出",
        owner_department="005 财务处",
        kind="files",
        fmt="csv",
        encoding="utf-8",
        quirks=[
            "amounts are integers in 分",
            "会计科目 and 经济分类科目 side by side",
            "credit lines without 经济分类",
            "year-end spending rush (Nov/Dec)",
            "first-year 学费 of 转专业 students under the old 学号",
            "vouchers on project numbers without a budget line",
        ],
    )
    world = ctx.world
    out = ctx.out / NAME
    log = ctx.defects
    rng = py_rng(ctx.seed, NAME)
    size = _size(ctx)
    pools = {code: members or world.staff for code, members in staff_by_department(world).items()}
    finance_clerks = [s for s in pools["005"] if s.category == "行政人员"] or pools["005"]

    # 预算指标
    budget = _budget(ctx)
    rows: list[list[Any]] = [
        [
            b.year,
            b.dept,
            b.project,
            b.project_name,
            b.econ,
            ECON[b.econ][0],
            "财政拨款" if b.fiscal else "学校自筹",
            b.amount,
        ]
        for b in budget
    ]
    header = [
        "年度",
        "部门代码",
        "项目编号",
        "项目名称",
        "经济分类科目代码",
        "经济分类科目名称",
        "资金来源",
        "预算金额(分)",
    ]
    result.add_csv(
        ctx,
        out / "CW_YSZB.csv",
        "预算指标",
        header,
        rows,
        encoding="utf-8",
        primary_key=["年度", "项目编号", "经济分类科目代码"],
        amount_unit="分",
    )

    # Payments: personnel monthly on the 10th, everything else spread over the calendar.
    month_cum = list(accumulate(MONTH_WEIGHTS))
    raw = sum(b.amount / 100 / ECON[b.econ][1] for b in budget if b.econ not in PAYROLL)
    target = TARGET_DEBIT_LINES * size * ctx.scale
    factor = target / max(raw, 1.0)
    events: list[
        tuple[date, str, str, str, int, bool, str]
    ] = []  # day, dept, project, econ, 分, fiscal, name
    for b in budget:
        last_month = 12 if b.year < AS_OF.year else AS_OF.month
        if b.econ in PAYROLL:
            for month in range(1, last_month + 1):
                day = date(b.year, month, 10)
                if day <= AS_OF:
                    events.append((day, b.dept, b.project, b.econ, b.amount // 12, b.fiscal, b.project_name))
            continue
        executed = b.amount * rng.uniform(0.86, 0.99) * (month_cum[last_month - 1] / month_cum[-1])
        count = max(1, round(b.amount / 100 / ECON[b.econ][1] * factor))
        if b.econ in ("30205", "30206", "30209"):
            count = last_month  # utilities and property management are billed monthly
        weights = [rng.lognormvariate(0, 0.6) for _ in range(count)]
        total_w = sum(weights)
        for w in weights:
            if b.econ in ("30205", "30206", "30209"):
                month = len(events) % last_month + 1
            else:
                month = (
                    bisect.bisect_right(month_cum[:last_month], rng.random() * month_cum[last_month - 1]) + 1
                )
                month = min(month, last_month)
            first = date(b.year, month, 1)
            end = date(b.year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
            day = first + timedelta(days=rng.randrange((min(end, AS_OF) - first).days + 1))
            day = _weekday_in_month(day, min(end, AS_OF))
            cents = max(100, int(executed * w / total_w))
            events.append((day, b.dept, b.project, b.econ, cents, b.fiscal, b.project_name))
    events.sort(key=lambda e: (e[0], e[1], e[2], e[3], e[4]))

    # Group a project's payments of one day into vouchers of up to three debit lines.
    table = "CW_PZ"
    rows = []
    budget_projects = {b.project for b in budget}
    seq_by_month: dict[str, int] = {}
    i = 0
    while i < len(events):
        day, dept, project = events[i][0], events[i][1], events[i][2]
        j = i + 1
        while j < len(events) and j - i < 3 and events[j][0] == day and events[j][2] == project:
            j += 1
        group = events[i:j]
        i = j
        month_key = f"{day:%Y%m}"
        seq_by_month[month_key] = seq_by_month.get(month_key, 0) + 1
        voucher = f"记-{month_key}-{seq_by_month[month_key]:05d}"
        payroll = group[0][3] in PAYROLL
        handler = _pick_staff(rng, finance_clerks if payroll else pools[dept], day)
        maker = _pick_staff(rng, finance_clerks, day)
        booked = project
        if hit(rng, "orphan_reference"):
            year_digits = str(day.year - 1) if rng.random() < 0.6 else str(day.year)
            booked = f"{year_digits}{dept}{rng.randrange(40, 99):03d}"
            while booked in budget_projects:
                booked = f"{year_digits}{dept}{rng.randrange(40, 99):03d}"
            log.add(NAME, table, f"{voucher}|1", "orphan_reference", f"项目编号 {booked} has no budget line")
        total = 0
        summary = ""
        for line_no, (_, _, _, econ, cents, _, project_name) in enumerate(group, start=1):
            summary = _summary(rng, econ, handler, project_name, day)
            if econ in PAYROLL:
                subject = ("500101", "业务活动费用-工资福利费用")
            elif econ.startswith("303"):
                subject = ("500103", "业务活动费用-对个人和家庭的补助费用")
            elif econ == "31022":
                subject = ("1701", "无形资产")
            elif econ == "31006":
                subject = ("1613", "在建工程")
            elif econ.startswith("310"):
                subject = ("1601", "固定资产")
            else:
                subject = ("500102", "业务活动费用-商品和服务费用")
            row = [
                voucher,
                line_no,
                f"{day:%Y-%m-%d}",
                dept,
                booked,
                subject[0],
                subject[1],
                econ,
                summary,
                cents,
                0,
                handler.gh,
                maker.gh,
            ]
            rows.append(row)
            total += cents
            if hit(rng, "duplicate_row"):
                rows.append(list(row))
                log.add(NAME, table, f"{voucher}|{line_no}", "duplicate_row")
        credit = ("1011", "零余额账户用款额度") if group[0][5] else ("1002", "银行存款")
        rows.append(
            [
                voucher,
                len(group) + 1,
                f"{day:%Y-%m-%d}",
                dept,
                booked,
                credit[0],
                credit[1],
                "",
                summary,
                0,
                total,
                handler.gh,
                maker.gh,
            ]
        )
    header = [
        "凭证号",
        "分录号",
        "日期",
        "部门代码",
        "项目编号",
        "会计科目代码",
        "会计科目名称",
        "经济分类科目代码",
        "摘要",
        "借方金额(分)",
        "贷方金额(分)",
        "经办人工号",
        "制单人工号",
    ]
    result.add_csv(
        ctx,
        out / "CW_PZ.csv",
        "记账凭证",
        header,
        rows,
        encoding="utf-8",
        primary_key=["凭证号", "分录号"],
        amount_unit="分",
    )

    # 学生缴费: 学费 and 住宿费 per student and 学年.
    table = "CW_XSJF"
    rows = []
    tuition_by_month: dict[tuple[str, str, str], int] = {}
    seq = 0
    for year in YEARS:
        for s in world.students:
            if not s.enrolled_on(date(year, 9, 15)):
                continue
            xh = s.xh
            if s.old_xh and year == s.cohort:
                xh = s.old_xh
            for item, due in (
                ("学费", TUITION.get(s.major.department, DEFAULT_TUITION)),
                ("住宿费", DORM_FEE),
            ):
                seq += 1
                bill = f"JF{year}{seq:07d}"
                paid_cents = _cents(due)
                method = rng.choice(("微信", "微信", "支付宝", "银行代扣", "银行代扣", "POS"))
                paid_on = date(year, 8, 10) + timedelta(days=rng.randrange(0, 40))
                if s.difficulty in ("1", "2") and rng.random() < 0.3:
                    paid_cents = 0 if rng.random() < 0.5 else paid_cents // 2  # 绿色通道: deferred
                    method = "绿色通道缓缴" if paid_cents == 0 else method
                paid_on = min(paid_on, AS_OF)
                rows.append(
                    [
                        bill,
                        xh,
                        s.person.name,
                        f"{year}-{year + 1}",
                        item,
                        _cents(due),
                        paid_cents,
                        f"{paid_on:%Y-%m-%d}" if paid_cents else "",
                        method,
                    ]
                )
                ctx.link(NAME, table, bill, s.person.person_id)
                if xh != s.xh:
                    log.add(
                        NAME, table, bill, "same_person_different_ids", f"学号 {xh} (now {s.xh}) after 转专业"
                    )
                if paid_cents:
                    key = (f"{paid_on:%Y-%m}", s.major.department, item)
                    tuition_by_month[key] = tuition_by_month.get(key, 0) + paid_cents
    header = [
        "缴费单号",
        "学号",
        "姓名",
        "学年",
        "收费项目",
        "应收金额(分)",
        "实收金额(分)",
        "缴费日期",
        "缴费方式",
    ]
    result.add_csv(
        ctx,
        out / "CW_XSJF.csv",
        "学生缴费明细",
        header,
        rows,
        encoding="utf-8",
        primary_key=["缴费单号"],
        amount_unit="分",
    )

    # 收入明细
    income_rows: list[list[Any]] = []

    def income(day: date, kind: str, dept: str, project: str, summary: str, cents: int, source: str) -> None:
        income_rows.append([f"{day:%Y-%m-%d}", kind, dept, project, summary, cents, source])

    cursor = date(YEARS[0], 1, 1)
    while cursor <= AS_OF:
        heads = sum(1 for s in world.students if s.enrolled_on(cursor))
        income(
            cursor + timedelta(days=4),
            "财政拨款收入",
            "005",
            "",
            f"{cursor.year}年{cursor.month}月生均拨款（在校生{heads}人）",
            _cents(heads * PER_STUDENT_GRANT / 12),
            "浙江省财政厅",
        )
        if cursor.month in (3, 6, 9, 12):
            income(
                cursor + timedelta(days=19),
                "财政拨款收入",
                "005",
                "",
                f"{cursor.year}年第{cursor.month // 3}季度“双高计划”专项资金",
                _cents(round(2_500_000 * size, -2)),
                "浙江省教育厅",
            )
        if cursor.month in (1, 4, 7, 10):
            for unit in ref.TEACHING_DEPARTMENTS:
                amount = round(rng.lognormvariate(11.5, 0.5), -2) * size
                income(
                    cursor + timedelta(days=rng.randrange(5, 25)),
                    "其他收入-社会培训",
                    unit.code,
                    "",
                    f"{unit.name}{rng.choice(('企业职工技能', '职业技能等级证书', '退役军人', '社区教育'))}培训费",
                    _cents(amount),
                    company_name(rng, unit.code),
                )
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    dept_names = {d.code: d.name for d in ref.DEPARTMENTS}
    for (ym, dept, item), cents in sorted(tuition_by_month.items()):
        day = date(int(ym[:4]), int(ym[5:]), 1) + timedelta(days=27)
        income(
            min(day, AS_OF),
            "事业收入-学费" if item == "学费" else "事业收入-住宿费",
            dept,
            "",
            f"{ym}{dept_names[dept]}{item}收入",
            cents,
            "学生缴费",
        )
    research = research_records(world, ctx.seed, ctx.scale)
    kinds = {p["项目编号"]: (p["级别"], p["部门"]) for p in research.projects}
    for arrival in research.funding:
        level, dept = kinds[arrival["项目编号"]]
        if level == "校级" or arrival["到款日期"] < f"{YEARS[0]}-01-01":
            continue  # 校级 projects are internal allocations, not income
        day = date.fromisoformat(arrival["到款日期"])
        kind = "科研事业收入-纵向" if arrival["经费类型"] == "纵向" else "科研事业收入-横向"
        income(
            day,
            kind,
            dept,
            arrival["项目编号"],
            f"{arrival['到款编号']} 科研到款",
            _cents(arrival["金额"]),
            arrival["来源单位"],
        )
    income_rows.sort(key=lambda r: (r[0], r[1], r[2], r[3], r[4]))
    rows = [[f"SR{r[0][:4]}{k:06d}", *r] for k, r in enumerate(income_rows, start=1)]
    header = ["收入编号", "日期", "收入类别", "部门代码", "项目编号", "摘要", "金额(分)", "来源单位"]
    result.add_csv(
        ctx,
        out / "CW_SR.csv",
        "收入明细",
        header,
        rows,
        encoding="utf-8",
        primary_key=["收入编号"],
        amount_unit="分",
    )
    return result
