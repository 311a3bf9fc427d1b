"""Time every metric cold on a college's published snapshot (wired into ``campusbrain bench``).

"Cold" means the answer cache is emptied before each metric, so each figure includes opening the
snapshot, checking the definition against it, provenance and the query itself. Each metric is
asked as a leader would first see it: no dimension, its default grain. A metric whose input table
is absent from the build (no quality checks ran, say) is listed under ``absent`` and not timed.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from campusbrain.hub.contracts import Viewer
from campusbrain.hub.metrics.definitions import builtin_catalog
from campusbrain.hub.metrics.service import MetricInputMissing, clear_cache, query_metric

BENCH_VIEWER = Viewer(username="bench", role="leader")


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure_metrics(home: Path, *, dimensions: bool = False) -> dict[str, Any]:
    """Seconds per metric, cold: ``{"metrics", "p50_s", "p95_s", "max_s", "slowest", "absent", "per_metric"}``.

    With ``dimensions=True`` each metric is cut by its first allowed dimension as well (a second,
    also cold, figure per metric under ``<id> by <dimension>``).
    """
    timings: dict[str, float] = {}
    absent: list[str] = []
    for metric in builtin_catalog().metrics.values():
        cuts: list[tuple[str, ...]] = [()]
        if dimensions and metric.definition.dimensions:
            cuts.append(metric.definition.dimensions[:1])
        for cut in cuts:
            clear_cache()
            label = metric.id if not cut else f"{metric.id} by {cut[0]}"
            started = time.perf_counter()
            try:
                query_metric(home, metric.id, viewer=BENCH_VIEWER, dimensions=cut)
            except MetricInputMissing:
                absent.append(metric.id)
                break
            timings[label] = round(time.perf_counter() - started, 4)
    clear_cache()
    values = list(timings.values())
    if not values:
        return {"metrics": 0, "absent": absent, "per_metric": {}}
    slowest = max(timings, key=lambda k: timings[k])
    return {
        "metrics": len(values),
        "p50_s": round(statistics.median(values), 4),
        "p95_s": round(_quantile(values, 0.95), 4),
        "max_s": timings[slowest],
        "slowest": slowest,
        "absent": absent,
        "per_metric": timings,
    }
