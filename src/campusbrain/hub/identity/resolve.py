"""One golden ``person_id`` per human: deterministic links, Splink for the rest, stable ids.

The input is ``dwd.person_record`` (one row per person-bearing source record). Resolution runs in
four steps, each documented in ``docs/identity.md``:

1. **Deterministic links.** Records sharing a valid 18-digit ID number, a 学号 or a 工号 are the
   same person; connected components (union-find) over those links give the *deterministic
   clusters*. A cluster holding a valid ID number is *anchored*.
2. **Probabilistic links (Splink).** Every record of an unanchored cluster (a desk-registered
   library reader, a record whose ID is missing or broken and carries no shared number) is
   compared with the records it shares a name, phone or ID prefix with. The model learns u from
   random pairs and m from the deterministic clusters (their pairs are labelled matches), so it has
   no hand-set weights. A pair at or above :data:`UPPER` merges the two clusters unless both hold
   different valid ID numbers; a pair in ``[LOWER, UPPER)`` goes to the review queue.
3. **Stable ids.** A cluster takes the previous build's ``person_id`` held by most of its records;
   an id goes to one cluster only; new clusters get the next unused number. Every id ever issued
   stays in ``dwd.person_id_registry``, so an id is never given to a second person.
4. **Golden record.** ``dwd.person`` picks each field by majority among the person's records, ties
   broken by the system of record (人事 before 教务 before 学工 …).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import pyarrow as pa
from pypinyin import lazy_pinyin
from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine

# Match probability at or above which Splink's pair is linked without a person looking at it, and
# below which it is dropped; in between it goes to the review queue (dwd.person_review).
UPPER = 0.99
LOWER = 0.5
# Fixed so that the u estimate (random pairs) and therefore every link is the same for the same input.
SPLINK_SEED = 20261203
U_MAX_PAIRS = 1_000_000

# Survivorship: when the records of a person disagree and the counts tie, the system of record wins.
SYSTEM_PRIORITY = ("renshi", "jiaowu", "xuegong", "zhaosheng", "jiuye", "tushu", "yikatong", "caiwu", "xuexi")
PERSON_ID_PREFIX = "P"
PERSON_ID_DIGITS = 10

RECORD_COLUMNS = (
    "system",
    "record_key",
    "role",
    "name",
    "id_number",
    "id_problem",
    "birth_date",
    "sex",
    "phone",
    "department",
    "student_no",
    "staff_no",
)

LINK_SCHEMA = pa.schema(
    [
        ("system", pa.string()),
        ("record_key", pa.string()),
        ("person_id", pa.string()),
        ("method", pa.string()),
        ("match_probability", pa.float64()),
    ]
)

log = logging.getLogger(__name__)


class ResolveContext(Protocol):
    """What :func:`resolve` needs of a Python model context (see ``hub.models.python``)."""

    @property
    def con(self) -> engine.Connection: ...

    @property
    def build_id(self) -> str: ...

    def table(self, name: str) -> exp.Table: ...

    def previous_table(self, name: str) -> exp.Table | None: ...


@dataclass
class Record:
    """One row of ``dwd.person_record`` as the resolver uses it."""

    system: str
    record_key: str
    role: str | None
    name: str | None
    id_number: str | None
    id_problem: str | None
    birth_date: date | None
    sex: str | None
    phone: str | None
    department: str | None
    student_no: str | None
    staff_no: str | None

    @property
    def valid_id(self) -> str | None:
        return self.id_number if self.id_number and self.id_problem is None else None


class UnionFind:
    """Disjoint sets over ``0..n-1``; the root of a set is its smallest member (deterministic)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return ra


@dataclass
class Resolution:
    """The outcome of resolving a list of records (before ids are written)."""

    records: list[Record]
    cluster_of: list[int]  # final cluster root per record
    method: list[str]
    probability: list[float]
    review: list[dict[str, Any]]


# ---------------------------------------------------------------------------------------------
# deterministic step


def deterministic_clusters(records: Sequence[Record]) -> tuple[UnionFind, list[str]]:
    """Union records sharing a valid ID number, a 学号 or a 工号; the method that linked each."""
    uf = UnionFind(len(records))
    method = ["single"] * len(records)
    # Each kind of number is its own namespace: a 工号 that happens to equal a 学号 links nothing.
    for kind, key_of in (
        ("id_number", lambda r: r.valid_id),
        ("student_no", lambda r: r.student_no),
        ("staff_no", lambda r: r.staff_no),
    ):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, record in enumerate(records):
            key = key_of(record)
            if key:
                groups[key].append(i)
        for members in groups.values():
            if len(members) < 2:
                continue
            for i in members:
                uf.union(members[0], i)
                if method[i] == "single":
                    method[i] = kind
    return uf, method


