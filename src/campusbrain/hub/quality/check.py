"""Compile quality rules to SQLGlot queries and run them on the open build snapshot.

Row rules (not_null, pattern, in_code_set, id_number, range, reference, expression, agreement)
become a pair of conditions over one relation — which rows are checked, which of them fail — and
every row rule on the same table is folded into ONE aggregate query, so a 100-million-row fact
table is scanned once however many rules it has. Failing rows are captured in the same scan with
``min_by(…, n)``, a bounded heap: at most :data:`CAPTURE_LIMIT` rows per rule ever reach memory.
Rules that need a join of their own (unique, cross_system, identity, duplicate) run one scan
each; the timeliness rules read the sync records of the attached ODS.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlglot
from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.project import DIALECT, Project
from campusbrain.hub.quality.rules import Rule
from campusbrain.hub.query import ODS_QUERY_ALIAS
from campusbrain.hub.sources.config import SourceConfig, TableConfig
from campusbrain.hub.sources.files import missing_periods
from campusbrain.hub.sync import SCHEDULE_INTERVALS, STALE_AFTER

CAPTURE_LIMIT = 1000
# Dated file names are calendar days on campus; a file's delay is measured from the end of its day.
CAMPUS_TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_MAX_DELAY_DAYS = 2

Catalog = Mapping[str, Mapping[str, Mapping[str, Mapping[str, str]]]]


@dataclass
class Outcome:
    """What one rule found: rows checked, rows failing, up to 1,000 failing rows, or an error."""

    rule: Rule
    checked: int = 0
    failing: int = 0
    samples: list[tuple[str, str | None, str | None, int | None, str | None]] = field(default_factory=list)
    error: str | None = None
    source_tables: tuple[str, ...] = ()
    # Every failing row, not just the captured ones: one SELECT per check over the published
    # snapshot (and the ODS, for rules on the source rows), for ``hub query``. None when a check
    # reads the previous snapshot.
    queries: list[exp.Query | None] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.checked += other.checked
        self.failing += other.failing
        room = CAPTURE_LIMIT - len(self.samples)
        self.samples.extend(other.samples[: max(room, 0)])
        self.error = self.error or other.error
        self.queries.extend(other.queries)

    @property
    def failing_query(self) -> str | None:
        """One read-only query listing every failing row (key, value, file, line), or None."""
        if not self.queries or any(q is None for q in self.queries):
            return None
        queries = [q for q in self.queries if q is not None]
        union = queries[0]
        for other in queries[1:]:
            union = exp.union(union, other, distinct=False)
        return _render(union)

    @property
    def status(self) -> str:
        if self.error:
            return "error"
        return "fail" if self.failing else "pass"


@dataclass
class RowCheck:
    """One rule as conditions over a relation: which rows it checks, which of them fail."""

    outcome: Outcome
    relation: exp.Expr
    failing: exp.Expr
    checked: exp.Expr | None
    key: Sequence[str]
    value: exp.Expr | None
    provenance: bool
    source_table: str | None
    group: str | None  # checks with the same group share one scan


class RuleFailure(Exception):
    """A rule that cannot run as written (a missing column, a bad reference)."""


def _render(expression: exp.Expr) -> str:
    return expression.sql(dialect=DIALECT)


def _table(schema: str, name: str, catalog: str | None = None) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(name, quoted=True),
        db=exp.to_identifier(schema, quoted=True),
        catalog=exp.to_identifier(catalog, quoted=True) if catalog else None,
    )


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _text(expression: exp.Expr) -> exp.Expr:
    return exp.Cast(this=expression, to=exp.DataType.build("VARCHAR"))


def _blank(expression: exp.Expr) -> exp.Expr:
    """NULL or only white space, whatever the column's type."""
    trimmed = exp.Trim(this=_text(expression))
    return exp.Is(this=exp.Nullif(this=trimmed, expression=exp.Literal.string("")), expression=exp.Null())


def _present(expression: exp.Expr) -> exp.Expr:
    return exp.Not(this=_blank(expression))


def _false_if_null(condition: exp.Expr) -> exp.Expr:
    return exp.Coalesce(this=exp.Paren(this=condition), expressions=[exp.false()])


def _and(*conditions: exp.Expr | None) -> exp.Expr | None:
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    return exp.and_(*[exp.Paren(this=c) for c in present])


