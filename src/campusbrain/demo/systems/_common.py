"""Small helpers several source-system generators share (not a source system itself).

Company names for employers, research partners and suppliers; staff pools by department;
工号 that belong to nobody (for planted orphan references); working days and office hours.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources

from campusbrain.demo import reference as ref
from campusbrain.demo.world import Staff, World

CITIES = (
    "杭州",
    "杭州",
    "杭州",
    "宁波",
    "绍兴",
    "嘉兴",
    "湖州",
    "金华",
    "台州",
    "温州",
    "衢州",
    "上海",
    "苏州",
)
BRAND_WORDS = (
    "恒达",
    "华创",
    "云帆",
    "瑞丰",
    "宏远",
    "精工",
    "博远",
    "汇通",
    "天成",
    "新锐",
    "中瑞",
    "卓越",
    "海纳",
    "东方",
    "万象",
    "金鼎",
    "信诚",
    "安达",
    "嘉禾",
    "明辉",
    "启航",
    "鼎盛",
    "永和",
    "正泰",
    "立讯",
    "凯实",
    "思创",
    "蓝海",
    "银河",
    "聚能",
    "和光",
    "星联",
    "德力",
    "禾丰",
    "迅捷",
    "乐创",
    "锦程",
    "华信",
    "佳美",
    "宇通",
)
# Business lines that fit each teaching department's graduates and partners.
INDUSTRY_WORDS = {
    "101": ("智能装备", "精密机械", "汽车零部件", "数控设备", "机电科技"),
    "102": ("电子科技", "物联网科技", "电气自动化", "智能控制", "微电子"),
    "103": ("化工", "新材料科技", "精细化工", "高分子材料", "环保科技"),
    "104": ("纺织", "印染", "服饰", "纺织品检测", "家纺"),
    "105": ("丝绸", "时尚服饰", "丝绸文化", "服装设计", "织造"),
    "106": ("食品", "包装科技", "印务", "生物科技", "食品检测"),
    "107": ("信息技术", "网络科技", "软件", "数据科技", "智能科技"),
    "108": ("电子商务", "供应链管理", "商贸", "跨境电商", "财务咨询"),
    "109": ("文化创意", "广告设计", "数字传媒", "装饰设计", "影视传媒"),
}
ALL_INDUSTRY_WORDS = tuple(w for words in INDUSTRY_WORDS.values() for w in words)


def company_name(rng: random.Random, department: str | None = None, city: str | None = None) -> str:
    """A plausible (fictional) company name, e.g. ``杭州瑞丰智能装备有限公司``."""
    words = INDUSTRY_WORDS.get(department or "", ALL_INDUSTRY_WORDS)
    suffix = "股份有限公司" if rng.random() < 0.12 else "有限公司"
    return f"{city or rng.choice(CITIES)}{rng.choice(BRAND_WORDS)}{rng.choice(words)}{suffix}"


@lru_cache(maxsize=16)
def counties(year: int) -> tuple[tuple[str, str, str, str], ...]:
    """GB/T 2260 county-level codes valid in ``year``: (code, province, city, county), sorted by code."""
    rows = []
    source = resources.files("campusbrain.demo").joinpath("data/gb2260_counties.csv")
    with source.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if int(row["valid_from_year"] or 0) <= year <= int(row["valid_to_year"] or 9999):
                rows.append((row["code"], row["province"], row["city"], row["county"]))
    return tuple(sorted(rows))


def short_city(province: str, city: str) -> str:
    """``杭州市`` -> ``杭州``; municipalities (city ``市辖区``) use the province: ``上海``."""
    name = province if city in ("市辖区", "县", "") else city
    for suffix in ("市", "省", "地区", "自治州"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def staff_by_department(world: World) -> dict[str, list[Staff]]:
    pools: dict[str, list[Staff]] = {d.code: [] for d in ref.DEPARTMENTS}
    for s in world.staff:
        pools[s.department.code].append(s)
    return pools


def department_head(world: World, code: str) -> Staff | None:
    """The 院长/处长 of a department (the first member holding that position)."""
    for s in world.staff:
        if s.department.code == code and s.position in ("院长", "处长"):
            return s
    return None


def unknown_gh(rng: random.Random, world: World) -> str:
    """A well-formed 工号 that no staff member holds (someone retired, or a typo)."""
    known = world.staff_by_gh
    while True:
        gh = f"{rng.randrange(1985, 2024)}{rng.randrange(900, 1000):03d}"
        if gh not in known:
            return gh


def workday(rng: random.Random, start: date, end: date) -> date:
    """A random Monday–Friday between ``start`` and ``end`` (inclusive; falls back to ``start``)."""
    span = (end - start).days
    for _ in range(20):
        day = start + timedelta(days=rng.randrange(span + 1)) if span > 0 else start
        if day.weekday() < 5:
            return day
    return start


def office_time(rng: random.Random, day: date) -> datetime:
    """A moment within office hours (8:00–17:30, a little lunch dip) on ``day``."""
    minute = rng.choice((rng.randrange(8 * 60, 11 * 60 + 30), rng.randrange(13 * 60 + 30, 17 * 60 + 30)))
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60, rng.randrange(60))


def department_name(code: str) -> str:
    return next(d.name for d in ref.DEPARTMENTS if d.code == code)
