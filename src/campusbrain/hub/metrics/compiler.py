"""Compile a metric query into one SQLGlot SELECT over the warehouse snapshot.

A query is a metric, the dimensions to cut it by, filters (dimension or period -> value), a grain
and a scope. The compiled SELECT returns one row per cell with the columns ``d0 … dn`` (dimension
values as text, in the order asked), ``period`` (the grain's label, text), ``value`` and
``people`` (how many people the cell counts, for small-cell suppression; NULL for metrics that
count none). Everything is built from expression trees: the definition's parsed expressions are
copied, their unqualified columns qualified with the source's alias ``t``, and combined with
``exp`` nodes, never by formatting SQL text.

* count / sum / distinct: ``COUNT(*)``, ``SUM(expr)``, ``COUNT(DISTINCT expr)`` of the rows the
  metric's ``where``, the scope and the filters keep.
* ratio: ``numerator / NULLIF(denominator, 0) * scale``, each an aggregate with its own FILTER.
* cumulative: the aggregate per period, then a running ``SUM() OVER`` in period order per cell
  (period labels sort in time order); filters on the query's own grain are applied after the
  running total, so "2025" of a cumulative metric is the total up to 2025.
* derived: every referenced metric compiled with the same dimensions, grain, filters and scope,
  stacked with ``UNION ALL`` and combined per cell by the formula (each division guarded by
  ``NULLIF(…, 0)``); a cell counts the fewest people of its parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from campusbrain.hub.metrics.calendar import CALENDAR, DATE_GRAINS, AcademicCalendar
from campusbrain.hub.metrics.definitions import Aggregate, Catalog, Metric, Source

SOURCE_ALIAS = "t"
TERM_ALIAS = "cb_term"


class CompileError(ValueError):
    """The query asks for something the metric's definition cannot answer."""


@dataclass(frozen=True)
class Scope:
    """Which rows a viewer may count: the whole college, one department, or some classes."""

    kind: str  # college | department | classes
    department: str = ""
    classes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.kind == "department":
            return f"department:{self.department}"
        if self.kind == "classes":
            return "classes:" + ",".join(self.classes)
        return "college"


@dataclass(frozen=True)
class Query:
    """What is asked of a metric (already checked against the definition by the caller)."""

    dimensions: tuple[str, ...]
    filters: tuple[tuple[str, str], ...]
    grain: str
    scope: Scope
    census: str  # the period label of a 时点 answer (the build's date)
    build_id: str = ""  # the published build (history tables keep its rows at 时点)


def _table(name: str) -> exp.Table:
    schema, _, table = name.partition(".")
    return exp.table_(exp.to_identifier(table), db=exp.to_identifier(schema))


def qualify(tree: exp.Expr) -> exp.Expr:
    """A copy of a definition expression whose bare columns read the source alias ``t``."""
    copy = tree.copy()
    for column in copy.find_all(exp.Column):
        if not column.table:
            column.set("table", exp.to_identifier(SOURCE_ALIAS))
    return copy


def _as_text(tree: exp.Expr) -> exp.Expr:
    return exp.cast(tree, exp.DataType.Type.VARCHAR)


def _and(conditions: list[exp.Expr]) -> exp.Expr | None:
    if not conditions:
        return None
    result = conditions[0]
    for condition in conditions[1:]:
        result = exp.and_(result, condition)
    return result


class _SourceQuery:
    """The FROM clause of one source with the joins a query needs, and its column expressions."""

    def __init__(self, source: Source, calendar: AcademicCalendar) -> None:
        self.source = source
        self.calendar = calendar
        self.needs_terms = False
        self.code_joins: list[tuple[str, str, exp.Expr]] = []  # alias, code system, code expr

    def period(self, grain: str, census: str) -> exp.Expr:
        if grain == "时点":
            return exp.Literal.string(census)
        if grain in self.source.periods:
            return _as_text(qualify(self.source.periods[grain]))
        if self.source.period_date is not None and grain in self.source.period_date_grains:
            if grain in ("学期", "教学周"):
                self.needs_terms = True
            return self.calendar.period_of_date(grain, qualify(self.source.period_date), TERM_ALIAS)
        raise CompileError(f"{self.source.table} cannot be cut by {grain}")

    def dimension(self, name: str) -> exp.Expr:
        dim = self.source.dimensions.get(name)
        if dim is None:
            raise CompileError(f"{self.source.table} has no dimension {name}")
        value = _as_text(qualify(dim.expr))
        if dim.code_system is None:
            return value
        alias = f"cb_code{len(self.code_joins)}"
        self.code_joins.append((alias, dim.code_system, value))
        return exp.func("coalesce", exp.column("name", table=alias), value.copy())

    def scope_condition(self, scope: Scope) -> exp.Expr | None:
        if scope.kind == "college":
            return None
        if scope.kind == "department":
            if self.source.department is None:
                raise CompileError(f"{self.source.table} cannot be cut to a department")
            return exp.EQ(
                this=_as_text(qualify(self.source.department)),
                expression=exp.Literal.string(scope.department),
            )
        if self.source.classes is None:
            raise CompileError(f"{self.source.table} cannot be cut to classes")
        return exp.In(
            this=_as_text(qualify(self.source.classes)),
            expressions=[exp.Literal.string(c) for c in scope.classes],
        )

    def people(self, where: exp.Expr | None) -> exp.Expr:
        if self.source.people is not None:
            agg: exp.Expr = exp.Count(this=exp.Distinct(expressions=[qualify(self.source.people)]))
        elif self.source.people_sum is not None:
            agg = exp.Sum(this=qualify(self.source.people_sum))
        else:
            return exp.Null()
        return _filtered(agg, where)

    def from_(self, select: exp.Select) -> exp.Select:
        select = select.from_(exp.alias_(_table(self.source.table), SOURCE_ALIAS, table=True))
        for join in self.source.joins:
            select = select.join(
                exp.alias_(_table(join.table), join.alias, table=True), on=qualify(join.on), join_type="left"
            )
        if self.needs_terms:
            assert self.source.period_date is not None
            select = select.join(
                self.calendar.terms_table(TERM_ALIAS),
                on=self.calendar.term_join_condition(qualify(self.source.period_date), TERM_ALIAS),
                join_type="left",
            )
        for alias, code_system, value in self.code_joins:
            names = (
                exp.select(exp.column("code"), exp.alias_(exp.Min(this=exp.column("name")), "name"))
                .from_(_table("std.code_value"))
                .where(exp.EQ(this=exp.column("code_system"), expression=exp.Literal.string(code_system)))
                .group_by(exp.column("code"))
            )
            select = select.join(
                exp.alias_(names.subquery(), alias, table=True),
                on=exp.EQ(this=exp.column("code", table=alias), expression=value.copy()),
                join_type="left",
            )
        return select