@dataclass
class Context:
    """Where the checks run: the snapshot connection, its catalogs and the college's sources."""

    con: engine.Connection
    project: Project
    own_catalog: str
    ods_alias: str | None
    sources: Mapping[str, SourceConfig]
    now: datetime
    tables: Callable[[], Catalog]  # {"catalog": {schema: {table: {column: type}}}}, read fresh

    def columns(self, table: exp.Table) -> Mapping[str, str]:
        catalog = table.catalog or self.own_catalog
        return self.tables().get(catalog, {}).get(table.db, {}).get(table.name, {})

    def model_table(self, name: str) -> exp.Table:
        schema, _, table = name.partition(".")
        target = _table(schema, table)
        if not self.columns(target):
            raise RuleFailure(f"table {name} is not in this build")
        return target

    def ods_tables(self, rule: Rule) -> list[tuple[exp.Table, str]]:
        model = self.project.models[rule.model]
        if self.ods_alias is None:
            raise RuleFailure("the build has no ODS attached")
        found: list[tuple[exp.Table, str]] = []
        for db, name in model.reconciles:
            real = {t.lower(): t for t in self.tables().get(self.ods_alias, {}).get(db, {})}
            if name.lower() not in real:
                raise RuleFailure(f"ODS table {db}.{name} is not in the ODS")
            found.append((_table(db, real[name.lower()], self.ods_alias), f"{db}.{real[name.lower()]}"))
        return found

    def table_config(self, ods_table: str) -> tuple[SourceConfig, TableConfig] | None:
        system, _, table = ods_table.split(".", 1)[1].partition("__")
        source = self.sources.get(system)
        if source is None:
            return None
        for config in source.tables:
            if config.name.lower() == table.lower():
                return source, config
        return None


def _require(ctx: Context, table: exp.Table, names: Sequence[str], rule: Rule) -> None:
    columns = ctx.columns(table)
    missing = [name for name in names if name not in columns]
    if missing:
        where = ".".join(p for p in (table.db, table.name) if p)
        raise RuleFailure(f"{rule.path}: rule {rule.id}: {where} has no column {', '.join(missing)}")


def _condition(rule: Rule, name: str) -> exp.Expr:
    parsed = sqlglot.parse_one(rule.text(name), dialect=DIALECT)
    return parsed


def _reference_set(ctx: Context, target: str, value_type: str | None) -> tuple[exp.Expr, bool]:
    schema_table, _, column = target.rpartition(".")
    table = ctx.model_table(schema_table)
    columns = ctx.columns(table)
    if column not in columns:
        raise RuleFailure(f"references {target}: {schema_table} has no column {column}")
    cast = value_type is not None and columns[column] != value_type
    selected: exp.Expr = _text(_col(column)) if cast else _col(column)
    return exp.select(selected).from_(table).where(
        exp.Not(this=exp.Is(this=_col(column), expression=exp.Null()))
    ), cast


