"""Governed metrics (指标): YAML definitions, the academic calendar, the compiler and the cache.

Apps reach them only through ``campusbrain.hub.api`` (``metric_catalog``, ``metric_definition``,
``metric_query``, ``metric_source_rows``); docs/metrics.md is the reference.
"""
