"""``hub build``: run the SQL models in dependency order into a new snapshot and publish it.

One build = one new DuckDB file ``warehouse/snapshots/<build_id>.duckdb``. The ODS is attached
read-only; model SQL says ``ods."x__y"`` and those references are pointed at the attached ODS
catalog while the model runs, so the snapshot holds only what the models made (DWD/DWS/ADS tables)
plus the build's metadata (``meta.models``, ``meta.lineage``, ``meta.builds``). Only a finished,
checkpointed and closed snapshot is published; a failed or killed build publishes nothing and its
file is deleted (at once, or by the next build for a killed one).

Between models the runner calls ``after_model`` hooks with the open snapshot; a hook that returns
``False`` blocks the models that depend on that model, which then keep their previous snapshot's
rows. Quality checks plug in there.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlglot import exp
from tqdm import tqdm

from campusbrain.hub.contracts import BuildReport, ModelRun
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.lock import hub_lock
from campusbrain.hub.models.lineage import ColumnLineage, model_lineage
from campusbrain.hub.models.project import (
    DIALECT,
    LAYERS,
    SEED_SCHEMAS,
    SOURCE_SCHEMAS,
    Model,
    ModelError,
    Project,
    discover,
    plan,
)
from campusbrain.hub.models.python import PythonModelContext
from campusbrain.hub.models.seeds import create_mapping_reports, create_seeds, register_functions, seed_tables
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.quality.run import QualityRun
from campusbrain.hub.quality.run import prepare as prepare_quality
from campusbrain.hub.warehouse import publish, read_published, record_build, remove_unpublished, snapshot_path

# Catalog aliases inside the snapshot connection; quoted, so they cannot clash with model schemas.
ODS_ALIAS = "ods_source"
PREVIOUS_ALIAS = "previous_snapshot"
META_SCHEMA = "meta"


class NoODS(ModelError):
    """The models read the ODS but ``hub sync`` has not created it yet."""


@dataclass
class BuildContext:
    """What a hook sees between models: the open snapshot and the build so far."""

    con: engine.Connection
    build_id: str
    project: Project
    runs: dict[str, ModelRun] = field(default_factory=dict)


AfterModelHook = Callable[[BuildContext, Model, ModelRun], bool]


def new_build_id(now: datetime | None = None) -> str:
    """``20261203T170102Z-1a2b3c``: sortable by time, unique even for two builds in one second."""
    moment = now or datetime.now(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _render(expression: exp.Expr) -> str:
    return expression.sql(dialect=DIALECT)


def _table(schema: str, name: str, catalog: str | None = None) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(name, quoted=True),
        db=exp.to_identifier(schema, quoted=True),
        catalog=exp.to_identifier(catalog, quoted=True) if catalog else None,
    )


def _runnable_query(model: Model, project: Project) -> exp.Query:
    """The model's query with every ODS/meta source reference pointed at the attached ODS."""
    query = model.query.copy()
    sources = {(schema, table.lower()) for schema, table in project.sources[model.name]}
    for table in query.find_all(exp.Table):
        if table.name and (table.db.lower(), table.name.lower()) in sources:
            table.set("catalog", exp.to_identifier(ODS_ALIAS, quoted=True))
    return query


def _create_table_as(target: exp.Table, query: exp.Query) -> str:
    return _render(exp.Create(this=target, kind="TABLE", expression=query))


def _count(con: engine.Connection, target: exp.Table) -> int:
    rows = engine.fetch_all(con, _render(exp.select(exp.Count(this=exp.Star())).from_(target)))
    return int(str(rows[0][0]))


def _previous_hashes(con: engine.Connection) -> dict[str, str]:
    catalog = engine.catalog_columns(con, PREVIOUS_ALIAS)
    if "models" not in catalog.get(META_SCHEMA, {}):
        return {}
    query = exp.select("name", "sql_hash").from_(_table(META_SCHEMA, "models", PREVIOUS_ALIAS))
    return {str(name): str(sql_hash) for name, sql_hash in engine.fetch_all(con, _render(query))}


