"""How well the published build's quality rules find the demo college's planted defects.

``demo-sources/manifest.json`` lists every planted defect with its system, table and record key.
A captured failing row is mapped back to an entry by the ODS table it came from
(``ods.<system>__<table>``) and its key: the key values joined by ``|`` or ``#`` (the manifest's
spellings of compound keys), or one of them alone. A kind's rules are those whose ``detects``
names it (docs/quality.md); a failing row of those rules that matches no entry of the kind is a
false alarm, counted against the clean rows those rules checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from campusbrain.hub.contracts import DefectDetection


class NoManifest(FileNotFoundError):
    """The college has no demo manifest (only a generated demo college has one)."""


def load_manifest(home: Path) -> dict[str, object]:
    path = home / "demo-sources" / "manifest.json"
    if not path.exists():
        raise NoManifest(f"no demo manifest at {path}: --against-manifest needs a demo college")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _key_spellings(row_key: str) -> set[str]:
    try:
        decoded = json.loads(row_key)
    except json.JSONDecodeError:
        return set()
    if not isinstance(decoded, dict):
        return set()
    values = ["" if v is None else str(v) for v in decoded.values()]
    return {"|".join(values), "#".join(values), *values}


def _system_table(source_table: str | None) -> tuple[str, str] | None:
    if not source_table or "__" not in source_table:
        return None
    system, _, table = source_table.split(".", 1)[-1].partition("__")
    return system, table


def detect(
    defects: Iterable[Mapping[str, str]],
    kinds: Sequence[str],
    results: Iterable[tuple[str, Sequence[str], int, str]],
    failing: Iterable[tuple[str, str, str | None]],
) -> list[DefectDetection]:
    """The detection table.

    ``results``: ``(rule_id, detects, checked_rows, model)`` per rule; ``failing``:
    ``(rule_id, row_key, source_table)`` per captured failing row.
    """
    planted: dict[str, set[tuple[str, str, str]]] = {kind: set() for kind in kinds}
    for entry in defects:
        planted.setdefault(entry["kind"], set()).add((entry["system"], entry["table"].lower(), entry["key"]))
    rules_of: dict[str, list[str]] = {kind: [] for kind in planted}
    checked: dict[str, dict[str, int]] = {kind: {} for kind in planted}
    for rule_id, detects, checked_rows, model in results:
        for kind in detects:
            if kind in rules_of:
                rules_of[kind].append(rule_id)
                # Several rules over one table check the same rows: count the table once.
                per_model = checked[kind]
                per_model[model] = max(per_model.get(model, 0), checked_rows)
    alarms: dict[str, set[tuple[str, str, frozenset[str]]]] = {}
    rule_kinds: dict[str, list[str]] = {}
    for kind, rule_ids in rules_of.items():
        for rule_id in rule_ids:
            rule_kinds.setdefault(rule_id, []).append(kind)
    for rule_id, row_key, source_table in failing:
        where = _system_table(source_table)
        if where is None:
            continue
        spellings = frozenset(_key_spellings(row_key))
        for kind in rule_kinds.get(rule_id, []):
            alarms.setdefault(kind, set()).add((where[0], where[1].lower(), spellings))
    table: list[DefectDetection] = []
    for kind in planted:
        entries = planted[kind]
        found = alarms.get(kind, set())
        detected = {entry for entry in entries if any(entry[:2] == a[:2] and entry[2] in a[2] for a in found)}
        false = sum(1 for a in found if not any(e[:2] == a[:2] and e[2] in a[2] for e in entries))
        clean = max(sum(checked[kind].values()) - len(entries), 0)
        table.append(
            DefectDetection(
                kind=kind,
                planted=len(entries),
                detected=len(detected),
                recall=round(len(detected) / len(entries), 4) if entries else None,
                false_alarms=false,
                clean_rows=clean,
                false_alarm_rate=round(false / clean, 6) if clean else None,
                rules=tuple(sorted(rules_of[kind])),
            )
        )
    return table
