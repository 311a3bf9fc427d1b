"""Generate the demo college: every source system's export, its YAML, and the manifest."""

from __future__ import annotations

import csv
import importlib
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from tqdm import tqdm

from . import reference as ref
from .calendar import AS_OF, HISTORY_START
from .context import GenContext, SystemResult
from .crosswalks import install_crosswalks, write_crosswalks
from .defects import DEFECT_KINDS, RATES, DefectLog
from .world import World, build_world

GENERATOR_VERSION = "1"

# One module per source system under campusbrain.demo.systems; each has generate(ctx).
SYSTEMS: tuple[str, ...] = (
    "jiaowu",
    "xuegong",
    "renshi",
    "caiwu",
    "zichan",
    "keyan",
    "tushu",
    "yikatong",
    "jiuye",
    "oa",
    "zhaosheng",
    "ceping",
    "xuexi",
)

# Rough rows per 1,000 students at scale 1, used only to size the progress bar.
_ROWS_PER_1000_STUDENTS = 2_200_000


@dataclass(frozen=True)
class GenerateResult:
    home: Path
    manifest_path: Path
    total_rows: int
    seconds: float
    row_counts: dict[str, int]


def generate(
    home: Path,
    *,
    students: int = 15000,
    seed: int = 20261203,
    scale: float = 1.0,
    systems: tuple[str, ...] = SYSTEMS,
    show_progress: bool = True,
) -> GenerateResult:
    """Write the demo college's exports to ``home/demo-sources`` and one YAML per system.

    The same arguments always produce byte-identical files. An existing ``demo-sources``
    folder is replaced as a whole (written beside it first, then swapped in).
    """
    if students < 300:
        raise ValueError("students must be at least 300 (every major needs a class)")
    if scale <= 0:
        raise ValueError("scale must be positive")
    started = time.perf_counter()
    home = home.resolve()
    staging = home / ".demo-staging"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)

    world = build_world(students=students, seed=seed)
    defects = DefectLog()
    expected = int(_ROWS_PER_1000_STUDENTS * students / 1000 * scale)
    with tqdm(
        total=expected,
        unit="rows",
        unit_scale=True,
        disable=not show_progress,
        desc="生成演示学校 demo college",
    ) as bar:
        ctx = GenContext(
            world=world, home=staging, seed=seed, scale=scale, defects=defects, progress=bar.update
        )
        results: list[SystemResult] = []
        for name in systems:
            bar.set_postfix_str(name)
            module = importlib.import_module(f"campusbrain.demo.systems.{name}")
            results.append(module.generate(ctx))
        bar.total = bar.n
        bar.refresh()

    _write_truth(ctx)
    for result in results:
        _write_source_yaml(staging, result)
    write_crosswalks(staging / "crosswalks", {r.name: [t.name for t in r.tables] for r in results})
    manifest = _manifest(world, ctx, results, students=students, seed=seed, scale=scale)
    manifest_path = staging / "demo-sources" / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    # Swap the new exports in; sources/*.yaml for the demo systems are replaced, a college's
    # own other source files are left alone.
    target = home / "demo-sources"
    if target.exists():
        shutil.rmtree(target)
    (staging / "demo-sources").rename(target)
    (home / "sources").mkdir(exist_ok=True)
    for yaml_file in sorted((staging / "sources").glob("*.yaml")):
        yaml_file.replace(home / "sources" / yaml_file.name)
    install_crosswalks(staging, home, (r.name for r in results))
    shutil.rmtree(staging)
    return GenerateResult(
        home=home,
        manifest_path=target / "manifest.json",
        total_rows=manifest["total_rows"],
        seconds=time.perf_counter() - started,
        row_counts=manifest["row_counts"],
    )


def _write_truth(ctx: GenContext) -> None:
    path = ctx.out / "_truth" / "person_links.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["system", "table", "key", "person_id"])
        writer.writerows(sorted(set(ctx.truth)))


