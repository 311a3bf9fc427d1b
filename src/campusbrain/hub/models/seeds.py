"""Reference data every snapshot starts with: the ``std`` schema and the ``cb_*`` SQL functions.

National code sets, the 2015 → 2021 major crosswalk and a college's value crosswalks are data
shipped with the package (``hub/standards/data``) or kept in the college folder; the runner copies
them into each snapshot before the first model runs, so models join them like any table and a
snapshot shows exactly which reference data its numbers were standardized with. The cleaning
functions (ID numbers, dates, phones) are registered on the build connection as scalar functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine

SEED_SCHEMA = "std"
DIALECT = "duckdb"

_ARROW_TYPES = {"VARCHAR": pa.string(), "DATE": pa.date32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64()}


@dataclass(frozen=True)
class Seed:
    """One reference table: its columns (name, DuckDB type) and where its rows come from."""

    table: str
    columns: tuple[tuple[str, str], ...]
    rows: Callable[[Path], Iterable[Sequence[object]]]
    description: str


def _code_values(_home: Path) -> Iterable[Sequence[object]]:
    from campusbrain.hub.standards.codesets import code_values

    for v in code_values():
        yield (v.code_system, v.version, v.code, v.name, v.parent, v.valid_from, v.valid_to)


def _major_crosswalk(_home: Path) -> Iterable[Sequence[object]]:
    from campusbrain.hub.standards.codesets import major_crosswalk

    for row in major_crosswalk():
        yield (row.code_2015, row.name_2015, row.code_2021, row.name_2021)


def _crosswalk(home: Path) -> Iterable[Sequence[object]]:
    from campusbrain.hub.standards.crosswalks import crosswalk_rows

    for row in crosswalk_rows(home):
        yield (row.source, row.table, row.field, row.source_value, row.code_system, row.code)


SEEDS: tuple[Seed, ...] = (
    Seed(
        "code_value",
        (
            ("code_system", "VARCHAR"),
            ("version", "VARCHAR"),
            ("code", "VARCHAR"),
            ("name", "VARCHAR"),
            ("parent", "VARCHAR"),
            ("valid_from", "DATE"),
            ("valid_to", "DATE"),
        ),
        _code_values,
        "国家/行业标准代码集: every code of every shipped code set, with its validity",
    ),
    Seed(
        "major_crosswalk",
        (
            ("code_2015", "VARCHAR"),
            ("name_2015", "VARCHAR"),
            ("code_2021", "VARCHAR"),
            ("name_2021", "VARCHAR"),
        ),
        _major_crosswalk,
        "高职专科专业目录 2015 → 2021 对照",
    ),
    Seed(
        "crosswalk",
        (
            ("source", "VARCHAR"),
            ("table", "VARCHAR"),
            ("field", "VARCHAR"),
            ("source_value", "VARCHAR"),
            ("code_system", "VARCHAR"),
            ("code", "VARCHAR"),
        ),
        _crosswalk,
        "源系统代码值 → 标准代码 (per source system, table and field)",
    ),
)


# Written by :func:`create_mapping_reports` before the models run, so models may read them too.
REPORT_TABLES = ("unmapped_value", "mapping_coverage")


def seed_tables() -> list[tuple[str, str]]:
    """``(schema, table)`` of every table the runner writes into ``std`` before the models run."""
    return [(SEED_SCHEMA, seed.table) for seed in SEEDS] + [(SEED_SCHEMA, t) for t in REPORT_TABLES]


def _table(name: str) -> exp.Table:
    return exp.table_(exp.to_identifier(name, quoted=True), db=exp.to_identifier(SEED_SCHEMA, quoted=True))


def create_seeds(con: engine.Connection, home: Path) -> dict[str, int]:
    """Write every seed table into the open snapshot; return rows per table."""
    engine.run(con, exp.Create(this=exp.to_identifier(SEED_SCHEMA), kind="SCHEMA", exists=True).sql(DIALECT))
    counts: dict[str, int] = {}
    for seed in SEEDS:
        rows = list(seed.rows(home))
        names = [name for name, _ in seed.columns]
        arrays = [
            pa.array([row[i] for row in rows], _ARROW_TYPES[kind]) for i, (_, kind) in enumerate(seed.columns)
        ]
        view = f"__campusbrain_seed_{seed.table}"
        engine.register_arrow(con, view, pa.table(arrays, names=names))
        try:
            select = exp.select(*[exp.column(name, quoted=True) for name in names]).from_(view)
            engine.run(con, exp.Create(this=_table(seed.table), kind="TABLE", expression=select).sql(DIALECT))
        finally:
            engine.unregister(con, view)
        counts[seed.table] = len(rows)
    return counts


def register_functions(con: engine.Connection) -> list[str]:
    """Register the cleaning functions (``cb_id_normalize`` …) on ``con``; return their names."""
    from campusbrain.hub.standards.cleaning import SQL_FUNCTIONS

    for function in SQL_FUNCTIONS:
        engine.create_function(con, function.name, function.function, function.parameters, function.returns)
    return [function.name for function in SQL_FUNCTIONS]


def create_mapping_reports(
    con: engine.Connection, home: Path, ods_catalog: str, ods_columns: dict[str, set[str]]
) -> None:
    """Write ``std.unmapped_value`` (the queue of source values no crosswalk maps, with row counts)
    and ``std.mapping_coverage`` (per bound field: rows, mapped rows, coverage) into the snapshot.

    Only fields present in the ODS are measured (``ods_columns``: lower-case table name → column
    names): a configured but never synced source, or a vendor default naming a column this college's
    export lacks, has no values to map.
    """
    from campusbrain.hub.standards.crosswalks import (
        FieldBinding,
        field_bindings,
        mapping_coverage,
        unmapped_values,
    )

    bindings = [
        b for b in field_bindings(home) if b.field in ods_columns.get(b.ods_table_name.lower(), set())
    ]

    def ods_table(binding: FieldBinding) -> exp.Table:
        return exp.table_(
            exp.to_identifier(binding.ods_table_name, quoted=True),
            db=exp.to_identifier("ods", quoted=True),
            catalog=exp.to_identifier(ods_catalog, quoted=True),
        )

    crosswalk = _table("crosswalk")
    for table, query in (
        ("unmapped_value", unmapped_values(bindings, crosswalk, ods_table)),
        ("mapping_coverage", mapping_coverage(bindings, crosswalk, ods_table)),
    ):
        engine.run(con, exp.Create(this=_table(table), kind="TABLE", expression=query).sql(DIALECT))
