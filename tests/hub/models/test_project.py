"""Model files and the dependency graph: header validation, references, cycles, order, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from campusbrain.hub.models.project import (
    BUILTIN_MODELS,
    CycleError,
    LayerViolation,
    MissingReference,
    ModelFileError,
    discover,
    parse_model,
    plan,
)

from .conftest import add_model

ODS = [
    ("ods", "yikatong__card_account"),
    ("ods", "yikatong__merchant"),
    ("ods", "yikatong__tx_type"),
    ("ods", "yikatong__transactions"),
    ("meta", "batches"),
]


def _parse(path: Path):  # noqa: ANN202 - the test reads the error, not the value
    return parse_model(path, origin="college", folder_layer=path.parent.name)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"grain": None}, "missing grain"),
        ({"owner": ""}, "missing owner"),
        ({"layer": "dim", "name": "dim.x"}, "layer 'dim' is not one of"),
        ({"layer": "dws", "name": "dws.x"}, "but the file is in the dwd/ folder"),
        ({"name": "dwd.other"}, "does not match the file name"),
        ({"name": "dws.x"}, "must be 'dwd.<table>'"),
        ({"materialized": "view"}, "materialized 'view' is not one of"),
        ({"materialized": "incremental"}, "needs 'incremental_by"),
        ({"unique_key": "a"}, "only apply to incremental models"),
        ({"checks": "not_null(a)"}, "unknown header field(s) checks"),
        ({"materialized": "incremental", "incremental_by": "nope"}, "'nope' is not an output column"),
    ],
)
def test_invalid_header_is_an_error_naming_the_file(tmp_path: Path, header: dict, message: str) -> None:
    path = add_model(tmp_path, "dwd", "x", "SELECT 1 AS a", **header)
    with pytest.raises(ModelFileError, match="x.sql") as error:
        _parse(path)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("", "no SQL after the header"),
        ("DELETE FROM ods.t", "exactly one SELECT"),
        ("SELECT 1; SELECT 2", "exactly one SELECT"),
        ("SELECT FROM WHERE (", "does not parse"),
    ],
)
def test_invalid_body_is_an_error_naming_the_file(tmp_path: Path, sql: str, message: str) -> None:
    path = add_model(tmp_path, "dwd", "x", sql)
    with pytest.raises(ModelFileError, match=message) as error:
        _parse(path)
    assert "x.sql" in str(error.value)


def test_header_parses_continuation_lines_and_incremental_fields(tmp_path: Path) -> None:
    path = tmp_path / "models" / "dwd" / "x.sql"
    path.parent.mkdir(parents=True)
    path.write_text(
        "-- name: dwd.x\n-- layer: dwd\n-- grain: one row per a\n-- owner: 012 后勤管理处\n"
        "-- description: first line\n--   second line\n-- materialized: incremental\n"
        "-- incremental_by: loaded\n-- unique_key: a, b\n\nSELECT 1 AS a, 2 AS b, 3 AS loaded\n",
        encoding="utf-8",
    )
    model = _parse(path)
    assert model.description == "first line second line"
    assert model.unique_key == ("a", "b")
    assert model.incremental_by == "loaded"
    assert model.sql == "SELECT 1 AS a, 2 AS b, 3 AS loaded"


def test_builtin_models_all_parse_and_plan_against_the_yikatong_ods() -> None:
    models = discover(None)
    assert {"dwd.card_transaction", "dwd.card_account", "dws.card_spend_person_month"} <= set(models)
    project = plan(models, ODS)
    order = project.order
    assert order.index("dwd.card_transaction") < order.index("dws.card_spend_person_month")
    assert order.index("dws.card_spend_person_month") < order.index("ads.card_canteen_month")
    assert project.sources["dwd.card_transaction"] == {("ods", "yikatong__transactions")}
    assert "dwd.card_transaction_type" in project.upstream["dwd.card_transaction"]
    assert project.upstream["ads.card_canteen_month"] == {"dws.card_spend_person_month", "dwd.card_account"}
    for model in models.values():
        # SQL models live in the models folder; a Python model's path is the module that defines it.
        assert model.path.is_relative_to(BUILTIN_MODELS) or model.python is not None
        assert model.description and model.owner and model.grain


def test_references_exclude_ctes_and_table_functions(tmp_path: Path) -> None:
    path = add_model(
        tmp_path,
        "dwd",
        "x",
        "WITH a AS (SELECT * FROM ods.yikatong__merchant), b AS (SELECT * FROM range(3)) "
        "SELECT * FROM a JOIN b ON TRUE JOIN meta.batches ON TRUE",
    )
    assert set(_parse(path).references()) == {("ods", "yikatong__merchant"), ("meta", "batches")}


def test_missing_reference_names_the_model_and_the_table(tmp_path: Path) -> None:
    add_model(tmp_path, "dwd", "x", "SELECT * FROM ods.yikatong__merchant JOIN ods.jiaowu__nothing ON TRUE")
    with pytest.raises(MissingReference) as error:
        plan(discover(tmp_path / "models", builtin=tmp_path / "none"), ODS)
    assert error.value.model == "dwd.x"
    assert error.value.table == "ods.jiaowu__nothing"
    assert "dwd.x" in str(error.value) and "ods.jiaowu__nothing" in str(error.value)


def test_reference_to_an_unknown_model_is_missing(tmp_path: Path) -> None:
    add_model(tmp_path, "dws", "x", "SELECT * FROM dwd.not_a_model")
    with pytest.raises(MissingReference, match="dwd.not_a_model"):
        plan(discover(tmp_path / "models", builtin=tmp_path / "none"), ODS)


def test_cycle_is_an_error_naming_the_models_in_it(tmp_path: Path) -> None:
    add_model(tmp_path, "dwd", "a", "SELECT * FROM dwd.c")
    add_model(tmp_path, "dwd", "b", "SELECT * FROM dwd.a")
    add_model(tmp_path, "dwd", "c", "SELECT * FROM dwd.b")
    add_model(tmp_path, "dwd", "free", "SELECT * FROM ods.yikatong__merchant")
    with pytest.raises(CycleError) as error:
        plan(discover(tmp_path / "models", builtin=tmp_path / "none"), ODS)
    assert set(error.value.cycle) == {"dwd.a", "dwd.b", "dwd.c"}
    assert "dwd.free" not in str(error.value)


def test_a_model_reading_itself_is_a_cycle(tmp_path: Path) -> None:
    add_model(tmp_path, "dwd", "a", "SELECT * FROM dwd.a")
    with pytest.raises(CycleError, match="dwd.a"):
        plan(discover(tmp_path / "models", builtin=tmp_path / "none"), ODS)


def test_reading_a_higher_layer_is_refused(tmp_path: Path) -> None:
    add_model(tmp_path, "ads", "top", "SELECT 1 AS a")
    add_model(tmp_path, "dwd", "low", "SELECT * FROM ads.top")
    with pytest.raises(LayerViolation, match=r"dwd\.low .* reads ads\.top"):
        plan(discover(tmp_path / "models", builtin=tmp_path / "none"), ODS)


def test_topological_order_puts_every_model_after_what_it_reads(tmp_path: Path) -> None:
    add_model(tmp_path, "ads", "z", "SELECT * FROM dws.m JOIN dwd.b ON TRUE")
    add_model(tmp_path, "dws", "m", "SELECT * FROM dwd.a JOIN dwd.b ON TRUE")
    add_model(tmp_path, "dwd", "b", "SELECT * FROM dwd.a")
    add_model(tmp_path, "dwd", "a", "SELECT * FROM ods.yikatong__merchant")
    project = plan(discover(tmp_path / "models", builtin=tmp_path / "none"), ODS)
    assert project.order == ("dwd.a", "dwd.b", "dws.m", "ads.z")
    assert project.downstream_closure(["dwd.b"]) == {"dwd.b", "dws.m", "ads.z"}


def test_college_model_replaces_a_builtin_of_the_same_name_and_adds_new_ones(tmp_path: Path) -> None:
    add_model(
        tmp_path, "dwd", "card_merchant", "SELECT SHOPID, '餐饮' AS category FROM ods.yikatong__merchant"
    )
    add_model(tmp_path, "ads", "card_merchants", "SELECT count(*) AS n FROM dwd.card_merchant")
    models = discover(tmp_path / "models")
    assert models["dwd.card_merchant"].origin == "college"
    assert models["ads.card_merchants"].origin == "college"
    assert models["dwd.card_transaction"].origin == "builtin"


def test_a_file_saved_by_notepad_with_a_bom_and_crlf_parses(tmp_path: Path) -> None:
    path = add_model(tmp_path, "dwd", "x", "SELECT 1 AS a")
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    model = _parse(path)
    assert model.name == "dwd.x" and model.sql == "SELECT 1 AS a"


def test_a_file_saved_as_gbk_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = add_model(tmp_path, "dwd", "x", "SELECT '食堂' AS a")
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    with pytest.raises(ModelFileError, match=r"x\.sql: not UTF-8"):
        _parse(path)