# ---------------------------------------------------------------------------------------------
# probabilistic step


def _pinyin(name: str | None) -> str | None:
    if not name:
        return None
    return "".join(lazy_pinyin(name)).lower() or None


def _id_prefix(id_number: str | None) -> str | None:
    # The first 17 characters carry address, birth date and sequence; a record whose check digit
    # was mistyped still agrees on them with the person's valid number.
    if id_number and len(id_number) == 18 and id_number[:17].isdigit():
        return id_number[:17]
    return None


def _mobile(phone: str | None) -> str | None:
    return phone if phone and re.fullmatch(r"1\d{10}", phone) else None


def _splink_settings(prior: float) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator
    from splink.blocking_rule_library import CustomRule

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name"),
            cll.ExactMatchLevel("name_pinyin"),
            cll.JaroWinklerLevel("name_pinyin", 0.9),
            cll.ElseLevel(),
        ],
    )
    # Blocking: only pairs with an unanchored side are worth scoring (two anchored clusters hold
    # different valid IDs, so they are different people), and never pairs already linked.
    open_pair = "(NOT l.anchored OR NOT r.anchored) AND l.cluster <> r.cluster"
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=[
            name,
            cl.ExactMatch("birth_date"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("department"),
            cl.ExactMatch("id_prefix"),
        ],
        blocking_rules_to_generate_predictions=[
            CustomRule(f"l.name = r.name AND {open_pair}", sql_dialect="duckdb"),
            CustomRule(f"l.phone = r.phone AND {open_pair}", sql_dialect="duckdb"),
            CustomRule(f"l.id_prefix = r.id_prefix AND {open_pair}", sql_dialect="duckdb"),
            CustomRule(
                f"l.name_pinyin = r.name_pinyin AND l.birth_date = r.birth_date AND {open_pair}",
                sql_dialect="duckdb",
            ),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def score_pairs(
    records: Sequence[Record], cluster_of: Sequence[int], anchored: set[int]
) -> list[tuple[int, int, float]]:
    """Splink's match probability for candidate pairs with at least one unanchored side.

    Returns ``(i, j, probability)`` with ``i < j``, sorted. Empty when nothing is unanchored.
    """
    if all(cluster_of[i] in anchored for i in range(len(records))):
        return []
    from splink import DuckDBAPI, Linker

    table = pa.table(
        {
            "unique_id": pa.array(range(len(records)), pa.int64()),
            "cluster": pa.array(cluster_of, pa.int64()),
            "anchored": pa.array([cluster_of[i] in anchored for i in range(len(records))], pa.bool_()),
            "name": pa.array([r.name for r in records], pa.string()),
            "name_pinyin": pa.array([_pinyin(r.name) for r in records], pa.string()),
            "birth_date": pa.array(
                [r.birth_date.isoformat() if r.birth_date else None for r in records], pa.string()
            ),
            "sex": pa.array([r.sex for r in records], pa.string()),
            "phone": pa.array([_mobile(r.phone) for r in records], pa.string()),
            "department": pa.array([r.department for r in records], pa.string()),
            "id_prefix": pa.array([_id_prefix(r.id_number) for r in records], pa.string()),
        }
    )
    sizes = Counter(cluster_of)
    n = len(records)
    linked_pairs = sum(s * (s - 1) // 2 for s in sizes.values())
    # The prior is what the deterministic links say: the share of all pairs that are one person.
    prior = min(max(linked_pairs / (n * (n - 1) / 2), 1e-9), 0.5) if n > 1 else 0.5
    # Splink works in its own in-memory database: its dozens of __splink__ work tables must not
    # end up in the snapshot being built (which is published as it is).
    db_api = DuckDBAPI()
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    splink_logger.setLevel(logging.WARNING)
    try:
        sdf = db_api.register(table, dataset_display_name="person_record")
        linker = Linker(sdf, _splink_settings(prior), log_level=logging.WARNING)
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SPLINK_SEED)
        labelled = [sizes[c] > 1 for c in cluster_of]
        if any(labelled):
            linker.training.estimate_m_from_label_column("cluster")
        # Levels never seen among the deterministic matches keep Splink's default m; that is expected.
        predictions = linker.inference.predict(threshold_match_probability=LOWER, warning_mode="never")
        rows = predictions.as_record_list()
    finally:
        splink_logger.setLevel(level)
        db_api.duckdb_con.close()
    pairs = []
    for row in rows:
        i, j = int(row["unique_id_l"]), int(row["unique_id_r"])
        pairs.append((min(i, j), max(i, j), float(row["match_probability"])))
    # Several blocking rules can yield the same pair once each; keep the pair once.
    best: dict[tuple[int, int], float] = {}
    for i, j, p in pairs:
        best[(i, j)] = max(p, best.get((i, j), 0.0))
    return sorted((i, j, p) for (i, j), p in best.items())


def resolve_records(records: list[Record], *, use_splink: bool = True) -> Resolution:
    """Cluster ``records`` into people: deterministic links, then Splink's confident pairs."""
    uf, method = deterministic_clusters(records)
    probability = [1.0] * len(records)
    det_root = [uf.find(i) for i in range(len(records))]
    ids_of: dict[int, set[str]] = defaultdict(set)
    for i, record in enumerate(records):
        if record.valid_id:
            ids_of[det_root[i]].add(record.valid_id)
    anchored = set(ids_of)
    members: dict[int, list[int]] = defaultdict(list)
    for i, root in enumerate(det_root):
        members[root].append(i)
    review: list[dict[str, Any]] = []
    pairs = score_pairs(records, det_root, anchored) if use_splink else []
    # Strongest pairs first, so that an unanchored cluster joins the person it resembles most and
    # a weaker rival pair then meets a conflict instead of chaining two people together.
    for i, j, p in sorted(pairs, key=lambda t: (-t[2], t[0], t[1])):
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        conflict = bool(ids_of.get(ri)) and bool(ids_of.get(rj)) and ids_of[ri] != ids_of[rj]
        if p >= UPPER and not conflict:
            # The records of the unanchored side join the person on this pair's evidence.
            if ri in anchored and rj not in anchored:
                joining = rj
            elif rj in anchored and ri not in anchored:
                joining = ri
            else:
                joining = max(ri, rj)
            for k in members[joining]:
                method[k] = "splink"
                probability[k] = p
            root = uf.union(ri, rj)
            joined = members.pop(ri) + members.pop(rj)
            members[root] = joined
            merged = ids_of.pop(ri, set()) | ids_of.pop(rj, set())
            if merged:
                ids_of[root] = merged
                anchored.add(root)
        else:
            review.append(
                {"i": i, "j": j, "probability": p, "reason": "conflicting_id" if conflict else "uncertain"}
            )
    cluster_of = [uf.find(i) for i in range(len(records))]
    # A pair whose records ended up together through a stronger path needs no review.
    # A steward decides once per pair of people, on the strongest pair of their records.
    strongest: dict[tuple[int, int], dict[str, Any]] = {}
    for item in review:
        a, b = sorted((cluster_of[item["i"]], cluster_of[item["j"]]))
        if a != b and ((a, b) not in strongest or item["probability"] > strongest[(a, b)]["probability"]):
            strongest[(a, b)] = item
    review = [strongest[k] for k in sorted(strongest)]
    return Resolution(
        records=records, cluster_of=cluster_of, method=method, probability=probability, review=review
    )


# ---------------------------------------------------------------------------------------------
# stable ids


def format_person_id(number: int) -> str:
    """``P`` and ten digits: sortable, obviously not an ID number, enough for any college."""
    return f"{PERSON_ID_PREFIX}{number:0{PERSON_ID_DIGITS}d}"


def _id_number(person_id: str) -> int | None:
    digits = person_id[len(PERSON_ID_PREFIX) :]
    if person_id.startswith(PERSON_ID_PREFIX) and digits.isdigit():
        return int(digits)
    return None


def assign_person_ids(
    keys: Sequence[tuple[str, str]],
    cluster_of: Sequence[int],
    previous_links: dict[tuple[str, str], str],
    issued: Iterable[str],
) -> dict[int, str]:
    """A ``person_id`` per cluster root, keeping the ids of the previous build.

    A cluster inherits the previous id held by most of its records (ties: the smaller id); each
    previous id goes to one cluster only, the one where it holds most records, so when a person is
    split, the larger part keeps the id. Clusters left without one get new numbers above every id
    ever issued (``issued``), in the order of their smallest record key, so an id is never reused.
    """
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for key, root in zip(keys, cluster_of, strict=True):
        members[root].append(key)
        old = previous_links.get(key)
        if old:
            votes[root][old] += 1
    candidates = sorted(
        ((count, old, root) for root, counter in votes.items() for old, count in counter.items()),
        key=lambda c: (-c[0], c[1], min(members[c[2]])),
    )
    assigned: dict[int, str] = {}
    taken: set[str] = set()
    for _count, old, root in candidates:
        if root in assigned or old in taken:
            continue
        assigned[root] = old
        taken.add(old)
    numbers = [n for n in (_id_number(p) for p in [*issued, *previous_links.values()]) if n is not None]
    next_number = max(numbers, default=0) + 1
    for root in sorted((r for r in members if r not in assigned), key=lambda r: min(members[r])):
        assigned[root] = format_person_id(next_number)
        next_number += 1
    return assigned


# ---------------------------------------------------------------------------------------------
# golden record


def _pick(values: Iterable[tuple[str, Any]]) -> Any:
    """The most common value; ties to the value from the highest-priority system."""
    counts: Counter[Any] = Counter()
    best_rank: dict[Any, int] = {}
    for system, value in values:
        if value is None:
            continue
        counts[value] += 1
        rank = SYSTEM_PRIORITY.index(system) if system in SYSTEM_PRIORITY else len(SYSTEM_PRIORITY)
        best_rank[value] = min(rank, best_rank.get(value, rank))
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], best_rank[v], str(v)))


