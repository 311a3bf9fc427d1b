"""Quality checks inside ``hub build``: error rules between models, the rest before publishing.

The runner calls :meth:`QualityRun.after_model` after each model; the model's ``error`` rules run
there and a failing one returns ``False``, so every model downstream keeps its previous rows.
:meth:`QualityRun.finish` runs the ``warn`` rules once every table exists, then writes the
``quality`` schema of the snapshot: rule results, captured failing rows, scores (with the
history of earlier builds) and tickets (with their events), carried from the previous snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlglot import exp

from campusbrain.hub.contracts import ModelRun, QualitySummary
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.project import DIALECT, Model, Project
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.quality import check, scores, tickets
from campusbrain.hub.quality.rules import Rule, load_rules
from campusbrain.hub.sources.config import SourceConfig, load_sources

if TYPE_CHECKING:
    from campusbrain.hub.models.runner import BuildContext

SCHEMA = "quality"
RULE_RESULT_COLUMNS = (
    ("build_id", "VARCHAR"),
    ("rule_id", "VARCHAR"),
    ("model", "VARCHAR"),
    ("column_name", "VARCHAR"),
    ("dimension", "VARCHAR"),
    ("severity", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("description", "VARCHAR"),
    ("owner_department", "VARCHAR"),
    ("owner_name", "VARCHAR"),
    ("source_system", "VARCHAR"),
    ("checked_rows", "BIGINT"),
    ("failing_rows", "BIGINT"),
    ("score", "DOUBLE"),
    ("status", "VARCHAR"),
    ("blocked", "BOOLEAN"),
    ("error_message", "VARCHAR"),
    ("detects", "VARCHAR[]"),
    ("source_tables", "VARCHAR[]"),
    ("failing_query", "VARCHAR"),
)
FAILING_ROW_COLUMNS = (
    ("rule_id", "VARCHAR"),
    ("model", "VARCHAR"),
    ("row_key", "VARCHAR"),
    ("column_name", "VARCHAR"),
    ("value", "VARCHAR"),
    ("_source", "VARCHAR"),
    ("_source_row", "BIGINT"),
    ("source_table", "VARCHAR"),
)
SCORE_COLUMNS = (
    ("build_id", "VARCHAR"),
    ("built_at", "TIMESTAMPTZ"),
    ("level", "VARCHAR"),
    ("subject", "VARCHAR"),
    ("subject_name", "VARCHAR"),
    ("dimension", "VARCHAR"),
    ("score", "DOUBLE"),
    ("checked_rows", "BIGINT"),
    ("failing_rows", "BIGINT"),
)
TICKET_COLUMNS = (
    ("ticket_id", "VARCHAR"),
    ("rule_id", "VARCHAR"),
    ("model", "VARCHAR"),
    ("column_name", "VARCHAR"),
    ("dimension", "VARCHAR"),
    ("severity", "VARCHAR"),
    ("owner_department", "VARCHAR"),
    ("owner_name", "VARCHAR"),
    ("status", "VARCHAR"),
    ("opened_build", "VARCHAR"),
    ("opened_at", "TIMESTAMPTZ"),
    ("due_at", "TIMESTAMPTZ"),
    ("last_seen_build", "VARCHAR"),
    ("failing_rows", "BIGINT"),
    ("closed_build", "VARCHAR"),
    ("closed_at", "TIMESTAMPTZ"),
)
TICKET_EVENT_COLUMNS = (
    ("ticket_id", "VARCHAR"),
    ("build_id", "VARCHAR"),
    ("at", "TIMESTAMPTZ"),
    ("event", "VARCHAR"),
    ("failing_rows", "BIGINT"),
)


def split_owner(owner: str) -> tuple[str, str]:
    """``"002 教务处"`` → ``("002", "教务处")``: the 单位号 and the department's name."""
    code, _, name = owner.strip().partition(" ")
    return code, name.strip() or code


def _render(expression: exp.Expr) -> str:
    return expression.sql(dialect=DIALECT)


def _table(name: str, catalog: str | None = None) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(name, quoted=True),
        db=exp.to_identifier(SCHEMA, quoted=True),
        catalog=exp.to_identifier(catalog, quoted=True) if catalog else None,
    )


