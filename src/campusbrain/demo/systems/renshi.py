"""人事系统: an .xlsx export with a title row and a two-level merged header.

Quirks: the first row is a title ("望湖职业技术学院教职工信息表（导出时间 …）"); the header spans two
rows with merged group cells (基本信息 / 岗位信息 / 记录信息); rows are versioned (``BBH`` 版本号 —
take the highest per 工号) with soft-delete flags ``SFSC`` (是否删除) and ``SFYX`` (是否有效);
birth dates in mixed formats; 人员性质 95/96 (退休返聘/外聘) are not on the establishment.
"""

from __future__ import annotations

from datetime import timedelta

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.defects import break_checksum, date_variant, fullwidth, hit
from campusbrain.demo.world import py_rng
from campusbrain.demo.writers import save_workbook

NAME = "renshi"
TABLE = "jzgxx"
GROUPS = (
    (
        "基本信息",
        [
            "工号 GH",
            "姓名 XM",
            "性别码 XBM",
            "出生日期 CSRQ",
            "身份证件号 SFZJH",
            "民族码 MZM",
            "政治面貌码 ZZMMM",
            "学历码 XLM",
            "手机号 SJH",
        ],
    ),
    (
        "岗位信息",
        [
            "单位号 DWH",
            "单位名称 DWMC",
            "人员类别 RYLB",
            "岗位 GW",
            "专业技术职务码 ZYJSZWM",
            "专业技术职务 ZYJSZW",
            "双师素质 SFSSSZ",
            "人员性质码 RYXZM",
            "入职日期 RZRQ",
        ],
    ),
    ("记录信息", ["版本号 BBH", "是否删除 SFSC", "是否有效 SFYX", "更新时间 GXSJ"]),
)


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="人事管理系统",
        vendor_style="自研 on JY/T 1006 (GXJG0101)",
        owner_department="004 人事处",
        kind="files",
        fmt="xlsx",
        encoding="n/a (xlsx)",
        quirks=[
            "title row above the header",
            "two-row header with merged group cells",
            "versioned rows (BBH, take max per GH)",
            "soft-delete flags SFSC/SFYX",
            "mixed birth date formats",
            "人员性质 95/96 off-establishment",
        ],
    )
    rng = py_rng(ctx.seed, NAME)
    log = ctx.defects
    rows: list[list[object]] = []
    for staff in ctx.world.staff:
        p = staff.person
        versions = 1 + (1 if rng.random() < 0.35 else 0) + (1 if rng.random() < 0.1 else 0)
        nature = "95" if rng.random() < 0.015 else ("96" if rng.random() < 0.02 else "10")
        for version in range(1, versions + 1):
            key = f"{staff.gh}#{version}"
            latest = version == versions
            birth: object = p.birth_date.strftime("%Y-%m-%d")
            id_number = p.id_number
            phone = p.phone
            sex = p.sex
            if latest and hit(rng, "mixed_date_format", 4.0):
                birth = date_variant(p.birth_date, rng)
                log.add(NAME, TABLE, key, "mixed_date_format", f"CSRQ {birth}")
            if latest and hit(rng, "invalid_id_checksum", 2.0):
                id_number = break_checksum(id_number)
                log.add(NAME, TABLE, key, "invalid_id_checksum", f"SFZJH {id_number}")
            elif latest and hit(rng, "fullwidth_digits", 2.0):
                phone = fullwidth(phone)
                log.add(NAME, TABLE, key, "fullwidth_digits", "SJH")
            if latest and hit(rng, "code_outside_standard", 2.0):
                # HR typed the sex code from memory: the ID number says otherwise.
                sex = "2" if sex == "1" else "1"
                log.add(NAME, TABLE, key, "code_outside_standard", "XBM disagrees with the ID number")
            if latest and hit(rng, "missing_mandatory", 2.0):
                id_number = ""
                log.add(NAME, TABLE, key, "missing_mandatory", "SFZJH")
            title_name = ref.TEACHER_TITLES[staff.title_code][0]
            updated = staff.hire_date + timedelta(days=365 * version + rng.randrange(0, 200))
            rows.append(
                [
                    staff.gh,
                    p.name,
                    sex,
                    birth,
                    id_number,
                    p.ethnicity,
                    p.political,
                    staff.education,
                    phone,
                    staff.department.code,
                    staff.department.name,
                    staff.category,
                    staff.position,
                    staff.title_code,
                    title_name,
                    "是" if staff.double_qualified else "否",
                    nature,
                    staff.hire_date.strftime("%Y-%m-%d"),
                    version,
                    "否",
                    "是" if latest else "否",
                    min(updated, AS_OF).strftime("%Y-%m-%d %H:%M:%S"),
                ]
            )
            ctx.link(NAME, TABLE, key, p.person_id)
        if rng.random() < 0.01:
            # A record created by mistake and soft-deleted: it must not count as a person.
            rows.append(
                [
                    staff.gh,
                    p.name,
                    p.sex,
                    p.birth_date.strftime("%Y-%m-%d"),
                    p.id_number,
                    p.ethnicity,
                    p.political,
                    staff.education,
                    p.phone,
                    staff.department.code,
                    staff.department.name,
                    staff.category,
                    staff.position,
                    staff.title_code,
                    ref.TEACHER_TITLES[staff.title_code][0],
                    "否",
                    nature,
                    staff.hire_date.strftime("%Y-%m-%d"),
                    versions + 1,
                    "是",
                    "否",
                    AS_OF.strftime("%Y-%m-%d 08:00:00"),
                ]
            )
            ctx.link(NAME, TABLE, f"{staff.gh}#{versions + 1}", p.person_id)

    wb = Workbook()
    ws = wb.active
    ws.title = "教职工信息"
    n_cols = sum(len(cols) for _, cols in GROUPS)
    ws.cell(row=1, column=1, value=f"{ref.COLLEGE_NAME}教职工信息表（导出时间 {AS_OF:%Y-%m-%d}）")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n_cols)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    col = 1
    for group, cols in GROUPS:
        ws.cell(row=2, column=col, value=group)
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + len(cols) - 1)
        for offset, title in enumerate(cols):
            ws.cell(row=3, column=col + offset, value=title)
        col += len(cols)
    for row in rows:
        ws.append(row)
    path = ctx.out / NAME / "教职工信息表.xlsx"
    save_workbook(wb, path)
    result.add(
        TABLE,
        "教职工基本信息（含版本）",
        len(rows),
        path=ctx.rel(path),
        format="xlsx",
        sheet="教职工信息",
        header_rows=[2, 3],
        title_rows=1,
        primary_key=["工号 GH", "版本号 BBH"],
    )
    ctx.progress(len(rows))
    return result
