"""协同办公 OA (泛微/致远-style): 公文 as a JSON array, 流程实例 as JSON lines.

- ``oa/gongwen.json``: 公文 records — 文号 (``望职院〔2025〕12号``, ``望职院教〔2025〕3号``, ``望职院党〔…〕``,
  numbered per 发文字号 prefix and year in date order), 标题, 发文部门, 密级 (``无``), 发文日期, 类型
  (通知/决定/通报/意见/纪要/函/请示/报告), 签发人工号, 拟稿人工号, 主送.
- ``oa/liucheng.jsonl``: one 流程实例 per line since 2023-09 — 事项 (请假/用印/出差/经费报销/会议室),
  发起人工号, 发起时间 (ISO 8601 with +08:00), a 表单 object whose fields depend on the 事项, the
  ordered 环节 (环节名称, 审批人工号, 审批时间, 审批结果, 审批意见), 办结时间 and 状态
  (已办结/已退回/已撤销/审批中).

Quirks: nested JSON (表单 differs by 事项); approvals happen in office hours, so a Friday-evening
request waits until Monday; department heads' own requests skip the 部门负责人 step; flows started
in the last weeks are still 审批中 with no 办结时间; the records migrated from the old OA before
2024 sometimes keep its ``2023/10/9 9:31:00`` time format; a few steps name an approver who has
since left (工号 no longer on the staff list).
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from typing import Any

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF, HISTORY_START
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import hit
from campusbrain.demo.systems._common import (
    CITIES,
    department_head,
    office_time,
    staff_by_department,
    unknown_gh,
)
from campusbrain.demo.systems.caiwu import OFFICE_PROJECTS, TEACHING_PROJECTS
from campusbrain.demo.world import Staff, World, py_rng
from campusbrain.demo.writers import write_json

NAME = "oa"
FLOWS_AT_15000 = 45_000
FLOW_KINDS = (("请假", 0.25), ("用印", 0.15), ("出差", 0.20), ("经费报销", 0.30), ("会议室", 0.10))
MONTH_WEIGHTS = (0.8, 0.4, 1.1, 1.0, 1.0, 1.1, 0.7, 0.4, 1.1, 1.0, 1.2, 1.4)
PREFIX = {
    "001": "望职院",
    "002": "望职院教",
    "003": "望职院学",
    "004": "望职院人",
    "005": "望职院财",
    "006": "望职院资",
    "007": "望职院科",
    "010": "望职院招",
    "011": "望职院质",
    "012": "望职院后",
}
DOCS_PER_YEAR = {
    "001": 110,
    "002": 70,
    "003": 50,
    "004": 45,
    "005": 18,
    "006": 12,
    "007": 28,
    "010": 20,
    "011": 10,
    "012": 14,
}
PARTY_DOCS_PER_YEAR = 55
RULES = (
    "教学事故认定与处理办法",
    "科研经费管理办法",
    "横向科研项目管理办法",
    "学生违纪处分规定",
    "公务接待管理办法",
    "固定资产管理办法",
    "教师企业实践管理办法",
    "专业带头人选拔与管理办法",
    "数据管理办法",
    "差旅费管理办法",
    "兼职教师聘用与管理办法",
    "学生资助工作实施细则",
    "内部控制手册",
    "网络与信息安全管理办法",
)
GROUPS = (
    "“双高计划”建设",
    "数字校园建设",
    "安全生产",
    "招生工作",
    "诊断与改进工作",
    "校园文化建设",
    "产教融合",
)
UPCOMING_HOLIDAY = {
    12: "元旦",
    1: "寒假",
    3: "清明节",
    4: "劳动节",
    5: "端午节",
    6: "暑假",
    9: "中秋节、国庆节",
}
HOLIDAYS = ("元旦", "寒假", "清明节", "劳动节", "端午节", "暑假", "中秋节、国庆节")
PARTY_THEMES = {
    2023: "学习贯彻习近平新时代中国特色社会主义思想主题教育",
    2024: "党纪学习教育",
    2025: "深入贯彻中央八项规定精神学习教育",
    2026: "“两学一做”常态化制度化",
}
ROOMS = ("行政楼第一会议室", "行政楼第二会议室", "图书馆报告厅", "信息楼308会议室", "学术交流中心多功能厅")
SEALS = ("学校印章", "党委印章", "合同专用章", "校长签名章")
LEAVE_KINDS = (
    ("事假", 0.35),
    ("病假", 0.30),
    ("年休假", 0.25),
    ("婚假", 0.03),
    ("产假", 0.03),
    ("丧假", 0.04),
)
OPINIONS = {
    "同意": ("同意", "同意。", "同意，请按规定办理", "已阅，同意", ""),
    "退回": ("材料不全，请补充后重新提交", "请附会议通知", "金额有误，请核对"),
}


def _dept_titles(rng: random.Random, dept: str, day: date, seq: int) -> tuple[str, str]:
    """(类型, 标题) for a document of ``dept``."""
    y = day.year
    # Titles that depend on the season name the holiday, term or year the date points at.
    holiday = UPCOMING_HOLIDAY.get(day.month) or rng.choice(HOLIDAYS)
    school_year = y if day.month >= 8 else y - 1
    term_no = 1 if day.month >= 8 or day.month == 1 else 2
    report_year = y if day.month >= 11 else y - 1
    season_works = (
        f"关于{y}年暑期校园维修工程安排的通知"
        if 4 <= day.month <= 7
        else f"关于做好{y}年冬季校园安全与节能工作的通知"
    )
    options: dict[str, tuple[tuple[str, str], ...]] = {
        "001": (
            ("通知", f"关于{y if day.month != 12 else y + 1}年{holiday}放假安排的通知"),
            ("通知", f"关于召开{y}年教职工代表大会暨工会会员代表大会的通知"),
            ("通知", f"关于印发《{ref.COLLEGE_NAME}{rng.choice(RULES)}》的通知"),
            ("通报", f"关于{y - 1}年度部门目标责任制考核结果的通报"),
            ("通知", f"关于成立学校{rng.choice(GROUPS)}工作领导小组的通知"),
            ("纪要", f"{y}年第{seq}次校长办公会议纪要"),
            ("函", f"关于商请共建{rng.choice(('产业学院', '实训基地', '协同创新中心'))}的函"),
            ("报告", f"关于{report_year}年度学校工作总结的报告"),
        ),
        "002": (
            ("通知", f"关于公布{y}年校级教学成果奖评审结果的通知"),
            ("通知", f"关于做好{school_year}-{school_year + 1}学年第{term_no}学期期末考试工作的通知"),
            ("通知", f"关于开展{y}年教师教学能力比赛的通知"),
            ("通知", f"关于公布{y}年校级精品在线开放课程立项名单的通知"),
            ("意见", f"关于{y}级专业人才培养方案制（修）订的指导意见"),
        ),
        "003": (
            ("决定", f"关于表彰{y - 1}-{y}学年优秀学生和先进班集体的决定"),
            ("通知", f"关于做好{y}年秋季学期家庭经济困难学生认定工作的通知"),
            ("决定", f"关于给予{rng.randrange(2, 9)}名学生违纪处分的决定"),
            ("通知", f"关于开展{y}年“5·25”心理健康月活动的通知"),
        ),
        "004": (
            ("通知", f"关于{y}年度专业技术职务评聘结果的通知"),
            ("通知", f"关于公布{y}年公开招聘工作人员拟聘人员名单的通知"),
            ("通知", f"关于开展{y}年度教职工年度考核工作的通知"),
            ("通知", f"关于做好{y}年暑期教师企业实践工作的通知"),
        ),
        "005": (
            ("通知", f"关于做好{y + 1}年度部门预算编制工作的通知"),
            ("通知", f"关于{y}年度经费报销截止时间的通知"),
        ),
        "006": (
            ("通知", f"关于开展{y}年度固定资产清查工作的通知"),
            ("通知", f"关于公布{y}年第{rng.randrange(1, 3)}批资产报废处置结果的通知"),
        ),
        "007": (
            ("通知", f"关于公布{y}年度校级科研项目立项名单的通知"),
            ("通知", f"关于组织申报{y + 1}年度浙江省自然科学基金项目的通知"),
            ("通知", f"关于开展{y}年度科研工作量统计的通知"),
        ),
        "010": (
            ("通知", f"关于做好{y}届毕业生就业创业工作的通知"),
            ("通知", f"关于成立{y}年招生工作领导小组的通知"),
            ("通知", f"关于公布{y}年高职提前招生录取结果的通知"),
        ),
        "011": (
            ("通知", f"关于开展{y}年度专业诊断与改进工作的通知"),
            ("报告", f"{ref.COLLEGE_NAME}{y}年高等职业教育质量年度报告"),
        ),
        "012": (("通知", season_works),),
    }
    return rng.choice(options[dept])


def _documents(world: World, seed: int, scale: float) -> list[dict[str, Any]]:
    rng = py_rng(seed, NAME, "documents")
    leaders = [s for s in world.staff if s.category == "校领导"]
    pools = staff_by_department(world)
    raw: list[tuple[date, str, str, str, str]] = []  # day, prefix, dept, 类型, 标题
    for year in range(HISTORY_START.year, AS_OF.year + 1):
        start = max(HISTORY_START, date(year, 1, 1))
        end = min(AS_OF, date(year, 12, 31))
        fraction = ((end - start).days + 1) / 365
        for dept, per_year in DOCS_PER_YEAR.items():
            for seq in range(1, int(per_year * fraction * scale) + 1):
                day = start + timedelta(days=rng.randrange((end - start).days + 1))
                while day.weekday() >= 5:
                    day -= timedelta(days=1)
                kind, title = _dept_titles(rng, dept, day, seq)
                raw.append((max(day, start), PREFIX[dept], dept, kind, title))
        for _ in range(int(PARTY_DOCS_PER_YEAR * fraction * scale)):
            day = start + timedelta(days=rng.randrange((end - start).days + 1))
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            kind, title = rng.choice(
                (
                    ("通知", f"关于开展{PARTY_THEMES[year]}的通知"),
                    ("通知", f"关于做好{year}年度发展党员工作的通知"),
                    ("决定", f"关于表彰{year}年度优秀共产党员和先进基层党组织的决定"),
                    ("通知", f"关于召开{year}年度基层党组织书记抓党建述职评议会的通知"),
                    (
                        "意见",
                        f"关于加强新时代{rng.choice(('师德师风', '意识形态', '思想政治'))}工作的实施意见",
                    ),
                )
            )
            raw.append((max(day, start), "望职院党", "001", kind, title))
    raw.sort()
    numbers: dict[tuple[str, int], int] = {}
    docs = []
    dept_names = {d.code: d.name for d in ref.DEPARTMENTS}
    for day, prefix, dept, kind, title in raw:
        numbers[(prefix, day.year)] = numbers.get((prefix, day.year), 0) + 1
        drafter = rng.choice(pools[dept] or world.staff)
        docs.append(
            {
                "文号": f"{prefix}〔{day.year}〕{numbers[(prefix, day.year)]}号",
                "标题": title,
                "发文部门": dept_names[dept] if prefix != "望职院党" else "中共望湖职业技术学院委员会",
                "发文部门代码": dept,
                "密级": "无",
                "发文日期": day.isoformat(),
                "类型": kind,
                "签发人工号": rng.choice(leaders).gh if leaders else "",
                "拟稿人工号": drafter.gh,
                "主送": "各二级学院、各部门" if kind not in ("函", "请示", "报告") else "浙江省教育厅",
            }
        )
    return docs


def _next_office_moment(rng: random.Random, moment: datetime) -> datetime:
    """The moment itself if it is in office hours on a weekday, else early on the next working day."""
    if moment.weekday() < 5 and 8 <= moment.hour < 18:
        return moment
    day = moment.date() + timedelta(days=1 if moment.hour >= 18 else 0)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 8, rng.randrange(20, 60), rng.randrange(60))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="协同办公系统",
        vendor_style="泛微/致远风格 OA",
        owner_department="001 党政办公室",
        kind="files",
        fmt="json",
        encoding="utf-8",
        quirks=[
            "公文 as a JSON array, 流程 as JSON lines",
            "表单 fields depend on 事项",
            "approvals in office hours",
            "heads skip their own 部门负责人 step",
            "审批中 flows without 办结时间",
            "old-OA time format in some pre-2024 records",
        ],
    )
    world = ctx.world
    log = ctx.defects
    out = ctx.out / NAME

    docs = _documents(world, ctx.seed, ctx.scale)
    write_json(out / "gongwen.json", docs)
    result.add(
        "gongwen",
        "公文",
        len(docs),
        path=ctx.rel(out / "gongwen.json"),
        format="json",
        encoding="utf-8",
        primary_key=["文号"],
    )
    ctx.progress(len(docs))

    rng = py_rng(ctx.seed, NAME, "flows")
    pools = staff_by_department(world)
    heads = {
        d.code: department_head(world, d.code) or (pools[d.code] or world.staff)[0] for d in ref.DEPARTMENTS
    }
    leaders = [s for s in world.staff if s.category == "校领导"] or world.staff[:1]
    vice = {d.code: leaders[k % len(leaders)] for k, d in enumerate(ref.DEPARTMENTS)}

    def clerks(code: str) -> list[Staff]:
        return [s for s in pools[code] if s.category == "行政人员"] or pools[code] or world.staff

    hr, finance, office = clerks("004"), clerks("005"), clerks("001")
    cashiers = finance[-2:] if len(finance) > 2 else finance
    # Claims book onto the 财务 budget projects (人员经费 is 001, never claimed against).
    budget_projects = {
        d.code: 2 + len(TEACHING_PROJECTS if d.kind == "teaching" else OFFICE_PROJECTS.get(d.code, ()))
        for d in ref.DEPARTMENTS
    }
    kinds = [k for k, _ in FLOW_KINDS]
    kind_w = [w for _, w in FLOW_KINDS]
    n_flows = round(FLOWS_AT_15000 * len(world.current_students()) / 14_800 * ctx.scale)
    span_days = (AS_OF - HISTORY_START).days + 1
    day_weights = [MONTH_WEIGHTS[(HISTORY_START + timedelta(days=i)).month - 1] for i in range(span_days)]
    days = rng.choices(range(span_days), weights=day_weights, k=n_flows)
    days.sort()
    lines = []
    seq_by_year: dict[int, int] = {}
    for offset in days:
        day = HISTORY_START + timedelta(days=offset)
        while day.weekday() >= 5 and rng.random() < 0.9:
            day -= timedelta(days=1)
        day = max(day, HISTORY_START)
        seq_by_year[day.year] = seq_by_year.get(day.year, 0) + 1
        flow_no = f"LC{day.year}{seq_by_year[day.year]:06d}"
        initiator = world.staff[rng.randrange(len(world.staff))]
        dept = initiator.department.code
        kind = rng.choices(kinds, weights=kind_w)[0]
        started = office_time(rng, day)
        steps: list[tuple[str, Staff]] = []
        if initiator.gh != heads[dept].gh and initiator.category != "校领导":
            steps.append(("部门负责人审批", heads[dept]))
        form: dict[str, Any]
        if kind == "请假":
            leave = rng.choices([k for k, _ in LEAVE_KINDS], weights=[w for _, w in LEAVE_KINDS])[0]
            length = {"产假": 158, "婚假": 13, "丧假": 3}.get(leave, rng.choice((1, 1, 1, 2, 2, 3, 5)))
            first = day + timedelta(days=rng.randrange(0, 10))
            form = {
                "假别": leave,
                "开始日期": first.isoformat(),
                "结束日期": (first + timedelta(days=length - 1)).isoformat(),
                "天数": length,
            }
            if length > 3:
                steps.append(("分管校领导审批", vice[dept]))
            steps.append(("人事处备案", rng.choice(hr)))
        elif kind == "用印":
            form = {
                "用印类型": rng.choice(SEALS),
                "文件名称": rng.choice(
                    ("合作协议", "采购合同", "证明材料", "申报书", "会议纪要", "横向技术服务合同")
                ),
                "份数": rng.randrange(1, 6),
            }
            steps += [("党政办公室审核", heads["001"]), ("用印登记", rng.choice(office))]
        elif kind == "出差":
            first = day + timedelta(days=rng.randrange(1, 14))
            length = rng.choice((1, 2, 2, 3, 3, 4, 5))
            city = rng.choice(CITIES + ("北京", "深圳", "广州", "成都", "武汉", "南京", "天津"))
            form = {
                "目的地": city,
                "事由": rng.choice(
                    ("参加学术会议", "企业调研", "带队参加技能大赛", "招生宣传", "参加培训", "项目验收")
                ),
                "开始日期": first.isoformat(),
                "结束日期": (first + timedelta(days=length - 1)).isoformat(),
                "交通方式": rng.choice(("高铁", "高铁", "飞机", "自驾", "学校公务车")),
            }
            if city not in CITIES or length > 3:
                steps.append(("分管校领导审批", vice[dept]))
        elif kind == "经费报销":
            amount = round(min(300_000.0, rng.lognormvariate(7.6, 1.1)), 2)
            form = {
                "报销金额": amount,
                "项目编号": f"{day.year}{dept}{rng.randrange(2, budget_projects[dept] + 1):03d}",
                "报销类型": rng.choice(("差旅费", "办公费", "劳务费", "培训费", "专用材料费", "会议费")),
                "附件张数": rng.randrange(1, 12),
            }
            steps.append(("财务处审核", rng.choice(finance)))
            if amount > 50_000:
                steps.append(("分管校领导审批", vice[dept]))
            steps.append(("出纳支付", rng.choice(cashiers)))
        else:
            meeting = day + timedelta(days=rng.randrange(0, 7))
            form = {
                "会议室": rng.choice(ROOMS),
                "日期": meeting.isoformat(),
                "时段": rng.choice(("08:30-10:00", "10:00-11:30", "14:00-15:30", "15:30-17:00")),
                "参会人数": rng.randrange(5, 120),
            }
            steps = [("党政办公室审核", rng.choice(office))]
        steps = [(name, who) for name, who in steps if who.gh != initiator.gh]

        record_steps = []
        moment = started
        status = "已办结"
        finished: datetime | None = None
        withdrawn = rng.random() < 0.02
        for name, who in steps:
            moment = _next_office_moment(rng, moment + timedelta(minutes=rng.lognormvariate(5.2, 1.1)))
            if moment > datetime(AS_OF.year, AS_OF.month, AS_OF.day, 18, 0):
                status = "审批中"
                record_steps.append(
                    {
                        "环节名称": name,
                        "审批人工号": who.gh,
                        "审批时间": None,
                        "审批结果": "待审批",
                        "审批意见": "",
                    }
                )
                break
            outcome = "退回" if rng.random() < 0.015 else "同意"
            gh = who.gh
            if hit(rng, "orphan_reference", 2.0):
                gh = unknown_gh(rng, world)
                log.add(NAME, "liucheng", flow_no, "orphan_reference", f"{name} 审批人工号 {gh}")
            record_steps.append(
                {
                    "环节名称": name,
                    "审批人工号": gh,
                    "审批时间": _iso(moment),
                    "审批结果": outcome,
                    "审批意见": rng.choice(OPINIONS[outcome]),
                }
            )
            if outcome == "退回":
                status = "已退回"
                break
        if status != "审批中":
            finished = moment
        if withdrawn and status == "已办结" and record_steps:
            status, record_steps, finished = "已撤销", record_steps[:1], None
            record_steps[0] = {**record_steps[0], "审批时间": None, "审批结果": "已撤销", "审批意见": ""}
        started_text = _iso(started)
        if started < datetime(2024, 1, 1) and hit(rng, "mixed_date_format"):
            started_text = f"{started.year}/{started.month}/{started.day} {started:%H:%M:%S}"
            log.add(NAME, "liucheng", flow_no, "mixed_date_format", f"发起时间 {started_text}")
        record = {
            "流程编号": flow_no,
            "事项": kind,
            "发起人工号": initiator.gh,
            "发起部门": dept,
            "发起时间": started_text,
            "表单": form,
            "环节": record_steps,
            "办结时间": _iso(finished) if finished else None,
            "状态": status,
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    path = out / "liucheng.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result.add(
        "liucheng",
        "审批流程实例",
        len(lines),
        path=ctx.rel(path),
        format="jsonl",
        encoding="utf-8",
        primary_key=["流程编号"],
    )
    ctx.progress(len(lines))
    return result
