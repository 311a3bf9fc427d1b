"""Measure ``dwd.person_link`` against the demo college's truth file (same-person pairs).

The demo generator writes ``<home>/demo-sources/_truth/person_links.csv`` (``system, table, key,
person_id``): the real person behind every person-bearing source row. Its keys are the source
rows' own keys, which differ from the record keys of ``dwd.person_link`` in three systems; they
are mapped here (学工 WID → XH and 财务 缴费单号 → 学号 through the ODS, 人事 ``工号#版本`` → 工号).

Pairs are counted on the contingency table of (linked person, true person) record counts:
true positives ``Σ n·(n−1)/2`` over its cells, linked pairs the same sum over linked persons, true
pairs over true persons; no pair is materialized.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import open_published

TRUTH_FILE = Path("demo-sources") / "_truth" / "person_links.csv"

# (system, truth table) → (ODS table, truth key column, record key column) where they differ.
_KEY_MAPS = {
    ("xuegong", "T_XG_XSJBXX"): ("xuegong__T_XG_XSJBXX", "WID", "XH"),
    ("caiwu", "CW_XSJF"): ("caiwu__CW_XSJF", "缴费单号", "学号"),
}


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _ods_key_maps(home: Path) -> dict[tuple[str, str], dict[str, str]]:
    con = engine.connect(HubPaths(home).ods, read_only=True)
    try:
        catalog = engine.current_catalog(con)
        maps: dict[tuple[str, str], dict[str, str]] = {}
        for source, (table, truth_column, key_column) in _KEY_MAPS.items():
            query = (
                exp.select(
                    exp.func("TRIM", exp.column(truth_column, quoted=True)),
                    exp.func("TRIM", exp.column(key_column, quoted=True)),
                )
                .from_(exp.table_(table, db="ods", catalog=catalog, quoted=True))
                .sql(dialect="duckdb")
            )
            maps[source] = {str(k): str(v) for k, v in engine.fetch_all(con, query) if k and v}
        return maps
    finally:
        con.close()


def truth_records(home: Path) -> tuple[dict[tuple[str, str], str], int]:
    """``{(system, record_key): true person}`` and the number of record keys holding two people."""
    maps = _ods_key_maps(home)
    truth: dict[tuple[str, str], str] = {}
    conflicts = 0
    with (home / TRUTH_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            system, table, key = row["system"], row["table"], row["key"]
            if (system, table) in maps:
                mapped = maps[(system, table)].get(key)
                if mapped is None:
                    continue
                key = mapped
            elif system == "renshi":
                key = key.split("#", 1)[0]
            record = (system, key)
            if truth.setdefault(record, row["person_id"]) != row["person_id"]:
                conflicts += 1
    return truth, conflicts


def published_links(home: Path) -> dict[tuple[str, str], str]:
    """``{(system, record_key): person_id}`` from the published snapshot's ``dwd.person_link``."""
    con = open_published(home)
    try:
        query = (
            exp.select("system", "record_key", "person_id")
            .from_(exp.table_("person_link", db="dwd"))
            .sql(dialect="duckdb")
        )
        return {(str(s), str(k)): str(p) for s, k, p in engine.fetch_all(con, query)}
    finally:
        con.close()


def score(links: dict[tuple[str, str], str], truth: dict[tuple[str, str], str]) -> dict[str, Any]:
    """Pairwise precision and recall of ``links`` over the records both know."""
    common = links.keys() & truth.keys()
    cells: Counter[tuple[str, str]] = Counter((links[r], truth[r]) for r in common)
    linked: Counter[str] = Counter()
    real: Counter[str] = Counter()
    for (person, true_person), n in cells.items():
        linked[person] += n
        real[true_person] += n
    true_positive = sum(_pairs(n) for n in cells.values())
    linked_pairs = sum(_pairs(n) for n in linked.values())
    true_pairs = sum(_pairs(n) for n in real.values())
    by_system: dict[str, int] = defaultdict(int)
    for system, _key in truth.keys() - links.keys():
        by_system[system] += 1
    return {
        "precision": true_positive / linked_pairs if linked_pairs else 1.0,
        "recall": true_positive / true_pairs if true_pairs else 1.0,
        "true_positive_pairs": true_positive,
        "linked_pairs": linked_pairs,
        "true_pairs": true_pairs,
        "records": len(common),
        "linked_people": len(linked),
        "true_people": len(real),
        "records_not_linked": dict(sorted(by_system.items())),
        "records_not_in_truth": len(links.keys() - truth.keys()),
    }


def evaluate(home: Path, links: dict[tuple[str, str], str] | None = None) -> dict[str, Any]:
    """Precision/recall of the published ``dwd.person_link`` (or of ``links``) against the truth.

    Returns ``precision``, ``recall``, the pair counts behind them, the number of records and
    people on both sides, truth records missing from the links by system, and
    ``truth_key_conflicts`` (record keys the truth gives two people: a key shared by two humans).
    """
    truth, conflicts = truth_records(home)
    result = score(published_links(home) if links is None else links, truth)
    result["truth_key_conflicts"] = conflicts
    return result