def _row_check(ctx: Context, rule: Rule, relation: exp.Table, source_table: str | None) -> RowCheck:
    """The checked/failing conditions of a row rule over one table (a model's or an ODS table)."""
    kind = rule.kind
    column = rule.options.get("column")
    key = list(rule.key)
    if not key and rule.on_source and source_table:
        config = ctx.table_config(source_table)
        key = list(config[1].primary_key) if config else []
    needed = [*key]
    if isinstance(column, str):
        needed.append(column)
    for name in ("source_column", "conflict", "problem_column"):
        if name in rule.options:
            needed.append(rule.text(name))
    _require(ctx, relation, needed, rule)
    value = _col(column) if isinstance(column, str) else None
    checked: exp.Expr | None
    if kind == "not_null":
        assert value is not None
        checked, failing = None, _blank(value)
    elif kind == "pattern":
        assert value is not None
        checked = _present(value)
        if "pattern" in rule.options:
            failing = exp.Not(
                this=exp.RegexpFullMatch(
                    this=_text(value), expression=exp.Literal.string(rule.text("pattern"))
                )
            )
        else:
            failing = exp.RegexpLike(this=_text(value), expression=exp.Literal.string(rule.text("forbid")))
    elif kind == "in_code_set":
        assert value is not None
        codes = (
            exp.select(_col("code"))
            .from_(_table("std", "code_value"))
            .where(exp.EQ(this=_col("code_system"), expression=exp.Literal.string(rule.text("code_system"))))
        )
        if not engine.fetch_all(
            ctx.con,
            _render(exp.select(exp.Count(this=exp.Star())).from_(exp.Subquery(this=codes.copy(), alias="c"))),
        )[0][0]:
            raise RuleFailure(
                f"{rule.path}: rule {rule.id}: no code system {rule.text('code_system')!r} in std.code_value"
            )
        outside = exp.Not(this=exp.In(this=_text(value), query=exp.Subquery(this=codes)))
        if "source_column" in rule.options:
            source = _col(rule.text("source_column"))
            checked = _present(source)
            failing = exp.or_(exp.Is(this=value.copy(), expression=exp.Null()), outside)
            value = source
        else:
            checked, failing = _present(value), outside
    elif kind == "id_number":
        assert value is not None
        problem = _col(rule.options.get("problem_column", "id_problem"))
        empty = exp.Literal.string("empty")
        checked = exp.NullSafeNEQ(this=problem.copy(), expression=empty.copy())
        failing = exp.and_(
            exp.Not(this=exp.Is(this=problem.copy(), expression=exp.Null())),
            exp.NEQ(this=problem, expression=empty),
        )
    elif kind == "range":
        assert value is not None
        number = exp.TryCast(this=value.copy(), to=exp.DataType.build("DOUBLE"))
        outside_range: list[exp.Expr] = []
        if "min" in rule.options:
            outside_range.append(
                exp.LT(this=number.copy(), expression=exp.Literal.number(rule.options["min"]))
            )
        if "max" in rule.options:
            outside_range.append(
                exp.GT(this=number.copy(), expression=exp.Literal.number(rule.options["max"]))
            )
        checked = exp.Not(this=exp.Is(this=number, expression=exp.Null()))
        failing = exp.or_(*outside_range)
    elif kind == "reference":
        assert value is not None and isinstance(column, str)
        value_type = ctx.columns(relation).get(column)
        misses: list[exp.Expr] = []
        for target in rule.names("references"):
            subquery, cast = _reference_set(ctx, target, value_type)
            probe = _text(value.copy()) if cast else value.copy()
            misses.append(exp.Not(this=exp.In(this=probe, query=exp.Subquery(this=subquery))))
        checked, failing = _present(value), exp.and_(*misses)
    elif kind == "expression":
        checked = None
        failing = exp.Not(
            this=exp.Coalesce(this=exp.Paren(this=_condition(rule, "condition")), expressions=[exp.true()])
        )
    elif kind == "agreement":
        checked, failing = None, _col(rule.text("conflict"))
    else:
        raise RuleFailure(f"kind {kind} is not a row rule")
    return RowCheck(
        outcome=Outcome(rule),
        relation=relation,
        failing=_false_if_null(failing),
        checked=_and(rule.where, checked),
        key=key,
        value=value,
        provenance={"_source", "_source_row"} <= set(ctx.columns(relation)),
        source_table=source_table,
        group=_render(relation),
    )


