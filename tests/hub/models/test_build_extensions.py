"""Python models, optional inputs, unsynced systems, reference tables and row reconciliation in ``hub build``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models import python as python_models
from campusbrain.hub.models.project import MissingReference, ModelError, ModelFileError
from campusbrain.hub.models.python import PythonModel, PythonModelContext, register_python_model
from campusbrain.hub.models.reconcile import reconcile_rows
from campusbrain.hub.models.runner import build, load_project
from campusbrain.hub.warehouse import open_published

from .conftest import add_model, write_ods


def rows(con: engine.Connection, sql: str) -> list[tuple[object, ...]]:
    return engine.fetch_all(con, sql)


@pytest.fixture
def scratch_registry() -> Iterator[None]:
    """Python models registered by a test disappear after it."""
    saved = python_models.python_models()  # imports the built-in ones first
    yield
    python_models._REGISTRY.clear()
    python_models._REGISTRY.update(saved)


def _card_counts(ctx: PythonModelContext) -> None:
    query = (
        exp.select("CARDNO", exp.alias_(exp.Count(this=exp.Star()), "n"))
        .from_(ctx.table("dwd.card_transaction"))
        .group_by("CARDNO")
    )
    engine.run(
        ctx.con, exp.Create(this=ctx.table("dws.card_counts"), kind="TABLE", expression=query).sql("duckdb")
    )
    extra = exp.select(exp.alias_(exp.Literal.number(1), "one"))
    engine.run(
        ctx.con,
        exp.Create(this=ctx.table("dws.card_counts_extra"), kind="TABLE", expression=extra).sql("duckdb"),
    )


def test_a_python_model_runs_in_dag_order_and_sql_models_read_its_tables(
    home: Path, scratch_registry: None
) -> None:
    register_python_model(
        PythonModel(
            name="dws.card_counts",
            grain="one row per card",
            owner="000 测试",
            description="transactions per card, in Python",
            reads=("dwd.card_transaction",),
            run=_card_counts,
            also_creates=("dws.card_counts_extra",),
        )
    )
    add_model(
        home,
        "ads",
        "card_counts_total",
        "SELECT SUM(n) AS n, MAX(e.one) AS one FROM dws.card_counts, dws.card_counts_extra AS e",
    )
    report = build(home, progress=False)
    assert report.ok, report.error
    order = [run.name for run in report.models]
    assert (
        order.index("dwd.card_transaction")
        < order.index("dws.card_counts")
        < order.index("ads.card_counts_total")
    )
    con = open_published(home)
    assert rows(con, "SELECT n, one FROM ads.card_counts_total") == rows(
        con, "SELECT count(*), 1 FROM dwd.card_transaction WHERE CARDNO IS NOT NULL OR CARDNO IS NULL"
    )
    con.close()
    # A build of only what is downstream copies the Python model's tables, the extra one included.
    again = build(home, progress=False, select=["ads.card_counts_total"])
    assert {run.name: run.action for run in again.models}["dws.card_counts"] == "copied"
    con = open_published(home)
    assert rows(con, "SELECT one FROM dws.card_counts_extra") == [(1,)]
    con.close()


def _union_present(ctx: PythonModelContext) -> None:
    parts = [name for name in ("dwd.card_account", "dwd.library_reader") if ctx.has_table(name)]
    query = exp.select(exp.alias_(exp.Literal.string(",".join(parts)), "parts"))
    engine.run(
        ctx.con, exp.Create(this=ctx.table("dws.present"), kind="TABLE", expression=query).sql("duckdb")
    )


def test_optional_reads_use_what_the_college_has_and_need_at_least_one(
    home: Path, scratch_registry: None
) -> None:
    model = PythonModel(
        name="dws.present",
        grain="one row",
        owner="000 测试",
        description="which optional inputs were there",
        reads=(),
        optional_reads=("dwd.card_account", "dwd.library_reader"),
        run=_union_present,
    )
    register_python_model(model)
    # The tiny college has 一卡通 but no library: the model is built from the card accounts alone.
    report = build(home, progress=False)
    assert report.ok, report.error
    con = open_published(home)
    assert rows(con, "SELECT parts FROM dws.present") == [("dwd.card_account",)]
    con.close()

    register_python_model(
        PythonModel(
            name="dws.present",
            grain="one row",
            owner="000 测试",
            description="needs one of two inputs, and the college has neither",
            reads=(),
            optional_reads=("dwd.library_reader", "dwd.paper"),
            run=_union_present,
        )
    )
    project = load_project(home)
    assert "dws.present" not in project.models
    assert "dws.present" in project.unavailable


def test_builtin_models_of_unsynced_systems_are_left_out_but_a_college_typo_is_an_error(home: Path) -> None:
    project = load_project(home)
    # No 科研 system in this college: its built-in models (and what reads them) are not built.
    assert "ods.keyan__papers" in project.unavailable["dwd.paper"]
    assert "dwd.card_transaction" in project.models
    add_model(home, "dwd", "mine", 'SELECT * FROM ods."keyan__paperz"')
    with pytest.raises(MissingReference, match="keyan__paperz"):
        load_project(home)


def test_reference_tables_and_cleaning_functions_are_in_every_build(home: Path) -> None:
    add_model(
        home,
        "dwd",
        "id_check",
        "SELECT cb_id_problem('11010519491231002X') AS good, cb_id_problem('110105194912310021') AS bad, "
        "(SELECT name FROM std.code_value WHERE code_system = 'GB/T 2261.1' AND code = '2') AS female",
    )
    report = build(home, progress=False)
    assert report.ok, report.error
    con = open_published(home)
    assert rows(con, "SELECT good, bad, female FROM dwd.id_check") == [(None, "checksum", "女性")]
    assert rows(con, "SELECT count(*) > 6000 FROM std.code_value WHERE code_system = 'GB/T 2260'") == [
        (True,)
    ]
    assert rows(con, "SELECT count(*) > 0 FROM std.major_crosswalk") == [(True,)]
    con.close()


def test_a_reconciles_header_must_name_ods_tables(home: Path) -> None:
    add_model(home, "dwd", "bad_reconcile", "SELECT 1 AS x", reconciles="dwd.card_account")
    with pytest.raises(ModelFileError, match="must name an ODS table"):
        load_project(home)


PEOPLE = (("XH", "XM"), [("S1", "甲"), ("S2", "乙"), ("S3", "丙")])


def test_two_models_cannot_reconcile_one_ods_table(home: Path) -> None:
    add_model(
        home,
        "dwd",
        "accounts",
        'SELECT * FROM ods."yikatong__card_account"',
        reconciles='ods."yikatong__card_account"',
    )
    with pytest.raises(ModelError, match="reconciled by two models"):
        load_project(home)


def test_reconciliation_counts_and_row_check_catch_lost_and_doubled_rows(home: Path) -> None:
    write_ods(home, {"test__people": PEOPLE})
    kept = 'SELECT XH, _batch_id, _source, _source_row FROM ods."test__people" WHERE XH <> {lost!r}'
    rejected = "SELECT _batch_id, _source, _source_row, 'test 测试' AS reason FROM ods.\"test__people\" WHERE XH = {rejected!r}"
    add_model(home, "dwd", "people", kept.format(lost="S1"), reconciles='ods."test__people"')
    add_model(home, "dwd", "people_rejected", rejected.format(rejected="S3"))
    assert build(home, progress=False).ok
    con = open_published(home)
    assert rows(
        con,
        "SELECT ods_rows, model_rows, rejected_rows, unaccounted_rows FROM meta.reconciliation WHERE model = 'dwd.people'",
    ) == [(3, 2, 1, 0)]
    con.close()
    # The counts balance, yet S3 is both carried and rejected and S1 is nowhere: the rows tell.
    (check,) = [r for r in reconcile_rows(home) if r.ods_table == "ods.test__people"]
    assert (check.ods_rows, check.carried, check.rejected, check.missing, check.carried_and_rejected) == (
        3,
        2,
        1,
        1,
        1,
    )
    assert not check.ok

    add_model(home, "dwd", "people", kept.format(lost="none"), reconciles='ods."test__people"')
    add_model(home, "dwd", "people_rejected", rejected.format(rejected="none"))
    assert build(home, progress=False).ok
    (check,) = [r for r in reconcile_rows(home) if r.ods_table == "ods.test__people"]
    assert check.ok and check.carried == 3
