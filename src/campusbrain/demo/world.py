"""The people and organisation of the demo college, before any source system sees them.

The world is the ground truth: every person has one ``person_id`` here. Source systems then
write their own (quirky, partly defective) views of it, and ``_truth/`` records which source
record belongs to which real person so that identity resolution can be measured.
"""

from __future__ import annotations

import bisect
import csv
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from importlib import resources

import numpy as np
from stdnum.cn import ric

from . import reference as ref
from .calendar import AS_OF, FIRST_COHORT, LAST_COHORT

CLASS_SIZE = 45


def py_rng(seed: int, *keys: int | str) -> random.Random:
    """A reproducible scalar random stream (Python's Mersenne Twister, stable across versions)
    for per-person work, where numpy's per-call overhead would dominate."""
    return random.Random(":".join(str(k) for k in (seed, *keys)))


def rng_for(seed: int, *keys: int | str) -> np.random.Generator:
    """An independent, reproducible random stream for one part of the generation.

    Each part (a system, a table, a day) draws from its own stream, so adding a table or
    reordering work never changes what the others produce.
    """
    words = [seed]
    for key in keys:
        if isinstance(key, str):
            words.extend(key.encode("utf-8"))
        else:
            words.append(key)
    return np.random.default_rng(np.random.SeedSequence(words))


@dataclass
class Person:
    person_id: str
    name: str
    sex: str  # GB/T 2261.1: "1" male, "2" female
    birth_date: date
    birthplace: str  # GB/T 2260 county code at the time of birth
    id_number: str
    ethnicity: str  # GB/T 3304
    political: str  # GB/T 4762
    phone: str


@dataclass
class ClassGroup:
    code: str
    name: str
    cohort: int
    major: ref.Major
    counsellor_gh: str = ""


@dataclass
class Student:
    person: Person
    xh: str  # 学号
    cohort: int
    major: ref.Major
    class_code: str
    admission_type: str
    exam_number: str  # 考生号
    status: str  # 在读 / 毕业 / 休学 / 退学
    status_date: date | None
    difficulty: str  # 家庭经济困难等级: "" none, "1" 特别困难, "2" 困难, "3" 一般困难
    dorm: str
    old_xh: str = ""  # set for students who changed major (转专业) and got a new 学号
    old_major: ref.Major | None = None

    @property
    def graduation_date(self) -> date:
        return date(self.cohort + 3, 6, 30)

    def enrolled_on(self, day: date) -> bool:
        """On the books and on campus that day (graduates leave 6/30; 休学/退学 leave at status_date)."""
        if day < date(self.cohort, 9, 1):
            return False
        if self.status == "毕业":
            return day <= self.graduation_date
        if self.status in ("休学", "退学") and self.status_date is not None:
            return day < self.status_date
        return True


@dataclass
class Staff:
    person: Person
    gh: str  # 工号
    department: ref.Department
    category: str  # 专任教师 / 辅导员 / 行政人员 / 校领导 / 教辅人员
    title_code: str
    education: str
    hire_date: date
    double_qualified: bool  # 双师素质
    position: str
    alumnus_xh: str = ""  # a graduate of this college now on its staff


@dataclass
class World:
    seed: int
    students: list[Student] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    classes: list[ClassGroup] = field(default_factory=list)

    @cached_property
    def student_by_xh(self) -> dict[str, Student]:
        return {s.xh: s for s in self.students}

    @cached_property
    def staff_by_gh(self) -> dict[str, Staff]:
        return {s.gh: s for s in self.staff}

    @cached_property
    def people(self) -> dict[str, Person]:
        everyone = {s.person.person_id: s.person for s in self.students}
        everyone.update({s.person.person_id: s.person for s in self.staff})
        return everyone

    def current_students(self, day: date = AS_OF) -> list[Student]:
        return [s for s in self.students if s.enrolled_on(day)]

    def teachers(self) -> list[Staff]:
        return [s for s in self.staff if s.category == "专任教师"]


def _load_counties() -> list[tuple[str, str, int, int]]:
    rows = []
    with (
        resources.files("campusbrain.demo").joinpath("data/gb2260_counties.csv").open(encoding="utf-8") as fh
    ):
        for row in csv.DictReader(fh):
            start = int(row["valid_from_year"] or 0)
            end = int(row["valid_to_year"] or 9999)
            rows.append((row["code"], row["province"], start, end))
    return rows