def _aggregate(ctx: Context, checks: Sequence[RowCheck]) -> None:
    """Run checks over one relation in one scan: per check the checked and failing counts and a
    bounded sample of failing rows (key as JSON, value as text, file and line)."""
    relation = checks[0].relation
    selects: list[exp.Expr] = []
    source = (
        relation if isinstance(relation, exp.Table) else exp.Subquery(this=relation, alias="checked_rows")
    )
    for check in checks:
        checked = check.checked if check.checked is not None else exp.true()
        failing = exp.and_(exp.Paren(this=checked.copy()), exp.Paren(this=check.failing.copy()))
        key = (
            exp.func(
                "to_json",
                exp.Struct(
                    expressions=[
                        exp.PropertyEQ(this=exp.to_identifier(name, quoted=True), expression=_col(name))
                        for name in check.key
                    ]
                ),
            )
            if check.key
            else exp.Literal.string("{}")
        )
        sample = exp.Struct(
            expressions=[
                exp.PropertyEQ(this=exp.to_identifier("k"), expression=key),
                exp.PropertyEQ(
                    this=exp.to_identifier("v"),
                    expression=_text(check.value.copy()) if check.value is not None else exp.Null(),
                ),
                exp.PropertyEQ(
                    this=exp.to_identifier("s"),
                    expression=_col("_source") if check.provenance else exp.Null(),
                ),
                exp.PropertyEQ(
                    this=exp.to_identifier("r"),
                    expression=exp.Cast(this=_col("_source_row"), to=exp.DataType.build("BIGINT"))
                    if check.provenance
                    else exp.Null(),
                ),
            ]
        )
        order = (
            _col("_source_row")
            if check.provenance
            else (_text(_col(check.key[0])) if check.key else exp.Literal.number(0))
        )
        check.outcome.queries.append(_listing(ctx, check, source, key, order, failing))
        selects.append(exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=checked.copy())))
        selects.append(exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=failing.copy())))
        selects.append(
            exp.Filter(
                this=exp.Anonymous(
                    this="min_by", expressions=[sample, order, exp.Literal.number(CAPTURE_LIMIT)]
                ),
                expression=exp.Where(this=failing),
            )
        )
    (row,) = engine.fetch_all(ctx.con, _render(exp.select(*selects).from_(source)))
    for position, check in enumerate(checks):
        checked_n, failing_n, sample_rows = row[3 * position : 3 * position + 3]
        outcome = check.outcome
        outcome.checked += int(str(checked_n))
        outcome.failing += int(str(failing_n))
        for item in sample_rows or []:  # type: ignore[attr-defined]
            if len(outcome.samples) < CAPTURE_LIMIT:
                source_row = item["r"]
                outcome.samples.append(
                    (
                        str(item["k"]),
                        item["v"],
                        item["s"],
                        None if source_row is None else int(source_row),
                        check.source_table,
                    )
                )
        if check.source_table and check.source_table not in outcome.source_tables:
            outcome.source_tables = (*outcome.source_tables, check.source_table)


def _listing(
    ctx: Context, check: RowCheck, source: exp.Expr, key: exp.Expr, order: exp.Expr, failing: exp.Expr
) -> exp.Query | None:
    """The query behind a check's counts that lists all its failing rows, runnable on the published
    snapshot; None when it reads a catalog other than the snapshot's own (the ODS)."""
    listing = (
        exp.select(
            exp.alias_(key.copy(), "row_key"),
            exp.alias_(_text(check.value.copy()) if check.value is not None else exp.Null(), "value"),
            exp.alias_(_col("_source") if check.provenance else exp.Null(), "_source"),
            exp.alias_(
                exp.Cast(this=_col("_source_row"), to=exp.DataType.build("BIGINT"))
                if check.provenance
                else exp.Null(),
                "_source_row",
            ),
        )
        .from_(source.copy())
        .where(failing.copy())
        .order_by(order.copy())
    )
    for table in listing.find_all(exp.Table):
        if table.catalog == ctx.ods_alias:
            # ``hub query`` attaches the ODS under this name when a query asks for it.
            table.set("catalog", exp.to_identifier(ODS_QUERY_ALIAS, quoted=True))
        elif table.catalog and table.catalog != ctx.own_catalog:
            return None
        else:
            table.set("catalog", None)
    return listing


def _model_source_tables(ctx: Context, rule: Rule) -> tuple[str | None, ...]:
    model = ctx.project.models[rule.model]
    return tuple(f"{db}.{table}" for db, table in model.reconciles) or (None,)