def _incremental(con: engine.Connection, model: Model, target: exp.Table, query: exp.Query) -> None:
    """Add the new slice of an incremental model to the rows copied from the previous snapshot.

    The slice is the rows whose ``incremental_by`` value is past the previous maximum; with a
    ``unique_key`` the boundary value itself is re-read and rows with a key seen again replace
    the old ones, so a late correction at the boundary is not lost.
    """
    assert model.incremental_by is not None
    column = exp.column(model.incremental_by, quoted=True)
    high_water = exp.Subquery(this=exp.select(exp.Max(this=column.copy())).from_(target.copy()))
    compare = exp.GTE if model.unique_key else exp.GT
    newer = exp.or_(
        exp.Is(this=high_water.copy(), expression=exp.Null()),
        compare(this=exp.column(model.incremental_by, table="_new", quoted=True), expression=high_water),
    )
    slice_table = exp.Table(this=exp.to_identifier("_incremental_slice", quoted=True))
    slice_query = (
        exp.select("*").from_(exp.Subquery(this=query, alias=exp.to_identifier("_new"))).where(newer)
    )
    engine.run(
        con,
        _render(
            exp.Create(
                this=slice_table,
                kind="TABLE",
                expression=slice_query,
                properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
            )
        ),
    )
    if model.unique_key:
        matches = [
            exp.EQ(
                this=exp.column(key, table=target.name, quoted=True),
                expression=exp.column(key, table="_incremental_slice", quoted=True),
            )
            for key in model.unique_key
        ]
        delete = exp.Delete(
            this=target.copy(),
            using=[slice_table.copy()],
            where=exp.Where(this=exp.and_(*matches)),
        )
        engine.run(con, _render(delete))
    engine.run(con, _render(exp.insert(exp.select("*").from_(slice_table.copy()), target.copy())))
    engine.run(con, _render(exp.Drop(tables=[slice_table.copy()], kind="TABLE")))


def _run_model(
    con: engine.Connection,
    model: Model,
    project: Project,
    *,
    reuse: str | None,
    python_context: PythonModelContext | None = None,
) -> tuple[str, int]:
    """Materialize one model; ``reuse`` is ``copy`` or ``incremental`` when the previous table is usable."""
    target = _table(model.schema, model.table)
    previous = _table(model.schema, model.table, PREVIOUS_ALIAS)
    if model.python is not None and reuse != "copy":
        assert python_context is not None
        model.python.run(python_context)
        return "built", _count(con, target)
    if reuse == "copy":
        if model.python is not None:
            for extra in model.python.also_creates:
                schema, _, table = extra.partition(".")
                engine.run(
                    con,
                    _create_table_as(
                        _table(schema, table), exp.select("*").from_(_table(schema, table, PREVIOUS_ALIAS))
                    ),
                )
        engine.run(con, _create_table_as(target, exp.select("*").from_(previous)))
        action = "copied"
    elif reuse == "incremental":
        engine.run(con, _create_table_as(target, exp.select("*").from_(previous)))
        _incremental(con, model, target, _runnable_query(model, project))
        action = "incremental"
    else:
        engine.run(con, _create_table_as(target, _runnable_query(model, project)))
        action = "built"
    return action, _count(con, target)


def _create_meta_table(con: engine.Connection, name: str, columns: Sequence[tuple[str, str]]) -> exp.Table:
    table = _table(META_SCHEMA, name)
    schema = exp.Schema(
        this=table,
        expressions=[
            exp.ColumnDef(this=exp.to_identifier(column), kind=exp.DataType.build(kind, dialect=DIALECT))
            for column, kind in columns
        ],
    )
    engine.run(con, _render(exp.Create(this=schema, kind="TABLE", exists=True)))
    return table


