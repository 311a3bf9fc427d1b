"""SQL model files: header parsing, discovery (built-in + a college's own) and the dependency graph.

A model file is ``<layer>/<table>.sql`` holding a leading ``-- key: value`` header and one SELECT.
References are read from the parsed SQL (SQLGlot), never declared by hand, so the graph cannot
drift from what the SQL actually reads. Everything here is pure: no database is touched, which
keeps ``hub build`` failing fast, before a snapshot file exists, on any project mistake.
"""

from __future__ import annotations

import graphlib
import hashlib
import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from campusbrain.hub.models.python import PythonModel, python_models

DIALECT = "duckdb"
LAYERS = ("ods", "dwd", "dws", "ads")
# Schemas that hold what ``hub sync`` wrote; a reference into them that is not a model is a source.
SOURCE_SCHEMAS = frozenset({"ods", "meta"})
MATERIALIZATIONS = ("full", "incremental")
REQUIRED_FIELDS = ("name", "layer", "grain", "owner", "description", "materialized")
OPTIONAL_FIELDS = ("unique_key", "incremental_by", "reconciles")
# Reference tables the runner writes into every snapshot before the models run (seeds.py).
SEED_SCHEMAS = frozenset({"std"})
BUILTIN_MODELS = Path(__file__).parent