def _subquery_check(ctx: Context, rule: Rule) -> list[RowCheck]:
    """Rules whose rows come from a join or a window: their own relation, their own scan."""
    kind = rule.kind
    if kind == "unique":
        table = ctx.model_table(rule.model)
        names = rule.names("columns")
        _require(ctx, table, [*names, *rule.key], rule)
        partition = [_col(n) for n in names]
        counted = exp.Window(this=exp.Count(this=exp.Star()), partition_by=partition)
        relation = exp.select(exp.Star(), exp.alias_(counted, "__copies", quoted=True)).from_(table)
        checked: exp.Condition | None = exp.and_(*[exp.Paren(this=_present(_col(n))) for n in names])
        return [
            RowCheck(
                Outcome(rule),
                relation,
                exp.GT(this=_col("__copies"), expression=exp.Literal.number(1)),
                _and(rule.where, checked),
                rule.key or names,
                _col(names[0]),
                {"_source", "_source_row"} <= set(ctx.columns(table)),
                _model_source_tables(ctx, rule)[0],
                None,
            )
        ]
    if kind == "cross_system":
        table = ctx.model_table(rule.model)
        other = ctx.model_table(rule.text("other"))
        on: Mapping[str, str] = rule.options["on"]
        compare: Mapping[str, str] = rule.options.get("compare") or {}
        _require(ctx, table, [*on, *compare, *rule.key], rule)
        _require(ctx, other, [*on.values(), *compare.values()], rule)
        other_columns = [
            exp.alias_(_col(theirs), f"__on_{i}", quoted=True) for i, theirs in enumerate(on.values())
        ]
        compared = [
            exp.alias_(exp.func("any_value", _col(theirs)), f"__other_{i}", quoted=True)
            for i, theirs in enumerate(compare.values())
        ]
        matched = (
            exp.select(*other_columns, exp.alias_(exp.true(), "__matched", quoted=True), *compared)
            .from_(other)
            .group_by(*[_col(theirs) for theirs in on.values()])
        )
        join_on = exp.and_(
            *[
                exp.EQ(this=_text(_col(mine, "t")), expression=_text(_col(f"__on_{i}", "o")))
                for i, mine in enumerate(on)
            ]
        )
        relation = (
            exp.select(
                exp.Column(this=exp.Star(), table=exp.to_identifier("t")),
                _col("__matched", "o"),
                *[_col(f"__other_{i}", "o") for i in range(len(compare))],
            )
            .from_(exp.alias_(table, "t"))
            .join(
                exp.Subquery(this=matched, alias=exp.TableAlias(this=exp.to_identifier("o"))),
                on=join_on,
                join_type="left",
            )
        )
        if compare:
            disagreements = [
                exp.and_(
                    _present(_col(mine)),
                    exp.Not(this=exp.Is(this=_col(f"__other_{i}"), expression=exp.Null())),
                    exp.NEQ(this=_text(_col(mine)), expression=_text(_col(f"__other_{i}"))),
                )
                for i, mine in enumerate(compare)
            ]
            checked = exp.Is(this=_col("__matched"), expression=exp.true())
            failing = exp.or_(*[exp.Paren(this=d) for d in disagreements])
            value = _col(next(iter(compare)))
        else:
            checked, failing = None, exp.Is(this=_col("__matched"), expression=exp.Null())
            value = _col(next(iter(on)))
        return [
            RowCheck(
                Outcome(rule),
                relation,
                failing,
                _and(rule.where, checked),
                rule.key or list(on),
                value,
                {"_source", "_source_row"} <= set(ctx.columns(table)),
                _model_source_tables(ctx, rule)[0],
                None,
            )
        ]
    if kind == "identity":
        return [_identity_check(ctx, rule)]
    if kind == "duplicate":
        checks = []
        rejected = ctx.model_table(f"{rule.model}_rejected")
        prefix = rule.options.get("reason", "duplicate_row")
        for ods, name in ctx.ods_tables(rule):
            config = ctx.table_config(name)
            key = list(rule.key) or (list(config[1].primary_key) if config else [])
            _require(ctx, ods, [*key, "_source", "_source_row"], rule)
            dropped = (
                exp.select(
                    _col("_source"), _col("_source_row"), exp.alias_(exp.true(), "__dropped", quoted=True)
                )
                .from_(rejected)
                .where(exp.Like(this=_col("reason"), expression=exp.Literal.string(f"{prefix}%")))
            )
            relation = (
                exp.select(
                    *[_col(k, "o") for k in key],
                    _col("_source", "o"),
                    _col("_source_row", "o"),
                    _col("__dropped", "r"),
                )
                .from_(exp.alias_(ods, "o"))
                .join(
                    exp.Subquery(this=dropped, alias=exp.TableAlias(this=exp.to_identifier("r"))),
                    on=exp.and_(
                        exp.EQ(this=_col("_source", "o"), expression=_col("_source", "r")),
                        exp.EQ(this=_col("_source_row", "o"), expression=_col("_source_row", "r")),
                    ),
                    join_type="left",
                )
            )
            checks.append(
                RowCheck(
                    Outcome(rule),
                    relation,
                    exp.Is(this=_col("__dropped"), expression=exp.true()),
                    rule.where,
                    key,
                    _col(key[0]) if key else None,
                    True,
                    name,
                    None,
                )
            )
        return checks
    raise RuleFailure(f"kind {kind} has no query")


