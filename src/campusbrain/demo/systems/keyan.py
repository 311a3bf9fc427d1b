"""科研管理系统 (a typical 高校科研管理平台 database dump): one UTF-8 JSON file.

``keyan/keyan_dump.json`` holds ``meta`` and four record lists: ``projects`` (纵向 and 横向
projects, keyed by 项目编号), ``funding`` (到款, keyed by 到款编号), ``papers`` (论文, keyed by
论文编号) and ``patents`` (授权专利, keyed by 专利号 ``CN`` + the 12-digit application number with
its check character after the dot).

Magnitudes are those of a 高职 with ~600 teachers: a national project every few years, a handful
of 省部级 ones a year, many 市厅级 and 校级 ones, and a stream of small 横向 contracts (median
about 6万元); papers mostly in 普通期刊 with a 北大核心/SCI tail; patents mostly 实用新型.
Amounts are in 元 with two decimals. ``research_records`` is shared with 财务, whose 科研到款
income lines are the same arrivals.

Quirks: nested lists (成员工号, 发明人工号) inside records; 结题日期 is null while a project
runs; 级别 is free text in the old records, so a few read ``省级`` or ``厅局级`` instead of the
controlled values 国家级/省部级/市厅级/校级/企业; some 负责人工号 belong to people who left.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import hit
from campusbrain.demo.systems._common import company_name, unknown_gh
from campusbrain.demo.world import Staff, World, py_rng
from campusbrain.demo.writers import write_json

NAME = "keyan"
FIRST_YEAR = 2019
TOPICS = {
    "101": (
        ("数控加工", "工业机器人", "智能制造", "数字孪生", "激光熔覆", "机器视觉", "增材制造"),
        ("精密零件", "自动化产线", "谐波减速器", "柔性夹具", "汽车零部件", "伺服电机控制系统", "动力电池包"),
    ),
    "102": (
        ("物联网", "嵌入式", "边缘计算", "PLC", "无线传感网络", "电力电子"),
        ("智能家居系统", "环境监测终端", "电气控制柜", "光伏逆变器", "配电监控系统", "智能照明"),
    ),
    "103": (
        ("绿色催化", "高分子改性", "膜分离", "微反应器", "超临界萃取"),
        ("染料中间体", "可降解塑料", "水性涂料", "印染废水处理", "阻燃材料"),
    ),
    "104": (
        ("数字化染整", "功能性整理", "智能纺织", "无水染色", "三维编织"),
        ("功能面料", "针织服装", "纺织品检测方法", "产业用纺织品", "再生纤维"),
    ),
    "105": (
        ("丝绸文化创意", "数字化纹样设计", "非遗活化", "宋韵美学"),
        ("丝绸产品", "汉服", "丝巾图案", "真丝面料", "丝绸文旅产品"),
    ),
    "106": (
        ("食品快速检测", "绿色包装", "益生菌发酵", "数字印刷", "冷链保鲜"),
        ("茶饮料", "预制菜", "包装结构", "鲜切果蔬", "功能性食品"),
    ),
    "107": (
        ("大数据", "人工智能", "区块链", "知识图谱", "深度学习", "云原生", "大语言模型"),
        ("学情分析平台", "信息安全防护", "个性化推荐系统", "工业图像识别", "校园数据治理", "智慧社区平台"),
    ),
    "108": (
        ("数字经济", "跨境电商", "直播电商", "供应链金融", "业财融合"),
        ("中小企业", "县域电商", "城乡物流配送", "乡村振兴", "外贸企业"),
    ),
    "109": (
        ("数字媒体", "视觉传达", "文旅融合", "交互设计", "虚拟现实"),
        ("品牌形象", "乡村景观", "文创产品", "城市IP", "非遗展示"),
    ),
}
EDU_TOPICS = (
    "课程思政",
    "产教融合",
    "岗课赛证融通",
    "现代学徒制",
    "1+X证书制度",
    "活页式教材",
    "混合式教学",
    "职业本科",
    "双师型教师队伍",
    "专业群建设",
    "数字化转型",
)
# (级别, 类别, 来源单位, share among 纵向 per year at 620 teachers, contract range in 元)
VERTICAL = (
    ("国家级", "国家社会科学基金一般项目", "全国哲学社会科学工作办公室", 0.4, (200_000, 200_000)),
    ("国家级", "国家自然科学基金青年科学基金项目", "国家自然科学基金委员会", 0.3, (300_000, 300_000)),
    ("省部级", "浙江省自然科学基金探索项目", "浙江省科学技术厅", 3.0, (100_000, 100_000)),
    ("省部级", "浙江省哲学社会科学规划课题", "浙江省哲学社会科学工作办公室", 2.0, (30_000, 80_000)),
    ("省部级", "教育部人文社会科学研究项目", "教育部社会科学司", 1.0, (80_000, 100_000)),
    ("省部级", "浙江省重点研发计划项目", "浙江省科学技术厅", 0.4, (500_000, 1_000_000)),
    ("市厅级", "浙江省教育厅一般科研项目", "浙江省教育厅", 14.0, (10_000, 20_000)),
    ("市厅级", "浙江省教育科学规划课题", "浙江省教育科学规划领导小组办公室", 8.0, (5_000, 20_000)),
    ("市厅级", "杭州市农业与社会发展科研项目", "杭州市科学技术局", 6.0, (50_000, 200_000)),
    ("市厅级", "浙江省高职教育研究会课题", "浙江省高等教育学会", 6.0, (3_000, 10_000)),
    ("校级", "校级科研项目", ref.COLLEGE_NAME, 30.0, (5_000, 20_000)),
    ("校级", "校级教育教学改革项目", ref.COLLEGE_NAME, 20.0, (10_000, 30_000)),
)
HORIZONTAL_KINDS = (
    ("技术开发", 0.35),
    ("技术服务", 0.40),
    ("技术咨询", 0.15),
    ("技术转让", 0.05),
    ("培训服务", 0.05),
)
HORIZONTAL_PER_YEAR = 150  # at 620 teachers
ODD_LEVELS = {
    "国家级": "国家级重点",
    "省部级": "省级",
    "市厅级": "厅局级",
    "校级": "院级",
    "企业": "企业委托",
}
JOURNALS = {
    "普通": (
        "科技创新与应用",
        "现代职业教育",
        "职业技术",
        "中国教育技术装备",
        "科技风",
        "电子技术与软件工程",
        "现代制造技术与装备",
        "纺织报告",
        "食品安全导刊",
        "商场现代化",
        "中国高新科技",
        "设计",
        "机电工程技术",
        "现代商业",
        "中国新通信",
        "化工管理",
        "丝绸之路",
        "包装世界",
    ),
    "北大核心": (
        "中国职业技术教育",
        "职业技术教育",
        "教育与职业",
        "职教论坛",
        "机床与液压",
        "纺织学报",
        "食品工业科技",
        "计算机工程与应用",
        "包装工程",
        "商业经济研究",
        "装饰",
        "丝绸",
    ),
    "CSCD": ("化工进展", "材料导报", "计算机应用", "食品科学", "高分子材料科学与工程"),
    "SCI": (
        "Journal of Cleaner Production",
        "IEEE Access",
        "Polymers",
        "Textile Research Journal",
        "Food Chemistry",
        "Scientific Reports",
        "Sensors",
        "Applied Sciences",
    ),
    "EI": ("计算机集成制造系统", "农业工程学报", "纺织学报", "Journal of Intelligent Manufacturing"),
}
EDU_JOURNALS = {
    "普通": ("现代职业教育", "职业技术", "中国教育技术装备", "教育教学论坛", "科技风", "职业教育研究"),
    "北大核心": ("中国职业技术教育", "职业技术教育", "教育与职业", "职教论坛"),
}
FIELD_JOURNALS = {  # 普通期刊 close to each department's field
    "101": ("现代制造技术与装备", "机电工程技术", "机械工程师", "南方农机"),
    "102": ("电子技术与软件工程", "电子制作", "中国新通信", "自动化应用"),
    "103": ("化工管理", "山东化工", "广州化工", "塑料工业"),
    "104": ("纺织报告", "纺织科技进展", "针织工业", "印染"),
    "105": ("丝绸之路", "化纤与纺织技术", "服装设计师", "纺织报告"),
    "106": ("食品安全导刊", "包装世界", "食品工业", "现代食品"),
    "107": ("电脑知识与技术", "信息与电脑", "电子技术与软件工程", "网络安全技术与应用"),
    "108": ("商场现代化", "现代商业", "中国市场", "物流工程与管理"),
    "109": ("设计", "艺术教育", "包装世界", "美术教育研究"),
}
CORE_JOURNALS = {
    "101": ("机床与液压",),
    "104": ("纺织学报",),
    "105": ("丝绸",),
    "106": ("食品工业科技", "包装工程"),
    "107": ("计算机工程与应用",),
    "108": ("商业经济研究",),
    "109": ("装饰", "包装工程"),
}
INDEXING = (("普通", 0.74), ("北大核心", 0.15), ("CSCD", 0.03), ("SCI", 0.05), ("EI", 0.03))
PATENT_TYPES = (("实用新型", "2", 0.70), ("发明", "1", 0.18), ("外观设计", "3", 0.12))
DEVICES = ("装置", "检测装置", "夹持机构", "辅助工具", "控制系统", "收纳结构", "教学实训台", "加工设备")


@dataclass
class Research:
    """The college's research activity, before any export damages it."""

    projects: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)
    papers: list[dict[str, Any]] = field(default_factory=list)
    patents: list[dict[str, Any]] = field(default_factory=list)


