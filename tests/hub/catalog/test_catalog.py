"""The data catalog on the built demo college: counts, search, classification, lineage, quality."""

from __future__ import annotations

from pathlib import Path

import pytest

from campusbrain.hub import api
from campusbrain.hub.catalog.index import catalog_for
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.standards.elements import data_elements
from campusbrain.hub.warehouse import open_published, read_published


def _rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    con = open_published(home)
    try:
        return engine.fetch_all(con, sql)
    finally:
        con.close()


def test_source_columns_list_every_ods_column_in_order(built_demo_college):
    con = engine.connect(HubPaths(built_demo_college).ods, read_only=True)
    try:
        ods = engine.catalog_columns(con, engine.current_catalog(con))["ods"]
    finally:
        con.close()
    stored = _rows(
        built_demo_college,
        "SELECT source_table, source_system, column_name, ordinal FROM meta.source_columns ORDER BY ALL",
    )

    expected = sorted(
        (f"ods.{table}", table.split("__")[0], column, position)
        for table, columns in ods.items()
        for position, column in enumerate(columns, start=1)
    )
    assert sorted(stored) == expected
    assert ("ods.jiaowu__jw_xjgl_xsjbxxb", "jiaowu", "zjhm") in {row[:3] for row in stored}


def test_count_is_every_column_of_every_layer_plus_every_data_element(built_demo_college):
    count = api.catalog_count(built_demo_college)
    (ods_columns,) = _rows(built_demo_college, "SELECT count(*) FROM meta.source_columns")[0]
    (model_columns,) = _rows(
        built_demo_college,
        "SELECT count(*) FROM information_schema.columns WHERE table_schema IN ('dwd', 'dws', 'ads')",
    )[0]

    assert count.columns == ods_columns + model_columns
    assert count.elements == len(data_elements()) == 151
    assert count.total == count.columns + count.elements
    assert dict(count.by_layer)["ods"] == ods_columns
    assert count.build_id == read_published(HubPaths(built_demo_college)).build_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证件号", "dwd.student.SFZJH"),  # Chinese name
        ("sfzjh", "dwd.student.SFZJH"),  # pinyin initials (and the JY/T element id)
        ("xsjbxx", "element.XSJBXX.XM"),  # pinyin initials of the entity 学生基本信息
        ("zjhm", "ods.jiaowu__jw_xjgl_xsjbxxb.zjhm"),  # a raw ODS column name
        ("student_profile gpa", "dws.student_profile.gpa"),  # table and column name
        ("weighted", "dws.student_profile.gpa"),  # English words of the model header
        ("后勤管理处 JYLSH", "dwd.card_transaction.JYLSH"),  # owner and column
    ],
)
def test_search_finds_items_by_every_kind_of_text(built_demo_college, text, expected):
    page = api.catalog_search(built_demo_college, text, per_page=500)

    assert expected in [entry.item_id for entry in page.items]


def test_an_exact_column_name_ranks_first_and_every_word_must_match(built_demo_college):
    first = api.catalog_search(built_demo_college, "SFZJH").items[0]
    assert first.column == "SFZJH"
    assert api.catalog_search(built_demo_college, "SFZJH 没有这个词").total == 0


def test_filters_narrow_and_facets_count_the_text_matches(built_demo_college):
    everything = api.catalog_search(built_demo_college, "身份证件号")
    dwd = api.catalog_search(built_demo_college, "身份证件号", filters={"layer": "dwd"})
    facets = {(f.name, f.value): f.count for f in everything.facets}

    assert 0 < dwd.total < everything.total
    assert all(entry.layer == "dwd" for entry in dwd.items)
    assert facets[("layer", "dwd")] == dwd.total
    owned = api.catalog_search(built_demo_college, "", filters={"owner": "002", "layer": "dwd"}, per_page=500)
    assert owned.total and all(e.owner_code == "002" for e in owned.items)
    by_name = api.catalog_search(built_demo_college, "", filters={"owner": "教务处", "layer": "dwd"})
    assert by_name.total == owned.total
    jiaowu = api.catalog_search(
        built_demo_college, "", filters={"system": "renshi", "layer": "ods"}, per_page=500
    )
    assert jiaowu.total and all(e.table.startswith("ods.renshi__") for e in jiaowu.items)
    sensitive = api.catalog_search(
        built_demo_college, "", filters={"classification": "sensitive"}, per_page=500
    )
    assert sensitive.total and all(e.classification.sensitive for e in sensitive.items)
    assert "dwd.student.SFZJH" in {e.item_id for e in sensitive.items}


