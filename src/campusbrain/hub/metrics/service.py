"""Answer metric queries on the published snapshot: scope, suppression, cache and provenance.

``hub.api`` calls :func:`query_metric` and :func:`source_rows`; everything else here is how.

Scope (who sees what): leader, quality and auditor see the college; a dean their department
(二级学院 单位号); a teacher their department with small cells suppressed; a counsellor their
classes; finance the 财务专题 and a steward the 数据治理 theme (college scope); every other role
is refused. Cells counting fewer than the metric's ``min_cell`` people are suppressed for
teachers, stewards and finance staff (viewers outside the line responsibility for those people).

Answers are cached in this process per (build id, metric, definition version, query, scope,
suppression): a new build has a new id, so no answer of an older build is ever served. The
freshness in an answer's provenance depends on the clock too, so an answer is recomputed once
one of its fresh sources would have turned stale; the oldest entries go once the cache holds
:data:`CACHE_SIZE`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from campusbrain.hub.contracts import (
    MetricAccessDenied,
    MetricDefinition,
    MetricNotFound,
    MetricProvenance,
    MetricQueryError,
    MetricResult,
    MetricRow,
    MetricSourceRows,
    SourceFreshness,
    Viewer,
)
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.metrics.compiler import CompileError, Query, Scope, compile_metric, source_rows_query
from campusbrain.hub.metrics.definitions import Catalog, Metric, builtin_catalog, check_against_schema
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.sources import load_sources
from campusbrain.hub.standards.elements import data_elements, mask
from campusbrain.hub.sync import SCHEDULE_INTERVALS, STALE_AFTER
from campusbrain.hub.warehouse import Published, read_published

COLLEGE_ROLES = frozenset({"leader", "quality", "auditor"})
SUPPRESSED_ROLES = frozenset({"teacher", "steward", "finance"})
THEME_ROLES = {"steward": "governance", "finance": "finance"}
SOURCE_ROW_ROLES = frozenset({"leader", "dean"})
LOW_QUALITY_BELOW = 80.0
CACHE_SIZE = 2048


class MetricInputMissing(MetricQueryError):
    """A table the metric reads is not in the published build (e.g. no quality checks have run)."""


# --- who sees what -------------------------------------------------------------------------------


def scope_for(viewer: Viewer, metric: MetricDefinition) -> tuple[Scope, bool]:
    """The viewer's scope for ``metric`` and whether small cells are suppressed for them."""
    role = viewer.role
    suppress = role in SUPPRESSED_ROLES
    if role in COLLEGE_ROLES:
        return Scope("college"), suppress
    if role in THEME_ROLES:
        if metric.theme != THEME_ROLES[role]:
            raise MetricAccessDenied(
                f"role {role} may read only the {THEME_ROLES[role]} theme, not metric {metric.id}"
            )
        return Scope("college"), suppress
    if role in ("dean", "teacher"):
        if not viewer.department_code:
            raise MetricAccessDenied(f"{viewer.username}: a {role} without a department sees no metrics")
        return Scope("department", department=viewer.department_code), suppress
    if role == "counsellor":
        if not viewer.class_codes:
            raise MetricAccessDenied(f"{viewer.username}: a counsellor without classes sees no metrics")
        return Scope("classes", classes=tuple(sorted(viewer.class_codes))), suppress
    raise MetricAccessDenied(f"role {role!r} may not query metrics")


# --- the cache -----------------------------------------------------------------------------------

# key -> (answer, the moment its first fresh source turns stale: None when none can)
_cache: OrderedDict[tuple[object, ...], tuple[MetricResult, datetime | None]] = OrderedDict()
_cache_lock = threading.Lock()
_schema_checked: dict[str, dict[str, str]] = {}  # build id -> {source or metric id: problem}


def _now() -> datetime:
    """The clock freshness is judged by: naive UTC, as meta.source_tables records loads."""
    return datetime.now(UTC).replace(tzinfo=None)


_generation = 0  # bumped by clear_cache, so caches built on these answers know to let go too


def clear_cache() -> None:
    """Forget every cached answer (the benchmark measures cold queries this way)."""
    global _generation
    with _cache_lock:
        _cache.clear()
        _schema_checked.clear()
        _generation += 1


def cache_token(home: Path) -> str | None:
    """A token that changes whenever the cached answers may change: a new build is published or
    the cache is cleared. ``None`` while nothing is published."""
    published = read_published(HubPaths(Path(home).resolve()))
    if published is None:
        return None
    with _cache_lock:
        return f"{published.build_id}:{_generation}"


