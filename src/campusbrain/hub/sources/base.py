"""What every connector shares: the sync context, the per-table batch and the connector registry.

A connector kind plugs in by decorating its class with :func:`register`; ``sync`` looks the kind
up in :data:`CONNECTORS` and never names a connector itself.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Protocol

from campusbrain.hub import ods
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths

from .config import SourceConfig, SourceConfigError, TableConfig

# Test hook: "point[:n]" kills this process with SIGKILL the n-th time sync passes ``point``, so
# the crash-safety test can stop a sync exactly before or after a commit, not only at random.
CRASH_ENV = "CAMPUSBRAIN_SYNC_CRASH_AT"


class _CrashHook:
    def __init__(self) -> None:
        raw = os.environ.get(CRASH_ENV, "")
        point, _, count = raw.partition(":")
        self.point = point or None
        self.remaining = int(count) if count else 1

    def hit(self, point: str) -> None:
        if self.point != point:
            return
        self.remaining -= 1
        if self.remaining <= 0:
            os.kill(os.getpid(), signal.SIGKILL)


@dataclass(frozen=True)
class Counts:
    """What one unit (a file, a query) contributed to a batch."""

    read: int
    loaded: int
    rejected: int


@dataclass
class Pending:
    """Counts of the transaction in progress; added to the batch only once it has committed."""

    read: int = 0
    loaded: int = 0
    rejected: int = 0
    files: int = 0

    def add(self, counts: Counts, *, files: int = 0) -> None:
        self.read += counts.read
        self.loaded += counts.loaded
        self.rejected += counts.rejected
        self.files += files


@dataclass
class Batch:
    """One run over one table: totals so far, rewritten into ``meta.batches`` inside each commit.

    Because the batch row is written in the same transaction as the rows it counts, a killed sync
    leaves a batch record that matches exactly what was committed (status ``running``).
    """

    batch_id: str
    run_id: str
    source: str
    table: str
    started_at: datetime
    started: float = field(default_factory=time.perf_counter)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    files_loaded: int = 0
    files_skipped: int = 0
    status: str = "running"
    errors: list[str] = field(default_factory=list)
    missing: tuple[str, ...] = ()

    def read_committed(self, pending: Pending) -> None:
        self.rows_read += pending.read
        self.rows_loaded += pending.loaded
        self.rows_rejected += pending.rejected
        self.files_loaded += pending.files

    def write(
        self, con: engine.Connection, pending: Pending | None = None, *, finished_at: datetime | None = None
    ) -> None:
        """Replace this batch's row in ``meta.batches`` with the committed totals plus ``pending``."""
        extra = pending or Pending()
        engine.execute(con, ods.render("DELETE FROM meta.batches WHERE batch_id = ?"), [self.batch_id])
        engine.execute(
            con,
            ods.render(
                'INSERT INTO meta.batches (batch_id, run_id, "source", "table", ods_table, started_at, '
                "finished_at, seconds, rows_read, rows_loaded, rows_rejected, files_loaded, files_skipped, "
                "status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            [
                self.batch_id,
                self.run_id,
                self.source,
                self.table,
                ods.ods_table_name(self.source, self.table),
                self.started_at,
                finished_at,
                time.perf_counter() - self.started,
                self.rows_read + extra.read,
                self.rows_loaded + extra.loaded,
                self.rows_rejected + extra.rejected,
                self.files_loaded + extra.files,
                self.files_skipped,
                self.status,
                "\n".join(self.errors) or None,
            ],
        )


@dataclass
class SyncContext:
    """Shared state of one ``sync`` run."""

    paths: HubPaths
    con: engine.Connection
    run_id: str
    loaded_at: datetime
    scratch: Path
    progress: Callable[[str], None] = lambda _message: None
    crash: _CrashHook = field(default_factory=_CrashHook)

    def resolve(self, text: str) -> Path:
        """A path from the YAML: relative to ``CAMPUSBRAIN_HOME`` unless absolute."""
        path = Path(text).expanduser()
        return path if path.is_absolute() else self.paths.home / path

    def label(self, source: SourceConfig, path: Path) -> str:
        """``_source`` of a file's rows: ``<source>:<path relative to home>`` (absolute outside it)."""
        try:
            shown = path.resolve().relative_to(self.paths.home.resolve()).as_posix()
        except ValueError:
            shown = path.resolve().as_posix()
        return f"{source.name}:{shown}"

    @contextmanager
    def commit(self, batch: Batch) -> Iterator[Pending]:
        """One transaction holding a unit's rows, its bookkeeping and the batch totals.

        The body adds what it loaded to the yielded :class:`Pending`; the batch row is rewritten
        with those counts inside the transaction, and ``batch`` takes them only after COMMIT.
        """
        pending = Pending()
        try:
            with engine.transaction(self.con):
                yield pending
                batch.write(self.con, pending)
                self.crash.hit("before_commit")
        except BaseException:
            ods.forget_columns(self.con)
            raise
        batch.read_committed(pending)
        self.crash.hit("after_commit")


class Connector(Protocol):
    """A connector kind: reads one table of a source and commits it to ODS through ``ctx``."""

    kind: ClassVar[str]

    def check(self, source: SourceConfig) -> None:
        """Raise :class:`SourceConfigError` when a key the kind needs is missing."""

    def sync_table(self, ctx: SyncContext, source: SourceConfig, table: TableConfig, batch: Batch) -> None:
        """Load what is new in ``table``; update ``batch`` only inside ``ctx.commit``."""


CONNECTORS: dict[str, type[Connector]] = {}


def register(kind: str) -> Callable[[type[Any]], type[Any]]:
    """Class decorator: make a connector available as ``kind:`` in source YAML files."""

    def add(cls: type[Any]) -> type[Any]:
        cls.kind = kind
        CONNECTORS[kind] = cls
        return cls

    return add


def connector_for(source: SourceConfig) -> Connector:
    try:
        cls = CONNECTORS[source.kind]
    except KeyError:
        known = ", ".join(sorted(CONNECTORS))
        raise SourceConfigError(f"{source.file}: unknown kind {source.kind!r} (known: {known})") from None
    connector = cls()
    connector.check(source)
    return connector


def to_text(value: object) -> str | None:
    """A source value as ODS text: NULL stays NULL, nested JSON stays JSON, whole floats lose ``.0``.

    Spreadsheets and drivers hand numbers back as floats; ``1.0`` for a cell the user typed as ``1``
    would make every code and ID differ from the same value in a CSV export.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return str(value)