def golden_records(resolution: Resolution, person_of: dict[int, str]) -> pa.Table:
    """One row per person: best value of each field, roles, systems and record counts."""
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, root in enumerate(resolution.cluster_of):
        by_person[person_of[root]].append(i)
    rows: dict[str, list[Any]] = defaultdict(list)
    for person_id in sorted(by_person):
        recs = [resolution.records[i] for i in by_person[person_id]]
        name = _pick((r.system, r.name) for r in recs)
        id_number = _pick((r.system, r.valid_id) for r in recs)
        rows["person_id"].append(person_id)
        rows["name"].append(name)
        rows["name_pinyin"].append(_pinyin(name))
        rows["id_number"].append(id_number)
        rows["birth_date"].append(_pick((r.system, r.birth_date) for r in recs))
        rows["sex"].append(_pick((r.system, r.sex) for r in recs))
        rows["phone"].append(_pick((r.system, _mobile(r.phone)) for r in recs))
        rows["department"].append(_pick((r.system, r.department) for r in recs))
        # The current 学号 is the one 教务 (then 学工) holds; other systems may keep an old one.
        rows["student_no"].append(
            _pick((r.system, r.student_no) for r in recs if r.system in ("jiaowu", "xuegong"))
            or _pick((r.system, r.student_no) for r in recs)
        )
        rows["staff_no"].append(_pick((r.system, r.staff_no) for r in recs))
        rows["roles"].append(sorted({r.role for r in recs if r.role}))
        rows["systems"].append(sorted({r.system for r in recs}))
        rows["record_count"].append(len(recs))
        rows["linked_by"].append(
            "splink"
            if any(resolution.method[i] == "splink" for i in by_person[person_id])
            else ("deterministic" if len(recs) > 1 else "single")
        )
    return pa.table(
        {
            "person_id": pa.array(rows["person_id"], pa.string()),
            "name": pa.array(rows["name"], pa.string()),
            "name_pinyin": pa.array(rows["name_pinyin"], pa.string()),
            "id_number": pa.array(rows["id_number"], pa.string()),
            "birth_date": pa.array(rows["birth_date"], pa.date32()),
            "sex": pa.array(rows["sex"], pa.string()),
            "phone": pa.array(rows["phone"], pa.string()),
            "department": pa.array(rows["department"], pa.string()),
            "student_no": pa.array(rows["student_no"], pa.string()),
            "staff_no": pa.array(rows["staff_no"], pa.string()),
            "roles": pa.array(rows["roles"], pa.list_(pa.string())),
            "systems": pa.array(rows["systems"], pa.list_(pa.string())),
            "record_count": pa.array(rows["record_count"], pa.int64()),
            "linked_by": pa.array(rows["linked_by"], pa.string()),
        }
    )


