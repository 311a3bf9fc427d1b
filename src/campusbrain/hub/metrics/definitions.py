"""Metric definitions as data: the YAML files under ``definitions/``, loaded and checked.

Two kinds of file live there. ``_sources.yaml`` describes each warehouse table metrics read: the
column that counts people (for small-cell suppression), the columns that scope it to a department
or to classes, the periods it can be cut by, its dimensions and the columns shown when a number
is drilled through. Every other file is one cockpit theme (``students.yaml`` …) listing metrics
over those sources. Expressions in both (``where``, ``expr``, dimension columns, derived
formulas) are SQL expressions, parsed with SQLGlot into trees and checked node by node: only
column references, literals, operators, CASE and a short list of scalar functions are allowed,
so a definition can say *what* to compute but never run a query of its own.

A mistake is a :class:`DefinitionError` that names the file, the metric and the field:
``students.yaml: metric students.enrolled: dimensions: unknown dimension '院系'``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import sqlglot
import yaml
from sqlglot import exp
from sqlglot.errors import ParseError

from campusbrain.hub.contracts import MetricDefinition
from campusbrain.hub.metrics.calendar import DATE_GRAINS, GRAINS

THEMES: tuple[tuple[str, str, str], ...] = (
    ("overview", "综合态势", "Overview"),
    ("governance", "数据治理", "Data governance"),
    ("hr", "人事专题", "Human resources"),
    ("staff", "在职教职工", "Staff in post"),
    ("grades", "学生课程成绩分析", "Student course grades"),
    ("students", "学生基本概况分析", "Student overview"),
    ("assets", "资产专题", "Assets"),
    ("research", "科研专题", "Research"),
    ("finance", "财务专题", "Finance"),
    ("oa", "OA办公", "Office automation"),
    ("evaluation", "测评数据分析", "Evaluation"),
    ("quality", "质量管理平台数据展示", "Quality assurance platform"),
    ("library", "图书专题", "Library"),
    ("card", "一卡通专题", "Campus card"),
    ("scholarship", "奖学金", "Scholarships"),
    ("employment", "就业专题", "Employment"),
)
THEME_SLUGS = tuple(slug for slug, _zh, _en in THEMES)
KINDS = ("count", "sum", "distinct", "ratio", "derived", "cumulative")
AGGREGATES = ("count", "sum", "distinct", "max", "min")
TIME_BASES = ("学年", "学期", "自然年", "时点")
DIRECTIONS = ("higher_better", "lower_better", "neutral")
MIN_CELL = 5
# Schemas a metric may read: the built layers plus what every snapshot carries.
READABLE_SCHEMAS = ("dwd", "dws", "ads", "meta", "std", "quality")

_METRIC_REQUIRED = (
    "id",
    "name",
    "name_en",
    "caliber",
    "owner",
    "kind",
    "unit",
    "time_base",
    "grains",
    "dimensions",
    "direction",
    "version",
    "effective_from",
)
_METRIC_OPTIONAL = (
    "source",
    "where",
    "expr",
    "numerator",
    "denominator",
    "scale",
    "of",
    "refs",
    "formula",
    "target",
    "warning",
    "effective_to",
    "census_date",
    "min_cell",
    "counts_people",
    "decimals",
)
_SOURCE_KEYS = (
    "snapshot_column",
    "people",
    "people_sum",
    "department",
    "classes",
    "joins",
    "periods",
    "period_date",
    "dimensions",
    "drill",
    "elements",
    "census",
)
# Scalar functions an expression may call; anything else (read_csv, a subquery …) is refused.
_ALLOWED_FUNCTIONS = {
    "coalesce",
    "nullif",
    "round",
    "abs",
    "greatest",
    "least",
    "year",
    "month",
    "lower",
    "upper",
    "length",
    "concat",
    "date_diff",
    "datediff",
    "strftime",
    "if",
    "len",
    "array_length",
    "substring",
    "left",
    "extract",
    "list_contains",
    "array_size",
    "array_contains",
    "time_to_str",
    "date_part",
    "current_date",
    "split_part",
    "date_trunc",
}
_ALLOWED_NODES = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Binary,  # arithmetic, comparison, AND/OR, ||
    exp.Not,
    exp.Neg,
    exp.Paren,
    exp.Is,
    exp.In,
    exp.Between,
    exp.Case,
    exp.If,
    exp.Cast,
    exp.TryCast,
    exp.DataType,
    exp.Tuple,
    exp.Var,
    exp.Interval,
    exp.Func,
    exp.Star,
)


# Nodes SQLGlot models as functions that are operators, not calls.
_OPERATORS = (
    exp.Binary,
    exp.Not,
    exp.Neg,
    exp.Paren,
    exp.Is,
    exp.In,
    exp.Between,
    exp.Case,
    exp.If,
    exp.Cast,
    exp.TryCast,
)


class DefinitionError(ValueError):
    """A metric or source definition is invalid; the message names the file, metric and field."""


@dataclass(frozen=True)
class Join:
    """A table joined to a source to reach its department, class or dimension columns."""

    alias: str
    table: str
    on: exp.Expr


@dataclass(frozen=True)
class Dimension:
    """One dimension of a source: the value expression, and a code system to name codes with."""

    name: str
    expr: exp.Expr
    code_system: str | None = None


@dataclass(frozen=True)
class Source:
    """A warehouse table metrics read, with how to scope, cut and drill into it (``_sources.yaml``)."""

    table: str
    people: exp.Expr | None  # COUNT(DISTINCT people) = people in a cell
    people_sum: exp.Expr | None  # or SUM(people_sum) for a table of pre-counted groups
    department: exp.Expr | None
    classes: exp.Expr | None
    joins: tuple[Join, ...]
    periods: dict[str, exp.Expr]  # grain -> label expression
    period_date: exp.Expr | None  # a DATE column the calendar cuts into DATE_GRAINS
    period_date_grains: tuple[str, ...]
    dimensions: dict[str, Dimension]
    drill: tuple[str, ...]
    elements: dict[str, str]  # drill column -> data element key (XSJBXX.XM) for masking
    census: str | None  # what a 时点 value is as of
    snapshot_column: exp.Expr | None = None  # a history table: rows of the current build at 时点

    def grains(self) -> tuple[str, ...]:
        """Every grain this source can be cut by (时点 always: the state as built)."""
        return (*self.periods, *self.period_date_grains, "时点")

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table, *(j.table for j in self.joins))


@dataclass(frozen=True)
class Aggregate:
    """``agg(expr) FILTER (WHERE where)`` over a source's rows (count ignores ``expr``)."""

    agg: str
    expr: exp.Expr | None
    where: exp.Expr | None


