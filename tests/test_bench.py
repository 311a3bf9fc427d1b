"""`campusbrain bench` does equal work on both sides and reports every stage (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

from campusbrain.bench import run


def test_bench_reports_each_stage_and_compares_equal_work(tmp_path: Path) -> None:
    figures = run(tmp_path, students=300, seed=5, scale=0.05)
    stages = {s["stage"]: s for s in figures["stages"]}
    assert list(stages) == ["generate", "sync", "baseline", "build", "baseline_same_work", "incremental_sync"]
    for stage in stages.values():
        assert stage["wall_seconds"] >= 0 and stage["peak_rss_mb"] > 0
    # Everything generated was synced; the baseline loaded a subset of the same tables.
    assert stages["sync"]["rows"] == stages["generate"]["rows"]
    assert 0 < stages["baseline"]["rows"] < stages["sync"]["rows"]
    assert "xuegong__T_XG_XSJBXX" in stages["baseline"]["not_in_baseline"]  # GBK: not native to DuckDB here
    # The incremental sync loads exactly the appended day.
    assert stages["incremental_sync"]["rows"] == stages["incremental_sync"]["new_rows"] > 0
    assert set(figures["ratios"]) == {
        "sync_over_baseline_same_tables",
        "sync_wall_over_baseline_wall",
        "incremental_over_full_sync",
        "sync_and_build_over_baseline_same_work",
    }
    # The hand-written summaries equal the hub's DWS tables, so the same-work ratio is reported.
    same = figures["same_work"]
    assert all(c["match"] and c["hub_rows"] > 0 for c in same["checksums"].values()), same["checksums"]
    assert same["ratio"] is not None and "dwd.card_transaction" in same["hub_models"]
    assert not any(m.startswith("dwd.person") for m in same["hub_models"])


def test_the_baseline_summaries_equal_the_hub_tables_and_a_difference_shows(built_demo_college: Path) -> None:
    from sqlglot import exp

    from campusbrain.hub.engine.baseline_dws import COMPARED, checksum_query
    from campusbrain.hub.engine.baseline_dws import run as baseline
    from campusbrain.hub.query import query

    figures = baseline(built_demo_college, built_demo_college / "test-dws.duckdb")
    for name, columns in COMPARED.items():
        hub = query(built_demo_college, checksum_query(exp.table_(name, db="dws"), columns).sql("duckdb"))
        assert hub.rows[0] == (figures["tables"][name]["rows"], figures["tables"][name]["checksum"]), name
        # One column fewer is a different table: the checksum tells.
        fewer = query(
            built_demo_college, checksum_query(exp.table_(name, db="dws"), columns[:-1]).sql("duckdb")
        )
        assert fewer.rows[0][1] != figures["tables"][name]["checksum"]


def test_the_baseline_makes_the_ods_tables_except_line_numbers(
    synced_demo_college: Path, tmp_path: Path
) -> None:
    from sqlglot import exp

    from campusbrain.hub.engine import duckdb as engine
    from campusbrain.hub.engine.baseline import load
    from campusbrain.hub.paths import HubPaths

    figures = load(synced_demo_college, tmp_path / "baseline.duckdb")
    assert "xuexi__statements" in figures["tables"] and "yikatong__transactions" in figures["tables"]
    baseline = engine.connect(tmp_path / "baseline.duckdb", read_only=True)
    ods = engine.connect(HubPaths(synced_demo_college).ods, read_only=True)
    try:
        made = engine.catalog_columns(baseline, engine.current_catalog(baseline))["main"]
        kept = engine.catalog_columns(ods, engine.current_catalog(ods))["ods"]
        for name, figure in figures["tables"].items():
            # Same columns as the ODS table but the hub's line number within each file.
            assert sorted(made[name]) == sorted(c for c in kept[name] if c != "_source_row"), name
            count = exp.select(exp.Count(this=exp.Star())).from_(
                exp.table_(name, db="ods", catalog="ods", quoted=True)
            )
            (rows,) = engine.fetch_all(ods, count.sql(dialect="duckdb"))
            assert figure["rows"] == rows[0], name
    finally:
        baseline.close()
        ods.close()