def _write_source_yaml(staging: Path, result: SystemResult) -> None:
    path = staging / "sources" / f"{result.name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# {result.title} ({result.vendor_style}) — written by `campusbrain demo generate`.\n"
    path.write_text(
        header + yaml.safe_dump(result.source_config(), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def _demo_people(world: World) -> dict[str, dict[str, Any]]:
    """The people the demo accounts log in as; each is a real member of the demo college."""

    def staff_entry(role: str, title: str, staff: Any, classes: list[str] | None = None) -> dict[str, Any]:
        return {
            "role": role,
            "title": title,
            "person_type": "staff",
            "number": staff.gh,
            "name": staff.person.name,
            "person_id": staff.person.person_id,
            "department_code": staff.department.code,
            "department_name": staff.department.name,
            "classes": classes or [],
        }

    def first(pred: Any) -> Any:
        return next(s for s in world.staff if pred(s))

    dept = "107"  # 信息技术学院: the department the dean, teacher, counsellor and student share
    # Prefer a counsellor who is not also an alumnus (whose person has a 学号 too), if the 学院 has one.
    counsellors = sorted(
        (s for s in world.staff if s.category == "辅导员" and s.department.code == dept),
        key=lambda s: bool(s.alumnus_xh),
    )
    counsellor = counsellors[0]
    classes = sorted(
        c.code
        for c in world.classes
        if c.counsellor_gh == counsellor.gh
        and any(st.class_code == c.code and st.status == "在读" for st in world.students)
    )
    student = next(s for s in world.students if s.status == "在读" and s.class_code in classes)
    people = {
        "leader": staff_entry("leader", "校领导", first(lambda s: s.category == "校领导")),
        "dean": staff_entry(
            "dean", "部门负责人", first(lambda s: s.department.code == dept and s.position == "院长")
        ),
        "teacher": staff_entry(
            "teacher",
            "教师",
            first(
                lambda s: s.department.code == dept and s.category == "专任教师" and s.position == "专任教师"
            ),
        ),
        "counsellor": staff_entry("counsellor", "辅导员", counsellor, classes),
        "student": {
            "role": "student",
            "title": "学生",
            "person_type": "student",
            "number": student.xh,
            "name": student.person.name,
            "person_id": student.person.person_id,
            "department_code": student.major.department,
            "department_name": next(d.name for d in ref.DEPARTMENTS if d.code == student.major.department),
            "classes": [student.class_code],
        },
        "steward": staff_entry(
            "steward", "数据专员", first(lambda s: s.department.code == "002" and s.category == "行政人员")
        ),
        "finance": staff_entry(
            "finance", "财务", first(lambda s: s.department.code == "005" and s.category == "行政人员")
        ),
        "quality": staff_entry(
            "quality", "质管办", first(lambda s: s.department.code == "011" and s.category == "行政人员")
        ),
    }
    it_staff = [
        s for s in world.staff if s.department.code == "009" and s.category in ("行政人员", "教辅人员")
    ]
    people["sysadmin"] = staff_entry("sysadmin", "系统管理员", it_staff[0])
    people["secadmin"] = staff_entry("secadmin", "安全管理员", it_staff[1])
    people["auditor"] = staff_entry(
        "auditor", "审计员", first(lambda s: s.department.code == "001" and s.category == "行政人员")
    )
    return people


def _manifest(
    world: World, ctx: GenContext, results: list[SystemResult], *, students: int, seed: int, scale: float
) -> dict[str, Any]:
    row_counts = {f"{r.name}.{t.name}": t.rows for r in results for t in r.tables}
    linked_people = {pid for *_, pid in ctx.truth}
    return {
        "generator_version": GENERATOR_VERSION,
        "college": {
            "name": ref.COLLEGE_NAME,
            "name_en": ref.COLLEGE_NAME_EN,
            "code": ref.COLLEGE_CODE,
            "fictional": True,
        },
        "parameters": {"students": students, "seed": seed, "scale": scale},
        "as_of": AS_OF.isoformat(),
        "history_start": HISTORY_START.isoformat(),
        "systems": {
            r.name: {
                "title": r.title,
                "vendor_style": r.vendor_style,
                "owner_department": r.owner_department,
                "kind": r.kind,
                "format": r.fmt,
                "encoding": r.encoding,
                "quirks": r.quirks,
                "tables": {t.name: {"title": t.title, "rows": t.rows} for t in r.tables},
                **({"notes": r.notes} if r.notes else {}),
            }
            for r in results
        },
        "row_counts": row_counts,
        "total_rows": sum(row_counts.values()),
        "people": {
            "distinct_real_people": len(linked_people),
            "students": len(world.students),
            "current_students": len(world.current_students()),
            "staff": len(world.staff),
            "staff_who_are_alumni": sum(1 for s in world.staff if s.alumnus_xh),
        },
        "truth_file": "_truth/person_links.csv",
        "defect_kinds": DEFECT_KINDS,
        "defect_rates": RATES,
        "defect_counts": ctx.defects.counts(),
        "defects": ctx.defects.entries,
        "demo_people": _demo_people(world),
    }