def _filtered(agg: exp.Expr, where: exp.Expr | None) -> exp.Expr:
    if where is None:
        return agg
    return exp.Filter(this=agg, expression=exp.Where(this=qualify(where)))


def _aggregate(agg: Aggregate) -> exp.Expr:
    value: exp.Expr
    if agg.agg == "count":
        value = exp.Count(this=exp.Star())
    elif agg.agg == "distinct":
        assert agg.expr is not None
        value = exp.Count(this=exp.Distinct(expressions=[qualify(agg.expr)]))
    else:
        assert agg.expr is not None
        klass = {"sum": exp.Sum, "max": exp.Max, "min": exp.Min}[agg.agg]
        value = klass(this=qualify(agg.expr))
    return _filtered(value, agg.where)


def _nullif_zero(tree: exp.Expr) -> exp.Expr:
    return exp.Nullif(this=tree, expression=exp.Literal.number(0))


def _scaled(value: exp.Expr, scale: float) -> exp.Expr:
    if scale == 1:
        return value
    return exp.Mul(this=exp.Paren(this=value), expression=exp.Literal.number(scale))


def compile_metric(
    metric: Metric, catalog: Catalog, query: Query, calendar: AcademicCalendar = CALENDAR
) -> exp.Select:
    """The SELECT answering ``query`` for ``metric`` (columns d0…dn, period, value, people)."""
    if metric.source is None:
        return _compile_derived(metric, catalog, query, calendar)
    sq = _SourceQuery(metric.source, calendar)
    dims = [sq.dimension(d) for d in query.dimensions]
    period = sq.period(query.grain, query.census)
    conditions = [qualify(metric.where)] if metric.where is not None else []
    scope = sq.scope_condition(query.scope)
    if scope is not None:
        conditions.append(scope)
    if metric.source.snapshot_column is not None and query.grain == "时点":
        conditions.append(
            exp.EQ(
                this=_as_text(qualify(metric.source.snapshot_column)),
                expression=exp.Literal.string(query.build_id),
            )
        )
    post_filters: list[tuple[str, str]] = []
    for name, value in query.filters:
        if name in metric.source.dimensions:
            conditions.append(exp.EQ(this=sq.dimension(name), expression=exp.Literal.string(value)))
        elif metric.definition.kind == "cumulative" and name == query.grain:
            post_filters.append((name, value))
        else:
            conditions.append(
                exp.EQ(this=sq.period(name, query.census), expression=exp.Literal.string(value))
            )

    if metric.definition.kind == "ratio":
        assert metric.numerator is not None and metric.denominator is not None
        value_expr = _scaled(
            exp.Div(
                this=_aggregate(metric.numerator), expression=_nullif_zero(_aggregate(metric.denominator))
            ),
            metric.scale,
        )
        population = metric.denominator.where
    else:
        assert metric.value is not None
        value_expr = _scaled(_aggregate(metric.value), metric.scale)
        population = metric.value.where
    people = sq.people(population) if metric.definition.counts_people else exp.Null()

    names = [f"d{i}" for i in range(len(dims))]
    projections = [exp.alias_(d, n) for d, n in zip(dims, names, strict=True)]
    projections += [
        exp.alias_(period, "period"),
        exp.alias_(exp.cast(value_expr, exp.DataType.Type.DOUBLE), "value"),
        exp.alias_(exp.cast(people, exp.DataType.Type.BIGINT), "people"),
    ]
    select = sq.from_(exp.select(*projections))
    where = _and(conditions)
    if where is not None:
        select = select.where(where)
    # A 时点 total has a constant period: leaving GROUP BY out keeps its one row when nothing
    # matches (a count of 0, not an empty answer).
    if names or query.grain != "时点":
        select = select.group_by(*[exp.column(n) for n in names], exp.column("period"))
    if metric.definition.kind != "cumulative":
        return select
    # Running total per cell in period order; people: the most any one period counted.
    window = exp.Window(
        partition_by=[exp.column(n) for n in names] or None,
        order=exp.Order(expressions=[exp.Ordered(this=exp.column("period"))]),
        spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"),
    )
    running = exp.select(
        *[exp.column(n) for n in names],
        exp.column("period"),
        exp.alias_(exp.Window(this=exp.Sum(this=exp.column("value")), **_window_args(window)), "value"),
        exp.alias_(exp.Window(this=exp.Max(this=exp.column("people")), **_window_args(window)), "people"),
    ).from_(exp.alias_(select.subquery(), "cb_periods", table=True))
    outer = exp.select(exp.Star()).from_(exp.alias_(running.subquery(), "cb_running", table=True))
    post = _and(
        [exp.EQ(this=exp.column("period"), expression=exp.Literal.string(v)) for _n, v in post_filters]
    )
    return outer.where(post) if post is not None else outer


