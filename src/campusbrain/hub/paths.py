"""Where the hub keeps its files inside a college folder (``CAMPUSBRAIN_HOME``).

warehouse/ods.duckdb          the ODS: raw source rows as text with provenance, batch records,
                              file hashes, watermarks and rejects; written only by ``hub sync``
warehouse/snapshots/*.duckdb  one file per build (DWD/DWS/ADS and build metadata)
warehouse/published.json      which snapshot readers should open; replaced atomically on publish
warehouse/hub.lock            held by sync and build: DuckDB allows one writer per file
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class HubPaths:
    home: Path

    @property
    def sources(self) -> Path:
        return self.home / "sources"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse"

    @property
    def ods(self) -> Path:
        return self.warehouse / "ods.duckdb"

    @property
    def snapshots(self) -> Path:
        return self.warehouse / "snapshots"

    @property
    def published(self) -> Path:
        return self.warehouse / "published.json"

    @property
    def lock(self) -> Path:
        return self.warehouse / "hub.lock"

    @property
    def college_models(self) -> Path:
        """A college's own SQL models, beside the built-in ones in ``hub/models/``."""
        return self.home / "models"