def cache_size() -> int:
    """How many answers are cached (tests check that a second query is served from it)."""
    with _cache_lock:
        return len(_cache)


# --- queries -------------------------------------------------------------------------------------


def get_metric(metric_id: str, catalog: Catalog | None = None) -> Metric:
    """The metric with this id, or :class:`MetricNotFound`."""
    catalog = catalog or builtin_catalog()
    try:
        return catalog.metrics[metric_id]
    except KeyError:
        raise MetricNotFound(f"no metric has the id {metric_id!r}") from None


def _check_query(
    metric: Metric, dimensions: tuple[str, ...], filters: dict[str, str], grain: str | None
) -> tuple[str, tuple[tuple[str, str], ...]]:
    d = metric.definition
    for dim in dimensions:
        if dim not in d.dimensions:
            raise MetricQueryError(
                f"metric {d.id}: unknown dimension {dim!r}; it allows {list(d.dimensions)}"
            )
    if len(set(dimensions)) != len(dimensions):
        raise MetricQueryError(f"metric {d.id}: a dimension is asked for twice: {list(dimensions)}")
    chosen = grain or d.grains[0]
    if chosen not in d.grains:
        raise MetricQueryError(f"metric {d.id}: grain {chosen!r} is not one of {list(d.grains)}")
    checked: list[tuple[str, str]] = []
    for name, value in sorted(filters.items()):
        if name not in d.dimensions and name not in d.grains:
            raise MetricQueryError(
                f"metric {d.id}: cannot filter on {name!r}; filter on a dimension {list(d.dimensions)}"
                f" or a grain {list(d.grains)}"
            )
        if name == "时点":
            raise MetricQueryError(f"metric {d.id}: 时点 is the build's census and cannot be filtered")
        if not isinstance(value, str) or value == "":
            raise MetricQueryError(f"metric {d.id}: filter {name!r} needs a text value, got {value!r}")
        checked.append((name, value))
    return chosen, tuple(checked)


def _published(home: Path) -> tuple[HubPaths, Published]:
    paths = HubPaths(Path(home).resolve())
    published = read_published(paths)
    if published is None:
        raise MetricQueryError(
            f"nothing is published in {paths.warehouse}; run `campusbrain hub build` first"
        )
    return paths, published


def _schema(con: engine.Connection) -> dict[str, dict[str, str]]:
    catalog = engine.current_catalog(con)
    tables: dict[str, dict[str, str]] = {}
    for schema, by_table in engine.catalog_columns(con, catalog).items():
        for table, columns in by_table.items():
            tables[f"{schema}.{table}"] = columns
    return tables


def _check_inputs(metric: Metric, catalog: Catalog, schema: dict[str, dict[str, str]], build_id: str) -> None:
    missing = [t for t in metric.definition.inputs if t not in schema]
    if missing:
        raise MetricInputMissing(
            f"metric {metric.id}: input table {', '.join(missing)} is absent from the published build {build_id}"
        )
    with _cache_lock:
        problems = _schema_checked.get(build_id)
    if problems is None:
        problems = {}
        for problem in check_against_schema(catalog, schema):
            # "<file>: metric <id>: …" or "_sources.yaml: source <table>: …"
            head = problem.split(": ")[1]
            problems.setdefault(head.split(" ", 1)[1], problem)
        with _cache_lock:
            _schema_checked[build_id] = problems
    for key in (metric.id, *metric.definition.inputs):
        if key in problems:
            raise MetricQueryError(problems[key])


def _number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, Decimal | int | float):
        number = float(value)
        return None if number != number else round(number, 6)  # NaN -> None
    raise MetricQueryError(f"a metric value must be a number, got {value!r}")


