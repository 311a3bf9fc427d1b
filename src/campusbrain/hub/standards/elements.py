"""The data-element catalog (数据元目录): what each standardized column is and who answers for it.

Every element names its value space (a shipped code system or none), its owner department
(权责部门), the one system of record that is authoritative for it (一数一源), its JY/T 0661-2025
grade (一般/重要/核心数据, plus whether it is 个人信息 and 敏感个人信息) and how it is masked
for viewers without the right to see it. The catalog is ``data/elements.yaml``; it is checked
when loaded, and a bad entry raises ElementError naming the element.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from campusbrain.hub.standards.codesets import code_systems

DATA_TYPES = ("C", "N", "D", "T")  # JY/T 1006: 字符, 数字, 日期 YYYYMMDD, 时间
MASKING_POLICIES = ("none", "name", "id_number", "phone", "full")
GRADES = {"一般数据": "general", "重要数据": "important", "核心数据": "core"}
_ELEMENT_KEYS = {
    "id",
    "name",
    "type",
    "length",
    "code_system",
    "grade",
    "personal",
    "sensitive",
    "masking",
    "owner",
    "system_of_record",
}


class ElementError(ValueError):
    """The data-element catalog has an invalid entry."""


@dataclass(frozen=True)
class DataElement:
    """One data element (数据元) of one entity."""

    entity: str  # 中文实体名, e.g. 学生基本信息
    entity_id: str  # pinyin initials, e.g. XSJBXX
    element_id: str  # JY/T 1006 style, e.g. XBM
    name: str  # 中文简称
    data_type: str  # C / N / D / T
    length: int | None
    code_system: str | None  # value space: a shipped code system identifier
    owner: str  # 权责部门
    system_of_record: str  # the authoritative source system (一数一源)
    grade: str  # 一般数据 / 重要数据 / 核心数据
    personal: bool  # 个人信息
    sensitive: bool  # 敏感个人信息
    masking: str  # none / name / id_number / phone / full

    @property
    def level(self) -> str:
        """The grade in English: general, important or core."""
        return GRADES[self.grade]

    @property
    def key(self) -> str:
        """``ENTITY.ELEMENT``, unique in the catalog."""
        return f"{self.entity_id}.{self.element_id}"


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ElementError(f"{where}: {message}")


def parse_catalog(document: dict[str, Any], known_code_systems: set[str]) -> list[DataElement]:
    """Validate a parsed elements.yaml and return its elements, in file order."""
    departments = set(document.get("departments") or ())
    systems = set(document.get("systems") or ())
    _require(bool(departments), "elements.yaml", "needs a non-empty 'departments' list")
    _require(bool(systems), "elements.yaml", "needs a non-empty 'systems' list")
    elements: list[DataElement] = []
    seen: set[str] = set()
    for entity in document.get("entities") or ():
        entity_name, entity_id = entity.get("entity"), entity.get("id")
        _require(
            bool(entity_name) and bool(entity_id), "elements.yaml", f"entity without entity/id: {entity!r}"
        )
        for raw in entity.get("elements") or ():
            where = f"element {entity_id}.{raw.get('id')} ({raw.get('name')})"
            unknown = set(raw) - _ELEMENT_KEYS
            _require(not unknown, where, f"unknown keys {sorted(unknown)}")
            _require(bool(raw.get("id")) and bool(raw.get("name")), where, "id and name are required")
            _require(raw.get("type") in DATA_TYPES, where, f"type must be one of {DATA_TYPES}")
            length = raw.get("length")
            _require(length is None or (isinstance(length, int) and length > 0), where, "bad length")
            code_system = raw.get("code_system")
            _require(
                code_system is None or code_system in known_code_systems,
                where,
                f"unknown code_system {code_system!r}; shipped: {', '.join(sorted(known_code_systems))}",
            )
            masking = raw.get("masking")
            _require(
                masking in MASKING_POLICIES,
                where,
                f"unknown masking policy {masking!r}; one of {MASKING_POLICIES}",
            )
            grade = raw.get("grade")
            _require(grade in GRADES, where, f"grade must be one of {tuple(GRADES)}")
            personal, sensitive = raw.get("personal"), raw.get("sensitive")
            _require(
                isinstance(personal, bool) and isinstance(sensitive, bool),
                where,
                "personal/sensitive must be true/false",
            )
            # 敏感个人信息 is a kind of 个人信息; a mask on a non-personal column hides nothing worth hiding.
            _require(personal or not sensitive, where, "sensitive but not personal")
            owner = raw.get("owner", entity.get("owner"))
            _require(owner in departments, where, f"owner {owner!r} is not in 'departments'")
            system = raw.get("system_of_record", entity.get("system_of_record"))
            _require(system in systems, where, f"system_of_record {system!r} is not in 'systems'")
            element = DataElement(
                entity=entity_name,
                entity_id=entity_id,
                element_id=raw["id"],
                name=raw["name"],
                data_type=raw["type"],
                length=length,
                code_system=code_system,
                owner=owner,
                system_of_record=system,
                grade=grade,
                personal=personal,
                sensitive=sensitive,
                masking=masking,
            )
            _require(element.key not in seen, where, "duplicate element id in the entity")
            seen.add(element.key)
            elements.append(element)
    return elements


@cache
def _catalog() -> tuple[DataElement, ...]:
    text = resources.files("campusbrain.hub.standards").joinpath("data", "elements.yaml").read_text("utf-8")
    return tuple(parse_catalog(yaml.safe_load(text), set(code_systems())))


def data_elements() -> list[DataElement]:
    """Every data element of the catalog (validated and cached on first use)."""
    return list(_catalog())


def mask(value: str | None, policy: str) -> str | None:
    """Mask a value for display: ``330106********123X``, ``138****5678``, ``张*``, or all ``*``."""
    if value is None or policy == "none" or value == "":
        return value
    if policy == "id_number":
        return value[:6] + "*" * max(0, len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)
    if policy == "phone":
        return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) >= 11 else "*" * len(value)
    if policy == "name":
        # Two-character compound surnames (欧阳, 司马 …) cannot be told from given names without a
        # list, so keep only the first character: 欧阳娜娜 → 欧***.
        return value[0] + "*" * (len(value) - 1)
    if policy == "full":
        return "*" * len(value)
    raise ElementError(f"unknown masking policy {policy!r}; one of {MASKING_POLICIES}")