def review_table(resolution: Resolution, person_of: dict[int, str]) -> pa.Table:
    """The uncertain pairs, both records side by side, for a data steward to confirm or reject."""
    fields = ("system", "record_key", "name", "id_number", "birth_date", "sex", "phone", "department")
    columns: dict[str, list[Any]] = defaultdict(list)
    for item in sorted(resolution.review, key=lambda r: (-r["probability"], r["i"], r["j"])):
        for side, index in (("l", item["i"]), ("r", item["j"])):
            record = resolution.records[index]
            for f in fields:
                columns[f"{f}_{side}"].append(getattr(record, f))
            columns[f"person_id_{side}"].append(person_of[resolution.cluster_of[index]])
        columns["match_probability"].append(item["probability"])
        columns["reason"].append(item["reason"])
    arrays: dict[str, pa.Array] = {}
    for side in ("l", "r"):
        for f in fields:
            kind = pa.date32() if f == "birth_date" else pa.string()
            arrays[f"{f}_{side}"] = pa.array(columns[f"{f}_{side}"], kind)
        arrays[f"person_id_{side}"] = pa.array(columns[f"person_id_{side}"], pa.string())
    arrays["match_probability"] = pa.array(columns["match_probability"], pa.float64())
    arrays["reason"] = pa.array(columns["reason"], pa.string())
    return pa.table(arrays)


