"""Connectors that bring source systems into ODS; importing this package registers every kind."""

from __future__ import annotations

from . import files, http, sql, xapi
from .base import CONNECTORS, Batch, Connector, SyncContext, connector_for, register
from .config import SourceConfig, SourceConfigError, TableConfig, load_source, load_sources

__all__ = [
    "CONNECTORS",
    "Batch",
    "Connector",
    "SourceConfig",
    "SourceConfigError",
    "SyncContext",
    "TableConfig",
    "connector_for",
    "files",
    "http",
    "load_source",
    "load_sources",
    "register",
    "sql",
    "xapi",
]
