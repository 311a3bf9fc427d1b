"""`campusbrain bench` does equal work on both sides and reports every stage (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

from campusbrain.bench import run


def test_bench_reports_each_stage_and_compares_equal_work(tmp_path: Path) -> None:
    figures = run(tmp_path, students=300, seed=5, scale=0.05)
    stages = {s["stage"]: s for s in figures["stages"]}
    assert list(stages) == ["generate", "sync", "baseline", "build", "incremental_sync"]
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
    }