def test_pages_cover_the_results_once_in_a_stable_order(built_demo_college):
    whole = api.catalog_search(built_demo_college, "xh", per_page=500)
    paged = [
        entry.item_id
        for number in range(1, whole.total // 7 + 2)
        for entry in api.catalog_search(built_demo_college, "xh", page=number, per_page=7).items
    ]

    assert paged == [entry.item_id for entry in whole.items]
    assert api.catalog_search(built_demo_college, "xh", per_page=7).pages == -(-whole.total // 7)


@pytest.mark.parametrize(
    ("filters", "page", "per_page", "message"),
    [
        ({"colour": "red"}, 1, 20, "unknown catalog filter 'colour'"),
        ({"layer": "gold"}, 1, 20, "layer 'gold' is not one of"),
        ({"classification": "secret"}, 1, 20, "classification 'secret'"),
        (None, 0, 20, "page must be 1 or more"),
        (None, 1, 0, "per_page must be between"),
    ],
)
def test_bad_search_input_is_refused_by_name(built_demo_college, filters, page, per_page, message):
    with pytest.raises(api.CatalogQueryError, match=message):
        api.catalog_search(built_demo_college, "x", filters=filters, page=page, per_page=per_page)


def test_classification_follows_the_data_element_and_lineage(built_demo_college):
    def classification(item_id):
        return api.catalog_item(built_demo_college, item_id).entry.classification

    sfzjh = classification("dwd.student.SFZJH")
    assert (sfzjh.grade, sfzjh.sensitive, sfzjh.masking, sfzjh.element, sfzjh.rule) == (
        "重要数据",
        True,
        "id_number",
        "XSJBXX.SFZJH",
        "element",
    )
    assert classification("dwd.staff.SFZJH").element == "JZGJBXX.SFZJH"
    assert classification("dwd.student.XM").masking == "name"
    # The raw ID number in the ODS is as sensitive as the standardized one it feeds.
    raw = classification("ods.jiaowu__jw_xjgl_xsjbxxb.zjhm")
    assert (raw.masking, raw.sensitive, raw.rule) == ("id_number", True, "lineage")
    # 民族 is computed in dws.student_profile from dwd.student_affairs.MZM: same element, inherited.
    ethnicity = classification("dws.student_profile.MZM")
    assert (ethnicity.grade, ethnicity.masking, ethnicity.rule) == ("重要数据", "full", "lineage")
    assert classification("dwd.student.id_problem").grade is None
    assert classification("dws.student_profile.gpa").rule == "none"


def test_lineage_of_a_known_column_up_to_ods_and_down_to_dws(built_demo_college):
    upstream = api.catalog_item(built_demo_college, "dws.student_profile.XH").upstream
    assert [(ref.item_id, ref.distance) for ref in upstream] == [
        ("dwd.student.XH", 1),
        ("ods.jiaowu__jw_xjgl_xsjbxxb.xh_id", 2),
    ]
    downstream = {
        ref.item_id: ref.distance
        for ref in api.catalog_item(built_demo_college, "ods.jiaowu__jw_xjgl_xsjbxxb.xh_id").downstream
    }
    assert downstream["dwd.student.XH"] == 1
    assert downstream["dws.student_profile.XH"] == 2


def test_lineage_graph_has_both_directions_and_its_edges(built_demo_college):
    graph = api.lineage_graph(built_demo_college, "dwd.student.XH", depth=2)
    depths = {node.item_id: node.depth for node in graph.nodes}
    edges = {(edge.source, edge.target) for edge in graph.edges}

    assert depths["dwd.student.XH"] == 0
    assert depths["ods.jiaowu__jw_xjgl_xsjbxxb.xh_id"] == -1
    assert depths["dws.student_profile.XH"] == 1
    assert ("ods.jiaowu__jw_xjgl_xsjbxxb.xh_id", "dwd.student.XH") in edges
    assert ("dwd.student.XH", "dws.student_profile.XH") in edges
    assert all(edge.source in depths and edge.target in depths for edge in graph.edges)
    with pytest.raises(ValueError, match="depth must be between 1 and 6"):
        api.lineage_graph(built_demo_college, "dwd.student.XH", depth=9)


def test_an_element_lists_the_columns_that_carry_it(built_demo_college):
    item = api.catalog_item(built_demo_college, "element.XSJBXX.SFZJH")

    assert item.entry.kind == "element"
    assert "dwd.student.SFZJH" in item.carried_by
    assert item.entry.owner_name == "教务处" and item.entry.owner_code == "002"
    assert item.code_system is None
    assert api.catalog_item(built_demo_college, "element.XSJBXX.XBM").code_system == "GB/T 2261.1"


def test_owner_description_and_freshness_of_a_column(built_demo_college):
    item = api.catalog_item(built_demo_college, "dwd.student.SFZJH")

    assert (item.entry.owner_code, item.entry.owner_name) == ("002", "教务处")
    assert item.entry.label == "身份证件号"
    assert item.entry.description.startswith("身份证件号 (cb_id_normalize")
    assert item.table_grain.startswith("one row per student")
    (freshness,) = item.freshness
    (rows, loaded) = _rows(
        built_demo_college,
        "SELECT row_count, last_loaded_at FROM meta.source_tables WHERE source_table = 'ods.jiaowu__jw_xjgl_xsjbxxb'",
    )[0]
    assert (freshness.source_table, freshness.rows, freshness.schedule) == (
        "ods.jiaowu__jw_xjgl_xsjbxxb",
        rows,
        "daily",
    )
    assert freshness.last_loaded_at.replace(tzinfo=None) == loaded
    assert freshness.freshness == "fresh"  # synced minutes ago, schedule daily


def test_unknown_item_is_named(built_demo_college):
    with pytest.raises(api.CatalogItemNotFound, match="no data item 'dwd.nowhere.X'"):
        api.catalog_item(built_demo_college, "dwd.nowhere.X")


def _drop_quality(home: Path) -> Path:
    snapshot = read_published(HubPaths(home)).snapshot
    con = engine.connect(snapshot)
    try:
        engine.run(con, "DROP SCHEMA IF EXISTS quality CASCADE")
        engine.checkpoint(con)
    finally:
        con.close()
    return home


def test_an_item_without_quality_tables_says_unmeasured(snapshot_copy):
    item = api.catalog_item(_drop_quality(snapshot_copy), "dwd.student.SFZJH")

    assert item.quality_measured is False
    assert item.quality == ()
    assert item.entry.quality_score is None


def test_an_item_with_quality_scores_shows_its_column_and_table(snapshot_copy):
    home = _drop_quality(snapshot_copy)
    snapshot = read_published(HubPaths(home)).snapshot
    con = engine.connect(snapshot)
    try:
        engine.run(con, "CREATE SCHEMA quality")
        engine.run(
            con,
            "CREATE TABLE quality.score (build_id VARCHAR, built_at TIMESTAMPTZ, level VARCHAR, subject VARCHAR,"
            " subject_name VARCHAR, dimension VARCHAR, score DOUBLE, checked_rows BIGINT, failing_rows BIGINT)",
        )
        engine.execute(
            con,
            "INSERT INTO quality.score VALUES"
            " ('20260101T000000Z-aaaaaa', now(), 'column', 'dwd.student.SFZJH', '身份证件号', 'overall', 50.0, 10, 5),"
            " ('20270101T000000Z-bbbbbb', now(), 'column', 'dwd.student.SFZJH', '身份证件号', 'validity', 97.5, 1000, 25),"
            " ('20270101T000000Z-bbbbbb', now(), 'column', 'dwd.student.SFZJH', '身份证件号', 'overall', 97.5, 1000, 25),"
            " ('20270101T000000Z-bbbbbb', now(), 'table', 'dwd.student', '学生', 'overall', 99.0, 5000, 50)",
        )
        engine.checkpoint(con)
    finally:
        con.close()

    item = api.catalog_item(home, "dwd.student.SFZJH")
    other = api.catalog_item(home, "dwd.student.XM")

    assert item.quality_measured is True
    figures = {(f.level, f.dimension): f.score for f in item.quality}
    # Only the newest build's scores count; the 50.0 of an older build is history.
    assert figures == {("column", "overall"): 97.5, ("column", "validity"): 97.5, ("table", "overall"): 99.0}
    assert item.entry.quality_score == 97.5
    # A column without its own score shows its table's.
    assert other.entry.quality_score == 99.0


def test_the_index_is_kept_per_build_id(snapshot_copy):
    first = catalog_for(snapshot_copy)
    assert catalog_for(snapshot_copy) is first


def test_before_any_build_the_catalog_says_nothing_is_published(tmp_path):
    with pytest.raises(api.NothingPublished, match="run `campusbrain hub build`"):
        api.catalog_count(tmp_path)