def query_metric(
    home: Path,
    metric_id: str,
    *,
    viewer: Viewer,
    dimensions: tuple[str, ...] = (),
    filters: dict[str, str] | None = None,
    grain: str | None = None,
    catalog: Catalog | None = None,
) -> MetricResult:
    """Compute a metric for a viewer on the published snapshot (see ``hub.api.metric_query``)."""
    catalog = catalog or builtin_catalog()
    metric = get_metric(metric_id, catalog)
    scope, suppress = scope_for(viewer, metric.definition)
    chosen, checked = _check_query(metric, tuple(dimensions), dict(filters or {}), grain)
    paths, published = _published(home)
    key = (
        published.build_id,
        metric.id,
        metric.definition.version,
        tuple(dimensions),
        checked,
        chosen,
        scope,
        suppress,
    )
    with _cache_lock:
        if key in _cache:
            cached, fresh_until = _cache[key]
            if fresh_until is None or _now() <= fresh_until:
                _cache.move_to_end(key)
                return cached
            del _cache[key]  # a source has gone stale since: the provenance must say so
    con = engine.connect(published.snapshot, read_only=True)
    try:
        schema = _schema(con)
        _check_inputs(metric, catalog, schema, published.build_id)
        provenance, fresh_until = _provenance(con, paths, published, metric, schema)
        census = provenance.built_at.date().isoformat()
        query = Query(tuple(dimensions), checked, chosen, scope, census, published.build_id)
        try:
            select = compile_metric(metric, catalog, query)
        except CompileError as error:
            if scope.kind != "college":
                raise MetricAccessDenied(
                    f"metric {metric.id} cannot be shown for {scope.label}: {error}"
                ) from None
            raise MetricQueryError(f"metric {metric.id}: {error}") from None
        order = [f"d{i}" for i in range(len(dimensions))] + ["period"]
        sql = select.sql(dialect="duckdb")
        try:
            _names, raw = engine.fetch_columns(con, sql)
        except engine.DuckDBError as error:
            raise MetricQueryError(f"metric {metric.id}: the query failed: {error}") from None
    finally:
        con.close()
    width = len(dimensions)
    rows: list[MetricRow] = []
    for record in sorted(raw, key=lambda r: tuple("" if v is None else str(v) for v in r[: width + 1])):
        value = _number(record[width + 1])
        people = record[width + 2]
        hidden = (
            suppress
            and metric.definition.counts_people
            and people is not None
            and 0 < int(str(people)) < metric.definition.min_cell
        )
        if metric.decimals is not None and value is not None:
            value = round(value, metric.decimals)
        rows.append(
            MetricRow(
                dims=tuple(
                    (name, None if record[i] is None else str(record[i])) for i, name in enumerate(dimensions)
                ),
                period=None if record[width] is None else str(record[width]),
                value=None if hidden else value,
                suppressed=bool(hidden),
            )
        )
    del order
    result = MetricResult(
        metric=metric.definition,
        grain=chosen,
        dimensions=tuple(dimensions),
        filters=checked,
        scope=scope.label,
        rows=tuple(rows),
        provenance=provenance,
    )
    with _cache_lock:
        _cache[key] = (result, fresh_until)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


# --- provenance ----------------------------------------------------------------------------------


def _provenance(
    con: engine.Connection,
    paths: HubPaths,
    published: Published,
    metric: Metric,
    schema: dict[str, dict[str, str]],
) -> tuple[MetricProvenance, datetime | None]:
    """The answer's provenance, and until when its freshness verdicts hold (naive UTC)."""
    built = engine.fetch(
        con,
        "SELECT finished_at FROM meta.builds WHERE build_id = ?",
        [published.build_id],
    )
    built_at = built[0][0] if built and built[0][0] is not None else published.published_at
    assert isinstance(built_at, datetime)
    if built_at.tzinfo is None:
        built_at = built_at.replace(tzinfo=UTC)
    upstream: dict[str, tuple[list[str], list[str]]] = {}
    for name, models, sources in engine.fetch(
        con, "SELECT name, upstream_models, source_tables FROM meta.models"
    ):
        upstream[str(name)] = (list(models or []), list(sources or []))  # type: ignore[call-overload]
    tables: list[str] = []
    ods: list[str] = []
    pending = list(metric.definition.inputs)
    while pending:
        table = pending.pop(0)
        if table in tables:
            continue
        tables.append(table)
        models, sources = upstream.get(table, ([], []))
        pending += models
        ods += [s for s in sources if s not in ods]
    loaded = {
        str(t): (int(str(n)), at)
        for t, n, at in engine.fetch(
            con, "SELECT source_table, row_count, last_loaded_at FROM meta.source_tables"
        )
    }
    schedules = _schedules(paths)
    now = _now()
    freshness: list[SourceFreshness] = []
    fresh_until: datetime | None = None
    for table in sorted(ods):
        rows, last = loaded.get(table, (0, None))
        system = table.removeprefix("ods.").split("__", 1)[0]
        interval = SCHEDULE_INTERVALS.get(str(schedules.get(system) or "").lower())
        if not isinstance(last, datetime) or interval is None:
            state = "unknown"
        else:
            state = "fresh" if now - last <= interval * STALE_AFTER else "stale"
            if state == "fresh":
                turns = last + interval * STALE_AFTER
                fresh_until = turns if fresh_until is None else min(fresh_until, turns)
        freshness.append(
            SourceFreshness(
                source_table=table,
                rows=rows,
                last_loaded_at=last if isinstance(last, datetime) else None,
                freshness=state,
            )
        )
    quality_inputs = _quality(con, published.build_id, tables, schema)
    measured = [score for _t, score in quality_inputs if score is not None]
    # A number is only as good as its worst input, so the metric carries the lowest table score.
    score = min(measured) if measured else None
    provenance = MetricProvenance(
        definition_version=metric.definition.version,
        build_id=published.build_id,
        built_at=built_at,
        sources=tuple(freshness),
        quality_score=score,
        quality_inputs=quality_inputs,
        stale=any(f.freshness == "stale" for f in freshness),
        low_quality=score is not None and score < LOW_QUALITY_BELOW,
    )
    return provenance, fresh_until