def _money(value: float) -> float:
    return round(value, 2)


def _pick_teacher(rng: random.Random, teachers: list[Staff], senior_bias: float = 0.5) -> Staff:
    senior = [t for t in teachers if t.title_code in ("011", "012", "062")]
    if senior and rng.random() < senior_bias:
        return senior[rng.randrange(len(senior))]
    return teachers[rng.randrange(len(teachers))]


def _day(rng: random.Random, start: date, end: date) -> date:
    span = max(0, (end - start).days)
    return start + timedelta(days=rng.randrange(span + 1))


def patent_number(year: int, type_digit: str, serial: int) -> str:
    """``CN`` + the 12-digit 申请号 + ``.`` + its check character (weights 2–9, mod 11, 10 = X)."""
    body = f"{year}{type_digit}{serial:07d}"
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    check = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    return f"CN{body}.{'X' if check == 10 else check}"


def research_records(world: World, seed: int, scale: float = 1.0) -> Research:
    """Everything the 科研 system knows, derived only from the world, the seed and the scale."""
    rng = py_rng(seed, NAME, "records")
    research = Research()
    teachers = [s for s in world.staff if s.category == "专任教师"]
    by_dept: dict[str, list[Staff]] = {}
    for t in teachers:
        by_dept.setdefault(t.department.code, []).append(t)
    depts = sorted(by_dept)
    size = len(teachers) / 620 * scale
    arrival_seq: dict[int, int] = {}
    patent_numbers: set[str] = set()

    def arrive(project: dict[str, Any], day: date, amount: float, source: str) -> None:
        if day > AS_OF or amount <= 0:
            return
        arrival_seq[day.year] = arrival_seq.get(day.year, 0) + 1
        research.funding.append(
            {
                "到款编号": f"DK{day.year}{arrival_seq[day.year]:05d}",
                "项目编号": project["项目编号"],
                "到款日期": day.isoformat(),
                "金额": _money(amount),
                "来源单位": source,
                "经费类型": "纵向" if project["类型"] == "纵向" else "横向",
            }
        )

    for year in range(FIRST_YEAR, AS_OF.year + 1):
        # Only teachers already on the staff on 1 January lead, write or invent that year.
        pool = {d: [t for t in by_dept[d] if t.hire_date <= date(year, 1, 1)] or by_dept[d] for d in depts}
        year_end = min(AS_OF, date(year, 12, 31))
        # 纵向: expected counts per category scale with the number of teachers.
        seq = 0
        for level, category, source, per_year, (low, high) in VERTICAL:
            expected = per_year * size * (1 + 0.05 * (year - FIRST_YEAR))
            count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
            for _ in range(count):
                seq += 1
                dept = depts[rng.randrange(len(depts))]
                leader = _pick_teacher(rng, pool[dept], 0.7 if level in ("国家级", "省部级") else 0.4)
                tech_words, objects = TOPICS[dept]
                if "教育" in category or "高职" in category or rng.random() < 0.25:
                    major = next(m for m in ref.MAJORS if m.department == dept)
                    title = rng.choice(
                        (
                            f"{rng.choice(EDU_TOPICS)}视域下高职{major.name}专业人才培养模式研究",
                            f"“双高计划”背景下{rng.choice(EDU_TOPICS)}实践路径研究",
                            f"高职院校{rng.choice(EDU_TOPICS)}的实证研究",
                        )
                    )
                else:
                    title = rng.choice(
                        (
                            f"基于{rng.choice(tech_words)}的{rng.choice(objects)}关键技术研究",
                            f"面向{rng.choice(objects)}的{rng.choice(tech_words)}方法研究",
                            f"{rng.choice(tech_words)}赋能{rng.choice(objects)}的机理与应用研究",
                        )
                    )
                start = (
                    _day(rng, date(year, 3, 1), min(year_end, date(year, 11, 30)))
                    if year_end >= date(year, 3, 1)
                    else year_end
                )
                if start > AS_OF:
                    continue
                planned_end = start + timedelta(days=365 * rng.choice((1, 2, 2, 3)))
                finished = planned_end + timedelta(days=rng.randrange(-30, 200))
                status = "已结题" if finished <= AS_OF else ("延期" if planned_end < AS_OF else "在研")
                amount = float(rng.randrange(low, high + 1, 1000)) if high > low else float(low)
                members = sorted(
                    {t.gh for t in rng.sample(pool[dept], min(len(pool[dept]), 4))} - {leader.gh}
                )
                project = {
                    "项目编号": f"ZX{year}{seq:03d}",
                    "名称": title,
                    "类型": "纵向",
                    "级别": level,
                    "类别": category,
                    "负责人工号": leader.gh,
                    "成员工号": members[: rng.randrange(1, 4)],
                    "部门": dept,
                    "来源单位": source,
                    "立项日期": start.isoformat(),
                    "计划结题日期": planned_end.isoformat(),
                    "结题日期": finished.isoformat() if status == "已结题" else None,
                    "状态": status,
                    "合同金额": _money(amount),
                }
                research.projects.append(project)
                first = start + timedelta(days=rng.randrange(20, 120))
                if level in ("国家级", "省部级") and rng.random() < 0.6:
                    arrive(project, first, amount * 0.6, source)
                    arrive(project, first + timedelta(days=rng.randrange(300, 500)), amount * 0.4, source)
                else:
                    arrive(project, first, amount, source)
        # 横向: small contracts from companies, more every year.
        expected = HORIZONTAL_PER_YEAR * size * (1 + 0.08 * (year - FIRST_YEAR))
        count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        kinds = [k for k, _ in HORIZONTAL_KINDS]
        kind_w = [w for _, w in HORIZONTAL_KINDS]
        for k in range(count):
            dept = depts[rng.randrange(len(depts))]
            leader = _pick_teacher(rng, pool[dept], 0.5)
            tech_words, objects = TOPICS[dept]
            kind = rng.choices(kinds, weights=kind_w)[0]
            client = company_name(rng, dept)
            title = rng.choice(
                (
                    f"{rng.choice(objects)}{rng.choice(tech_words)}{kind}",
                    f"{rng.choice(objects)}{rng.choice(tech_words)}应用{kind}",
                    f"{client[2:-4]}{rng.choice(objects)}{kind}项目",
                )
            )
            start = _day(rng, date(year, 1, 5), year_end)
            amount = min(1_000_000.0, max(20_000.0, rng.lognormvariate(11.0, 0.75)))
            amount = round(amount, -3)
            planned_end = start + timedelta(days=rng.choice((90, 180, 180, 365, 365, 540)))
            finished = planned_end + timedelta(days=rng.randrange(-20, 120))
            status = "已结题" if finished <= AS_OF else "在研"
            project = {
                "项目编号": f"HX{year}{k + 1:04d}",
                "名称": title,
                "类型": "横向",
                "级别": "企业",
                "类别": kind,
                "负责人工号": leader.gh,
                "成员工号": [],
                "部门": dept,
                "来源单位": client,
                "立项日期": start.isoformat(),
                "计划结题日期": planned_end.isoformat(),
                "结题日期": finished.isoformat() if status == "已结题" else None,
                "状态": status,
                "合同金额": _money(amount),
            }
            research.projects.append(project)
            first = start + timedelta(days=rng.randrange(7, 60))
            if amount >= 100_000 and rng.random() < 0.7:
                arrive(project, first, amount * 0.5, client)
                arrive(project, finished + timedelta(days=rng.randrange(10, 90)), amount * 0.5, client)
            elif rng.random() < 0.93:
                arrive(project, first, amount, client)
        # Papers: about 0.7 per teacher and year.
        expected = 0.7 * len(teachers) * scale
        index_names = [n for n, _ in INDEXING]
        index_w = [w for _, w in INDEXING]
        for k in range(int(expected * (1 + 0.03 * (year - FIRST_YEAR)))):
            dept = depts[rng.randrange(len(depts))]
            author = _pick_teacher(rng, pool[dept], 0.3)
            tech_words, objects = TOPICS[dept]
            indexed = rng.choices(index_names, weights=index_w)[0]
            major = rng.choice([m for m in ref.MAJORS if m.department == dept])
            education = rng.random() < 0.45 and indexed in ("普通", "北大核心")
            if education:
                journal = rng.choice(EDU_JOURNALS[indexed])
            elif indexed == "普通":
                journal = rng.choice(FIELD_JOURNALS[dept])
            elif indexed == "北大核心" and dept in CORE_JOURNALS:
                journal = rng.choice(CORE_JOURNALS[dept])
            else:
                journal = rng.choice(JOURNALS[indexed])
            if education:
                title = rng.choice(
                    (
                        f"{rng.choice(EDU_TOPICS)}视域下高职{major.name}专业课程改革研究",
                        f"高职{major.name}专业{rng.choice(EDU_TOPICS)}的探索与实践",
                        f"基于{rng.choice(EDU_TOPICS)}的“{major.name}”课程教学设计",
                    )
                )
            else:
                title = rng.choice(
                    (
                        f"{rng.choice(tech_words)}在{rng.choice(objects)}中的应用",
                        f"基于{rng.choice(tech_words)}的{rng.choice(objects)}设计与实现",
                        f"{rng.choice(tech_words)}背景下{rng.choice(objects)}的优化路径研究",
                    )
                )
            month = rng.randrange(1, 13)
            if date(year, month, 1) > AS_OF:
                continue
            coauthors = [
                t.person.name for t in rng.sample(pool[dept], min(len(pool[dept]), 3)) if t.gh != author.gh
            ][: rng.randrange(0, 3)]
            research.papers.append(
                {
                    "论文编号": f"LW{year}{k + 1:05d}",
                    "题名": title,
                    "第一作者工号": author.gh,
                    "作者": ";".join([author.person.name, *coauthors]),
                    "期刊": journal,
                    "收录": indexed,
                    "发表年月": f"{year}-{month:02d}",
                    "部门": dept,
                }
            )
        # Patents granted this year: about 0.2 per teacher.
        for _ in range(int(0.2 * len(teachers) * scale * (1 + 0.04 * (year - FIRST_YEAR)))):
            dept = depts[rng.randrange(len(depts))]
            tech_words, objects = TOPICS[dept]
            kind, type_digit = rng.choices(
                [(t, d) for t, d, _ in PATENT_TYPES], weights=[w for *_, w in PATENT_TYPES]
            )[0]
            granted = _day(rng, date(year, 1, 5), year_end)
            lag = {
                "发明": rng.randrange(400, 1000),
                "实用新型": rng.randrange(150, 330),
                "外观设计": rng.randrange(90, 240),
            }
            filed = granted - timedelta(days=lag[kind])
            inventors = [t.gh for t in rng.sample(pool[dept], min(len(pool[dept]), rng.randrange(1, 5)))]
            if kind == "外观设计":
                title = f"{rng.choice(objects)}（{rng.choice(('一', '二', '三', '智能款', '便携款'))}）"
            elif kind == "发明":
                title = f"一种基于{rng.choice(tech_words)}的{rng.choice(objects)}{rng.choice(('方法', '制备方法', '系统及方法'))}"
            else:
                title = f"一种{rng.choice(objects)}用{rng.choice(DEVICES)}"
            number = patent_number(filed.year, type_digit, rng.randrange(10**7))
            while number in patent_numbers:
                number = patent_number(filed.year, type_digit, rng.randrange(10**7))
            patent_numbers.add(number)
            research.patents.append(
                {
                    "专利号": number,
                    "名称": title,
                    "类型": kind,
                    "发明人工号": inventors,
                    "专利权人": ref.COLLEGE_NAME,
                    "申请日期": filed.isoformat(),
                    "授权日期": granted.isoformat(),
                    "部门": dept,
                }
            )
    research.funding.sort(key=lambda f: (f["到款日期"], f["到款编号"]))
    return research


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="科研管理系统",
        vendor_style="高校科研管理平台 JSON 导出",
        owner_department="007 科研与社会服务处",
        kind="files",
        fmt="json",
        encoding="utf-8",
        quirks=[
            "one JSON dump with four record lists",
            "nested lists of 工号",
            "结题日期 null while running",
            "级别 free text in old records",
            "amounts in 元 with two decimals",
        ],
    )
    rng = py_rng(ctx.seed, NAME, "defects")
    world = ctx.world
    log = ctx.defects
    research = research_records(world, ctx.seed, ctx.scale)
    for project in research.projects:
        key = project["项目编号"]
        if hit(rng, "orphan_reference", 5.0):
            project["负责人工号"] = unknown_gh(rng, world)
            log.add(NAME, "projects", key, "orphan_reference", f"负责人工号 {project['负责人工号']}")
        if project["立项日期"] < "2022-01-01" and hit(rng, "code_outside_standard", 10.0):
            project["级别"] = ODD_LEVELS[project["级别"]]
            log.add(NAME, "projects", key, "code_outside_standard", f"级别 {project['级别']}")
    for patent in research.patents:
        if hit(rng, "orphan_reference", 3.0):
            patent["发明人工号"] = [*patent["发明人工号"], unknown_gh(rng, world)]
            log.add(
                NAME,
                "patents",
                patent["专利号"],
                "orphan_reference",
                f"发明人工号 {patent['发明人工号'][-1]}",
            )
    payload = {
        "meta": {
            "系统": "科研管理系统",
            "单位": ref.COLLEGE_NAME,
            "导出时间": f"{AS_OF}T18:00:00+08:00",
            "版本": "V5.2",
        },
        "projects": research.projects,
        "funding": research.funding,
        "papers": research.papers,
        "patents": research.patents,
    }
    path = ctx.out / NAME / "keyan_dump.json"
    write_json(path, payload)
    for table, title, key in (
        ("projects", "科研项目", "项目编号"),
        ("funding", "科研到款", "到款编号"),
        ("papers", "论文", "论文编号"),
        ("patents", "授权专利", "专利号"),
    ):
        n = len(payload[table])
        result.add(
            table,
            title,
            n,
            path=ctx.rel(path),
            format="json",
            encoding="utf-8",
            json_path=table,
            primary_key=[key],
        )
        ctx.progress(n)
    return result
