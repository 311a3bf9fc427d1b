"""The OpenAPI 3.1 document of ``/api/v1/``, built as data (a test checks it matches the routes)."""

from __future__ import annotations

from typing import Any

from campusbrain import __version__

PREFIX = "/api/v1"

_NULLABLE_NUMBER = {"type": ["number", "null"]}
_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


SCHEMAS: dict[str, Any] = {
    "MetricDefinition": _object(
        {
            "id": {"type": "string", "examples": ["students.enrolled"]},
            "name": {"type": "string", "description": "Chinese name"},
            "name_en": {"type": "string"},
            "theme": {"type": "string", "description": "cockpit theme slug"},
            "caliber": {
                "type": "string",
                "description": "口径: what is counted, from which table, as of when",
            },
            "owner": {"type": "string", "description": "单位号 of the answerable department"},
            "version": {"type": "string"},
            "unit": {"type": "string"},
            "kind": {"enum": ["count", "sum", "distinct", "ratio", "derived", "cumulative"]},
            "time_base": {"enum": ["学年", "学期", "自然年", "时点"]},
            "grains": _list({"type": "string"}),
            "dimensions": _list({"type": "string"}),
            "direction": {"enum": ["higher_better", "lower_better", "neutral"]},
            "target": _NULLABLE_NUMBER,
            "warning": _NULLABLE_NUMBER,
            "effective_from": {"type": "string", "format": "date"},
            "effective_to": {"type": ["string", "null"], "format": "date"},
            "inputs": _list({"type": "string"}),
            "min_cell": {"type": "integer"},
            "counts_people": {"type": "boolean"},
        }
    ),
    "Theme": _object({"slug": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": "string"}}),
    "Catalogue": _object(
        {
            "themes": _list(_ref("Theme")),
            "count": {"type": "integer"},
            "metrics": _list(_ref("MetricDefinition")),
        }
    ),
    "SourceFreshness": _object(
        {
            "source_table": {"type": "string"},
            "rows": {"type": "integer"},
            "last_loaded_at": _NULLABLE_TIME,
            "freshness": {"enum": ["fresh", "stale", "unknown"]},
        }
    ),
    "Provenance": _object(
        {
            "definition_version": {"type": "string"},
            "build_id": {"type": "string"},
            "built_at": {"type": "string", "format": "date-time"},
            "sources": _list(_ref("SourceFreshness")),
            "quality_score": {**_NULLABLE_NUMBER, "description": "0..100, the lowest of its input tables"},
            "quality_inputs": _list(_object({"table": {"type": "string"}, "score": _NULLABLE_NUMBER})),
            "stale": {"type": "boolean"},
            "low_quality": {"type": "boolean"},
        }
    ),
    "MetricRow": _object(
        {
            "dims": {"type": "object", "additionalProperties": _NULLABLE_STRING},
            "period": _NULLABLE_STRING,
            "value": {**_NULLABLE_NUMBER, "description": "null when suppressed"},
            "suppressed": {"type": "boolean"},
        }
    ),
    "MetricResult": _object(
        {
            "metric": _ref("MetricDefinition"),
            "grain": _NULLABLE_STRING,
            "dimensions": _list({"type": "string"}),
            "filters": {"type": "object", "additionalProperties": {"type": "string"}},
            "scope": {"type": "string", "examples": ["college", "department:107"]},
            "rows": _list(_ref("MetricRow")),
            "provenance": _ref("Provenance"),
        }
    ),
    "Error": _object(
        {
            "error": _object(
                {"status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"}}
            )
        }
    ),
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_AUTH_ERRORS = {"401": _error("not signed in, or a bad/unknown bearer token")}
_BAD = {
    "400": _error("an unknown query parameter, or a bad dimension, grain or filter (the message names it)")
}

PATHS: dict[str, Any] = {
    f"{PREFIX}/metrics": {
        "get": {
            "operationId": "listMetrics",
            "summary": "The governed metric catalogue",
            "parameters": [
                {
                    "name": "theme",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "a theme slug (overview, governance, hr …); overview lists its key metrics",
                }
            ],
            "responses": {
                "200": _ok("every metric (or those of one theme)", "Catalogue"),
                **_BAD,
                **_AUTH_ERRORS,
                "404": _error("unknown theme"),
            },
        }
    },
    f"{PREFIX}/metrics/{{metric_id}}": {
        "get": {
            "operationId": "queryMetric",
            "summary": "One metric for the caller's scope, with its provenance",
            "parameters": [
                {"name": "metric_id", "in": "path", "required": True, "schema": {"type": "string"}},
                {
                    "name": "by",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "array", "items": {"type": "string"}},
                    "style": "form",
                    "explode": True,
                    "description": "dimensions to cut by (repeat, or comma-separated), e.g. 二级学院",
                },
                {
                    "name": "grain",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "time grain, one of the metric's grains (学年, 学期, 教学周, 月, 自然年, 时点)",
                },
                {
                    "name": "filter",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "array", "items": {"type": "string", "pattern": "^[^:]+:.+$"}},
                    "style": "form",
                    "explode": True,
                    "description": "DIMENSION:VALUE (or GRAIN:PERIOD), repeatable, e.g. 二级学院:信息技术学院",
                },
            ],
            "responses": {
                "200": _ok("the metric's rows and provenance", "MetricResult"),
                **_BAD,
                **_AUTH_ERRORS,
                "403": _error("the caller's role or scope may not see this metric"),
                "404": _error("unknown metric id"),
                "503": _error("an input table of the metric is absent from the published build"),
            },
        }
    },
    f"{PREFIX}/openapi.json": {
        "get": {
            "operationId": "openapiDocument",
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
        }
    },
}


def document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CampusBrain API",
            "version": __version__,
            "description": (
                "Governed metrics of the CampusBrain data hub (数智校园 · 校园大脑). Every answer is scoped to the "
                "caller's role and carries its provenance: definition version, build id, freshness of each "
                "source and a quality score."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a token from an administrator",
                },
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
        },
    }
