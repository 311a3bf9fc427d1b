"""Planted defects: the helpers that damage values on purpose, and the log of every one.

Every defect a source system carries is recorded here with its system, table, record key and
kind, and lands in ``manifest.json``; tests and the hub's quality checks measure against it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from stdnum.cn import ric

# The kinds of defect the demo college plants, with the rate (share of eligible records) each
# system applies. docs/demo-college.md explains each kind; tests require all of them present.
DEFECT_KINDS = {
    "invalid_id_checksum": "身份证号校验位错误 — an 18-digit ID number whose last character is wrong",
    "same_person_different_ids": "同一人在不同系统中使用不同标识 — one real person under different ids",
    "duplicate_row": "重复行 — the same record exported twice",
    "code_outside_standard": "代码不符合国家标准 — a value outside the national code set",
    "orphan_reference": "孤儿引用 — a reference to a record that does not exist",
    "missing_mandatory": "必填项缺失 — a mandatory field left empty",
    "fullwidth_digits": "全角数字 — digits or letters typed in full width",
    "mixed_date_format": "日期格式混杂 — 2003年5月1日 / 2003/5/1 / 20030501 in one column",
    "legacy_major_code": "旧版专业代码 — a 2015-catalog major code where the 2021 code is due",
    "missing_daily_file": "缺失日文件 — a daily export that never arrived",
    "late_daily_file": "迟到日文件 — a daily export delivered days late",
}

RATES = {
    "invalid_id_checksum": 0.004,
    "duplicate_row": 0.002,
    "code_outside_standard": 0.003,
    "orphan_reference": 0.001,
    "missing_mandatory": 0.002,
    "fullwidth_digits": 0.003,
    "mixed_date_format": 0.05,
    "legacy_major_code": 0.10,
}

_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@dataclass
class DefectLog:
    """Collects every planted defect; ``entries`` become the manifest's ``defects`` list."""

    entries: list[dict[str, str]] = field(default_factory=list)

    def add(self, system: str, table: str, key: str, kind: str, detail: str = "") -> None:
        if kind not in DEFECT_KINDS:
            raise ValueError(f"unknown defect kind {kind!r}")
        self.entries.append({"system": system, "table": table, "key": key, "kind": kind, "detail": detail})

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(DEFECT_KINDS, 0)
        for entry in self.entries:
            out[entry["kind"]] += 1
        return out


def break_checksum(id_number: str) -> str:
    """The same number with a check character that is certainly wrong."""
    good = ric.calc_check_digit(id_number)
    wrong = "0123456789X"
    return id_number[:17] + wrong[(wrong.index(good) + 3) % len(wrong)]


def fullwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def date_variant(day: date, rng: random.Random, native: str | None = None) -> str:
    """One of the date spellings real exports mix in a single column.

    ``native`` is the column's own format (``%Y%m%d`` for 学工): a "variant" spelled exactly like
    the clean rows would be no defect at all, so the next spelling is used instead (no extra draw,
    so the rest of the generated college stays the same).
    """
    spellings = (
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%Y%m%d}",
    )
    style = rng.randrange(3)
    if native is not None and spellings[style] == day.strftime(native):
        style = (style + 1) % 3
    return spellings[style]


def hit(rng: random.Random, kind: str, scale: float = 1.0) -> bool:
    """Whether this record gets a defect of ``kind`` at the documented rate."""
    return rng.random() < RATES[kind] * scale