def _identity_check(ctx: Context, rule: Rule) -> RowCheck:
    """Records of one person under an id other than the person's (``dwd.person``) own.

    A record fails when its id column holds a value that is not the golden person's, or when it
    carries none of the person's ids at all (a desk-registered reader known by name and phone);
    the system of record's own record of such a person fails too, since it is where the id changed.
    """
    record = ctx.model_table("dwd.person_record")
    link = ctx.model_table("dwd.person_link")
    person = ctx.model_table("dwd.person")
    id_columns = rule.names("id_columns")
    _require(ctx, record, [*id_columns, "system", "record_key", "source_table"], rule)
    _require(ctx, person, id_columns, rule)
    differs = {
        c: exp.and_(
            exp.Not(this=exp.Is(this=_col(c, "r"), expression=exp.Null())),
            exp.Not(this=exp.Is(this=_col(c, "p"), expression=exp.Null())),
            exp.NEQ(this=_col(c, "r"), expression=_col(c, "p")),
        )
        for c in id_columns
    }
    known_by_none = exp.and_(
        *[exp.Is(this=_col(c, "r"), expression=exp.Null()) for c in id_columns],
        exp.or_(*[exp.Not(this=exp.Is(this=_col(c, "p"), expression=exp.Null())) for c in id_columns]),
    )
    own_fails = exp.or_(*[exp.Paren(this=d.copy()) for d in differs.values()], exp.Paren(this=known_by_none))
    system_of_record: Mapping[str, str] = rule.options.get("system_of_record") or {}
    record_of_changed = [
        exp.and_(
            exp.EQ(this=_col("system", "r"), expression=exp.Literal.string(system)),
            exp.Window(
                this=exp.func("bool_or", differs[c].copy()),
                partition_by=[_col("person_id", "l")],
            ),
        )
        for c, system in system_of_record.items()
        if c in differs
    ]
    fails = exp.or_(own_fails, *[exp.Paren(this=x) for x in record_of_changed])
    ids = exp.func("concat_ws", exp.Literal.string("/"), *[_col(c, "r") for c in id_columns])
    relation = (
        exp.select(
            _col("system", "r"),
            _col("record_key", "r"),
            exp.alias_(
                exp.func(
                    "concat",
                    exp.Literal.string("ods."),
                    _col("system", "r"),
                    exp.Literal.string("__"),
                    _col("source_table", "r"),
                ),
                "__source_table",
                quoted=True,
            ),
            exp.alias_(ids, "__ids", quoted=True),
            _col("_source", "r"),
            _col("_source_row", "r"),
            exp.alias_(_false_if_null(fails), "__fails", quoted=True),
        )
        .from_(exp.alias_(record, "r"))
        .join(exp.alias_(link, "l"), using=["system", "record_key"])
        .join(
            exp.alias_(person, "p"), on=exp.EQ(this=_col("person_id", "l"), expression=_col("person_id", "p"))
        )
    )
    check = RowCheck(
        Outcome(rule),
        relation,
        _col("__fails"),
        rule.where,
        list(rule.key) or ["record_key"],
        _col("__ids"),
        True,
        None,
        None,
    )
    return check


def _run_identity_sources(ctx: Context, check: RowCheck) -> None:
    """Like :func:`_aggregate`, with each captured row's ODS table taken from its record."""
    _aggregate(ctx, [check])
    # The ODS table differs per record: read it back for the captured rows only.
    outcome = check.outcome
    if not outcome.samples:
        return
    keyed = (
        exp.select(_col("_source"), _col("_source_row"), _col("__source_table"))
        .from_(exp.Subquery(this=check.relation, alias="rows"))
        .where(_col("__fails"))
    )
    tables = {(s, r): t for s, r, t in engine.fetch_all(ctx.con, _render(keyed))}
    outcome.samples = [(k, v, s, r, str(tables.get((s, r), "")) or None) for k, v, s, r, _ in outcome.samples]
    outcome.source_tables = tuple(sorted({str(t) for t in tables.values()}))


# --- timeliness and accuracy: sync records and reconciliation counts ------------------------------


