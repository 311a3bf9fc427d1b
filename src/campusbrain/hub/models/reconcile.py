"""Row-by-row reconciliation of the DWD layer against the ODS: nothing lost, nothing doubled.

Every ODS row must end up either in the DWD model that declares ``reconciles:`` for its table, or in
that model's ``<model>_rejected`` companion with a reason, and never in both. Rows are matched on
the provenance columns (``_batch_id``, ``_source``, ``_source_row``), which together identify one
ODS row. A build records cheap counts in ``meta.reconciliation``; this module does the exact
check, for tests and for ``hub status --reconcile`` style audits, on the published snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.runner import ODS_ALIAS, load_project
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import read_published

PROVENANCE_KEY = ("_batch_id", "_source", "_source_row")


@dataclass(frozen=True)
class RowReconciliation:
    """How the rows of one ODS table were accounted for by its DWD model."""

    ods_table: str
    model: str | None
    ods_rows: int
    carried: int
    rejected: int
    missing: int
    carried_and_rejected: int
    duplicated_in_model: int

    @property
    def ok(self) -> bool:
        return (
            self.model is not None
            and self.missing == 0
            and self.carried_and_rejected == 0
            and self.duplicated_in_model == 0
        )


def _table(catalog: str | None, schema: str, name: str) -> exp.Table:
    return exp.table_(
        exp.to_identifier(name, quoted=True),
        db=exp.to_identifier(schema, quoted=True),
        catalog=exp.to_identifier(catalog, quoted=True) if catalog else None,
    )


def _keys(table: exp.Table, flag: str, alias: str) -> exp.Subquery:
    """``(SELECT DISTINCT <provenance key>, TRUE AS flag FROM table) AS alias``."""
    columns = [exp.column(c, quoted=True) for c in PROVENANCE_KEY]
    query = exp.select(*columns, exp.alias_(exp.true(), flag)).from_(table).distinct()
    return exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias)))


def _count_rows(con: engine.Connection, table: exp.Table) -> int:
    (row,) = engine.fetch_all(con, exp.select(exp.Count(this=exp.Star())).from_(table).sql(dialect="duckdb"))
    return int(str(row[0]))


def _distinct_keys(con: engine.Connection, table: exp.Table) -> int:
    keys = exp.select(*[exp.column(c, quoted=True) for c in PROVENANCE_KEY]).from_(table).distinct()
    query = exp.select(exp.Count(this=exp.Star())).from_(
        exp.Subquery(this=keys, alias=exp.TableAlias(this="k"))
    )
    (row,) = engine.fetch_all(con, query.sql(dialect="duckdb"))
    return int(str(row[0]))


def _check(
    con: engine.Connection, ods: exp.Table, model: exp.Table, rejected: exp.Table | None
) -> tuple[int, int, int, int, int]:
    """``(ods rows, carried, rejected, in neither, in both)`` in one scan of the ODS table."""
    carried = exp.func("coalesce", exp.column("in_model", table="m"), exp.false())
    dropped = (
        exp.func("coalesce", exp.column("in_rejected", table="r"), exp.false())
        if rejected is not None
        else exp.false()
    )
    query = exp.select(
        exp.Count(this=exp.Star()),
        exp.func("count_if", carried.copy()),
        exp.func("count_if", dropped.copy()),
        exp.func("count_if", exp.and_(exp.not_(carried.copy()), exp.not_(dropped.copy()))),
        exp.func("count_if", exp.and_(carried.copy(), dropped.copy())),
    ).from_(ods.copy())
    query = query.join(_keys(model, "in_model", "m"), using=list(PROVENANCE_KEY), join_type="left")
    if rejected is not None:
        query = query.join(_keys(rejected, "in_rejected", "r"), using=list(PROVENANCE_KEY), join_type="left")
    (row,) = engine.fetch_all(con, query.sql(dialect="duckdb"))
    total, kept, dropped_rows, neither, both = (int(str(v)) for v in row)
    return total, kept, dropped_rows, neither, both


def reconcile_rows(home: Path) -> list[RowReconciliation]:
    """Check every ODS table of a college row by row against the published snapshot.

    A model reconciling several ODS tables is checked against each of them; its duplicate count
    (rows sharing one provenance key) is reported on each. ODS tables no model reconciles come
    back with ``model=None``.
    """
    paths = HubPaths(home)
    published = read_published(paths)
    if published is None:
        raise FileNotFoundError(f"nothing published under {paths.warehouse}: run `campusbrain hub build`")
    project = load_project(home)
    con = engine.connect(published.snapshot, read_only=True)
    try:
        engine.attach(con, paths.ods, ODS_ALIAS, read_only=True)
        ods_tables = sorted(engine.catalog_columns(con, ODS_ALIAS).get("ods", {}))
        own = engine.catalog_columns(con, engine.current_catalog(con))
        owner = {table.lower(): m for m in project.models.values() for _db, table in m.reconciles}
        results: list[RowReconciliation] = []
        duplicates: dict[str, int] = {}
        for table in ods_tables:
            ods = _table(ODS_ALIAS, "ods", table)
            model = owner.get(table.lower())
            if model is None:
                rows = _count_rows(con, ods)
                results.append(RowReconciliation(f"ods.{table}", None, rows, 0, 0, rows, 0, 0))
                continue
            schema, _, name = model.name.partition(".")
            target = _table(None, schema, name)
            has_rejected = f"{name}_rejected" in own.get(schema, {})
            rejected = _table(None, schema, f"{name}_rejected") if has_rejected else None
            if model.name not in duplicates:
                duplicates[model.name] = _count_rows(con, target) - _distinct_keys(con, target)
            total, kept, dropped, neither, both = _check(con, ods, target, rejected)
            results.append(
                RowReconciliation(
                    f"ods.{table}", model.name, total, kept, dropped, neither, both, duplicates[model.name]
                )
            )
        return results
    finally:
        con.close()