@dataclass(frozen=True)
class Metric:
    """A metric as the compiler needs it; :attr:`definition` is what crosses ``hub.api``."""

    definition: MetricDefinition
    file: str
    source: Source | None
    where: exp.Expr | None
    value: Aggregate | None  # count, sum, distinct, cumulative (the running total's measure)
    numerator: Aggregate | None
    denominator: Aggregate | None
    scale: float
    refs: dict[str, str] = field(default_factory=dict)  # derived: name in formula -> metric id
    formula: exp.Expr | None = None
    census_date: str | None = None
    decimals: int | None = None

    @property
    def id(self) -> str:
        return self.definition.id


@dataclass(frozen=True)
class Catalog:
    """Every metric, by id, the themes' member lists (overview lists references) and the sources."""

    metrics: dict[str, Metric]
    themes: dict[str, tuple[str, ...]]
    sources: dict[str, Source]

    def in_theme(self, theme: str) -> tuple[Metric, ...]:
        return tuple(self.metrics[m] for m in self.themes.get(theme, ()))


def parse_expression(text: object, where: str) -> exp.Expr:
    """Parse one definition expression and refuse anything but a scalar expression over columns."""
    if not isinstance(text, str | int | float) or isinstance(text, bool) or str(text).strip() == "":
        raise DefinitionError(f"{where}: expected an SQL expression, got {text!r}")
    try:
        tree = sqlglot.parse_one(str(text), dialect="duckdb")
    except ParseError as error:
        raise DefinitionError(f"{where}: cannot parse {text!r}: {error}") from None
    for node in tree.walk():
        if isinstance(node, exp.Query | exp.Subquery | exp.Table):
            raise DefinitionError(f"{where}: {text!r} may not contain a query or a table")
        if not isinstance(node, _ALLOWED_NODES):
            raise DefinitionError(f"{where}: {text!r} uses {node.key.upper()}, which definitions may not use")
        if isinstance(node, exp.Func) and not isinstance(node, _OPERATORS):
            name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
            if isinstance(node, exp.AggFunc):
                raise DefinitionError(f"{where}: {text!r} may not aggregate; the metric kind does that")
            if name not in _ALLOWED_FUNCTIONS:
                raise DefinitionError(f"{where}: {text!r} calls {name}(), which definitions may not call")
    return tree