def _files(ctx: Context, source: str, table: str) -> list[tuple[str, int | None]]:
    assert ctx.ods_alias is not None
    query = (
        exp.select(_col("path"), _col("mtime_ns"))
        .from_(_table("meta", "files", ctx.ods_alias))
        .where(
            exp.and_(
                exp.EQ(this=_col("source"), expression=exp.Literal.string(source)),
                exp.EQ(this=_col("table"), expression=exp.Literal.string(table)),
            )
        )
    )
    return [
        (str(p), None if m is None else int(str(m))) for p, m in engine.fetch_all(ctx.con, _render(query))
    ]


def _period_key(config: TableConfig, day: date) -> str:
    pattern = str(config.get("daily_file_pattern") or config.get("monthly_file_pattern"))
    return Path(datetime(day.year, day.month, day.day, tzinfo=UTC).strftime(pattern)).stem


def _timeliness(ctx: Context, rule: Rule) -> Outcome:
    outcome = Outcome(rule)
    for _ods, name in ctx.ods_tables(rule):
        found = ctx.table_config(name)
        if found is None:
            raise RuleFailure(f"{rule.path}: rule {rule.id}: no source YAML describes {name}")
        source, config = found
        outcome.source_tables = (*outcome.source_tables, name)
        if rule.kind == "freshness":
            last = _last_sync(ctx, source.name, config.name)
            interval = SCHEDULE_INTERVALS.get(str(source.schedule or "").lower())
            outcome.checked += 1
            stale = last is None or (interval is not None and ctx.now - last > interval * STALE_AFTER)
            if stale:
                outcome.failing += 1
                key = json.dumps({"source": source.name, "table": config.name}, ensure_ascii=False)
                outcome.samples.append((key, None if last is None else last.isoformat(), None, None, name))
            continue
        pattern = config.get("daily_file_pattern") or config.get("monthly_file_pattern")
        if not pattern:
            raise RuleFailure(
                f"{rule.path}: rule {rule.id}: {name} has no daily_file_pattern or monthly_file_pattern"
            )
        files = _files(ctx, source.name, config.name)
        paths = [Path(path.split(":", 1)[-1]) for path, _ in files]
        dated: dict[date, tuple[str, int | None]] = {}
        for (label, mtime), path in zip(files, paths, strict=True):
            try:
                dated[datetime.strptime(path.name, str(pattern)).date()] = (label, mtime)  # noqa: DTZ007 - a calendar day
            except ValueError:
                continue
        if rule.kind == "missing_periods":
            gaps = missing_periods(config, paths)
            if dated:
                span = (
                    (max(dated) - min(dated)).days + 1
                    if config.get("daily_file_pattern")
                    else len(dated) + len(gaps)
                )
                outcome.checked += span
            outcome.failing += len(gaps)
            for gap in gaps[:CAPTURE_LIMIT]:
                day = date.fromisoformat(gap if len(gap) > 7 else f"{gap}-01")
                key = json.dumps({"period": _period_key(config, day)})
                outcome.samples.append((key, gap, None, None, name))
            continue
        max_delay = timedelta(days=float(rule.options.get("max_delay_days", DEFAULT_MAX_DELAY_DAYS)))
        for day, (label, mtime) in sorted(dated.items()):
            if mtime is None:
                continue
            outcome.checked += 1
            day_end = datetime(day.year, day.month, day.day, tzinfo=CAMPUS_TZ) + timedelta(days=1)
            delivered = datetime.fromtimestamp(mtime / 1e9, tz=UTC)
            if delivered - day_end > max_delay:
                outcome.failing += 1
                if len(outcome.samples) < CAPTURE_LIMIT:
                    key = json.dumps({"period": _period_key(config, day)})
                    outcome.samples.append((key, delivered.isoformat(), label, None, name))
    return outcome


def _last_sync(ctx: Context, source: str, table: str) -> datetime | None:
    assert ctx.ods_alias is not None
    query = (
        exp.select(exp.Max(this=_col("finished_at")))
        .from_(_table("meta", "batches", ctx.ods_alias))
        .where(
            exp.and_(
                exp.EQ(this=_col("source"), expression=exp.Literal.string(source)),
                exp.EQ(this=_col("table"), expression=exp.Literal.string(table)),
                exp.In(
                    this=_col("status"),
                    expressions=[exp.Literal.string("loaded"), exp.Literal.string("unchanged")],
                ),
            )
        )
    )
    (value,) = engine.fetch_all(ctx.con, _render(query))[0]
    if not isinstance(value, datetime):
        return None
    # The ODS stores UTC without a zone (sync.py).
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _count(ctx: Context, table: exp.Table) -> int:
    return int(
        str(engine.fetch_all(ctx.con, _render(exp.select(exp.Count(this=exp.Star())).from_(table)))[0][0])
    )


