"""Dimension scores and their roll-up: column → table → source system → department → college.

A score is ``100 × passing / checked`` over the rows the rules of a subject checked in one
dimension (rows, not rules: a rule over 600,000 card transactions weighs more than one over 60
staff). ``overall`` is the weighted mean of the dimension scores a subject has, with
:data:`WEIGHTS` renormalized over the dimensions present (docs/quality.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from campusbrain.hub.quality.rules import DIMENSIONS

# Validity and completeness weigh most: they are what the cockpit's numbers are made of.
WEIGHTS: Mapping[str, float] = {
    "completeness": 0.20,
    "validity": 0.20,
    "uniqueness": 0.15,
    "consistency": 0.15,
    "timeliness": 0.15,
    "accuracy": 0.15,
}
assert set(WEIGHTS) == set(DIMENSIONS) and abs(sum(WEIGHTS.values()) - 1.0) < 1e-9
LEVELS = ("column", "table", "source", "department", "college")


@dataclass(frozen=True)
class Measured:
    """One rule's counts, with the subjects it belongs to at each level (None: not at that level)."""

    dimension: str
    checked: int
    failing: int
    subjects: Mapping[str, tuple[str, str] | None]  # level -> (subject, subject_name)


@dataclass(frozen=True)
class Score:
    level: str
    subject: str
    subject_name: str
    dimension: str
    score: float
    checked: int
    failing: int


def score_of(checked: int, failing: int) -> float:
    """``100 × passing / checked``; nothing checked is nothing wrong (100)."""
    if checked <= 0:
        return 100.0
    return round(100.0 * (checked - min(failing, checked)) / checked, 4)


def overall(by_dimension: Mapping[str, tuple[int, int]]) -> float:
    """Weighted mean of the dimension scores present, the weights renormalized over them."""
    present = {d: counts for d, counts in by_dimension.items() if counts[0] > 0}
    if not present:
        return 100.0
    total = sum(WEIGHTS[d] for d in present)
    return round(sum(WEIGHTS[d] * score_of(*present[d]) for d in present) / total, 4)


def roll_up(measured: Iterable[Measured]) -> list[Score]:
    """Per level and subject: one score per dimension it was checked in, and ``overall``."""
    sums: dict[tuple[str, str], dict[str, list[int]]] = {}
    names: dict[tuple[str, str], str] = {}
    for item in measured:
        for level in LEVELS:
            subject = item.subjects.get(level)
            if subject is None:
                continue
            key = (level, subject[0])
            names[key] = subject[1]
            counts = sums.setdefault(key, {}).setdefault(item.dimension, [0, 0])
            counts[0] += item.checked
            counts[1] += min(item.failing, item.checked) if item.checked else 0
    scores: list[Score] = []
    for (level, subject_id), dims in sorted(sums.items(), key=lambda kv: (LEVELS.index(kv[0][0]), kv[0][1])):
        for dimension in DIMENSIONS:
            if dimension in dims:
                checked, failing = dims[dimension]
                scores.append(
                    Score(
                        level,
                        subject_id,
                        names[(level, subject_id)],
                        dimension,
                        score_of(checked, failing),
                        checked,
                        failing,
                    )
                )
        total_checked = sum(c for c, _ in dims.values())
        total_failing = sum(f for _, f in dims.values())
        scores.append(
            Score(
                level,
                subject_id,
                names[(level, subject_id)],
                "overall",
                overall({d: (c, f) for d, (c, f) in dims.items()}),
                total_checked,
                total_failing,
            )
        )
    return scores