def _insert_rows(
    con: engine.Connection,
    table: exp.Table,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple[object, ...]],
) -> None:
    # One statement per chunk, one tuple of ``?`` markers per row: DuckDB's executemany runs row by
    # row and was the slowest part of a small build.
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        markers = [exp.Tuple(expressions=[exp.Placeholder() for _ in columns]) for _ in chunk]
        statement = exp.insert(exp.Values(expressions=markers), table, columns=[c for c, _ in columns])
        engine.execute_many(con, _render(statement), [tuple(value for row in chunk for value in row)])


MODELS_COLUMNS = (
    ("name", "VARCHAR"),
    ("layer", "VARCHAR"),
    ("grain", "VARCHAR"),
    ("owner", "VARCHAR"),
    ("description", "VARCHAR"),
    ("materialized", "VARCHAR"),
    ("unique_key", "VARCHAR[]"),
    ("incremental_by", "VARCHAR"),
    ("origin", "VARCHAR"),
    ("path", "VARCHAR"),
    ("sql", "VARCHAR"),
    ("sql_hash", "VARCHAR"),
    ("upstream_models", "VARCHAR[]"),
    ("source_tables", "VARCHAR[]"),
    ("action", "VARCHAR"),
    ("row_count", "BIGINT"),
    ("seconds", "DOUBLE"),
)
LINEAGE_COLUMNS = (
    ("model", "VARCHAR"),
    ("column", "VARCHAR"),
    ("source_table", "VARCHAR"),
    ("source_column", "VARCHAR"),
    ("transform", "VARCHAR"),
)
BUILDS_COLUMNS = (
    ("build_id", "VARCHAR"),
    ("started_at", "TIMESTAMPTZ"),
    ("finished_at", "TIMESTAMPTZ"),
    ("status", "VARCHAR"),
    ("models_built", "INTEGER"),
    ("rows_per_model", "JSON"),
    ("error", "VARCHAR"),
)
RECONCILIATION_COLUMNS = (
    ("ods_table", "VARCHAR"),
    ("model", "VARCHAR"),
    ("ods_rows", "BIGINT"),
    ("model_rows", "BIGINT"),
    ("rejected_rows", "BIGINT"),
    ("unaccounted_rows", "BIGINT"),
)
SOURCE_TABLES_COLUMNS = (
    ("source_table", "VARCHAR"),
    ("row_count", "BIGINT"),
    ("last_loaded_at", "TIMESTAMP"),
    ("last_batch_id", "VARCHAR"),
)
SOURCE_COLUMNS_COLUMNS = (
    ("source_table", "VARCHAR"),
    ("source_system", "VARCHAR"),
    ("column_name", "VARCHAR"),
    ("ordinal", "INTEGER"),
    ("data_type", "VARCHAR"),
)


def _source_freshness(
    con: engine.Connection, project: Project, schema: dict[str, dict[str, dict[str, str]]]
) -> list[tuple[object, ...]]:
    """Rows and last load of every ODS table the models read, as this build saw them.

    Readers never open the ODS, so the snapshot carries how fresh its inputs were: the metrics
    layer reports freshness from here.
    """
    rows: list[tuple[object, ...]] = []
    read = sorted({pair for pairs in project.sources.values() for pair in pairs})
    for db, written in read:
        real = {name.lower(): name for name in schema.get(db, {})}
        table = real.get(written.lower(), written)
        columns = {c.lower() for c in schema.get(db, {}).get(table, {})}
        source = _table(db, table, ODS_ALIAS)
        if {"_loaded_at", "_batch_id"} <= columns:
            loaded_at, batch_id = exp.column("_loaded_at"), exp.column("_batch_id")
            query = exp.select(
                exp.Count(this=exp.Star()),
                exp.Max(this=loaded_at.copy()),
                exp.ArgMax(this=batch_id, expression=loaded_at),
            ).from_(source)
            ((count, last_loaded_at, last_batch_id),) = engine.fetch_all(con, _render(query))
        else:
            count, last_loaded_at, last_batch_id = _count(con, source), None, None
        rows.append((f"{db}.{table}", count, last_loaded_at, last_batch_id))
    return rows