@dataclass
class QualityRun:
    """The quality side of one build; create with :func:`prepare` before the snapshot exists."""

    paths: HubPaths
    project: Project
    rules: list[Rule]
    left_out: Mapping[str, str]
    sources: Mapping[str, SourceConfig]
    ods_alias: str | None = None
    previous_alias: str | None = None
    outcomes: dict[str, check.Outcome] = field(default_factory=dict)
    blocking: dict[str, list[str]] = field(default_factory=dict)  # model -> failed error rules
    _ods_catalog: dict[str, dict[str, dict[str, str]]] | None = None

    def _context(self, con: engine.Connection) -> check.Context:
        own = engine.current_catalog(con)

        def tables() -> check.Catalog:
            found: dict[str, Mapping[str, Mapping[str, Mapping[str, str]]]] = {
                own: engine.catalog_columns(con, own)
            }
            if self.ods_alias is not None:
                if self._ods_catalog is None:
                    self._ods_catalog = engine.catalog_columns(con, self.ods_alias)
                found[self.ods_alias] = self._ods_catalog
            return found

        return check.Context(
            con=con,
            project=self.project,
            own_catalog=own,
            ods_alias=self.ods_alias,
            sources=self.sources,
            now=datetime.now(UTC),
            tables=tables,
        )

    def after_model(self, ctx: BuildContext, model: Model, run: ModelRun) -> bool:
        """Runner hook: run the model's ``error`` rules; ``False`` keeps its dependents as they were."""
        due = [r for r in self.rules if r.model == model.name and r.severity == "error"]
        if not due or run.action == "skipped":
            return True
        failed: list[str] = []
        for outcome in check.evaluate(self._context(ctx.con), due):
            self.outcomes[outcome.rule.id] = outcome
            if outcome.status == "fail":
                failed.append(outcome.rule.id)
        if failed:
            self.blocking[model.name] = failed
        return not failed

    def finish(self, con: engine.Connection, build_id: str, runs: Mapping[str, ModelRun]) -> QualitySummary:
        """Run the remaining rules and write the ``quality`` tables; return the build's summary."""
        now = datetime.now(UTC)
        pending = [r for r in self.rules if r.id not in self.outcomes]
        runnable = [r for r in pending if r.model in runs and runs[r.model].action != "skipped"]
        for outcome in check.evaluate(self._context(con), runnable):
            self.outcomes[outcome.rule.id] = outcome
        for rule in pending:
            if rule.id not in self.outcomes:
                outcome = check.Outcome(rule, error=f"model {rule.model} was not built in this build")
                self.outcomes[rule.id] = outcome
        results = [self._result_row(build_id, self.outcomes[r.id]) for r in self.rules]
        college = _write(con, build_id, now, self, results)
        blocked = tuple(sorted(name for name, run in runs.items() if run.action in ("kept", "skipped")))
        return QualitySummary(
            rules=len(results),
            passed=sum(1 for r in results if r[14] == "pass"),
            failed_error=tuple(str(r[1]) for r in results if r[14] == "fail" and r[5] == "error"),
            failed_warn=tuple(str(r[1]) for r in results if r[14] == "fail" and r[5] == "warn"),
            errors=tuple(f"{r[1]}: {r[16]}" for r in results if r[14] == "error"),
            college_score=college,
            blocked_models=blocked,
        )

    def source_system(self, outcome: check.Outcome) -> str | None:
        tables = outcome.source_tables or tuple(
            f"{db}.{t}" for db, t in self.project.models[outcome.rule.model].reconciles
        )
        if not tables:
            tables = tuple(
                f"{db}.{t}" for db, t in self.project.sources.get(outcome.rule.model, ()) if db == "ods"
            )
        systems = {t.split(".", 1)[1].split("__", 1)[0] for t in tables if "__" in t}
        return systems.pop() if len(systems) == 1 else None

    def _result_row(self, build_id: str, outcome: check.Outcome) -> tuple[object, ...]:
        rule = outcome.rule
        department, name = split_owner(rule.owner)
        blocked = rule.id in self.blocking.get(rule.model, [])
        return (
            build_id,
            rule.id,
            rule.model,
            rule.column,
            rule.dimension,
            rule.severity,
            rule.kind,
            rule.description,
            department,
            name,
            self.source_system(outcome),
            outcome.checked,
            outcome.failing,
            scores.score_of(outcome.checked, outcome.failing),
            outcome.status,
            blocked,
            outcome.error,
            list(rule.detects),
            list(outcome.source_tables),
            outcome.failing_query,
        )


def prepare(paths: HubPaths, project: Project) -> QualityRun:
    """Load and check every rule file against the project; raises ``QualityRuleError`` on a mistake."""
    rules, left_out = load_rules(project, paths.college_models)
    configs, _errors = load_sources(paths.sources)
    return QualityRun(
        paths=paths,
        project=project,
        rules=rules,
        left_out=left_out,
        sources={c.name: c for c in configs},
    )


def _create(con: engine.Connection, name: str, columns: Sequence[tuple[str, str]]) -> exp.Table:
    table = _table(name)
    schema = exp.Schema(
        this=table,
        expressions=[
            exp.ColumnDef(this=exp.to_identifier(column), kind=exp.DataType.build(kind, dialect=DIALECT))
            for column, kind in columns
        ],
    )
    engine.run(con, _render(exp.Create(this=schema, kind="TABLE", exists=True)))
    return table


def _insert(
    con: engine.Connection, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[object, ...]]
) -> None:
    from campusbrain.hub.models.runner import _insert_rows  # the runner imports this module

    _insert_rows(con, _table(name), columns, rows)