_HEADER_LINE = re.compile(r"^--\s?(?P<key>[a-z_]+):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(?P<value>\S.*)$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


class ModelError(Exception):
    """A mistake in the model project; the message names the file or models to fix."""


class ModelFileError(ModelError):
    """A model file whose header or SQL is invalid."""


class MissingReference(ModelError):
    """A model reads a table that is neither another model nor an ODS/meta source table."""

    def __init__(self, model: str, table: str, path: Path) -> None:
        self.model = model
        self.table = table
        super().__init__(
            f"model {model} ({path}) reads {table}, which is neither a model nor a table in the ODS"
        )


class LayerViolation(ModelError):
    """A model reads a model of a higher layer (data flows ODS → DWD → DWS → ADS only)."""


class CycleError(ModelError):
    """Models that depend on each other in a circle."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__("models depend on each other in a cycle: " + " → ".join(cycle))


@dataclass(frozen=True)
class Model:
    """One parsed model file."""

    name: str
    layer: str
    grain: str
    owner: str
    description: str
    materialized: str
    sql: str
    path: Path
    origin: str  # "builtin" or "college"
    unique_key: tuple[str, ...] = ()
    incremental_by: str | None = None
    query: exp.Query = field(repr=False, compare=False, default_factory=exp.Select)
    # ODS tables whose every row this model carries or lists in ``<name>_rejected``.
    reconciles: tuple[tuple[str, str], ...] = ()
    # Set for a model computed in Python (python.py); ``sql`` and ``query`` are then empty.
    python: PythonModel | None = field(default=None, repr=False, compare=False)

    @property
    def schema(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def table(self) -> str:
        return self.name.split(".", 1)[1]

    @property
    def sql_hash(self) -> str:
        """Hash of the header and the SQL: an incremental model restarts from scratch when it changes."""
        if self.python is not None:
            return self.python.code_hash
        header = "|".join([self.materialized, ",".join(self.unique_key), self.incremental_by or ""])
        return hashlib.sha256((header + "\n" + self.sql).encode()).hexdigest()

    def references(self) -> list[tuple[str, str]]:
        """``(schema, table)`` of every table the query reads, CTE names excluded, in first-seen order."""
        if self.python is not None:
            return [_split_name(name) for name in (*self.python.reads, *self.python.optional_reads)]
        ctes = {cte.alias_or_name.lower() for cte in self.query.find_all(exp.CTE)}
        seen: dict[tuple[str, str], None] = {}
        for table in self.query.find_all(exp.Table):
            if not table.name:
                continue  # table functions such as range(…) or read_csv(…) have no name
            if not table.db and table.name.lower() in ctes:
                continue
            seen[(table.db.lower(), table.name)] = None
        return list(seen)


@dataclass(frozen=True)
class Project:
    """Every model of a college, in build order, with each model's upstream models."""

    models: Mapping[str, Model]
    order: tuple[str, ...]
    upstream: Mapping[str, frozenset[str]]
    sources: Mapping[str, frozenset[tuple[str, str]]]
    # Built-in models left out because a source table they need is not in this college's ODS.
    unavailable: Mapping[str, str] = field(default_factory=dict)

    def downstream_closure(self, names: Iterable[str]) -> set[str]:
        """The given models and everything that (transitively) reads them."""
        result = set(names)
        for name in self.order:
            if self.upstream[name] & result:
                result.add(name)
        return result


def parse_model(path: Path, *, origin: str, folder_layer: str | None = None) -> Model:
    """Parse one model file; any header or SQL mistake raises :class:`ModelFileError` naming the file."""
    # utf-8-sig: Windows Notepad, which many college staff edit with, starts files with a BOM.
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ModelFileError(f"{path}: not UTF-8 text (saved as GBK/ANSI?); save it as UTF-8") from error
    header: dict[str, str] = {}
    body_lines: list[str] = []
    last_key: str | None = None
    in_header = True
    for line in text.splitlines():
        if in_header:
            stripped = line.rstrip()
            if not stripped:
                if header:
                    in_header = False
                continue
            match = _HEADER_LINE.match(stripped)
            continuation = _CONTINUATION.match(stripped)
            if match:
                key = match.group("key")
                if key in header:
                    raise ModelFileError(f"{path}: header field {key!r} is given twice")
                header[key] = match.group("value").strip()
                last_key = key
                continue
            if continuation and last_key is not None:
                header[last_key] = (header[last_key] + " " + continuation.group("value").strip()).strip()
                continue
            if stripped.startswith("--"):
                raise ModelFileError(f"{path}: header line {stripped!r} is not 'key: value'")
            in_header = False
        body_lines.append(line)

    unknown = sorted(set(header) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise ModelFileError(
            f"{path}: unknown header field(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}"
        )
    missing = [key for key in REQUIRED_FIELDS if not header.get(key)]
    if missing:
        raise ModelFileError(f"{path}: header is missing {', '.join(missing)}")

    name, layer, materialized = header["name"], header["layer"], header["materialized"]
    if layer not in LAYERS:
        raise ModelFileError(f"{path}: layer {layer!r} is not one of {', '.join(LAYERS)}")
    if folder_layer is not None and folder_layer != layer:
        raise ModelFileError(f"{path}: layer {layer!r} but the file is in the {folder_layer}/ folder")
    schema, _, table = name.partition(".")
    if schema != layer or not _IDENTIFIER.match(table):
        raise ModelFileError(
            f"{path}: name {name!r} must be '{layer}.<table>' with a lower-case table name (a-z, 0-9, _)"
        )
    if table != path.stem:
        raise ModelFileError(f"{path}: name {name!r} does not match the file name {path.name!r}")
    if materialized not in MATERIALIZATIONS:
        raise ModelFileError(
            f"{path}: materialized {materialized!r} is not one of {', '.join(MATERIALIZATIONS)}"
        )
    unique_key = tuple(k.strip() for k in header.get("unique_key", "").split(",") if k.strip())
    incremental_by = header.get("incremental_by") or None
    if materialized == "incremental" and not incremental_by:
        raise ModelFileError(f"{path}: an incremental model needs 'incremental_by: <column>'")
    if materialized == "full" and (unique_key or incremental_by):
        raise ModelFileError(f"{path}: unique_key/incremental_by only apply to incremental models")

    sql = "\n".join(body_lines).strip().rstrip(";").strip()
    if not sql:
        raise ModelFileError(f"{path}: no SQL after the header")
    try:
        statements = [s for s in sqlglot.parse(sql, read=DIALECT) if s is not None]
    except ParseError as error:
        raise ModelFileError(f"{path}: SQL does not parse: {error}") from error
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise ModelFileError(f"{path}: the body must be exactly one SELECT query")
    query = statements[0]
    outputs = {select.alias_or_name.lower() for select in query.selects}
    for column in (*unique_key, *([incremental_by] if incremental_by else [])):
        if "*" not in outputs and column.lower() not in outputs:
            raise ModelFileError(f"{path}: {column!r} is not an output column of the query")
    reconciles = _reconciled_tables(path, header.get("reconciles", ""))
    return Model(
        name=name,
        layer=layer,
        grain=header["grain"],
        owner=header["owner"],
        description=header["description"],
        materialized=materialized,
        sql=sql,
        path=path,
        origin=origin,
        unique_key=unique_key,
        incremental_by=incremental_by,
        query=query,
        reconciles=reconciles,
    )


def _split_name(name: str) -> tuple[str, str]:
    schema, _, table = name.partition(".")
    return schema.lower(), table


def _reconciled_tables(path: Path, value: str) -> tuple[tuple[str, str], ...]:
    """Parse ``reconciles: ods."a__b", ods."c__d"`` into ``(("ods", "a__b"), ("ods", "c__d"))``."""
    tables: list[tuple[str, str]] = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            table = exp.to_table(part, dialect=DIALECT)
        except ParseError as error:
            raise ModelFileError(f"{path}: reconciles: {part!r} is not a table name") from error
        if table.db.lower() != "ods" or not table.name:
            raise ModelFileError(
                f'{path}: reconciles: {part!r} must name an ODS table, ods."<source>__<table>"'
            )
        tables.append(("ods", table.name))
    return tuple(tables)


def python_model(model: PythonModel) -> Model:
    """The project's view of a Python model, so that planning treats it like any other."""
    module = inspect.getmodule(model.run)
    where = Path(module.__file__) if module is not None and module.__file__ else Path(model.name)
    layer = model.layer
    if layer not in LAYERS or layer == "ods":
        raise ModelFileError(f"{where}: Python model {model.name!r} must be in dwd, dws or ads")
    return Model(
        name=model.name,
        layer=layer,
        grain=model.grain,
        owner=model.owner,
        description=model.description,
        materialized="full",
        sql="",
        path=where,
        origin="builtin",
        python=model,
    )


def discover(college_models: Path | None, *, builtin: Path = BUILTIN_MODELS) -> dict[str, Model]:
    """Built-in models plus a college's own; a college model with the same name replaces the built-in.

    Replacing (rather than refusing) lets a college adapt a built-in model to its own source system
    without forking the product; the built-in stays the default for every other college. Within one
    folder a name cannot repeat: it must equal ``<layer folder>.<file stem>``.
    """
    models: dict[str, Model] = {name: python_model(m) for name, m in python_models().items()}
    for origin, root in (("builtin", builtin), ("college", college_models)):
        if root is None or not root.is_dir():
            continue
        for layer in LAYERS:
            for path in sorted((root / layer).glob("*.sql")):
                model = parse_model(path, origin=origin, folder_layer=layer)
                models[model.name] = model
    return models


def _default_seed_tables() -> list[tuple[str, str]]:
    # Imported here: seeds.py needs the engine, and planning itself stays free of any database.
    from campusbrain.hub.models.seeds import seed_tables

    return seed_tables()


def plan(
    models: Mapping[str, Model],
    source_tables: Iterable[tuple[str, str]],
    seed_tables: Iterable[tuple[str, str]] | None = None,
) -> Project:
    """Resolve references, check layering, and order the models; raise on a missing table or a cycle.

    ``source_tables`` are the ``(schema, table)`` pairs present in the ODS database; ``seed_tables``
    the reference tables every snapshot starts with (``std.*``, by default those of ``seeds.py``). A name that is both a model and an
    ODS table means the model: models are what the snapshot is made of.
    """
    seeds = {(schema.lower(), table.lower()) for schema, table in (seed_tables or _default_seed_tables())}
    known_sources = {(schema.lower(), table) for schema, table in source_tables}
    known_sources_folded = {(schema, table.lower()) for schema, table in known_sources}
    by_name = {name.lower(): name for name in models}
    # Extra tables a Python model makes are read through it: reading one depends on the model.
    for model in models.values():
        if model.python is not None:
            for extra in model.python.also_creates:
                by_name.setdefault(extra.lower(), model.name)
    upstream: dict[str, frozenset[str]] = {}
    sources: dict[str, frozenset[tuple[str, str]]] = {}
    unavailable: dict[str, str] = {}
    for model in models.values():
        deps: set[str] = set()
        reads: set[tuple[str, str]] = set()
        for schema, table in model.references():
            qualified = f"{schema}.{table}".lower()
            if qualified in by_name:
                deps.add(by_name[qualified])
            elif (schema, table.lower()) in seeds:
                continue
            elif schema in SOURCE_SCHEMAS and (
                (schema, table) in known_sources or (schema, table.lower()) in known_sources_folded
            ):
                reads.add((schema, table))
            elif model.python is not None and qualified in {r.lower() for r in model.python.optional_reads}:
                continue
            elif model.origin == "builtin" and schema in SOURCE_SCHEMAS:
                # A college without this source system (no 科研 system, say) simply does not get
                # the built-in models for it; a college's own model must name real tables.
                unavailable.setdefault(
                    model.name, f"reads {schema}.{table}, which this college has not synced"
                )
            else:
                shown = f"{schema}.{table}" if schema else table
                raise MissingReference(model.name, shown, model.path)
        for dep in deps:
            if LAYERS.index(models[dep].layer) > LAYERS.index(model.layer):
                raise LayerViolation(
                    f"model {model.name} ({model.path}) reads {dep}, a {models[dep].layer} model; "
                    f"a {model.layer} model may only read {', '.join(LAYERS[: LAYERS.index(model.layer) + 1])}"
                )
        upstream[model.name] = frozenset(deps)
        sources[model.name] = frozenset(reads)
    reconciled_by: dict[str, str] = {}
    for model in sorted(models.values(), key=lambda m: m.name):
        for _db, table in model.reconciles:
            other = reconciled_by.setdefault(table.lower(), model.name)
            if other != model.name:
                raise ModelError(
                    f"ods.{table} is reconciled by two models, {other} and {model.name} ({model.path}); "
                    "every ODS table's rows belong to exactly one DWD model"
                )
    optional = {
        name: {by_name.get(read.lower(), read) for read in model.python.optional_reads}
        for name, model in models.items()
        if model.python is not None and model.python.optional_reads
    }
    changed = True
    while changed:
        changed = False
        for name, needs in upstream.items():
            if name in unavailable:
                continue
            required = needs - optional.get(name, set())
            missing = set(required & unavailable.keys())
            if not missing and name in optional and not (optional[name] & needs) - unavailable.keys():
                missing = set(optional[name])
            if missing:
                unavailable[name] = f"reads {min(missing)}, which cannot be built here"
                changed = True
    # What a model may do without is simply not an input where it is unavailable.
    upstream = {name: frozenset(needs - unavailable.keys()) for name, needs in upstream.items()}
    models = {name: model for name, model in models.items() if name not in unavailable}
    upstream = {name: deps for name, deps in upstream.items() if name not in unavailable}
    sources = {name: reads for name, reads in sources.items() if name not in unavailable}
    sorter = graphlib.TopologicalSorter({name: sorted(deps) for name, deps in upstream.items()})
    try:
        # Sorting ready nodes gives the same order on every run, which makes progress output and
        # build logs comparable between builds.
        sorter.prepare()
        order: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=lambda n: (LAYERS.index(models[n].layer), n))
            order.extend(ready)
            sorter.done(*ready)
    except graphlib.CycleError as error:
        cycle = list(error.args[1])
        raise CycleError(cycle) from error
    return Project(
        models=dict(models), order=tuple(order), upstream=upstream, sources=sources, unavailable=unavailable
    )