def _reconciliation(
    con: engine.Connection,
    project: Project,
    runs: dict[str, ModelRun],
    schema: dict[str, dict[str, dict[str, str]]],
) -> list[tuple[object, ...]]:
    """Per ODS table: its rows against the rows its DWD model carries plus the rows it rejected.

    Counts only, so every build can afford it; ``reconcile.py`` checks row by row in tests. A
    model reconciling several ODS tables (one per year, say) is compared against their sum, and an
    ODS table no model reconciles is listed with no model so that it shows up as a gap.
    """
    owner: dict[str, str] = {}
    for model in project.models.values():
        for _db, table in model.reconciles:
            owner[table.lower()] = model.name
    by_model: dict[str, list[str]] = {}
    for table in sorted(schema.get("ods", {})):
        by_model.setdefault(owner.get(table.lower(), ""), []).append(table)
    rows: list[tuple[object, ...]] = []
    for model_name, tables in sorted(by_model.items()):
        counts = {table: _count(con, _table("ods", table, ODS_ALIAS)) for table in tables}
        if not model_name:
            rows.extend((f"ods.{table}", None, n, None, None, n) for table, n in counts.items())
            continue
        run = runs.get(model_name)
        rejected_run = runs.get(f"{model_name}_rejected")
        carried = run.rows if run is not None and run.action != "skipped" else None
        rejected = rejected_run.rows if rejected_run is not None else 0
        total = sum(counts.values())
        unaccounted = None if carried is None else total - carried - rejected
        rows.append(
            (", ".join(f"ods.{t}" for t in tables), model_name, total, carried, rejected, unaccounted)
        )
    return rows


def _source_columns(con: engine.Connection) -> list[tuple[object, ...]]:
    """Every column of every ODS table, as the attached ODS holds it while the build runs.

    The data catalog lists ODS columns as data items but readers never open the ODS, so the
    snapshot carries them; empty when the build has no ODS attached.
    """
    rows: list[tuple[object, ...]] = []
    for table, columns in sorted(engine.catalog_columns(con, ODS_ALIAS).get("ods", {}).items()):
        system = table.split("__", 1)[0] if "__" in table else ""
        for ordinal, (column, data_type) in enumerate(columns.items(), start=1):
            rows.append((f"ods.{table}", system, column, ordinal, data_type))
    return rows


def _write_metadata(
    con: engine.Connection,
    project: Project,
    runs: dict[str, ModelRun],
    lineage: list[ColumnLineage],
    build_row: tuple[object, ...],
    has_previous: bool,
    sources: list[tuple[object, ...]],
    reconciliation: list[tuple[object, ...]] | None = None,
) -> None:
    engine.run(con, _render(exp.Create(this=exp.to_identifier(META_SCHEMA), kind="SCHEMA", exists=True)))
    models = _create_meta_table(con, "models", MODELS_COLUMNS)
    rows: list[tuple[object, ...]] = []
    for name in project.order:
        if name not in runs:
            continue
        model, run = project.models[name], runs[name]
        rows.append(
            (
                model.name,
                model.layer,
                model.grain,
                model.owner,
                model.description,
                model.materialized,
                list(model.unique_key),
                model.incremental_by,
                model.origin,
                str(model.path),
                model.sql,
                model.sql_hash,
                sorted(project.upstream[name]),
                sorted(f"{schema}.{table}" for schema, table in project.sources[name]),
                run.action,
                run.rows,
                run.seconds,
            )
        )
    _insert_rows(con, models, MODELS_COLUMNS, rows)
    lineage_table = _create_meta_table(con, "lineage", LINEAGE_COLUMNS)
    _insert_rows(
        con,
        lineage_table,
        LINEAGE_COLUMNS,
        [(e.model, e.column, e.source_table, e.source_column, e.transform) for e in lineage],
    )
    if reconciliation is not None:
        table = _create_meta_table(con, "reconciliation", RECONCILIATION_COLUMNS)
        _insert_rows(con, table, RECONCILIATION_COLUMNS, reconciliation)
    source_tables = _create_meta_table(con, "source_tables", SOURCE_TABLES_COLUMNS)
    _insert_rows(con, source_tables, SOURCE_TABLES_COLUMNS, sources)
    source_columns = _create_meta_table(con, "source_columns", SOURCE_COLUMNS_COLUMNS)
    _insert_rows(con, source_columns, SOURCE_COLUMNS_COLUMNS, _source_columns(con))
    builds = _create_meta_table(con, "builds", BUILDS_COLUMNS)
    if has_previous and "builds" in engine.catalog_columns(con, PREVIOUS_ALIAS).get(META_SCHEMA, {}):
        # The snapshot carries the history of published builds, so a reader needs no other file.
        engine.run(
            con,
            _render(exp.insert(exp.select("*").from_(_table(META_SCHEMA, "builds", PREVIOUS_ALIAS)), builds)),
        )
    _insert_rows(con, builds, BUILDS_COLUMNS, [build_row])


