"""Which data element a warehouse column carries, and the JY/T 0661 classification that follows.

The rule (docs/catalog.md):

1. A DWD model's **entity** is the entity of ``elements.yaml`` whose element ids match the most
   of the model's column names (at least two; ties go to the entity whose owner department the
   model's owner names, then to the entity listed first). A DWD column carries the element of
   that entity whose id equals the column name, case-insensitively; ``<ID>_source`` (the value
   as exported, kept beside the standardized one) carries the same element.
2. A DWS or ADS column that passes a column through unchanged (lineage ``identity``) inherits
   the strictest classification of the columns it passes through; computed columns (counts,
   sums) are not personal data of anyone and stay unclassified unless they match rule 1.
3. An ODS column inherits the strictest classification of the DWD columns it feeds directly: a
   raw ID number is as sensitive as the standardized one.

"Strictest" orders by grade (核心 > 重要 > 一般), then 敏感个人信息, then 个人信息.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from campusbrain.hub.contracts import Classification
from campusbrain.hub.standards.elements import DataElement

UNCLASSIFIED = Classification(
    grade=None,
    level=None,
    personal=False,
    sensitive=False,
    masking="none",
    element=None,
    element_name=None,
    rule="none",
)
_GRADE_RANK = {"一般数据": 1, "重要数据": 2, "核心数据": 3}
_MIN_MATCHES = 2
_SOURCE_SUFFIX = "_source"


def of_element(element: DataElement, rule: str = "element") -> Classification:
    """The classification a data element declares."""
    return Classification(
        grade=element.grade,
        level=element.level,
        personal=element.personal,
        sensitive=element.sensitive,
        masking=element.masking,
        element=element.key,
        element_name=element.name,
        rule=rule,
    )


def strictness(classification: Classification) -> tuple[int, bool, bool]:
    """Sort key: higher is stricter."""
    return (
        _GRADE_RANK.get(classification.grade or "", 0),
        classification.sensitive,
        classification.personal,
    )


def strictest(candidates: Iterable[Classification], rule: str) -> Classification:
    """The strictest classified candidate, re-labelled with ``rule``; unclassified when none is."""
    classified = [c for c in candidates if c.grade is not None]
    if not classified:
        return UNCLASSIFIED
    best = max(classified, key=lambda c: (strictness(c), c.element or ""))
    return replace(best, rule=rule)


def element_id_of(column: str) -> str:
    """The element id a column name stands for: upper case, without the ``_source`` suffix."""
    name = column[: -len(_SOURCE_SUFFIX)] if column.lower().endswith(_SOURCE_SUFFIX) else column
    return name.upper()


def model_entity(owner: str, columns: Sequence[str], entities: dict[str, list[DataElement]]) -> str | None:
    """The entity id a DWD model's columns follow (rule 1), or None when no entity fits."""
    names = {element_id_of(c) for c in columns}
    best: tuple[int, int, int] | None = None
    chosen: str | None = None
    for position, (entity_id, elements) in enumerate(entities.items()):
        matches = len(names & {e.element_id.upper() for e in elements})
        if matches < _MIN_MATCHES:
            continue
        owner_named = int(any(e.owner in owner for e in elements[:1]))
        rank = (matches, owner_named, -position)
        if best is None or rank > best:
            best, chosen = rank, entity_id
    return chosen


def column_element(column: str, entity_elements: Sequence[DataElement]) -> DataElement | None:
    """The element of the entity a column carries (rule 1), or None."""
    wanted = element_id_of(column)
    for element in entity_elements:
        if element.element_id.upper() == wanted:
            return element
    return None