# ---------------------------------------------------------------------------------------------
# the model


def _select_all(table: exp.Table, columns: Sequence[str] = ("*",)) -> str:
    return exp.select(*columns).from_(table).sql(dialect="duckdb")


def _load_records(ctx: ResolveContext) -> list[Record]:
    query = (
        exp.select(*RECORD_COLUMNS)
        .from_(ctx.table("dwd.person_record"))
        .order_by("system", "record_key")
        .sql(dialect="duckdb")
    )
    return [Record(*row) for row in engine.fetch_all(ctx.con, query)]  # type: ignore[arg-type]


def _previous(ctx: ResolveContext) -> tuple[dict[tuple[str, str], str], list[str]]:
    links: dict[tuple[str, str], str] = {}
    issued: list[str] = []
    link_table = ctx.previous_table("dwd.person_link")
    if link_table is not None:
        for system, key, person_id in engine.fetch_all(
            ctx.con, _select_all(link_table, ("system", "record_key", "person_id"))
        ):
            links[(str(system), str(key))] = str(person_id)
    registry = ctx.previous_table("dwd.person_id_registry")
    if registry is not None:
        issued = [str(row[0]) for row in engine.fetch_all(ctx.con, _select_all(registry, ("person_id",)))]
    return links, issued


def _registry(ctx: ResolveContext, person_ids: set[str]) -> pa.Table:
    rows: dict[str, tuple[str, str]] = {}
    registry = ctx.previous_table("dwd.person_id_registry")
    if registry is not None:
        for person_id, issued_in, last_seen in engine.fetch_all(
            ctx.con, _select_all(registry, ("person_id", "issued_build_id", "last_seen_build_id"))
        ):
            rows[str(person_id)] = (str(issued_in), str(last_seen))
    for person_id in person_ids:
        issued_in = rows[person_id][0] if person_id in rows else ctx.build_id
        rows[person_id] = (issued_in, ctx.build_id)
    ordered = sorted(rows)
    return pa.table(
        {
            "person_id": pa.array(ordered, pa.string()),
            "issued_build_id": pa.array([rows[p][0] for p in ordered], pa.string()),
            "last_seen_build_id": pa.array([rows[p][1] for p in ordered], pa.string()),
            "active": pa.array([p in person_ids for p in ordered], pa.bool_()),
        }
    )


def _write(ctx: ResolveContext, name: str, table: pa.Table) -> None:
    view = "__identity_" + name.replace(".", "_")
    engine.register_arrow(ctx.con, view, table)
    try:
        statement = exp.Create(
            this=ctx.table(name),
            kind="TABLE",
            replace=True,
            expression=exp.select("*").from_(exp.to_identifier(view, quoted=True)),
        )
        engine.run(ctx.con, statement.sql(dialect="duckdb"))
    finally:
        engine.unregister(ctx.con, view)


def resolve(ctx: ResolveContext, *, use_splink: bool = True) -> Resolution:
    """Build ``dwd.person_link``, ``dwd.person``, ``dwd.person_review`` and ``dwd.person_id_registry``."""
    records = _load_records(ctx)
    resolution = resolve_records(records, use_splink=use_splink)
    previous_links, issued = _previous(ctx)
    keys = [(r.system, r.record_key) for r in records]
    person_of = assign_person_ids(keys, resolution.cluster_of, previous_links, issued)
    links = pa.table(
        {
            "system": pa.array([k[0] for k in keys], pa.string()),
            "record_key": pa.array([k[1] for k in keys], pa.string()),
            "person_id": pa.array([person_of[root] for root in resolution.cluster_of], pa.string()),
            "method": pa.array(resolution.method, pa.string()),
            "match_probability": pa.array(resolution.probability, pa.float64()),
        },
        schema=LINK_SCHEMA,
    )
    _write(ctx, "dwd.person_link", links)
    _write(ctx, "dwd.person", golden_records(resolution, person_of))
    _write(ctx, "dwd.person_review", review_table(resolution, person_of))
    _write(ctx, "dwd.person_id_registry", _registry(ctx, set(person_of.values())))
    log.info(
        "identity: %d records, %d people, %d review pairs",
        len(records),
        len(set(person_of.values())),
        len(resolution.review),
    )
    return resolution