def _ods_tables(paths: HubPaths) -> dict[str, dict[str, dict[str, str]]]:
    if not paths.ods.exists():
        return {}
    con = engine.connect(paths.ods, read_only=True)
    try:
        catalog = engine.catalog_columns(con, engine.current_catalog(con))
    finally:
        con.close()
    return {schema: tables for schema, tables in catalog.items() if schema in SOURCE_SCHEMAS}


def load_project(home: Path) -> Project:
    """Discover and plan every model of a college against its current ODS (no build)."""
    paths = HubPaths(home)
    ods = _ods_tables(paths)
    return plan(
        discover(paths.college_models),
        [(schema, table) for schema, tables in ods.items() for table in tables],
        seed_tables(),
    )


def build(
    home: Path,
    *,
    progress: bool = True,
    select: list[str] | None = None,
    full_refresh: bool = False,
    after_model: Sequence[AfterModelHook] = (),
    memory_limit: str | None = None,
    threads: int | None = None,
    quality: bool = True,
) -> BuildReport:
    """Build every model into a new snapshot and publish it; return what was done.

    ``select`` limits the build to the named models and everything downstream of them; the other
    models are copied unchanged from the previous snapshot (or built if it lacks them).
    ``full_refresh`` rebuilds incremental models from all their input. ``memory_limit`` (``"4GB"``)
    and ``threads`` bound DuckDB; by default it may use 80% of the machine's memory, and spills to
    disk beyond the limit rather than failing. ``quality`` runs the quality rules beside the
    models (docs/quality.md): ``error`` rules between models, the rest before publishing, into the
    snapshot's ``quality`` schema; the report's ``quality`` summarizes them. Project mistakes (a bad
    header, a missing reference, a cycle) raise :class:`ModelError` before any file is written; a
    model whose SQL fails returns a report with ``status="failed"`` and publishes nothing.
    Raises :class:`~campusbrain.hub.lock.HubBusy` when a sync or another build is running.
    """
    paths = HubPaths(home)
    with hub_lock(paths, "build"):
        # Files of builds killed before publishing are garbage: nobody ever pointed at them.
        remove_unpublished(paths)
        started = datetime.now(UTC)
        build_id = new_build_id(started)
        models = discover(paths.college_models)
        if not paths.ods.exists() and any(
            schema in SOURCE_SCHEMAS for model in models.values() for schema, _ in model.references()
        ):
            raise NoODS(f"no ODS at {paths.ods}: run `campusbrain hub sync` before `hub build`")
        ods = _ods_tables(paths)
        project = plan(
            models, [(schema, table) for schema, tables in ods.items() for table in tables], seed_tables()
        )
        if select:
            unknown = sorted(set(select) - set(project.models))
            if unknown:
                raise ModelError(f"no such model: {', '.join(unknown)}")
        rebuild = project.downstream_closure(select) if select else set(project.order)
        # Rule files are checked before the snapshot exists, like the models themselves.
        quality_run = prepare_quality(paths, project) if quality else None
        snapshot = snapshot_path(paths, build_id)
        return _build_snapshot(
            paths,
            project,
            build_id=build_id,
            started=started,
            snapshot=snapshot,
            rebuild=rebuild,
            full_refresh=full_refresh,
            progress=progress,
            hooks=after_model,
            memory_limit=memory_limit,
            threads=threads,
            quality_run=quality_run,
        )