class PersonFactory:
    """Makes realistic people: names, consistent ID numbers, phones."""

    def __init__(self, seed: int) -> None:
        self.rng = py_rng(seed, "people")
        self.counties = _load_counties()
        self._next = 0
        weights = np.array(ref.SURNAME_WEIGHTS, dtype=float)
        self.surname_cum = list(np.cumsum(weights / weights.sum()))
        eth = ref.ETHNICITY_WEIGHTS
        self.eth_codes = list(eth)
        self.eth_cum = list(np.cumsum(np.array(list(eth.values()), dtype=float) / sum(eth.values())))
        self._county_cache: dict[tuple[str, int], list[str]] = {}
        self._used_ids: set[str] = set()

    def _county(self, province: str, year: int) -> str:
        key = (province, year)
        pool = self._county_cache.get(key)
        if pool is None:
            pool = [c for c, _, s, e in self.counties if c.startswith(province) and s <= year <= e]
            self._county_cache[key] = pool
        return pool[int(self.rng.randrange(len(pool)))]

    def _province(self, home_bias: float) -> str:
        if self.rng.random() < home_bias:
            return "33"
        return _weighted(self.rng, ref.BIRTH_PROVINCE_WEIGHTS)

    def make(self, birth_date: date, *, political: dict[str, float], home_bias: float = 0.0) -> Person:
        rng = self.rng
        self._next += 1
        sex = "1" if rng.random() < 0.52 else "2"
        surname = ref.SURNAMES[_pick(rng, self.surname_cum)]
        pool = ref.GIVEN_MALE if sex == "1" else ref.GIVEN_FEMALE
        chars = [pool[int(rng.randrange(len(pool)))]]
        if rng.random() < 0.78:
            mixed = pool + ref.GIVEN_NEUTRAL
            chars.insert(0, mixed[int(rng.randrange(len(mixed)))])
        birthplace = self._county(self._province(home_bias), birth_date.year)
        while True:
            seq = int(rng.randrange(0, 500)) * 2 + (1 if sex == "1" else 0)
            body = f"{birthplace}{birth_date:%Y%m%d}{seq:03d}"
            # stdnum expects the full 18 characters and ignores the last one when computing the check.
            id_number = body + ric.calc_check_digit(body + "0")
            if id_number not in self._used_ids:
                self._used_ids.add(id_number)
                break
        phone = f"1{'35789'[int(rng.randrange(5))]}{int(rng.randrange(0, 10**9)):09d}"
        return Person(
            person_id=f"P{self._next:06d}",
            name=surname + "".join(chars),
            sex=sex,
            birth_date=birth_date,
            birthplace=birthplace,
            id_number=id_number,
            ethnicity=self.eth_codes[_pick(rng, self.eth_cum)],
            political=_weighted(rng, political),
            phone=phone,
        )


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    """Index drawn from a cumulative distribution."""
    return min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def _weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def build_world(*, students: int = 15000, seed: int = 20261203) -> World:
    """Create the college: about ``students`` current students in three grades, ~1,000 staff."""
    world = World(seed=seed)
    factory = PersonFactory(seed)
    _build_staff(world, factory, students)
    _build_students(world, factory, students)
    _assign_counsellors(world)
    _plant_alumni_on_staff(world)
    return world