def columns_of(tree: exp.Expr) -> list[tuple[str, str]]:
    """(table alias or '', column) for every column an expression reads."""
    return [(c.table or "", c.name) for c in tree.find_all(exp.Column)]


def _where(file: str, metric: str | None, key: str) -> str:
    return f"{file}: metric {metric}: {key}" if metric else f"{file}: {key}"


def _str_tuple(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise DefinitionError(f"{where}: expected a list of names, got {value!r}")
    return tuple(str(v) for v in value)


def _as_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DefinitionError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None


def _as_float(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DefinitionError(f"{where}: expected a number, got {value!r}")
    return float(value)


def parse_sources(document: Any, file: str) -> dict[str, Source]:
    """Check ``_sources.yaml`` and return each source by table name."""
    if not isinstance(document, dict) or not isinstance(document.get("sources"), dict):
        raise DefinitionError(f"{file}: expected a mapping 'sources: {{table: …}}'")
    sources: dict[str, Source] = {}
    for table, spec in document["sources"].items():
        where = f"{file}: source {table}"
        schema, _, name = str(table).partition(".")
        if schema not in READABLE_SCHEMAS or not name:
            raise DefinitionError(f"{where}: the table must be <schema>.<table> in one of {READABLE_SCHEMAS}")
        if not isinstance(spec, dict):
            raise DefinitionError(f"{where}: expected a mapping")
        unknown = set(spec) - set(_SOURCE_KEYS)
        if unknown:
            raise DefinitionError(f"{where}: unknown field(s) {sorted(unknown)}")

        def expr(key: str, value: Any, _where: str = where) -> exp.Expr:
            return parse_expression(value, f"{_where}: {key}")

        joins = []
        for i, join in enumerate(spec.get("joins") or []):
            if not isinstance(join, dict) or set(join) != {"alias", "table", "condition"}:
                raise DefinitionError(f"{where}: joins[{i}]: expected alias, table and condition")
            joins.append(
                Join(str(join["alias"]), str(join["table"]), expr(f"joins[{i}].condition", join["condition"]))
            )
        dimensions: dict[str, Dimension] = {}
        for dim, dspec in (spec.get("dimensions") or {}).items():
            if isinstance(dspec, dict):
                if "expr" not in dspec:
                    raise DefinitionError(f"{where}: dimensions.{dim}: expected expr")
                dimensions[str(dim)] = Dimension(
                    str(dim), expr(f"dimensions.{dim}", dspec["expr"]), dspec.get("code_system")
                )
            else:
                dimensions[str(dim)] = Dimension(str(dim), expr(f"dimensions.{dim}", dspec))
        periods = {}
        for grain, pexpr in (spec.get("periods") or {}).items():
            if grain not in GRAINS or grain == "时点":
                raise DefinitionError(f"{where}: periods: unknown grain {grain!r}; one of {GRAINS[:-1]}")
            periods[str(grain)] = expr(f"periods.{grain}", pexpr)
        period_date = None
        date_grains: tuple[str, ...] = ()
        if spec.get("period_date") is not None:
            pd = spec["period_date"]
            if not isinstance(pd, dict) or "column" not in pd:
                raise DefinitionError(f"{where}: period_date: expected column and grains")
            period_date = expr("period_date.column", pd["column"])
            date_grains = _str_tuple(pd.get("grains", list(DATE_GRAINS)), f"{where}: period_date.grains")
            bad = [g for g in date_grains if g not in DATE_GRAINS]
            if bad:
                raise DefinitionError(f"{where}: period_date.grains: {bad} are not date grains {DATE_GRAINS}")
        sources[str(table)] = Source(
            table=str(table),
            people=expr("people", spec["people"]) if spec.get("people") else None,
            people_sum=expr("people_sum", spec["people_sum"]) if spec.get("people_sum") else None,
            department=expr("department", spec["department"]) if spec.get("department") else None,
            classes=expr("classes", spec["classes"]) if spec.get("classes") else None,
            joins=tuple(joins),
            periods=periods,
            period_date=period_date,
            period_date_grains=date_grains,
            dimensions=dimensions,
            drill=_str_tuple(spec.get("drill"), f"{where}: drill"),
            elements={str(k): str(v) for k, v in (spec.get("elements") or {}).items()},
            census=spec.get("census"),
            snapshot_column=expr("snapshot_column", spec["snapshot_column"])
            if spec.get("snapshot_column")
            else None,
        )
    return sources


def _aggregate(value: Any, where: str, *, default: str | None = None) -> Aggregate:
    if not isinstance(value, dict):
        raise DefinitionError(f"{where}: expected a mapping with agg, expr and where")
    unknown = set(value) - {"agg", "expr", "where"}
    if unknown:
        raise DefinitionError(f"{where}: unknown field(s) {sorted(unknown)}")
    agg = value.get("agg", default)
    if agg not in AGGREGATES:
        raise DefinitionError(f"{where}: agg must be one of {AGGREGATES}, got {agg!r}")
    if agg != "count" and "expr" not in value:
        raise DefinitionError(f"{where}: agg {agg} needs an expr")
    return Aggregate(
        agg=agg,
        expr=parse_expression(value["expr"], f"{where}.expr") if "expr" in value else None,
        where=parse_expression(value["where"], f"{where}.where") if "where" in value else None,
    )


def parse_metric(item: Any, file: str, theme: str, sources: dict[str, Source]) -> Metric:
    """Check one metric entry of a theme file (structure only; references are checked later)."""
    if not isinstance(item, dict):
        raise DefinitionError(f"{file}: expected a mapping per metric, got {item!r}")
    metric_id = item.get("id")
    if not isinstance(metric_id, str) or not metric_id:
        raise DefinitionError(f"{file}: a metric is missing id")

    def where(key: str) -> str:
        return _where(file, metric_id, key)

    for key in _METRIC_REQUIRED:
        if item.get(key) in (None, ""):
            raise DefinitionError(f"{where(key)}: missing required field")
    unknown = set(item) - set(_METRIC_REQUIRED) - set(_METRIC_OPTIONAL)
    if unknown:
        raise DefinitionError(
            f"{where(sorted(unknown)[0])}: unknown field (known: {_METRIC_REQUIRED + _METRIC_OPTIONAL})"
        )
    if not metric_id.startswith(theme + "."):
        raise DefinitionError(f"{where('id')}: a metric of theme {theme} is named {theme}.<name>")
    kind = item["kind"]
    if kind not in KINDS:
        raise DefinitionError(f"{where('kind')}: {kind!r} is not one of {KINDS}")
    time_base = item["time_base"]
    if time_base not in TIME_BASES:
        raise DefinitionError(f"{where('time_base')}: {time_base!r} is not one of {TIME_BASES}")
    direction = item["direction"]
    if direction not in DIRECTIONS:
        raise DefinitionError(f"{where('direction')}: {direction!r} is not one of {DIRECTIONS}")
    grains = _str_tuple(item["grains"], where("grains"))
    bad_grains = [g for g in grains if g not in GRAINS]
    if bad_grains or not grains:
        raise DefinitionError(f"{where('grains')}: unknown grain(s) {bad_grains}; one of {GRAINS}")
    dimensions = _str_tuple(item["dimensions"], where("dimensions"))
    effective_from = _as_date(item["effective_from"], where("effective_from"))
    effective_to = _as_date(item["effective_to"], where("effective_to")) if item.get("effective_to") else None
    if effective_to is not None and effective_to < effective_from:
        raise DefinitionError(
            f"{where('effective_to')}: {effective_to} is before effective_from {effective_from}"
        )
    min_cell = item.get("min_cell", MIN_CELL)
    if not isinstance(min_cell, int) or isinstance(min_cell, bool) or min_cell < 1:
        raise DefinitionError(f"{where('min_cell')}: expected a positive whole number, got {min_cell!r}")

    source: Source | None = None
    value = numerator = denominator = None
    refs: dict[str, str] = {}
    formula = None
    if kind == "derived":
        if item.get("source") or "expr" in item:
            raise DefinitionError(
                f"{where('source')}: a derived metric computes from refs and formula, not a source"
            )
        if not isinstance(item.get("refs"), dict) or not item["refs"]:
            raise DefinitionError(f"{where('refs')}: a derived metric needs refs {{name: metric id}}")
        refs = {str(k): str(v) for k, v in item["refs"].items()}
        if "formula" not in item:
            raise DefinitionError(f"{where('formula')}: missing required field")
        formula = parse_expression(item["formula"], where("formula"))
        unknown_names = sorted({c for _t, c in columns_of(formula)} - set(refs))
        if unknown_names:
            raise DefinitionError(f"{where('formula')}: {unknown_names} are not names in refs {sorted(refs)}")
    else:
        table = item.get("source")
        if not table:
            raise DefinitionError(f"{where('source')}: missing required field")
        if table not in sources:
            raise DefinitionError(
                f"{where('source')}: unknown input table {table!r} (not described in _sources.yaml)"
            )
        source = sources[table]
        if kind in ("count", "sum", "distinct"):
            spec = {"agg": kind, **({"expr": item["expr"]} if "expr" in item else {})}
            value = _aggregate(spec, where("expr"))
        elif kind == "cumulative":
            value = _aggregate(item.get("of"), where("of"))
        elif kind == "ratio":
            numerator = _aggregate(item.get("numerator"), where("numerator"))
            denominator = _aggregate(item.get("denominator"), where("denominator"))
    counts_people = bool(
        item.get("counts_people", source is not None and (source.people or source.people_sum) is not None)
    )
    if counts_people and source is not None and source.people is None and source.people_sum is None:
        raise DefinitionError(
            f"{where('counts_people')}: source {source.table} has no people column to count"
        )
    owner = str(item["owner"])
    inputs: tuple[str, ...] = source.tables if source else ()
    definition = MetricDefinition(
        id=metric_id,
        name=str(item["name"]),
        name_en=str(item["name_en"]),
        theme=theme,
        caliber=str(item["caliber"]).strip(),
        owner=owner,
        kind=kind,
        unit=str(item["unit"]),
        time_base=time_base,
        grains=grains,
        dimensions=dimensions,
        direction=direction,
        target=_as_float(item.get("target"), where("target")),
        warning=_as_float(item.get("warning"), where("warning")),
        version=str(item["version"]),
        effective_from=effective_from,
        effective_to=effective_to,
        inputs=inputs,
        min_cell=min_cell,
        counts_people=counts_people,
    )
    return Metric(
        definition=definition,
        file=file,
        source=source,
        where=parse_expression(item["where"], where("where")) if item.get("where") else None,
        value=value,
        numerator=numerator,
        denominator=denominator,
        scale=float(_as_float(item.get("scale", 1), where("scale")) or 1.0),
        refs=refs,
        formula=formula,
        census_date=str(item["census_date"])
        if item.get("census_date")
        else (source.census if source else None),
        decimals=item.get("decimals"),
    )


def _check_references(metric: Metric, catalog: dict[str, Metric]) -> None:
    d = metric.definition

    def fail(key: str, message: str) -> None:
        raise DefinitionError(f"{_where(metric.file, d.id, key)}: {message}")

    if metric.source is not None:
        known = metric.source.dimensions
        for dim in d.dimensions:
            if dim not in known:
                fail(
                    "dimensions",
                    f"unknown dimension {dim!r} (source {metric.source.table} has {sorted(known)})",
                )
        for grain in d.grains:
            if grain not in metric.source.grains():
                fail(
                    "grains",
                    f"grain {grain!r} is not available on {metric.source.table} ({metric.source.grains()})",
                )
        return
    # derived: every ref exists, is not derived from itself, and allows the dims and grains.
    for name, ref in metric.refs.items():
        if ref not in catalog:
            fail("refs", f"{name}: unknown metric {ref!r}")
        if ref == d.id:
            fail("refs", f"{name}: a metric cannot be derived from itself")
        other = catalog[ref].definition
        for dim in d.dimensions:
            if dim not in other.dimensions:
                fail(
                    "dimensions", f"unknown dimension {dim!r}: the referenced metric {ref} does not allow it"
                )
        for grain in d.grains:
            if grain not in other.grains:
                fail("grains", f"grain {grain!r}: the referenced metric {ref} does not allow it")


def with_inputs(metric: Metric, catalog: dict[str, Metric]) -> Metric:
    """A derived metric's inputs are its refs' inputs (computed once all metrics are parsed)."""
    if metric.source is not None:
        return metric
    seen: list[str] = []
    for ref in metric.refs.values():
        for table in with_inputs(catalog[ref], catalog).definition.inputs:
            if table not in seen:
                seen.append(table)
    people = any(catalog[ref].definition.counts_people for ref in metric.refs.values())
    definition = MetricDefinition(
        **{**metric.definition.__dict__, "inputs": tuple(seen), "counts_people": people}
    )
    return Metric(**{**metric.__dict__, "definition": definition})


def load_catalog(directory: Path | None = None) -> Catalog:
    """Read and check every definition file of ``directory`` (the built-in definitions by default)."""
    folder = directory or Path(str(resources.files("campusbrain.hub.metrics").joinpath("definitions")))
    sources_file = folder / "_sources.yaml"
    if not sources_file.exists():
        raise DefinitionError(f"{sources_file}: missing (it describes the tables metrics read)")
    sources = parse_sources(_read_yaml(sources_file), sources_file.name)
    metrics: dict[str, Metric] = {}
    themes: dict[str, list[str]] = {slug: [] for slug in THEME_SLUGS}
    overview_refs: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        document = _read_yaml(path)
        if not isinstance(document, dict):
            raise DefinitionError(f"{path.name}: expected a mapping with theme and metrics")
        theme = document.get("theme")
        if theme not in THEME_SLUGS:
            raise DefinitionError(f"{path.name}: theme: {theme!r} is not one of {THEME_SLUGS}")
        for ref in document.get("references") or []:
            overview_refs.append((path.name, str(ref)))
            themes[theme].append(str(ref))
        defaults = document.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise DefinitionError(f"{path.name}: defaults: expected a mapping of metric fields")
        for item in document.get("metrics") or []:
            # A theme's defaults (owner, version, dimensions …) fill what a metric leaves out.
            # A derived metric takes no source-related defaults: it computes from its refs.
            merged = item
            if isinstance(item, dict):
                skip = ("source", "where", "expr", "counts_people") if item.get("kind") == "derived" else ()
                merged = {**{k: v for k, v in defaults.items() if k not in skip}, **item}
            metric = parse_metric(merged, path.name, theme, sources)
            if metric.id in metrics:
                raise DefinitionError(
                    f"{path.name}: metric {metric.id}: id: duplicate id (also in {metrics[metric.id].file})"
                )
            metrics[metric.id] = metric
            themes[theme].append(metric.id)
    for file, ref in overview_refs:
        if ref not in metrics:
            raise DefinitionError(f"{file}: references: unknown metric {ref!r}")
    for metric in metrics.values():
        _check_references(metric, metrics)
    _check_cycles(metrics)
    resolved = {mid: with_inputs(m, metrics) for mid, m in metrics.items()}
    return Catalog(metrics=resolved, themes={k: tuple(v) for k, v in themes.items()}, sources=sources)


def _check_cycles(metrics: dict[str, Metric]) -> None:
    def visit(mid: str, path: tuple[str, ...]) -> None:
        for ref in metrics[mid].refs.values():
            if ref in path:
                m = metrics[path[0]]
                raise DefinitionError(
                    f"{m.file}: metric {m.id}: refs: derived in a circle {' -> '.join((*path, ref))}"
                )
            visit(ref, (*path, ref))

    for mid in metrics:
        visit(mid, (mid,))


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as error:
        raise DefinitionError(f"{path.name}: not valid YAML: {error}") from None


@cache
def builtin_catalog() -> Catalog:
    """The shipped definitions, loaded and checked once per process."""
    return load_catalog()


def check_against_schema(catalog: Catalog, schema: dict[str, dict[str, str]]) -> list[str]:
    """Problems of the catalog against a snapshot's tables (``{"dws.x": {column: type}}``).

    Each problem names the metric (or source) and the field: an input table the build does not
    produce, or a column it does not have. An empty list means every definition can run.
    """
    problems: list[str] = []
    source_problems: dict[str, list[str]] = {}
    for source in catalog.sources.values():
        found: list[str] = []
        aliases = {"": source.table, "t": source.table, **{j.alias: j.table for j in source.joins}}
        for table in source.tables:
            if table not in schema:
                found.append(f"input table {table} is absent from the published build")
        if not found:
            exprs: list[tuple[str, exp.Expr]] = [
                (k, e)
                for k, e in (
                    ("people", source.people),
                    ("people_sum", source.people_sum),
                    ("department", source.department),
                    ("classes", source.classes),
                    ("period_date", source.period_date),
                    ("snapshot_column", source.snapshot_column),
                )
                if e is not None
            ]
            exprs += [(f"joins.{j.alias}.condition", j.on) for j in source.joins]
            exprs += [(f"periods.{g}", e) for g, e in source.periods.items()]
            exprs += [(f"dimensions.{d.name}", d.expr) for d in source.dimensions.values()]
            for key, tree in exprs:
                found += _unknown_columns(tree, aliases, schema, key)
            for column in source.drill:
                if column not in schema[source.table]:
                    found.append(f"drill: unknown column {column!r} of {source.table}")
        source_problems[source.table] = found
        problems += [f"_sources.yaml: source {source.table}: {p}" for p in found]
    for metric in catalog.metrics.values():
        if metric.source is None:
            continue
        if source_problems.get(metric.source.table):
            continue
        aliases = {
            "": metric.source.table,
            "t": metric.source.table,
            **{j.alias: j.table for j in metric.source.joins},
        }
        trees: list[tuple[str, exp.Expr | None]] = [("where", metric.where)]
        for key, agg in (
            ("expr", metric.value),
            ("numerator", metric.numerator),
            ("denominator", metric.denominator),
        ):
            if agg is not None:
                trees += [(f"{key}.expr", agg.expr), (f"{key}.where", agg.where)]
        for key, maybe in trees:
            if maybe is not None:
                tree = maybe
                problems += [
                    f"{metric.file}: metric {metric.id}: {p}"
                    for p in _unknown_columns(tree, aliases, schema, key)
                ]
    return problems


def _unknown_columns(
    tree: exp.Expr, aliases: dict[str, str], schema: dict[str, dict[str, str]], key: str
) -> list[str]:
    found = []
    for alias, column in columns_of(tree):
        table = aliases.get(alias)
        if table is None:
            found.append(f"{key}: unknown table alias {alias!r} in {tree.sql('duckdb')!r}")
        elif column not in schema.get(table, {}):
            found.append(f"{key}: unknown column {column!r} of {table}")
    return found
