"""Column-level lineage of a model: for each output column, the source columns it is computed from.

SQLGlot's ``lineage`` walks the query with the real schemas of the upstream tables (the ODS and
the models already built), so ``SELECT *`` and unqualified columns resolve the same way DuckDB
resolved them. Identifiers come back normalized (lower case); they are mapped back to the spelling
the tables really use, because ODS columns keep the source system's CSV headers (``JYLSH``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import lineage

from campusbrain.hub.models.project import DIALECT, Model

Schema = Mapping[str, Mapping[str, Mapping[str, str]]]


@dataclass(frozen=True)
class ColumnLineage:
    """One edge: ``model.column`` is computed from ``source_table.source_column``.

    ``transform`` is ``identity`` when the column is a source column passed through unchanged
    (renaming allowed) and ``expression`` when it is computed (cast, arithmetic, aggregate …).
    """

    model: str
    column: str
    source_table: str
    source_column: str
    transform: str


def _real_name(schema: Schema, db: str, table: str, column: str) -> tuple[str, str]:
    tables = {name.lower(): name for name in schema.get(db, {})}
    real_table = tables.get(table.lower(), table)
    columns = {name.lower(): name for name in schema.get(db, {}).get(real_table, {})}
    return real_table, columns.get(column.lower(), column)


def _is_identity(node_expression: exp.Expr) -> bool:
    inner = node_expression.this if isinstance(node_expression, exp.Alias) else node_expression
    return isinstance(inner, exp.Column)


def model_lineage(model: Model, schema: Schema, output_columns: list[str]) -> list[ColumnLineage]:
    """Lineage edges for every output column of ``model``; columns built from constants have none.

    ``output_columns`` are the columns of the materialized table, so the stored lineage uses the
    exact names a reader sees. A query SQLGlot cannot analyse yields no edges rather than failing a
    build whose data is fine.
    """
    plain_schema = {db: {t: dict(cols) for t, cols in tables.items()} for db, tables in schema.items()}
    try:
        nodes = lineage(None, model.query.copy(), plain_schema, dialect=DIALECT)
    except SqlglotError:
        return []
    by_folded = {name.lower(): node for name, node in nodes.items()}
    edges: dict[tuple[str, str, str], ColumnLineage] = {}
    for column in output_columns:
        node = by_folded.get(column.lower())
        if node is None:
            continue
        leaves = [n for n in node.walk() if not n.downstream and isinstance(n.expression, exp.Table)]
        # Identity only when every hop from the output to the source is a bare column reference.
        identity = len(leaves) == 1 and all(
            _is_identity(n.expression) for n in node.walk() if not isinstance(n.expression, exp.Table)
        )
        for leaf in leaves:
            table = leaf.expression
            assert isinstance(table, exp.Table)
            db = table.db
            source_table, source_column = _real_name(schema, db, table.name, leaf.name.rsplit(".", 1)[-1])
            key = (column, f"{db}.{source_table}", source_column)
            edges.setdefault(
                key,
                ColumnLineage(
                    model=model.name,
                    column=column,
                    source_table=f"{db}.{source_table}",
                    source_column=source_column,
                    transform="identity" if identity else "expression",
                ),
            )
    return list(edges.values())