def _build_snapshot(
    paths: HubPaths,
    project: Project,
    *,
    build_id: str,
    started: datetime,
    snapshot: Path,
    rebuild: set[str],
    full_refresh: bool,
    progress: bool,
    hooks: Sequence[AfterModelHook],
    memory_limit: str | None,
    threads: int | None,
    quality_run: QualityRun | None = None,
) -> BuildReport:
    previous = read_published(paths)
    has_previous = previous is not None and previous.snapshot.exists()
    con = engine.connect(snapshot, memory_limit=memory_limit, threads=threads)
    # tqdm draws one bar for the whole build; DuckDB's per-query bar would tear it apart.
    engine.disable_progress_bar(con)
    # A model's table is a set: the order its rows are stored in means nothing (every reader that
    # needs an order asks for it), and writing them in scan order held back the parallel writers
    # (dwd.card_transaction, 97.6 million rows on 2 cores: 69.8 s -> 64.4 s).
    engine.run(con, "SET preserve_insertion_order = false")
    context = BuildContext(con=con, build_id=build_id, project=project)
    if quality_run is not None:
        quality_run.ods_alias = ODS_ALIAS if paths.ods.exists() else None
        quality_run.previous_alias = PREVIOUS_ALIAS if has_previous else None
        hooks = (*hooks, quality_run.after_model)
    quality_summary = None
    lineage: list[ColumnLineage] = []
    current: str | None = None
    try:
        if paths.ods.exists():
            engine.attach(con, paths.ods, ODS_ALIAS, read_only=True)
        previous_hashes: dict[str, str] = {}
        if has_previous:
            assert previous is not None
            engine.attach(con, previous.snapshot, PREVIOUS_ALIAS, read_only=True)
            previous_hashes = _previous_hashes(con)
        for layer in LAYERS:
            engine.run(con, _render(exp.Create(this=exp.to_identifier(layer), kind="SCHEMA", exists=True)))
        create_seeds(con, paths.home)
        register_functions(con)
        schema: dict[str, dict[str, dict[str, str]]] = (
            {db: dict(tables) for db, tables in engine.catalog_columns(con, ODS_ALIAS).items()}
            if paths.ods.exists()
            else {}
        )
        schema = {db: tables for db, tables in schema.items() if db in SOURCE_SCHEMAS}
        if paths.ods.exists():
            create_mapping_reports(
                con, paths.home, ODS_ALIAS, {t.lower(): set(c) for t, c in schema.get("ods", {}).items()}
            )
        own_catalog = engine.current_catalog(con)
        for seed_schema in SEED_SCHEMAS:
            schema[seed_schema] = dict(engine.catalog_columns(con, own_catalog).get(seed_schema, {}))
        previous_tables = (
            frozenset(
                f"{db}.{table}".lower()
                for db, tables in engine.catalog_columns(con, PREVIOUS_ALIAS).items()
                for table in tables
            )
            if has_previous
            else frozenset()
        )
        blocked: set[str] = set()
        recomputed: set[str] = set()
        bar = tqdm(project.order, desc="hub build", unit="model", disable=not progress)
        for name in bar:
            current = name
            model = project.models[name]
            bar.set_postfix_str(name)
            same_sql = previous_hashes.get(name) == model.sql_hash
            upstream_blocked = bool(project.upstream[name] & blocked)
            # A copy is only as current as its inputs: once an upstream model is recomputed in
            # this build, everything reading it is recomputed too.
            upstream_recomputed = bool(project.upstream[name] & recomputed)
            if upstream_blocked:
                blocked.add(name)
                if not same_sql:
                    # Nothing good to keep: the model is left out of this snapshot.
                    context.runs[name] = ModelRun(name, model.layer, model.materialized, "skipped", 0, 0.0)
                    continue
                reuse: str | None = "copy"
            elif name not in rebuild and same_sql and not upstream_recomputed:
                reuse = "copy"
            elif model.materialized == "incremental" and same_sql and not full_refresh:
                reuse = "incremental"
            else:
                reuse = None
            began = time.perf_counter()
            python_context = (
                PythonModelContext(
                    con=con,
                    build_id=build_id,
                    home=paths.home,
                    target=name,
                    has_previous=has_previous,
                    previous_tables=previous_tables,
                    present_tables=frozenset(
                        f"{db}.{table}".lower()
                        for db, tables in engine.catalog_columns(con, own_catalog).items()
                        for table in tables
                    ),
                )
                if model.python is not None
                else None
            )
            action, rows = _run_model(con, model, project, reuse=reuse, python_context=python_context)
            if upstream_blocked:
                action = "kept"
            elif action != "copied":
                recomputed.add(name)
            run = ModelRun(
                name=name,
                layer=model.layer,
                materialized=model.materialized,
                action=action,
                rows=rows,
                seconds=round(time.perf_counter() - began, 3),
            )
            context.runs[name] = run
            own_tables = engine.catalog_columns(con, own_catalog)
            columns = own_tables.get(model.schema, {}).get(model.table, {})
            schema.setdefault(model.schema, {})[model.table] = columns
            if model.python is None:
                lineage.extend(model_lineage(model, schema, list(columns)))
            else:
                for extra in model.python.also_creates:
                    extra_schema, _, extra_table = extra.partition(".")
                    schema.setdefault(extra_schema, {})[extra_table] = own_tables.get(extra_schema, {}).get(
                        extra_table, {}
                    )
            for hook in hooks:
                if not hook(context, model, run) and not upstream_blocked:
                    blocked.add(name)
        current = None
        finished = datetime.now(UTC)
        runs = tuple(context.runs[name] for name in project.order if name in context.runs)
        build_row = (
            build_id,
            started,
            finished,
            "published",
            len(runs),
            json.dumps({run.name: run.rows for run in runs}),
            None,
        )
        sources = _source_freshness(con, project, schema) if paths.ods.exists() else []
        reconciliation = _reconciliation(con, project, context.runs, schema) if paths.ods.exists() else None
        if quality_run is not None:
            current = "quality"
            quality_summary = quality_run.finish(con, build_id, context.runs)
            current = None
        _write_metadata(con, project, context.runs, lineage, build_row, has_previous, sources, reconciliation)
        for alias, attached in ((ODS_ALIAS, paths.ods.exists()), (PREVIOUS_ALIAS, has_previous)):
            if attached:
                engine.detach(con, alias)
        engine.checkpoint(con)
        con.close()
    except Exception as error:
        con.close()
        for leftover in (snapshot, snapshot.with_name(snapshot.name + ".wal")):
            leftover.unlink(missing_ok=True)
        finished = datetime.now(UTC)
        message = f"{type(error).__name__}: {error}"
        record_build(
            paths,
            {
                "build_id": build_id,
                "started_at": started.isoformat(),
                "finished_at": finished.isoformat(),
                "status": "failed",
                "failed_model": current,
                "error": message,
            },
        )
        return BuildReport(
            build_id=build_id,
            status="failed",
            started_at=started,
            finished_at=finished,
            snapshot=None,
            models=tuple(context.runs[name] for name in project.order if name in context.runs),
            failed_model=current,
            error=message,
        )
    publish(paths, build_id, snapshot)
    record_build(
        paths,
        {
            "build_id": build_id,
            "started_at": started.isoformat(),
            "finished_at": finished.isoformat(),
            "status": "published",
            "snapshot": snapshot.relative_to(paths.warehouse).as_posix(),
            "rows_per_model": {run.name: run.rows for run in runs},
        },
    )
    return BuildReport(
        build_id=build_id,
        status="published",
        started_at=started,
        finished_at=finished,
        snapshot=snapshot,
        models=runs,
        quality=quality_summary,
    )
