"""``campusbrain bench --pages`` on the built demo college: it times every theme page and every
metric and reports them per theme (tiny load here; speed is measured by the bench, not by tests)."""

from __future__ import annotations

from pathlib import Path

from campusbrain.bench import run_pages
from campusbrain.hub import api
from campusbrain.hub.contracts import Viewer


def test_the_page_bench_reports_every_theme_and_metric(built_demo_college: Path) -> None:
    figures = run_pages(built_demo_college, users=2, rounds=1)

    pages = figures["pages"]
    slugs = [slug for slug, _zh, _en in api.THEMES]
    assert list(pages["per_theme"]) == slugs
    assert all(pages["per_theme"][slug]["n"] == 2 for slug in slugs)
    assert pages["requests"] == 2 * len(slugs)
    assert set(pages["first_request_ms"]) == set(slugs)
    concurrent = pages["concurrent_warm"]
    assert 0 < concurrent["p50_ms"] <= concurrent["p95_ms"] <= concurrent["max_ms"]
    served = pages["served"]  # the same pages through gunicorn, as `campusbrain serve` runs it
    assert served["requests"] == 2 * len(slugs) and list(served["per_theme"]) == slugs
    assert 0 < served["warm"]["p50_ms"] <= served["warm"]["p95_ms"] <= served["warm"]["max_ms"]
    metrics = figures["metrics_cold"]
    assert metrics["metrics"] + len(metrics["absent"]) >= len(api.metric_catalog())
    assert (
        figures["build_id"]
        == api.metric_query(
            built_demo_college, "students.enrolled", viewer=Viewer(username="t", role="leader")
        ).provenance.build_id
    )