def _schedules(paths: HubPaths) -> dict[str, str | None]:
    sources, _bad = load_sources(paths.sources)
    return {s.name: s.schedule for s in sources}


def _quality(
    con: engine.Connection, build_id: str, tables: list[str], schema: dict[str, dict[str, str]]
) -> tuple[tuple[str, float | None], ...]:
    if "quality.score" not in schema:
        return tuple((t, None) for t in tables)
    scores = {
        str(subject): float(str(score))
        for subject, score in engine.fetch(
            con,
            "SELECT subject, score FROM quality.score WHERE build_id = ? AND level = 'table'"
            " AND dimension = 'overall' AND score IS NOT NULL",
            [build_id],
        )
    }
    return tuple((t, scores.get(t)) for t in tables)


# --- drill-through -------------------------------------------------------------------------------


def source_rows(
    home: Path,
    metric_id: str,
    *,
    viewer: Viewer,
    filters: dict[str, str] | None = None,
    limit: int = 50,
    catalog: Catalog | None = None,
) -> MetricSourceRows:
    """The rows behind a metric for a leader or a dean (see ``hub.api.metric_source_rows``)."""
    catalog = catalog or builtin_catalog()
    metric = get_metric(metric_id, catalog)
    if viewer.role not in SOURCE_ROW_ROLES:
        raise MetricAccessDenied(f"role {viewer.role!r} may not see the rows behind metric {metric.id}")
    if metric.source is None:
        raise MetricQueryError(
            f"metric {metric.id} is derived; drill through one of its parts: {sorted(metric.refs.values())}"
        )
    if not 1 <= limit <= 1000:
        raise MetricQueryError(f"limit must be between 1 and 1000, got {limit}")
    scope, _suppress = scope_for(viewer, metric.definition)
    _chosen, checked = _check_query(metric, (), dict(filters or {}), None)
    paths, published = _published(home)
    con = engine.connect(published.snapshot, read_only=True)
    try:
        schema = _schema(con)
        _check_inputs(metric, catalog, schema, published.build_id)
        provenance, _fresh_until = _provenance(con, paths, published, metric, schema)
        query = Query(
            (),
            checked,
            metric.definition.grains[0],
            scope,
            provenance.built_at.date().isoformat(),
            published.build_id,
        )
        try:
            select = source_rows_query(metric, query, limit + 1)
        except CompileError as error:
            raise MetricAccessDenied(
                f"metric {metric.id} cannot be shown for {scope.label}: {error}"
            ) from None
        names, raw = engine.fetch_columns(con, select.sql(dialect="duckdb"))
    finally:
        con.close()
    policies = _policies(metric)
    unmask = viewer.may_unmask
    masked = tuple(c for c in names if policies.get(c, "none") != "none") if not unmask else ()
    rows = []
    for record in raw[:limit]:
        row: list[object] = []
        for name, value in zip(names, record, strict=True):
            if name in masked and value is not None:
                value = mask(str(value), policies[name])
            row.append(value)
        rows.append(tuple(row))
    return MetricSourceRows(
        metric_id=metric.id,
        table=metric.source.table,
        scope=scope.label,
        columns=tuple(names),
        rows=tuple(rows),
        masked_columns=masked,
        truncated=len(raw) > limit,
        provenance=provenance,
    )


def _policies(metric: Metric) -> dict[str, str]:
    assert metric.source is not None
    by_key = {element.key: element.masking for element in data_elements()}
    policies: dict[str, str] = {}
    for column, key in metric.source.elements.items():
        if key not in by_key:
            raise MetricQueryError(
                f"source {metric.source.table}: elements.{column}: unknown data element {key!r}"
            )
        policies[column] = by_key[key]
    return policies
