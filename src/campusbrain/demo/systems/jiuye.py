"""就业系统 (省高校毕业生就业管理系统 export): one .xlsx per graduating year (届).

Files ``2024届毕业生就业信息.xlsx`` … ``2026届…``, sheet ``毕业生就业信息``, header on row 1,
one row per graduate (学号 is the key within a workbook). The workbooks carry no 届 column: the
届 is in the file name only. The source YAML therefore declares ONE table ``JY_BYS`` whose path
is a glob of the folder, so next year's workbook is loaded as soon as it is dropped there, and
``dwd.graduate_destination`` reads the 届 from each row's ``_source`` (the file's label). 毕业去向代码 follows the 教育部 就业方案 table
(``reference.GRADUATE_DESTINATIONS``); 单位所在地代码 is a GB/T 2260 county code; 单位行业 is a
GB/T 4754 门类 name; 月收入 is in 元 and empty unless employed.

Quirks: every value is typed as text except 月收入 (学号 and 身份证号 would lose digits
otherwise); the counsellors type the destination, so a few rows carry words such as ``已就业``
instead of a code; 升学 rows name the university as 单位名称; one class per 届 was loaded from an
old roster and still carries 2015 专业代码; 填报日期 runs from March to September of the 届.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from openpyxl import Workbook

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import break_checksum, hit
from campusbrain.demo.systems._common import company_name, counties, short_city
from campusbrain.demo.world import Student, py_rng
from campusbrain.demo.writers import save_workbook

NAME = "jiuye"
TABLE = "JY_BYS"
# Every workbook of the folder, whatever its 届; a file named without ``yyyy届`` is still loaded and
# shows up in dwd.graduate_destination_rejected rather than being skipped by a narrower glob.
PATH_GLOB = "*.xlsx"
YEARS = (2024, 2025, 2026)
EMPLOYED = ("10", "11", "12", "27", "50", "51")
# Destination shares drift a little: more 专升本 and more 待就业 every year.
DRIFT = {2024: {"80": -0.02, "70": -0.01}, 2025: {}, 2026: {"80": 0.03, "70": 0.01, "11": -0.03}}
NATURE = {
    "其他企业": 0.70,
    "国有企业": 0.11,
    "三资企业": 0.07,
    "其他事业单位": 0.04,
    "机关": 0.01,
    "中初教育单位": 0.02,
    "医疗卫生单位": 0.01,
    "城镇社区": 0.02,
    "农村建制村": 0.02,
}
INDUSTRY_BY_DEPT = {
    "101": ("制造业",),
    "102": ("制造业", "信息传输、软件和信息技术服务业"),
    "103": ("制造业",),
    "104": ("制造业", "批发和零售业"),
    "105": ("制造业", "文化、体育和娱乐业"),
    "106": ("制造业",),
    "107": ("信息传输、软件和信息技术服务业",),
    "108": ("批发和零售业", "租赁和商务服务业", "交通运输、仓储和邮政业", "住宿和餐饮业"),
    "109": ("文化、体育和娱乐业", "租赁和商务服务业"),
}
OTHER_INDUSTRIES = (
    "建筑业",
    "教育",
    "金融业",
    "居民服务、修理和其他服务业",
    "科学研究和技术服务业",
    "卫生和社会工作",
    "房地产业",
    "批发和零售业",
)
SALARY_FACTOR = {
    "107": 1.2,
    "102": 1.1,
    "101": 1.05,
    "103": 1.0,
    "108": 0.95,
    "109": 0.95,
    "106": 0.95,
    "104": 0.9,
    "105": 0.9,
}
UNIVERSITIES = (  # 专升本 destinations (university, GB/T 2260 county code of its campus)
    ("浙江科技大学", "330106"),
    ("浙江树人学院", "330105"),
    ("浙江万里学院", "330212"),
    ("宁波工程学院", "330212"),
    ("浙江理工大学科技与艺术学院", "330603"),
    ("湖州师范学院", "330502"),
    ("浙江财经大学东方学院", "330481"),
    ("嘉兴南湖学院", "330402"),
    ("温州理工学院", "330302"),
    ("浙江工商大学杭州商学院", "330112"),
)
ABROAD = ("日本", "澳大利亚", "新加坡", "英国", "马来西亚", "德国")
TEXT_DESTINATIONS = {
    "10": "已就业",
    "11": "已就业",
    "12": "灵活就业",
    "80": "专升本",
    "70": "待业",
    "76": "自由职业",
}


def _weights(year: int) -> tuple[list[str], list[float]]:
    codes = list(ref.GRADUATE_DESTINATIONS)
    drift = DRIFT[year]
    return codes, [max(0.001, ref.GRADUATE_DESTINATIONS[c][1] + drift.get(c, 0.0)) for c in codes]


def _location(
    rng: random.Random, student: Student, pools: dict[str, list[tuple[str, str, str, str]]]
) -> tuple:
    home = student.person.birthplace[:2]
    if home != "33" and rng.random() < 0.35:
        pool = pools.get(home) or pools["33"]
    else:
        r = rng.random()
        pool = (
            pools["3301"]
            if r < 0.55
            else pools["33"]
            if r < 0.86
            else pools["31"]
            if r < 0.93
            else pools["32"]
        )
    return pool[rng.randrange(len(pool))]


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="毕业生就业管理系统",
        vendor_style="省高校毕业生就业管理系统导出",
        owner_department="010 招生就业处",
        kind="files",
        fmt="xlsx",
        encoding="utf-8",
        quirks=[
            "one workbook per 届",
            "all text cells except 月收入",
            "去向 typed as words instead of codes",
            "升学 rows carry the university as 单位名称",
            "one class per 届 on 2015 专业代码",
        ],
    )
    world = ctx.world
    out = ctx.out / NAME
    log = ctx.defects
    header = [
        "学号",
        "姓名",
        "性别",
        "身份证号",
        "学院",
        "专业代码",
        "专业名称",
        "班级",
        "毕业去向代码",
        "毕业去向",
        "单位名称",
        "单位性质",
        "单位行业",
        "单位所在地代码",
        "单位所在地",
        "月收入",
        "专业相关度",
        "填报日期",
    ]
    dept_names = {d.code: d.name for d in ref.DEPARTMENTS}
    class_names = {c.code: c.name for c in world.classes}
    nature_names, nature_w = list(NATURE), list(NATURE.values())
    table = TABLE
    rows_by_year: dict[str, int] = {}
    for year in YEARS:
        rng = py_rng(ctx.seed, NAME, year)
        graduates = [s for s in world.students if s.cohort == year - 3 and s.status == "毕业"]
        graduates.sort(key=lambda s: (s.class_code, s.xh))
        all_counties = counties(year)
        pools: dict[str, list[tuple[str, str, str, str]]] = {}
        for c in all_counties:
            pools.setdefault(c[0][:2], []).append(c)
            pools.setdefault(c[0][:4], []).append(c)
        county_by_code = {c[0]: c for c in all_counties}
        legacy_classes = sorted({s.class_code for s in graduates})
        legacy_class = legacy_classes[rng.randrange(len(legacy_classes))] if legacy_classes else ""
        codes, weights = _weights(year)
        salary_base = 4700 * (1.04 ** (year - 2024))

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("毕业生就业信息")
        ws.append(header)
        n = 0
        for s in graduates:
            p, major = s.person, s.major
            dest = rng.choices(codes, weights=weights)[0]
            unit = nature = industry = loc_code = loc_name = relevance = ""
            salary: int | None = None
            if dest in EMPLOYED or dest == "75":
                county = _location(rng, s, pools)
                loc_code, loc_name = (
                    county[0],
                    f"{county[1]}{county[2] if county[2] != '市辖区' else ''}{county[3]}",
                )
                # Three in four work in their own field; the company's line of business and the
                # industry agree either way.
                field = major.department if rng.random() < 0.75 else rng.choice(list(INDUSTRY_BY_DEPT))
                unit = company_name(rng, field, short_city(county[1], county[2]))
                nature = "其他企业" if dest == "75" else rng.choices(nature_names, weights=nature_w)[0]
                if dest in ("50", "51"):
                    nature = rng.choice(("城镇社区", "农村建制村"))
                    unit = f"{short_city(county[1], county[2])}{county[3]}{'社区服务中心' if nature == '城镇社区' else '村民委员会'}"
                if nature == "其他企业" or nature in ("国有企业", "三资企业"):
                    own = INDUSTRY_BY_DEPT[field]
                    industry = rng.choice(own) if rng.random() < 0.9 else rng.choice(OTHER_INDUSTRIES)
                else:
                    industry = {
                        "其他事业单位": "公共管理、社会保障和社会组织",
                        "机关": "公共管理、社会保障和社会组织",
                        "中初教育单位": "教育",
                        "医疗卫生单位": "卫生和社会工作",
                    }.get(nature, "公共管理、社会保障和社会组织")
                factor = SALARY_FACTOR[major.department] * (0.85 if dest in ("12", "50", "51") else 1.0)
                salary = int(round(max(2500.0, rng.lognormvariate(0, 0.22) * salary_base * factor), -2))
                relevance = rng.choices(
                    ("很相关", "相关", "基本相关", "不相关"), weights=(0.22, 0.38, 0.25, 0.15)
                )[0]
            elif dest == "80":
                unit, loc_code = UNIVERSITIES[rng.randrange(len(UNIVERSITIES))]
                campus = county_by_code.get(loc_code)
                loc_name = f"{campus[1]}{campus[2]}{campus[3]}" if campus else ""
                nature, industry = "高等教育单位", "教育"
            elif dest == "46":
                unit, nature, industry = "中国人民解放军", "部队", "公共管理、社会保障和社会组织"
            elif dest == "85":
                unit = f"出国留学（{rng.choice(ABROAD)}）"
            elif dest == "76":
                industry = rng.choice(
                    (
                        "文化、体育和娱乐业",
                        "居民服务、修理和其他服务业",
                        "批发和零售业",
                        "信息传输、软件和信息技术服务业",
                    )
                )
                salary = int(round(max(2000.0, rng.lognormvariate(0, 0.35) * salary_base * 0.85), -2))
            filled = date(year, 3, 1) + timedelta(days=rng.randrange(0, 214))
            filled = min(filled, AS_OF)
            dest_code = dest
            dest_name = ref.GRADUATE_DESTINATIONS[dest][0]
            id_number = p.id_number
            major_code = major.code
            if hit(rng, "invalid_id_checksum"):
                id_number = break_checksum(id_number)
                log.add(NAME, table, s.xh, "invalid_id_checksum", f"身份证号 {id_number}")
            if dest in TEXT_DESTINATIONS and hit(rng, "code_outside_standard", 3.0):
                dest_code = TEXT_DESTINATIONS[dest]
                log.add(NAME, table, s.xh, "code_outside_standard", f"毕业去向代码 {dest_code}")
            if dest in EMPLOYED and hit(rng, "missing_mandatory", 3.0):
                unit = ""
                log.add(NAME, table, s.xh, "missing_mandatory", "单位名称")
            elif hit(rng, "missing_mandatory"):
                id_number = ""
                log.add(NAME, table, s.xh, "missing_mandatory", "身份证号")
            if s.class_code == legacy_class:
                major_code = major.code_2015
                log.add(NAME, table, s.xh, "legacy_major_code", f"专业代码 {major_code} (2021: {major.code})")
            ws.append(
                [
                    s.xh,
                    p.name,
                    "男" if p.sex == "1" else "女",
                    id_number,
                    dept_names[major.department],
                    major_code,
                    major.name,
                    class_names.get(s.class_code, s.class_code),
                    dest_code,
                    dest_name,
                    unit,
                    nature,
                    industry,
                    loc_code,
                    loc_name,
                    salary,
                    relevance,
                    f"{filled:%Y-%m-%d}",
                ]
            )
            ctx.link(NAME, table, s.xh, p.person_id)
            n += 1
        path = out / f"{year}届毕业生就业信息.xlsx"
        save_workbook(wb, path)
        rows_by_year[str(year)] = n
        ctx.progress(n)
    result.add(
        table,
        "毕业生就业去向（各届，一届一个工作簿）",
        sum(rows_by_year.values()),
        path=f"{ctx.rel(out)}/{PATH_GLOB}",
        format="xlsx",
        sheet="毕业生就业信息",
        header_rows=[1],
        primary_key=["学号"],
    )
    result.notes["rows_by_graduation_year"] = rows_by_year
    return result
