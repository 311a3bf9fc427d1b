"""Metric definitions validate: the shipped catalog is complete, and each kind of mistake is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from campusbrain.hub import api
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.metrics.definitions import (
    THEME_SLUGS,
    DefinitionError,
    builtin_catalog,
    check_against_schema,
    load_catalog,
)
from campusbrain.hub.standards.elements import data_elements
from campusbrain.hub.warehouse import open_published

BUILTIN = Path(__file__).resolve().parents[3] / "src" / "campusbrain" / "hub" / "metrics" / "definitions"


def test_the_catalog_covers_every_theme_with_at_least_five_metrics() -> None:
    catalog = builtin_catalog()
    assert len(catalog.metrics) >= 120
    for theme in THEME_SLUGS:
        assert len(catalog.themes[theme]) >= 5, theme
        assert api.metric_catalog(theme=theme)
    # 综合态势 reuses metrics of the other themes by reference.
    assert all(m.theme != "overview" for m in api.metric_catalog(theme="overview"))
    assert [slug for slug, _zh, _en in api.THEMES] == list(THEME_SLUGS)


def test_every_metric_states_its_caliber_owner_and_version() -> None:
    for d in api.metric_catalog():
        assert d.caliber and d.name and d.name_en and d.owner and d.version, d.id
        assert d.inputs, d.id
        assert d.min_cell == 5


def _schema(home: Path) -> dict[str, dict[str, str]]:
    con = open_published(home)
    try:
        catalog_name = engine.current_catalog(con)
        return {
            f"{s}.{t}": cols
            for s, tables in engine.catalog_columns(con, catalog_name).items()
            for t, cols in tables.items()
        }
    finally:
        con.close()


def test_every_definition_reads_tables_and_columns_the_build_produces(built_demo_college: Path) -> None:
    problems = check_against_schema(builtin_catalog(), _schema(built_demo_college))
    # Only the quality.* tables may be missing, and only while the quality checks do not run.
    assert [p for p in problems if "quality." not in p] == []


def test_masked_drill_columns_name_real_data_elements() -> None:
    keys = {e.key for e in data_elements()}
    for source in builtin_catalog().sources.values():
        for column, key in source.elements.items():
            assert key in keys, (source.table, column, key)
            assert column in source.drill, (source.table, column)


def _write(
    tmp_path: Path, metric: dict[str, object], *, extra: list[dict[str, object]] | None = None
) -> Path:
    folder = tmp_path / f"definitions{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    shutil.copy(BUILTIN / "_sources.yaml", folder / "_sources.yaml")
    (folder / "students.yaml").write_text(
        yaml.safe_dump({"theme": "students", "metrics": [metric, *(extra or [])]}, allow_unicode=True),
        encoding="utf-8",
    )
    return folder


GOOD = {
    "id": "students.x",
    "name": "在读",
    "name_en": "Enrolled",
    "caliber": "在读学生人数",
    "owner": "002",
    "kind": "count",
    "source": "dws.student_profile",
    "where": "XJZTM = '01'",
    "unit": "人",
    "time_base": "时点",
    "grains": ["时点"],
    "dimensions": ["二级学院"],
    "direction": "neutral",
    "version": "1.0",
    "effective_from": "2024-09-01",
}


def test_a_good_definition_loads(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, GOOD))
    assert list(catalog.metrics) == ["students.x"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dimensions": ["院系"]}, "metric students.x: dimensions: unknown dimension '院系'"),
        ({"source": "dws.nowhere"}, "metric students.x: source: unknown input table 'dws.nowhere'"),
        ({"where": "XJZTM = = '01'"}, "metric students.x: where: cannot parse"),
        ({"where": "XJZTM IN (SELECT 1)"}, "metric students.x: where:"),
        ({"where": "read_csv('/etc/passwd') IS NULL"}, "metric students.x: where:"),
        ({"where": "count(*) > 1"}, "metric students.x: where:"),
        ({"kind": "average"}, "metric students.x: kind: 'average' is not one of"),
        ({"grains": ["季度"]}, "metric students.x: grains: unknown grain"),
        (
            {"grains": ["学期"]},
            "metric students.x: grains: grain '学期' is not available on dws.student_profile",
        ),
        ({"caliber": None}, "metric students.x: caliber: missing required field"),
        ({"kind": "sum"}, "metric students.x: expr: agg sum needs an expr"),
        ({"kind": "ratio"}, "metric students.x: numerator: expected a mapping"),
        ({"effective_to": "2020-01-01"}, "metric students.x: effective_to:"),
        ({"colour": "red"}, "metric students.x: colour: unknown field"),
        ({"id": "hr.x"}, "metric hr.x: id: a metric of theme students is named students.<name>"),
    ],
)
def test_a_broken_definition_is_an_error_naming_the_metric_and_field(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    metric = {**GOOD, **change}
    metric = {k: v for k, v in metric.items() if v is not None}
    with pytest.raises(DefinitionError) as raised:
        load_catalog(_write(tmp_path, metric))
    assert message in str(raised.value)
    assert str(raised.value).startswith("students.yaml: ")


def test_a_duplicate_id_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"metric students.x: id: duplicate id"):
        load_catalog(_write(tmp_path, GOOD, extra=[GOOD]))


def test_a_derived_metric_must_reference_known_metrics_and_names(tmp_path: Path) -> None:
    derived = {**GOOD, "id": "students.y", "kind": "derived", "refs": {"a": "students.x"}, "formula": "a / b"}
    del derived["source"], derived["where"]
    with pytest.raises(DefinitionError, match=r"metric students.y: formula: \['b'\] are not names in refs"):
        load_catalog(_write(tmp_path, GOOD, extra=[derived]))
    derived = {**derived, "refs": {"a": "students.nope"}, "formula": "a"}
    with pytest.raises(DefinitionError, match=r"metric students.y: refs: a: unknown metric 'students.nope'"):
        load_catalog(_write(tmp_path, GOOD, extra=[derived]))


def test_an_unknown_column_is_named_against_the_snapshot(tmp_path: Path, built_demo_college: Path) -> None:
    catalog = load_catalog(_write(tmp_path, {**GOOD, "where": "XJZTMX = '01'"}))
    problems = check_against_schema(catalog, _schema(built_demo_college))
    assert (
        "students.yaml: metric students.x: where: unknown column 'XJZTMX' of dws.student_profile" in problems
    )


def test_unknown_metric_and_theme_are_not_found() -> None:
    with pytest.raises(api.MetricNotFound):
        api.metric_definition("students.nope")
    with pytest.raises(api.MetricNotFound):
        api.metric_catalog(theme="sports")