def _reconciliation(ctx: Context, rule: Rule) -> Outcome:
    """ODS rows against the rows the model carries plus those it rejected (accuracy)."""
    outcome = Outcome(rule)
    model = ctx.model_table(rule.model)
    rejected = ctx.model_table(f"{rule.model}_rejected")
    ods_tables = ctx.ods_tables(rule)
    ods_rows = sum(_count(ctx, table) for table, _ in ods_tables)
    carried = _count(ctx, model) + _count(ctx, rejected)
    outcome.checked = ods_rows
    outcome.failing = abs(ods_rows - carried)
    outcome.source_tables = tuple(name for _, name in ods_tables)
    if outcome.failing and {"_source", "_source_row"} <= set(ctx.columns(model)):
        # Only when the counts disagree: name the ODS rows that reached neither table.
        seen = exp.union(
            exp.select(_col("_source"), _col("_source_row")).from_(model),
            exp.select(_col("_source"), _col("_source_row")).from_(rejected),
            distinct=False,
        )
        for table, name in ods_tables:
            lost = (
                exp.select(_col("_source"), _col("_source_row"))
                .from_(table)
                .where(
                    exp.Not(
                        this=exp.In(
                            this=exp.Tuple(expressions=[_col("_source"), _col("_source_row")]),
                            query=exp.Subquery(this=seen.copy()),
                        )
                    )
                )
                .limit(CAPTURE_LIMIT)
            )
            for source, source_row in engine.fetch_all(ctx.con, _render(lost)):
                if len(outcome.samples) < CAPTURE_LIMIT:
                    key = json.dumps(
                        {"_source": source, "_source_row": source_row}, ensure_ascii=False, default=str
                    )
                    outcome.samples.append((key, None, str(source), int(str(source_row)), name))
    return outcome


ROW_KINDS = frozenset(
    {"not_null", "pattern", "in_code_set", "id_number", "range", "reference", "expression", "agreement"}
)
PYTHON_KINDS = {
    "freshness": _timeliness,
    "missing_periods": _timeliness,
    "late_files": _timeliness,
    "reconciliation": _reconciliation,
}


def evaluate(ctx: Context, rules: Sequence[Rule]) -> list[Outcome]:
    """Run ``rules`` on the snapshot; a rule that cannot run becomes an outcome with ``error``."""
    outcomes: dict[str, Outcome] = {}
    grouped: dict[str, list[RowCheck]] = {}
    single: list[RowCheck] = []
    for rule in rules:
        outcome = outcomes[rule.id] = Outcome(rule)
        try:
            if rule.kind in PYTHON_KINDS:
                outcomes[rule.id] = PYTHON_KINDS[rule.kind](ctx, rule)
                continue
            if rule.kind in ROW_KINDS:
                targets = (
                    ctx.ods_tables(rule)
                    if rule.on_source
                    else [(ctx.model_table(rule.model), _model_source_tables(ctx, rule)[0])]
                )
                for relation, source_table in targets:
                    check = _row_check(ctx, rule, relation, source_table)
                    check.outcome = outcome
                    grouped.setdefault(str(check.group), []).append(check)
                continue
            for check in _subquery_check(ctx, rule):
                check.outcome = outcome
                single.append(check)
        except (RuleFailure, engine.DuckDBError) as error:
            outcome.error = str(error)
    for checks in grouped.values():
        _run_guarded(ctx, checks)
    for check in single:
        _run_guarded(ctx, [check])
    return [outcomes[rule.id] for rule in rules]


def _run_guarded(ctx: Context, checks: list[RowCheck]) -> None:
    try:
        if checks[0].outcome.rule.kind == "identity":
            _run_identity_sources(ctx, checks[0])
        else:
            _aggregate(ctx, checks)
    except engine.DuckDBError as error:
        if len(checks) == 1:
            checks[
                0
            ].outcome.error = f"{checks[0].outcome.rule.path}: rule {checks[0].outcome.rule.id}: {error}"
            return
        # One bad rule must not sink its neighbours: run them one by one to find it.
        for check in checks:
            _run_guarded(ctx, [check])