def _build_staff(world: World, factory: PersonFactory, n_students: int) -> None:
    rng = py_rng(world.seed, "staff")
    # About one staff member per 15 students: the 1,000 of a 15,000-student college.
    # Floors keep a small test college complete: every office staffed, every 学院 with a head and a teacher.
    n_staff = max(60, round(n_students / 15))
    n_leaders = max(3, round(n_staff * 0.012))
    n_counsellors = max(len(ref.TEACHING_DEPARTMENTS), round(n_students / 220))
    n_admin = max(len(ref.OFFICES) + 2, round(n_staff * 0.22))
    n_support = max(4, round(n_staff * 0.08))
    n_teachers = n_staff - n_leaders - n_counsellors - n_admin - n_support
    plan = (
        [("校领导", None)] * n_leaders
        + [("专任教师", None)] * n_teachers
        + [("辅导员", None)] * n_counsellors
        + [("行政人员", None)] * n_admin
        + [("教辅人员", None)] * n_support
    )
    seq_by_year: dict[int, int] = {}
    seen: dict[str, int] = {}
    title_codes = list(ref.TEACHER_TITLES)
    title_w = [v[1] for v in ref.TEACHER_TITLES.values()]
    edu_codes = list(ref.STAFF_EDUCATION)
    edu_w = [v[1] for v in ref.STAFF_EDUCATION.values()]
    for i, (category, _) in enumerate(plan):
        age = {"校领导": 52, "辅导员": 30, "专任教师": 41, "行政人员": 40, "教辅人员": 42}[category]
        age = int(np.clip(rng.gauss(age, 6 if category != "辅导员" else 3), 24, 60))
        birth = date(AS_OF.year - age, 1, 1) + timedelta(days=int(rng.randrange(0, 365)))
        person = factory.make(birth, political=ref.POLITICAL_STAFF, home_bias=0.6)
        hire_year = int(
            np.clip(birth.year + 24 + rng.randrange(0, max(1, AS_OF.year - birth.year - 24)), 1990, 2026)
        )
        seq_by_year[hire_year] = seq_by_year.get(hire_year, 0) + 1
        gh = f"{hire_year}{seq_by_year[hire_year]:03d}"
        # Round-robin within each category, so that every department gets its share from the first hires.
        k = seen[category] = seen.get(category, -1) + 1
        if category in ("专任教师", "辅导员"):
            dept = ref.TEACHING_DEPARTMENTS[k % len(ref.TEACHING_DEPARTMENTS)]
        elif category == "校领导":
            dept = ref.OFFICES[0]
        elif category == "教辅人员":
            # Lab and IT support: the data centre first, then the 学院 labs.
            dept = ref.OFFICES[8] if k < 2 else ref.TEACHING_DEPARTMENTS[k % len(ref.TEACHING_DEPARTMENTS)]
        else:
            dept = ref.OFFICES[k % len(ref.OFFICES)]
        title = rng.choices(title_codes, weights=title_w)[0]
        if category in ("辅导员", "行政人员"):
            title = "000" if rng.random() < 0.5 else "013"
        if category == "校领导":
            title = "011" if rng.random() < 0.6 else "012"
        education = rng.choices(edu_codes, weights=edu_w)[0]
        position = {
            "校领导": "校长" if i == 0 else ("党委书记" if i == 1 else "副校长"),
            "专任教师": "专任教师",
            "辅导员": "专职辅导员",
            "行政人员": "科员",
            "教辅人员": "实验员",
        }[category]
        world.staff.append(
            Staff(
                person=person,
                gh=gh,
                department=dept,
                category=category,
                title_code=title,
                education=education,
                hire_date=date(hire_year, 7, 1) + timedelta(days=int(rng.randrange(0, 60))),
                double_qualified=category == "专任教师" and rng.random() < 0.62,
                position=position,
            )
        )
    # Each teaching department has a head (院长) and each office a director (处长).
    for dept in ref.DEPARTMENTS:
        members = [
            s
            for s in world.staff
            if s.department.code == dept.code and s.category not in ("辅导员", "校领导")
        ]
        if members:
            members[0].position = "院长" if dept.kind == "teaching" else "处长"


