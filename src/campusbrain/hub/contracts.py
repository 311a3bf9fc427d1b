"""Frozen dataclasses that cross the hub's boundary (the CLI, ``hub.api`` and the apps read them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class ModelRun:
    """What one build did with one model.

    ``action``: ``built`` (query run over all its input), ``incremental`` (the previous snapshot's
    rows plus the new slice), ``copied`` (taken unchanged from the previous snapshot because the
    build was limited with ``select``).
    """

    name: str
    layer: str
    materialized: str
    action: str
    rows: int
    seconds: float


@dataclass(frozen=True)
class BuildReport:
    """The outcome of ``hub build``.

    ``status`` is ``published`` (the new snapshot is what readers now open) or ``failed`` (nothing
    was published; ``failed_model`` and ``error`` say why, and the previous snapshot stays).
    """

    build_id: str
    status: str
    started_at: datetime
    finished_at: datetime
    snapshot: Path | None
    models: tuple[ModelRun, ...]
    failed_model: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "published"

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()
