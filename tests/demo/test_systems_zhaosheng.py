"""招生 export: every student admitted once, no-shows are extra real people with valid IDs."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from stdnum.cn import ric

from campusbrain.demo.world import build_world

from .conftest import SMALL


def test_admissions_cover_students_and_no_shows(small_college: Path, manifest: dict[str, Any]) -> None:
    with open(small_college / "demo-sources" / "zhaosheng" / "ZS_LQ.csv", encoding="utf-8-sig") as fh:
        admitted = {r["考生号"]: r for r in csv.DictReader(fh)}
    with open(small_college / "demo-sources" / "_truth" / "person_links.csv", encoding="utf-8") as fh:
        links = {r["key"]: r["person_id"] for r in csv.DictReader(fh) if r["system"] == "zhaosheng"}
    world = build_world(students=SMALL["students"], seed=SMALL["seed"])
    students = {s.exam_number: s for s in world.students}
    assert set(students) <= set(admitted)
    broken = {d["key"] for d in manifest["defects"] if d["system"] == "zhaosheng" and d["table"] == "ZS_LQ"}
    world_ids = {s.person.id_number for s in world.students} | {s.person.id_number for s in world.staff}
    no_shows = [k for k in admitted if k not in students]
    assert 0.03 < len(no_shows) / len(admitted) < 0.10
    for exam, row in admitted.items():
        expected = students[exam].person.person_id if exam in students else f"A{exam}"
        assert links[exam] == expected
        if exam not in students and exam not in broken:
            number = row["身份证号"]
            assert ric.is_valid(number) and number not in world_ids