def _build_students(world: World, factory: PersonFactory, n_students: int) -> None:
    rng = py_rng(world.seed, "students")
    weights = np.array([m.weight for m in ref.MAJORS])
    per_cohort = n_students / 3
    for cohort in range(FIRST_COHORT, LAST_COHORT + 1):
        # Intake grows a little every year, as it did in Zhejiang's 高职 expansion.
        intake = per_cohort * (1 + 0.02 * (cohort - 2025))
        counts = np.maximum(1, np.round(weights / weights.sum() * intake)).astype(int)
        for major_idx, (major, count) in enumerate(zip(ref.MAJORS, counts, strict=True)):
            n_classes = max(1, math.ceil(count / CLASS_SIZE))
            class_codes = []
            for k in range(n_classes):
                code = f"{cohort}{major.code}{k + 1:02d}"
                name = f"{str(cohort)[2:]}{major.name}{k + 1}班"
                world.classes.append(ClassGroup(code, name, cohort, major))
                class_codes.append(code)
            for j in range(int(count)):
                age = int(np.clip(np.round(rng.gauss(18.2, 0.7)), 16, 22))
                birth = date(cohort - age, 1, 1) + timedelta(days=int(rng.randrange(0, 365)))
                person = factory.make(birth, political=ref.POLITICAL_STUDENT, home_bias=0.0)
                class_code = class_codes[j % n_classes]
                xh = f"{cohort}{major.department[1:]}{major_idx + 1:02d}{(j % n_classes) + 1:02d}{j // n_classes + 1:02d}"
                status, status_date = _student_status(rng, cohort)
                world.students.append(
                    Student(
                        person=person,
                        xh=xh,
                        cohort=cohort,
                        major=major,
                        class_code=class_code,
                        admission_type=_weighted(rng, ref.ADMISSION_TYPES),
                        exam_number=f"{str(cohort)[2:]}33{int(rng.randrange(0, 10**10)):010d}",
                        status=status,
                        status_date=status_date,
                        difficulty=_weighted(rng, {"": 0.80, "1": 0.04, "2": 0.08, "3": 0.08}),
                        dorm=f"{'东西南北'[int(rng.randrange(4))]}{int(rng.randrange(1, 9))}-{int(rng.randrange(1, 7))}{int(rng.randrange(1, 30)):02d}",
                    )
                )
    _plant_major_changes(world, rng)


def _student_status(rng: random.Random, cohort: int) -> tuple[str, date | None]:
    graduated = date(cohort + 3, 6, 30) <= AS_OF
    r = rng.random()
    if r < 0.025:
        leave_day = date(cohort, 9, 1) + timedelta(days=int(rng.randrange(60, 900)))
        if leave_day < AS_OF:
            return ("退学" if r < 0.017 else "休学"), leave_day
    return ("毕业" if graduated else "在读"), (date(cohort + 3, 6, 30) if graduated else None)


def _plant_major_changes(world: World, rng: random.Random) -> None:
    """About 0.6% of students change major after the first year and get a new 学号.

    Systems that keyed the student before the change (the card system) keep the old number:
    one real person, two ids — a planted identity defect recorded in the manifest.
    """
    candidates = [s for s in world.students if s.status in ("在读", "毕业") and s.cohort <= AS_OF.year - 1]
    chosen = rng.sample(range(len(candidates)), k=max(1, len(candidates) * 6 // 1000))
    by_major_class = {(c.cohort, c.major.code): c for c in world.classes}
    changed = 0
    for idx in sorted(int(i) for i in chosen):
        student = candidates[idx]
        target = ref.MAJORS[int(rng.randrange(len(ref.MAJORS)))]
        if target.code == student.major.code or (student.cohort, target.code) not in by_major_class:
            continue
        student.old_xh = student.xh
        student.old_major = student.major
        student.major = target
        student.class_code = by_major_class[(student.cohort, target.code)].code
        changed += 1
        # 转专业 numbers use a 9 in the major position, so they never collide with intake numbers.
        student.xh = f"{student.cohort}{target.department[1:]}9{changed:05d}"


def _assign_counsellors(world: World) -> None:
    counsellors: dict[str, list[Staff]] = {}
    for s in world.staff:
        if s.category == "辅导员":
            counsellors.setdefault(s.department.code, []).append(s)
    cursor: dict[str, int] = {}
    for group in world.classes:
        pool = counsellors.get(group.major.department)
        if not pool:
            continue
        i = cursor.get(group.major.department, 0)
        group.counsellor_gh = pool[i % len(pool)].gh
        cursor[group.major.department] = i + 1


def _plant_alumni_on_staff(world: World) -> None:
    """A few young counsellors graduated from this college: one person, a 学号 and a 工号."""
    graduates = [s for s in world.students if s.status == "毕业"]
    young = [s for s in world.staff if s.category == "辅导员" and s.hire_date.year >= 2024]
    for staff, student in zip(young[:5], graduates[:: max(1, len(graduates) // 5)], strict=False):
        staff.person = student.person
        staff.alumnus_xh = student.xh
