"""docs/models.md stays true: every built-in model, header field and metadata column is documented."""

from __future__ import annotations

from pathlib import Path

from campusbrain.hub.models.project import OPTIONAL_FIELDS, REQUIRED_FIELDS, discover
from campusbrain.hub.models.runner import (
    BUILDS_COLUMNS,
    LINEAGE_COLUMNS,
    MODELS_COLUMNS,
    RECONCILIATION_COLUMNS,
    SOURCE_TABLES_COLUMNS,
)

DOC = (Path(__file__).resolve().parents[3] / "docs" / "models.md").read_text(encoding="utf-8")


def test_every_builtin_model_is_in_the_docs() -> None:
    for name in discover(None):
        assert f"`{name}`" in DOC, name


def test_every_header_field_is_in_the_docs() -> None:
    for field in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        assert f"| `{field}` |" in DOC, field


def test_metadata_tables_are_described_with_their_columns() -> None:
    for table, columns in (
        ("meta.models", MODELS_COLUMNS),
        ("meta.lineage", LINEAGE_COLUMNS),
        ("meta.builds", BUILDS_COLUMNS),
        ("meta.source_tables", SOURCE_TABLES_COLUMNS),
        ("meta.reconciliation", RECONCILIATION_COLUMNS),
    ):
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{table}` |"))
        assert ", ".join(column for column, _ in columns) in row, table