def _window_args(window: exp.Window) -> dict[str, object]:
    return {
        "partition_by": [p.copy() for p in window.args.get("partition_by") or []] or None,
        "order": window.args["order"].copy(),
        "spec": window.args["spec"].copy(),
    }


def _compile_derived(
    metric: Metric, catalog: Catalog, query: Query, calendar: AcademicCalendar
) -> exp.Select:
    assert metric.formula is not None
    names = [f"d{i}" for i in range(len(query.dimensions))]
    parts = list(metric.refs.items())
    stacked: exp.Query | None = None
    for index, (ref_name, ref_id) in enumerate(parts):
        part = compile_metric(catalog.metrics[ref_id], catalog, query, calendar)
        columns: list[exp.Expr] = [exp.column(n) for n in names]
        columns.append(exp.column("period"))
        for other_index, (other_name, _other) in enumerate(parts):
            is_me = other_index == index
            columns.append(exp.alias_(exp.column("value") if is_me else exp.Null(), f"v_{other_name}"))
            columns.append(exp.alias_(exp.column("people") if is_me else exp.Null(), f"p_{other_name}"))
        branch = exp.select(*columns).from_(exp.alias_(part.subquery(), f"cb_{ref_name}", table=True))
        stacked = branch if stacked is None else exp.union(stacked, branch, distinct=False)
    assert stacked is not None
    formula = metric.formula.copy()
    for column in list(formula.find_all(exp.Column)):
        column.replace(exp.Max(this=exp.column(f"v_{column.name}")))
    for division in list(formula.find_all(exp.Div)):
        division.set("expression", _nullif_zero(division.expression))
    people = [exp.Max(this=exp.column(f"p_{n}")) for n, _ in parts]
    people_expr: exp.Expr = people[0] if len(people) == 1 else exp.func("least", *people)
    projections = [exp.column(n) for n in names] + [
        exp.column("period"),
        exp.alias_(exp.cast(_scaled(formula, metric.scale), exp.DataType.Type.DOUBLE), "value"),
        exp.alias_(exp.cast(people_expr, exp.DataType.Type.BIGINT), "people"),
    ]
    return (
        exp.select(*projections)
        .from_(exp.alias_(stacked.subquery(), "cb_parts", table=True))
        .group_by(*[exp.column(n) for n in names], exp.column("period"))
    )


def source_rows_query(
    metric: Metric, query: Query, limit: int, calendar: AcademicCalendar = CALENDAR
) -> exp.Select:
    """The rows of the metric's source behind its number (drill columns), scoped and filtered."""
    assert metric.source is not None
    sq = _SourceQuery(metric.source, calendar)
    conditions = [qualify(metric.where)] if metric.where is not None else []
    population = (
        metric.denominator.where if metric.denominator else (metric.value.where if metric.value else None)
    )
    if population is not None:
        conditions.append(qualify(population))
    scope = sq.scope_condition(query.scope)
    if scope is not None:
        conditions.append(scope)
    if metric.source.snapshot_column is not None:
        conditions.append(
            exp.EQ(
                this=_as_text(qualify(metric.source.snapshot_column)),
                expression=exp.Literal.string(query.build_id),
            )
        )
    for name, value in query.filters:
        target = sq.dimension(name) if name in metric.source.dimensions else sq.period(name, query.census)
        conditions.append(exp.EQ(this=target, expression=exp.Literal.string(value)))
    columns = [exp.column(c, table=SOURCE_ALIAS) for c in metric.source.drill]
    select = sq.from_(exp.select(*columns))
    where = _and(conditions)
    if where is not None:
        select = select.where(where)
    return select.order_by(*[c.copy() for c in columns[:2]]).limit(limit)


__all__ = ["DATE_GRAINS", "CompileError", "Query", "Scope", "compile_metric", "source_rows_query"]
