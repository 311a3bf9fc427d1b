"""The hub's frozen dataclasses as JSON-ready dicts (the shapes :mod:`.openapi` documents)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from campusbrain.hub.contracts import MetricDefinition, MetricProvenance, MetricResult


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def definition(metric: MetricDefinition) -> dict[str, Any]:
    return {
        "id": metric.id,
        "name": metric.name,
        "name_en": metric.name_en,
        "theme": metric.theme,
        "caliber": metric.caliber,
        "owner": metric.owner,
        "version": metric.version,
        "unit": metric.unit,
        "kind": metric.kind,
        "time_base": metric.time_base,
        "grains": list(metric.grains),
        "dimensions": list(metric.dimensions),
        "direction": metric.direction,
        "target": metric.target,
        "warning": metric.warning,
        "effective_from": _when(metric.effective_from),
        "effective_to": _when(metric.effective_to),
        "inputs": list(metric.inputs),
        "min_cell": metric.min_cell,
        "counts_people": metric.counts_people,
    }


def provenance(p: MetricProvenance) -> dict[str, Any]:
    return {
        "definition_version": p.definition_version,
        "build_id": p.build_id,
        "built_at": _when(p.built_at),
        "sources": [
            {
                "source_table": s.source_table,
                "rows": s.rows,
                "last_loaded_at": _when(s.last_loaded_at),
                "freshness": s.freshness,
            }
            for s in p.sources
        ],
        "quality_score": p.quality_score,
        "quality_inputs": [{"table": table, "score": score} for table, score in p.quality_inputs],
        "stale": p.stale,
        "low_quality": p.low_quality,
    }


def result(r: MetricResult) -> dict[str, Any]:
    return {
        "metric": definition(r.metric),
        "grain": r.grain,
        "dimensions": list(r.dimensions),
        "filters": dict(r.filters),
        "scope": r.scope,
        "rows": [
            {"dims": dict(row.dims), "period": row.period, "value": row.value, "suppressed": row.suppressed}
            for row in r.rows
        ],
        "provenance": provenance(r.provenance),
    }