def _previous(con: engine.Connection, alias: str | None, name: str) -> exp.Table | None:
    if alias is None:
        return None
    if name not in engine.catalog_columns(con, alias).get(SCHEMA, {}):
        return None
    return _table(name, alias)


def _write(
    con: engine.Connection, build_id: str, now: datetime, run: QualityRun, results: list[tuple[object, ...]]
) -> float | None:
    """Write the five quality tables; return the college's overall score of this build."""
    engine.run(con, _render(exp.Create(this=exp.to_identifier(SCHEMA), kind="SCHEMA", exists=True)))
    _create(con, "rule_result", RULE_RESULT_COLUMNS)
    _insert(con, "rule_result", RULE_RESULT_COLUMNS, results)
    _create(con, "failing_row", FAILING_ROW_COLUMNS)
    failing: list[tuple[object, ...]] = []
    for rule in run.rules:
        outcome = run.outcomes[rule.id]
        for key, value, source, source_row, source_table in outcome.samples[: check.CAPTURE_LIMIT]:
            failing.append((rule.id, rule.model, key, rule.column, value, source, source_row, source_table))
    _insert(con, "failing_row", FAILING_ROW_COLUMNS, failing)
    college = _write_scores(con, build_id, now, run, results)
    _write_tickets(con, build_id, now, run, results)
    return college


def _write_scores(
    con: engine.Connection, build_id: str, now: datetime, run: QualityRun, results: list[tuple[object, ...]]
) -> float | None:
    table = _create(con, "score", SCORE_COLUMNS)
    previous = _previous(con, run.previous_alias, "score")
    if previous is not None:
        # The history of earlier builds travels with the snapshot, so a trend needs no other file.
        engine.run(con, _render(exp.insert(exp.select("*").from_(previous), table)))
    measured: list[scores.Measured] = []
    for row, rule in zip(results, run.rules, strict=True):
        if row[14] == "error":
            continue
        outcome = run.outcomes[rule.id]
        system = row[10]
        column_subject = None
        if rule.column:
            base = outcome.source_tables[0] if rule.on_source and outcome.source_tables else rule.model
            column_subject = (f"{base}.{rule.column}", rule.column)
        source_title = (
            run.sources[str(system)].title if system and str(system) in run.sources else str(system)
        )
        measured.append(
            scores.Measured(
                dimension=rule.dimension,
                checked=outcome.checked,
                failing=outcome.failing,
                subjects={
                    "column": column_subject,
                    "table": (rule.model, rule.model),
                    "source": (str(system), source_title) if system else None,
                    "department": (str(row[8]), str(row[9])),
                    "college": ("college", "全校"),
                },
            )
        )
    rolled = scores.roll_up(measured)
    rows = [
        (build_id, now, s.level, s.subject, s.subject_name, s.dimension, s.score, s.checked, s.failing)
        for s in rolled
    ]
    _insert(con, "score", SCORE_COLUMNS, rows)
    return next((s.score for s in rolled if s.level == "college" and s.dimension == "overall"), None)


def _write_tickets(
    con: engine.Connection, build_id: str, now: datetime, run: QualityRun, results: list[tuple[object, ...]]
) -> None:
    previous_tickets: list[tickets.Ticket] = []
    previous = _previous(con, run.previous_alias, "ticket")
    if previous is not None:
        names = [c for c, _ in TICKET_COLUMNS]
        for values in engine.fetch_all(con, _render(exp.select(*names).from_(previous))):
            data = dict(zip(names, values, strict=True))
            previous_tickets.append(tickets.Ticket(**data))  # type: ignore[arg-type]
    findings = [
        tickets.Finding(
            rule_id=str(row[1]),
            model=str(row[2]),
            column_name=None if row[3] is None else str(row[3]),
            dimension=str(row[4]),
            severity=str(row[5]),
            owner_department=str(row[8]),
            owner_name=str(row[9]),
            failing_rows=int(str(row[12])),
        )
        for row in results
        if row[14] != "error"
    ]
    current, events = tickets.advance(previous_tickets, findings, build_id=build_id, now=now)
    _create(con, "ticket", TICKET_COLUMNS)
    _insert(
        con,
        "ticket",
        TICKET_COLUMNS,
        [tuple(getattr(t, c) for c, _ in TICKET_COLUMNS) for t in current],
    )
    event_table = _create(con, "ticket_event", TICKET_EVENT_COLUMNS)
    previous_events = _previous(con, run.previous_alias, "ticket_event")
    if previous_events is not None:
        engine.run(con, _render(exp.insert(exp.select("*").from_(previous_events), event_table)))
    _insert(
        con,
        "ticket_event",
        TICKET_EVENT_COLUMNS,
        [(e.ticket_id, e.build_id, e.at, e.event, e.failing_rows) for e in events],
    )
