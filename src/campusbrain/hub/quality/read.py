"""Read the ``quality`` schema of the published snapshot into the contracts' frozen dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlglot import exp

from campusbrain.hub.contracts import (
    DefectDetection,
    FailingRow,
    FailingRows,
    QualityReport,
    QualityRuleResult,
    QualityScore,
    QualityTicket,
    TicketEvent,
)
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.project import DIALECT
from campusbrain.hub.quality import manifest
from campusbrain.hub.quality.run import (
    FAILING_ROW_COLUMNS,
    RULE_RESULT_COLUMNS,
    SCHEMA,
    SCORE_COLUMNS,
    TICKET_COLUMNS,
    TICKET_EVENT_COLUMNS,
)
from campusbrain.hub.quality.scores import LEVELS
from campusbrain.hub.standards.elements import data_elements, mask
from campusbrain.hub.warehouse import open_published

RESULT_FIELDS = [c for c, _ in RULE_RESULT_COLUMNS if c not in ("detects", "source_tables")]


class NoQuality(LookupError):
    """The published snapshot has no quality tables (built with quality switched off, or too old)."""


class UnknownRule(LookupError):
    """No rule of that id in the published build."""


def _table(name: str) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name, quoted=True), db=exp.to_identifier(SCHEMA, quoted=True))


def _select(
    con: engine.Connection,
    name: str,
    columns: Sequence[str],
    where: exp.Expr | None = None,
    order: Sequence[str] = (),
) -> list[tuple[object, ...]]:
    query = exp.select(*[exp.column(c, quoted=True) for c in columns]).from_(_table(name))
    if where is not None:
        query = query.where(where)
    if order:
        query = query.order_by(*[exp.column(c, quoted=True) for c in order])
    return engine.fetch_all(con, query.sql(dialect=DIALECT))


def _open(home: Path) -> engine.Connection:
    con = open_published(home)
    tables = engine.catalog_columns(con, engine.current_catalog(con)).get(SCHEMA, {})
    if "rule_result" not in tables:
        con.close()
        raise NoQuality("the published build has no quality results: run `campusbrain hub build`")
    return con


def _eq(column: str, value: str) -> exp.Expr:
    return exp.EQ(this=exp.column(column, quoted=True), expression=exp.Literal.string(value))


def _results(con: engine.Connection, where: exp.Expr | None = None) -> tuple[QualityRuleResult, ...]:
    rows = _select(con, "rule_result", RESULT_FIELDS, where, order=("rule_id",))
    return tuple(QualityRuleResult(**dict(zip(RESULT_FIELDS, row, strict=True))) for row in rows)  # type: ignore[arg-type]


def _tickets(con: engine.Connection, where: exp.Expr | None) -> tuple[QualityTicket, ...]:
    names = [c for c, _ in TICKET_COLUMNS]
    rows = _select(con, "ticket", names, where, order=("ticket_id",))
    return tuple(QualityTicket(**dict(zip(names, row, strict=True))) for row in rows)  # type: ignore[arg-type]


def _scores(con: engine.Connection, where: exp.Expr | None) -> tuple[QualityScore, ...]:
    names = [c for c, _ in SCORE_COLUMNS]
    rows = _select(
        con, "score", names, where, order=("built_at", "build_id", "level", "subject", "dimension")
    )
    fields = [
        "build_id",
        "built_at",
        "level",
        "subject",
        "subject_name",
        "dimension",
        "score",
        "checked_rows",
        "failing_rows",
    ]
    return tuple(QualityScore(**dict(zip(fields, row, strict=True))) for row in rows)  # type: ignore[arg-type]


def report(home: Path) -> QualityReport:
    con = _open(home)
    try:
        results = _results(con)
        build_id = results[0].build_id if results else ""
        scores = _scores(con, _eq("build_id", build_id))
        built_at = scores[0].built_at if scores else datetime.now().astimezone()
        return QualityReport(
            build_id=build_id,
            built_at=built_at,
            results=results,
            scores=scores,
            open_tickets=_tickets(con, _eq("status", "open")),
        )
    finally:
        con.close()


def scores(
    home: Path, *, level: str, subject: str | None = None, dimension: str | None = None
) -> tuple[QualityScore, ...]:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)} (got {level!r})")
    condition: exp.Expr = _eq("level", level)
    if subject is not None:
        condition = exp.and_(condition, _eq("subject", subject))
    if dimension is not None:
        condition = exp.and_(condition, _eq("dimension", dimension))
    con = _open(home)
    try:
        return _scores(con, condition)
    finally:
        con.close()


def tickets(
    home: Path, *, department: str | None = None, status: str | None = None
) -> tuple[QualityTicket, ...]:
    if status is not None and status not in ("open", "closed"):
        raise ValueError(f"status must be open or closed (got {status!r})")
    conditions = [
        c
        for c in (
            _eq("owner_department", department) if department is not None else None,
            _eq("status", status) if status is not None else None,
        )
        if c is not None
    ]
    con = _open(home)
    try:
        return _tickets(con, exp.and_(*conditions) if conditions else None)
    finally:
        con.close()


def ticket_events(home: Path, ticket_id: str) -> tuple[TicketEvent, ...]:
    names = [c for c, _ in TICKET_EVENT_COLUMNS]
    con = _open(home)
    try:
        rows = _select(con, "ticket_event", names, _eq("ticket_id", ticket_id), order=("at", "build_id"))
    finally:
        con.close()
    return tuple(TicketEvent(**dict(zip(names, row, strict=True))) for row in rows)  # type: ignore[arg-type]


def failing_rows(home: Path, rule_id: str, *, limit: int = 100) -> FailingRows:
    if limit < 0:
        raise ValueError("limit must be zero or more")
    con = _open(home)
    try:
        results = _results(con, _eq("rule_id", rule_id))
        if not results:
            raise UnknownRule(f"no quality rule {rule_id!r} in the published build")
        names = [c for c, _ in FAILING_ROW_COLUMNS]
        query = (
            exp.select(*[exp.column(c, quoted=True) for c in names])
            .from_(_table("failing_row"))
            .where(_eq("rule_id", rule_id))
            .order_by(
                exp.column("_source", quoted=True),
                exp.column("_source_row", quoted=True),
                exp.column("row_key", quoted=True),
            )
        )
        captured = len(_select(con, "failing_row", ["rule_id"], _eq("rule_id", rule_id)))
        rows = engine.fetch_all(con, query.limit(limit).sql(dialect=DIALECT))
    finally:
        con.close()
    return FailingRows(
        rule=results[0],
        rows=tuple(
            FailingRow(
                rule_id=str(r[0]),
                model=str(r[1]),
                row_key=str(r[2]),
                column_name=None if r[3] is None else str(r[3]),
                value=None if r[4] is None else str(r[4]),
                source=None if r[5] is None else str(r[5]),
                source_row=None if r[6] is None else int(str(r[6])),
                source_table=None if r[7] is None else str(r[7]),
            )
            for r in rows
        ),
        failing_rows=results[0].failing_rows,
        captured_rows=captured,
    )


def detection(home: Path) -> tuple[DefectDetection, ...]:
    """The detection table of the demo college (``hub quality --against-manifest``).

    A rule that failed more rows than were captured is measured on all of them: its stored
    failing-rows query is run when the rule reads one source table, so the capture bound does
    not count as missed defects.
    """
    from campusbrain.hub.query import query

    data = manifest.load_manifest(home)
    con = _open(home)
    try:
        rows = _select(
            con,
            "rule_result",
            ["rule_id", "detects", "checked_rows", "model", "failing_rows", "failing_query", "source_tables"],
        )
        failing = [
            (str(rule_id), str(key), None if table is None else str(table))
            for rule_id, key, table in _select(con, "failing_row", ["rule_id", "row_key", "source_table"])
        ]
    finally:
        con.close()
    results = [(str(r[0]), list(r[1] or []), int(str(r[2])), str(r[3])) for r in rows]  # type: ignore[call-overload]
    captured: dict[str, int] = {}
    for captured_rule, _key, _table in failing:
        captured[captured_rule] = captured.get(captured_rule, 0) + 1
    for row in rows:
        rule_id, detects, failing_rows, failing_query = str(row[0]), row[1], int(str(row[4])), row[5]
        tables = [str(t) for t in row[6] or []]  # type: ignore[attr-defined]
        complete = failing_rows <= captured.get(rule_id, 0)
        if not detects or complete or failing_query is None or len(tables) != 1:
            continue
        everything = query(home, str(failing_query))
        failing = [f for f in failing if f[0] != rule_id]
        failing += [(rule_id, str(listed[0]), tables[0]) for listed in everything.rows]
    kinds = list(data.get("defect_kinds", {}))  # type: ignore[call-overload]
    return tuple(manifest.detect(data["defects"], kinds, results, failing))  # type: ignore[arg-type]


# Columns whose data element is not found by id still carry personal data when their Chinese name
# says so (raw ODS columns such as 身份证号); they are masked by these policies.
_NAME_POLICIES = (("身份证", "id_number"), ("手机", "phone"), ("电话", "phone"), ("姓名", "name"))


def masking_policy(column: str | None) -> str:
    """The masking policy of a failing row's column, from the data element it holds."""
    if not column:
        return "none"
    base = column.split()[-1].removesuffix("_source")
    by_id = {e.element_id: e.masking for e in data_elements()}
    if base in by_id:
        return by_id[base]
    if base in ("LXDH", "SJH"):
        return "phone"
    for word, policy in _NAME_POLICIES:
        if word in column:
            return policy
    return "none"


def masked(rows: FailingRows) -> FailingRows:
    """The same rows with each value masked by its column's data element policy."""
    return replace(
        rows,
        rows=tuple(replace(r, value=mask(r.value, masking_policy(r.column_name))) for r in rows.rows),
    )
