"""The data catalog of one published build, read from its snapshot and kept per build id.

Everything here comes from the published snapshot (``information_schema``, ``meta.models``,
``meta.lineage``, ``meta.source_columns``, ``meta.source_tables``, ``meta.reconciliation``,
``dwd.org_unit`` and, when the quality checks wrote them, ``quality.score``) plus the college's
source YAML files for each source's title, owner and schedule. Building the index is one pass
over those tables; searches then run in memory, so a page of results costs no warehouse query.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlglot import exp

from campusbrain.hub.catalog import classify
from campusbrain.hub.catalog.describe import column_comments, pinyin_initials, short_label
from campusbrain.hub.contracts import (
    CatalogEntry,
    CatalogFreshness,
    Classification,
    QualityFigure,
)
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.sources.config import load_sources
from campusbrain.hub.standards.elements import DataElement, data_elements
from campusbrain.hub.sync import SCHEDULE_INTERVALS, STALE_AFTER
from campusbrain.hub.warehouse import NothingPublished, open_published, read_published

CATALOG_LAYERS = ("ods", "dwd", "dws", "ads")
ELEMENT_LAYER = "element"


@dataclass
class SearchKeys:
    """Lower-cased texts an item is found by, strongest first."""

    column: str
    label: str
    initials: str
    table: str
    owner: str
    rest: str


@dataclass(frozen=True)
class ModelRow:
    layer: str
    grain: str
    owner: str
    description: str
    upstream_models: tuple[str, ...]
    source_tables: tuple[str, ...]


@dataclass
class TableInfo:
    name: str
    layer: str
    grain: str | None
    description: str | None
    owner_code: str
    owner_name: str
    systems: tuple[str, ...]
    source_tables: tuple[str, ...]


@dataclass
class Catalog:
    """The index of one build: entries, their search keys, column lineage both ways, freshness."""

    build_id: str
    entries: dict[str, CatalogEntry]
    keys: dict[str, SearchKeys]
    tables: dict[str, TableInfo]
    upstream: dict[str, list[tuple[str, str]]]  # item → [(item it is computed from, transform)]
    downstream: dict[str, list[tuple[str, str]]]
    carried_by: dict[str, list[str]]  # element item → column items carrying it
    sources_of: dict[str, tuple[str, ...]]  # item → ODS tables it is computed from
    freshness: dict[str, CatalogFreshness]  # ODS table → freshness
    quality: dict[str, list[QualityFigure]]  # subject (column item id or table) → figures
    quality_measured: bool
    code_systems: dict[str, str | None] = field(default_factory=dict)  # item → value space


def _table(schema: str, name: str) -> exp.Table:
    return exp.table_(exp.to_identifier(name, quoted=True), db=exp.to_identifier(schema, quoted=True))


def _select(
    con: engine.Connection, columns: Iterable[str], schema: str, name: str
) -> list[tuple[object, ...]]:
    query = exp.select(*[exp.column(c, quoted=True) for c in columns]).from_(_table(schema, name))
    return engine.fetch_all(con, query.sql(dialect="duckdb"))


def _split_owner(owner: str) -> tuple[str, str]:
    """``002 教务处`` → (``002``, ``教务处``); an owner without a code keeps its name."""
    code, _, name = owner.strip().partition(" ")
    if code.isdigit() and name:
        return code, name.strip()
    return "", owner.strip()


def element_item_id(element: DataElement) -> str:
    return f"{ELEMENT_LAYER}.{element.entity_id}.{element.element_id}"


def _freshness_of(last: datetime | None, schedule: str | None, now: datetime) -> str:
    # The same thresholds ``hub status`` uses, so the catalog and the freshness board agree.
    interval = SCHEDULE_INTERVALS.get(str(schedule or "").lower())
    if last is None:
        return "unknown"
    if interval is None:
        return "unscheduled"
    moment = last if last.tzinfo is not None else last.replace(tzinfo=UTC)
    return "fresh" if now - moment <= interval * STALE_AFTER else "stale"


def _model_systems(models: dict[str, ModelRow]) -> dict[str, tuple[set[str], set[str]]]:
    """Per model, the source systems and ODS tables it reads, transitively through its upstream."""
    memo: dict[str, tuple[set[str], set[str]]] = {}

    def visit(name: str, trail: frozenset[str]) -> tuple[set[str], set[str]]:
        if name in memo:
            return memo[name]
        info = models.get(name)
        tables: set[str] = set()
        if info is not None:
            tables = {t for t in info.source_tables if t.startswith("ods.")}
            for upstream in info.upstream_models:
                if upstream not in trail:
                    tables |= visit(upstream, trail | {name})[1]
        systems = {t[4:].split("__", 1)[0] for t in tables if "__" in t}
        memo[name] = (systems, tables)
        return memo[name]

    for model in models:
        visit(model, frozenset())
    return memo


def _same_data(column: str, source: str, transform: str) -> bool:
    """Rule 2: a column passed through, or computed from a column of the same element id (MZM ← MZM)."""
    source_column = source.rsplit(".", 1)[-1]
    return transform == "identity" or classify.element_id_of(column) == classify.element_id_of(source_column)


def _walk(start: str, graph: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str, int]]:
    """Breadth-first reach from ``start``: (item, transform of the first hop, distance)."""
    seen = {start}
    found: list[tuple[str, str, int]] = []
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    while queue:
        node, distance = queue.popleft()
        for neighbour, transform in graph.get(node, ()):
            if neighbour in seen:
                continue
            seen.add(neighbour)
            found.append((neighbour, transform, distance + 1))
            queue.append((neighbour, distance + 1))
    return found


def build_catalog(home: Path) -> Catalog:
    """Read the published snapshot of ``home`` into a :class:`Catalog` (raises NothingPublished)."""
    paths = HubPaths(home)
    published = read_published(paths)
    if published is None:
        raise NothingPublished(f"nothing is published in {paths.warehouse}; run `campusbrain hub build`")
    con = open_published(home)
    try:
        return _read(con, paths, published.build_id)
    finally:
        con.close()


def _read(con: engine.Connection, paths: HubPaths, build_id: str) -> Catalog:
    catalog_name = engine.current_catalog(con)
    present = engine.catalog_columns(con, catalog_name)
    meta = present.get("meta", {})
    models: dict[str, ModelRow] = {}
    if "models" in meta:
        for name, layer, grain, owner, description, upstream_models, read_tables in _select(
            con,
            ("name", "layer", "grain", "owner", "description", "upstream_models", "source_tables"),
            "meta",
            "models",
        ):
            models[str(name)] = ModelRow(
                layer=str(layer),
                grain=str(grain or ""),
                owner=str(owner or ""),
                description=str(description or ""),
                upstream_models=tuple(str(m) for m in upstream_models or ()),  # type: ignore[attr-defined]
                source_tables=tuple(str(t) for t in read_tables or ()),  # type: ignore[attr-defined]
            )
    lineage_rows = (
        _select(con, ("model", "column", "source_table", "source_column", "transform"), "meta", "lineage")
        if "lineage" in meta
        else []
    )
    source_columns = (
        _select(con, ("source_table", "source_system", "column_name", "data_type"), "meta", "source_columns")
        if "source_columns" in meta
        else []
    )
    source_tables = (
        _select(con, ("source_table", "row_count", "last_loaded_at"), "meta", "source_tables")
        if "source_tables" in meta
        else []
    )
    reconciled: dict[str, str] = {}
    if "reconciliation" in meta:
        for ods_tables, model in _select(con, ("ods_table", "model"), "meta", "reconciliation"):
            for table in str(ods_tables).split(","):
                if model:
                    reconciled[table.strip()] = str(model)
    departments: dict[str, str] = {}
    if "org_unit" in present.get("dwd", {}):
        departments = {
            str(name): str(code)
            for code, name in _select(con, ("DWH", "DWMC"), "dwd", "org_unit")
            if code and name
        }
    quality, quality_measured = _quality(con, present)
    configs, _errors = load_sources(paths.sources)
    source_info = {c.name: c for c in configs}

    now = datetime.now(UTC)
    freshness: dict[str, CatalogFreshness] = {}
    for source_name, rows, last in source_tables:
        system = str(source_name)[4:].split("__", 1)[0]
        config = source_info.get(system)
        schedule = str(config.schedule) if config is not None and config.schedule else None
        last_at = last if isinstance(last, datetime) else None
        freshness[str(source_name)] = CatalogFreshness(
            source_table=str(source_name),
            source_system=system,
            schedule=schedule,
            rows=int(str(rows or 0)),
            last_loaded_at=last_at.replace(tzinfo=UTC) if last_at and last_at.tzinfo is None else last_at,
            freshness=_freshness_of(last_at, schedule, now),
        )

    transitive = _model_systems(models)
    tables: dict[str, TableInfo] = {}
    for name, row in models.items():
        code, owner_name = _split_owner(row.owner)
        model_systems, read = transitive.get(name, (set(), set()))
        tables[name] = TableInfo(
            name=name,
            layer=row.layer,
            grain=row.grain or None,
            description=row.description or None,
            owner_code=code,
            owner_name=owner_name,
            systems=tuple(sorted(model_systems)),
            source_tables=tuple(sorted(read)),
        )

    # Columns of every table, in table order: ODS from meta.source_columns, models from the snapshot.
    columns: dict[str, dict[str, str]] = {}
    for ods_name, _system, ods_column, ods_type in source_columns:
        columns.setdefault(str(ods_name), {})[str(ods_column)] = str(ods_type)
    for layer in CATALOG_LAYERS:
        for table, cols in present.get(layer, {}).items():
            columns[f"{layer}.{table}"] = dict(cols)
    for table in list(columns):
        if not table.startswith("ods.") and table not in tables:
            # A Python model's extra tables (dwd.person of dwd.person_link) have no meta.models row;
            # the model whose description names them made them and answers for them.
            maker = next(
                (t for t in tables.values() if re.search(rf"\b{re.escape(table)}\b", t.description or "")),
                None,
            )
            tables[table] = TableInfo(
                name=table,
                layer=table.split(".", 1)[0],
                grain=None,
                description=f"{maker.name}: {maker.description}" if maker else None,
                owner_code=maker.owner_code if maker else "",
                owner_name=maker.owner_name if maker else "",
                systems=maker.systems if maker else (),
                source_tables=maker.source_tables if maker else (),
            )
        if table.startswith("ods.") and table not in tables:
            system, _, source_table = table[4:].partition("__")
            config = source_info.get(system)
            owner = str(config.get("owner_department") or "") if config is not None else ""
            code, owner_name = _split_owner(owner)
            model = reconciled.get(table)
            if not code and model in tables:
                code, owner_name = tables[model].owner_code, tables[model].owner_name
            title = ""
            if config is not None:
                title = next((t.title for t in config.tables if t.name == source_table), "") or ""
            system_title = config.title if config is not None else system
            tables[table] = TableInfo(
                name=table,
                layer="ods",
                grain=None,
                description=f"{system_title} · {title or source_table}",
                owner_code=code,
                owner_name=owner_name,
                systems=(system,) if system else (),
                source_tables=(table,),
            )

    upstream: dict[str, list[tuple[str, str]]] = {}
    downstream: dict[str, list[tuple[str, str]]] = {}
    for model_name, model_column, lineage_table, lineage_column, transform in lineage_rows:
        target, source = f"{model_name}.{model_column}", f"{lineage_table}.{lineage_column}"
        upstream.setdefault(target, []).append((source, str(transform)))
        downstream.setdefault(source, []).append((target, str(transform)))

    elements = data_elements()
    entities: dict[str, list[DataElement]] = {}
    for element in elements:
        entities.setdefault(element.entity_id, []).append(element)

    classification: dict[str, Classification] = {}
    code_systems: dict[str, str | None] = {}
    labels: dict[str, str] = {}
    comments: dict[str, str] = {}
    carried_by: dict[str, list[str]] = {element_item_id(e): [] for e in elements}
    for table, cols in columns.items():
        info = tables.get(table)
        if info is None or info.layer == "ods":
            continue
        found = column_comments(info.description or "", list(cols))
        for column, comment in found.items():
            comments[f"{table}.{column}"] = comment
            if short_label(comment):
                labels[f"{table}.{column}"] = short_label(comment)
        if info.layer != "dwd":
            continue
        entity = classify.model_entity(info.owner_name, list(cols), entities)
        if entity is None:
            continue
        for column in cols:
            carried = classify.column_element(column, entities[entity])
            if carried is None:
                continue
            item = f"{table}.{column}"
            classification[item] = classify.of_element(carried)
            code_systems[item] = carried.code_system
            labels.setdefault(item, carried.name)
            if not column.lower().endswith("_source"):
                labels[item] = carried.name
            carried_by[element_item_id(carried)].append(item)

    # Rule 2: pass-through columns of DWS/ADS, in build order so a chain of layers resolves.
    layer_rank = {layer: index for index, layer in enumerate(CATALOG_LAYERS)}
    ordered_tables = sorted(
        (t for t in columns if t in tables and tables[t].layer in ("dws", "ads")),
        key=lambda t: (layer_rank[tables[t].layer], t),
    )
    for _ in range(2):  # a DWS reading another DWS needs its input resolved first
        for table in ordered_tables:
            for column in columns[table]:
                item = f"{table}.{column}"
                if classification.get(item, classify.UNCLASSIFIED).rule == "element":
                    continue
                inherited = [
                    s for s, t in upstream.get(item, ()) if s in classification and _same_data(column, s, t)
                ]
                if inherited:
                    classification[item] = classify.strictest(
                        [classification[s] for s in inherited], "lineage"
                    )
                    first = inherited[0]
                    code_systems.setdefault(item, code_systems.get(first))
                    if item not in labels and first in labels:
                        labels[item] = labels[first]
    # Rule 3: an ODS column is as sensitive as the DWD columns it feeds.
    for table, cols in columns.items():
        if not table.startswith("ods."):
            continue
        for column in cols:
            item = f"{table}.{column}"
            fed = [target for target, _t in downstream.get(item, ()) if target.startswith("dwd.")]
            fed_classes = [
                classification[t]
                for t in fed
                if classification.get(t, classify.UNCLASSIFIED).rule == "element"
            ]
            if fed_classes:
                classification[item] = classify.strictest(fed_classes, "lineage")
            own = short_label(column) if pinyin_initials(column) else ""
            fed_labels = list(dict.fromkeys(labels[t] for t in fed if t in labels))[:2]
            if own:
                labels[item] = own
            elif fed_labels:
                labels[item] = " / ".join(fed_labels)

    entries: dict[str, CatalogEntry] = {}
    keys: dict[str, SearchKeys] = {}
    sources_of: dict[str, tuple[str, ...]] = {}
    for table in sorted(columns, key=lambda t: (layer_rank.get(t.split(".", 1)[0], 9), t)):
        info = tables.get(table)
        if info is None:
            continue
        for column, data_type in columns[table].items():
            item = f"{table}.{column}"
            reached = [n for n, _t, _d in _walk(item, upstream) if n.startswith("ods.")]
            ods_tables = tuple(sorted({n.rsplit(".", 1)[0] for n in reached} or set(info.source_tables)))
            if info.layer == "ods":
                ods_tables = (table,)
            sources_of[item] = ods_tables
            systems = (
                tuple(sorted({t[4:].split("__", 1)[0] for t in ods_tables if "__" in t})) or info.systems
            )
            figure = _overall(quality, item) if item in quality else _overall(quality, table)
            label = labels.get(item, "")
            comment = comments.get(item, "")
            entry = CatalogEntry(
                item_id=item,
                kind="column",
                layer=info.layer,
                table=table,
                column=column,
                label=label,
                description=comment,
                data_type=data_type,
                owner_code=info.owner_code,
                owner_name=info.owner_name,
                systems=systems,
                classification=classification.get(item, classify.UNCLASSIFIED),
                quality_score=figure,
            )
            entries[item] = entry
            keys[item] = SearchKeys(
                column=column.lower(),
                label=label.lower(),
                initials=" ".join(filter(None, (pinyin_initials(label), pinyin_initials(comment)))),
                table=table.lower(),
                owner=f"{info.owner_code} {info.owner_name}".lower(),
                rest=" ".join((comment, info.description or "", " ".join(systems))).lower(),
            )
    for element in elements:
        item = element_item_id(element)
        carriers = carried_by[item]
        ods_tables = tuple(sorted({t for c in carriers for t in sources_of.get(c, ())}))
        sources_of[item] = ods_tables
        owner_code = departments.get(element.owner, "")
        entries[item] = CatalogEntry(
            item_id=item,
            kind="element",
            layer=ELEMENT_LAYER,
            table=element.entity_id,
            column=element.element_id,
            label=element.name,
            description=f"{element.entity} · {element.name}",
            data_type=element.data_type + (f"({element.length})" if element.length else ""),
            owner_code=owner_code,
            owner_name=element.owner,
            systems=(element.system_of_record,),
            classification=classify.of_element(element),
            quality_score=None,
        )
        code_systems[item] = element.code_system
        keys[item] = SearchKeys(
            column=element.element_id.lower(),
            label=element.name.lower(),
            initials=" ".join((pinyin_initials(element.name), pinyin_initials(element.entity))),
            table=f"{element.entity_id} {element.entity}".lower(),
            owner=f"{owner_code} {element.owner}".lower(),
            rest=" ".join((element.code_system or "", element.system_of_record, element.grade)).lower(),
        )
    return Catalog(
        build_id=build_id,
        entries=entries,
        keys=keys,
        tables=tables,
        upstream=upstream,
        downstream=downstream,
        carried_by=carried_by,
        sources_of=sources_of,
        freshness=freshness,
        quality=quality,
        quality_measured=quality_measured,
        code_systems=code_systems,
    )


def _overall(quality: dict[str, list[QualityFigure]], subject: str) -> float | None:
    for figure in quality.get(subject, ()):
        if figure.dimension == "overall":
            return figure.score
    return None


def _quality(
    con: engine.Connection, present: dict[str, dict[str, dict[str, str]]]
) -> tuple[dict[str, list[QualityFigure]], bool]:
    """Column and table scores of the newest build in ``quality.score``; absent tables → nothing."""
    score = present.get("quality", {}).get("score")
    wanted = {"build_id", "level", "subject", "dimension", "score", "checked_rows", "failing_rows"}
    if score is None or not wanted <= {c.lower() for c in score}:
        return {}, False
    table = _table("quality", "score")
    latest = exp.Subquery(this=exp.select(exp.Max(this=exp.column("build_id"))).from_(table.copy()))
    query = (
        exp.select("level", "subject", "dimension", "score", "checked_rows", "failing_rows")
        .from_(table)
        .where(
            exp.and_(
                exp.EQ(this=exp.column("build_id"), expression=latest),
                exp.In(
                    this=exp.column("level"),
                    expressions=[exp.Literal.string("column"), exp.Literal.string("table")],
                ),
            )
        )
        .order_by("subject", "dimension")
    )
    found: dict[str, list[QualityFigure]] = {}
    for level, subject, dimension, value, checked, failing in engine.fetch_all(
        con, query.sql(dialect="duckdb")
    ):
        if value is None:
            continue
        found.setdefault(str(subject), []).append(
            QualityFigure(
                level=str(level),
                subject=str(subject),
                dimension=str(dimension),
                score=float(str(value)),
                checked_rows=int(str(checked or 0)),
                failing_rows=int(str(failing or 0)),
            )
        )
    return found, True


_CACHE: dict[tuple[str, str], Catalog] = {}
_LOCK = threading.Lock()


def catalog_for(home: Path) -> Catalog:
    """The catalog of the build published now, built once per build id and kept in memory.

    Only the newest two builds stay cached: a new build makes the old index garbage.
    """
    paths = HubPaths(Path(home).resolve())
    published = read_published(paths)
    if published is None:
        raise NothingPublished(f"nothing is published in {paths.warehouse}; run `campusbrain hub build`")
    key = (str(paths.home), published.build_id)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        built = build_catalog(paths.home)
        for stale in [k for k in _CACHE if k[0] == key[0]][:-1]:
            del _CACHE[stale]
        _CACHE[(key[0], built.build_id)] = built
        return built


def reach(catalog: Catalog, item: str, direction: str) -> list[tuple[str, str, int]]:
    """Items upstream (``up``) or downstream (``down``) of ``item``, nearest first."""
    return _walk(item, catalog.upstream if direction == "up" else catalog.downstream)
