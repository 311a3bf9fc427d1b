"""资产管理系统 (高校国有资产管理平台 export): one .xlsx 固定资产台账.

``zichan/固定资产台账.xlsx``, sheet ``固定资产台账``: row 1 is a merged title
(``望湖职业技术学院固定资产台账（导出日期 2026-11-30）``), rows 2–3 a two-level header (row 2
groups 基本信息 / 价值信息 / 使用信息 with merged cells, 经费来源 merged over both rows), data from
row 4. One row per 资产卡片: 资产编号 (key), 资产名称, 分类代码 (教育部高校固定资产分类-style 7-digit
codes: 2xxxxxx 通用设备, 3xxxxxx 专用设备, 6xxxxxx 家具), 型号, 单价(元), 数量, 金额, 取得日期, 使用部门,
使用人, 存放地点, 使用状态 (在用/闲置/待报废/已报废), 经费来源.

Quirks: title and grouped header rows above the real header; 取得日期 is an Excel date cell in
most rows but text in the 2003–2012 records migrated from the old system and in a few typed
ones (``2019年5月3日``, ``2019/5/3``, ``20190503``); furniture and classroom equipment are booked in
batches (数量 > 1); scrapped assets stay in the register with 已报废; some 使用人 have left the
college (工号 no longer on the staff list); a few cards lack a mandatory field.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.cell_range import CellRange

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import date_variant, hit
from campusbrain.demo.systems._common import staff_by_department, unknown_gh
from campusbrain.demo.world import py_rng
from campusbrain.demo.writers import save_workbook

NAME = "zichan"
SHEET = "固定资产台账"
TABLE = "ZC_GDZCTZ"
ASSETS_AT_15000 = 24_000
# (分类代码, 名称, 型号, 单价范围 元, 数量范围, weight)
GENERAL = (
    (
        "2010104",
        "台式计算机",
        ("联想 启天M430", "联想 扬天M4000q", "惠普 ProDesk 400 G7", "戴尔 OptiPlex 3090", "华为 擎云B730"),
        (3800, 6500),
        (1, 1),
        30,
    ),
    (
        "2010105",
        "便携式计算机",
        ("联想 ThinkPad E14", "华为 MateBook 14", "戴尔 Latitude 3420"),
        (4500, 8500),
        (1, 1),
        7,
    ),
    (
        "2010202",
        "交换机",
        ("华为 S5735-L48T4X", "新华三 S5130S-52S", "锐捷 RG-S2910-48GT4XS"),
        (2500, 30000),
        (1, 1),
        2,
    ),
    (
        "2010601",
        "激光打印机",
        ("惠普 LaserJet M405dn", "兄弟 HL-5590DN", "佳能 LBP6230dn"),
        (1500, 3500),
        (1, 1),
        6,
    ),
    (
        "2020101",
        "复印机",
        ("理光 MP 2555SP", "柯尼卡美能达 bizhub 367", "佳能 iR 2625"),
        (12000, 35000),
        (1, 1),
        1,
    ),
    ("2021001", "投影仪", ("爱普生 CB-X50", "明基 E580", "索尼 VPL-EX435"), (3000, 9000), (1, 1), 5),
    (
        "2021002",
        "交互式智能平板",
        ("希沃 MC86FEA", "鸿合 HD-I8677E", "MAXHUB V6 86英寸"),
        (12000, 28000),
        (1, 1),
        4,
    ),
    ("2060101", "空调机", ("格力 KFR-72LW", "美的 KFR-51LW", "海尔 KFR-35GW"), (2800, 12000), (1, 1), 8),
    ("6010101", "办公桌", ("钢木结构 1400×700", "实木贴皮 1600×800"), (1000, 2500), (1, 6), 6),
    ("6010301", "文件柜", ("钢制 900×400×1850", "木质 800×400×2000"), (1000, 1600), (1, 8), 4),
    ("6010201", "课桌椅", ("双人位 1200×400", "单人位 600×400", "阶梯教室连排椅"), (1000, 1800), (20, 60), 5),
)
SPECIAL = {
    "101": (
        (
            "3180101",
            "数控车床",
            ("沈阳机床 CAK6150", "大连机床 CKA6150", "宝鸡机床 CK7520"),
            (80000, 260000),
            (1, 1),
            4,
        ),
        ("3180102", "立式加工中心", ("海天精工 VMC850", "北京精雕 JDGR200"), (250000, 900000), (1, 1), 1),
        (
            "3190501",
            "工业机器人",
            ("ABB IRB 120", "发那科 LR Mate 200iD", "埃斯顿 ER3A-C60"),
            (90000, 380000),
            (1, 1),
            2,
        ),
        ("3210101", "三坐标测量机", ("海克斯康 Global S",), (300000, 600000), (1, 1), 1),
    ),
    "102": (
        (
            "3210201",
            "数字示波器",
            ("普源 DS1104Z-Plus", "固纬 GDS-1102B", "泰克 TBS1102C"),
            (3000, 12000),
            (1, 1),
            6,
        ),
        ("3210301", "函数信号发生器", ("普源 DG1022Z", "鼎阳 SDG1032X"), (2500, 6000), (1, 1), 4),
        ("3290101", "PLC综合实训装置", ("亚龙 YL-335B", "天煌 THJDQG-1"), (30000, 90000), (1, 1), 3),
    ),
    "103": (
        ("3350402", "气相色谱仪", ("安捷伦 8890", "岛津 GC-2030"), (150000, 400000), (1, 1), 1),
        ("3350406", "紫外可见分光光度计", ("岛津 UV-2600i", "上海元析 UV-5500"), (30000, 120000), (1, 1), 2),
        ("3350301", "电子天平", ("梅特勒 ME204E", "赛多利斯 BSA224S"), (3000, 15000), (1, 1), 4),
        ("3410101", "通风橱", ("全钢 1500型", "全钢 1800型"), (8000, 20000), (1, 1), 3),
    ),
    "104": (
        ("3181001", "电脑横机", ("慈星 GE2-52C", "岛精 SWG061N2"), (80000, 400000), (1, 1), 2),
        ("3181101", "工业缝纫机", ("杰克 A4", "兄弟 S-7300A"), (2500, 8000), (1, 1), 8),
        ("3350501", "织物强力仪", ("莱州电子 YG026D",), (30000, 80000), (1, 1), 1),
    ),
    "105": (
        ("3181201", "数码印花机", ("宏华 VEGA 3180",), (200000, 800000), (1, 1), 1),
        ("3181101", "工业缝纫机", ("杰克 A4", "兄弟 S-7300A"), (2500, 8000), (1, 1), 8),
        ("3181002", "剑杆织机", ("必佳乐 OMNIplus-i", "万利 GA798"), (60000, 180000), (1, 1), 2),
    ),
    "106": (
        ("3350406", "紫外可见分光光度计", ("岛津 UV-2600i",), (30000, 120000), (1, 1), 2),
        ("3350407", "原子吸收分光光度计", ("耶拿 novAA 800", "普析 TAS-990"), (80000, 250000), (1, 1), 1),
        ("3410102", "恒温培养箱", ("一恒 DHP-9162", "精宏 GHP-9270"), (3000, 15000), (1, 1), 4),
        ("3181401", "数字印刷机", ("柯尼卡美能达 AccurioPress C4080",), (300000, 900000), (1, 1), 1),
    ),
    "107": (
        (
            "2010103",
            "服务器",
            ("浪潮 NF5280M6", "华为 2288H V5", "新华三 R4900 G5"),
            (25000, 120000),
            (1, 1),
            3,
        ),
        ("2010204", "防火墙", ("深信服 AF-1000", "华为 USG6555E"), (20000, 120000), (1, 1), 1),
        (
            "3290201",
            "人工智能实训平台",
            ("百度 EasyDL 教学版", "华为 Atlas 200 DK 实训箱"),
            (80000, 300000),
            (1, 1),
            1,
        ),
    ),
    "108": (
        ("3290301", "VBSE跨专业综合实训平台", ("新道 VBSE V5",), (80000, 200000), (1, 1), 1),
        ("3290302", "智能仓储实训系统", ("诺力 AGV 实训线",), (150000, 500000), (1, 1), 1),
    ),
    "109": (
        ("2010106", "图形工作站", ("苹果 iMac 24", "戴尔 Precision 3660"), (12000, 30000), (1, 1), 6),
        ("2120101", "照相机", ("佳能 EOS R6", "尼康 Z6II", "索尼 A7M4"), (9000, 18000), (1, 1), 2),
        ("2120301", "摄像机", ("索尼 FX6", "佳能 C70"), (30000, 60000), (1, 1), 1),
        ("3290401", "3D打印机", ("创想三维 CR-10", "弘瑞 E3"), (5000, 40000), (1, 1), 2),
    ),
    "009": (
        (
            "2010103",
            "服务器",
            ("浪潮 NF5280M6", "华为 2288H V5", "曙光 I620-G30"),
            (25000, 120000),
            (1, 1),
            8,
        ),
        ("2010202", "核心交换机", ("华为 CE12808", "新华三 S12508G-AF"), (300000, 900000), (1, 1), 1),
        ("2010301", "磁盘阵列", ("华为 OceanStor 5310", "浪潮 AS5300G5"), (150000, 600000), (1, 1), 1),
    ),
    "012": (
        ("2030101", "轿车", ("比亚迪 汉EV", "大众 帕萨特"), (150000, 260000), (1, 1), 1),
        ("2030501", "电动巡逻车", ("朗晴 LQY081B",), (20000, 40000), (1, 1), 1),
    ),
}
# Models on the market before 2016, for the older cards of the same categories.
OLD_MODELS = {
    "2010104": ("联想 启天M7150", "惠普 Compaq dc7800", "戴尔 OptiPlex 780", "方正 文祥E520"),
    "2010105": ("联想 ThinkPad T400", "惠普 ProBook 4420s", "戴尔 Latitude E6410"),
    "2010601": ("惠普 LaserJet P2055d", "兄弟 HL-2140", "佳能 LBP2900"),
    "2021001": ("爱普生 EMP-X5", "松下 PT-BX21", "明基 MP515"),
    "2010103": ("IBM System x3650 M3", "浪潮 NF5270M3", "华为 RH2288 V2"),
    "2010202": ("华为 S3700-52P", "H3C S3100V2-52TP"),
}
BUILDINGS = {
    "101": "实训楼A",
    "102": "实训楼B",
    "103": "化工楼",
    "104": "纺织楼",
    "105": "丝绸楼",
    "106": "食品楼",
    "107": "信息楼",
    "108": "商贸楼",
    "109": "艺术楼",
    "008": "图书馆",
    "009": "信息中心",
    "012": "后勤服务楼",
}
FUNDING = (
    ("财政拨款", 0.48),
    ("中央财政专项", 0.10),
    ("省“双高计划”专项", 0.15),
    ("学校自筹", 0.21),
    ("企业捐赠", 0.04),
    ("科研经费", 0.02),
)


def _acquired(rng: random.Random) -> date:
    age = min(23.0, rng.expovariate(1 / 6.5))
    return AS_OF - timedelta(days=int(age * 365.25)) - timedelta(days=rng.randrange(0, 30))


def _status(rng: random.Random, acquired: date) -> str:
    age = (AS_OF - acquired).days / 365.25
    r = rng.random()
    if age > 8:
        return "已报废" if r < 0.25 else "待报废" if r < 0.40 else "闲置" if r < 0.47 else "在用"
    if age > 6:
        return "待报废" if r < 0.06 else "闲置" if r < 0.11 else "在用"
    return "闲置" if r < 0.04 else "在用"


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="资产管理系统",
        vendor_style="高校国有资产管理平台 Excel 导出",
        owner_department="006 资产管理处",
        kind="files",
        fmt="xlsx",
        encoding="utf-8",
        quirks=[
            "title row and a two-level merged header above the data",
            "取得日期 mixes date cells and text",
            "batch cards with 数量 > 1",
            "scrapped assets still listed",
            "使用人 who left the college",
        ],
    )
    world = ctx.world
    rng = py_rng(ctx.seed, NAME)
    log = ctx.defects
    pools = staff_by_department(world)
    dept_names = {d.code: d.name for d in ref.DEPARTMENTS}
    n_assets = round(ASSETS_AT_15000 * len(world.current_students()) / 14_800 * ctx.scale)
    # Teaching departments hold about 70% of the cards, weighted by their teachers.
    dept_weights = [
        (d.code, (3.0 if d.kind == "teaching" else 1.0) * max(1, len(pools[d.code]))) for d in ref.DEPARTMENTS
    ]
    codes = [c for c, _ in dept_weights]
    weights = [w for _, w in dept_weights]
    funding_names = [f for f, _ in FUNDING]
    funding_w = [w for _, w in FUNDING]

    records = []
    for _ in range(n_assets):
        dept = rng.choices(codes, weights=weights)[0]
        catalog = GENERAL + SPECIAL.get(dept, ())
        special_boost = 2.5 if dept in SPECIAL else 1.0
        kind = rng.choices(
            catalog, weights=[c[5] * (special_boost if c in SPECIAL.get(dept, ()) else 1.0) for c in catalog]
        )[0]
        acquired = _acquired(rng)
        records.append((acquired, dept, kind))
    records.sort(key=lambda r: (r[0], r[1], r[2][0]))

    # Write-only mode keeps 30k rows fast; merged ranges are declared, styled cells built by hand.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    groups = (
        ("基本信息", ["资产编号", "资产名称", "分类代码", "分类名称", "型号"]),
        ("价值信息", ["单价(元)", "数量", "金额(元)"]),
        (
            "使用信息",
            ["取得日期", "使用部门代码", "使用部门", "使用人工号", "使用人", "存放地点", "使用状态"],
        ),
    )
    n_cols = sum(len(cols) for _, cols in groups) + 1
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center")

    def styled(value: object, font: Font = bold) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value)
        cell.font = font
        cell.alignment = centred
        return cell

    ws.append(
        [styled(f"{ref.COLLEGE_NAME}固定资产台账（导出日期 {AS_OF:%Y-%m-%d}）", Font(bold=True, size=14))]
    )
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=n_cols, max_row=1))
    group_row: list[object] = []
    leaf_row: list[object] = []
    for group, cols in groups:
        start = len(group_row) + 1
        group_row += [styled(group)] + [styled(None)] * (len(cols) - 1)
        leaf_row += [styled(c) for c in cols]
        ws.merged_cells.add(CellRange(min_col=start, min_row=2, max_col=start + len(cols) - 1, max_row=2))
    group_row.append(styled("经费来源"))
    leaf_row.append(styled(None))
    ws.merged_cells.add(CellRange(min_col=n_cols, min_row=2, max_col=n_cols, max_row=3))
    ws.append(group_row)
    ws.append(leaf_row)

    seq_by_year: dict[int, int] = {}
    for acquired, dept, (code, name, models, (low, high), (qmin, qmax), _) in records:
        seq_by_year[acquired.year] = seq_by_year.get(acquired.year, 0) + 1
        asset_no = f"WZ{acquired.year}{seq_by_year[acquired.year]:06d}"
        price = round(rng.uniform(low, high), 2 if high < 20_000 else 0)
        qty = rng.randint(qmin, qmax)
        staff = pools[dept] or world.staff
        user = staff[rng.randrange(len(staff))]
        user_gh, user_name = user.gh, user.person.name
        building = BUILDINGS.get(dept, "行政楼")
        if code.startswith("6010201"):
            building = rng.choice(("教学楼1", "教学楼2", "教学楼3"))
        place = f"{building}-{rng.randrange(1, 6)}{rng.randrange(1, 25):02d}"
        status = _status(rng, acquired)
        funding = rng.choices(funding_names, weights=funding_w)[0]
        if funding == "省“双高计划”专项" and acquired.year < 2020:
            funding = "财政拨款"
        acquired_cell: object = WriteOnlyCell(ws, datetime(acquired.year, acquired.month, acquired.day))
        acquired_cell.number_format = "yyyy-mm-dd"  # type: ignore[attr-defined]
        if acquired.year <= 2012:
            acquired_cell = f"{acquired:%Y-%m-%d}"  # migrated from the old system as text
        dept_code, dept_name, asset_name = dept, dept_names[dept], name
        if hit(rng, "mixed_date_format"):
            acquired_cell = date_variant(acquired, rng)
            log.add(NAME, TABLE, asset_no, "mixed_date_format", f"取得日期 {acquired_cell}")
        if hit(rng, "orphan_reference", 2.0):
            user_gh = unknown_gh(rng, world)
            log.add(NAME, TABLE, asset_no, "orphan_reference", f"使用人工号 {user_gh}")
        if hit(rng, "missing_mandatory", 2.0):
            missing = rng.choice(("使用部门代码", "存放地点", "资产名称"))
            if missing == "使用部门代码":
                dept_code = ""
            elif missing == "存放地点":
                place = ""
            else:
                asset_name = ""
            log.add(NAME, TABLE, asset_no, "missing_mandatory", missing)
        ws.append(
            [
                asset_no,
                asset_name,
                code,
                name,
                rng.choice(OLD_MODELS[code] if acquired.year < 2016 and code in OLD_MODELS else models),
                price,
                qty,
                round(price * qty, 2),
                acquired_cell,
                dept_code,
                dept_name,
                user_gh,
                user_name,
                place,
                status,
                funding,
            ]
        )
    path = ctx.out / NAME / "固定资产台账.xlsx"
    save_workbook(wb, path)
    result.add(
        TABLE,
        "固定资产台账",
        len(records),
        path=ctx.rel(path),
        format="xlsx",
        sheet=SHEET,
        title_rows=1,
        header_rows=[2, 3],
        primary_key=["资产编号"],
    )
    ctx.progress(len(records))
    return result
