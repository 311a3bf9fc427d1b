"""Published warehouse snapshots: which one readers open, how a new one is published, which are kept.

Every build writes a complete new DuckDB file under ``warehouse/snapshots/``. Publishing is one
``os.replace`` of ``published.json``, so a reader sees either the old pointer or the new one, never
a half-built warehouse. A reader that opened a snapshot keeps reading that file until it reopens:
DuckDB never writes a published file again, and on Linux a deleted file stays readable through
the descriptors already open on it. The last :data:`KEEP_PUBLISHED` published snapshots are kept
so the currently published one and its predecessor are never deleted under a reader.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths

KEEP_PUBLISHED = 3
SNAPSHOT_SUFFIX = ".duckdb"


class NothingPublished(Exception):
    """No build has been published yet in this college folder."""


@dataclass(frozen=True)
class Published:
    """The content of ``published.json``."""

    build_id: str
    snapshot: Path
    published_at: datetime
    history: tuple[str, ...]  # snapshot paths relative to warehouse/, newest first, current included


def snapshot_path(paths: HubPaths, build_id: str) -> Path:
    """Where the snapshot of a build lives."""
    return paths.snapshots / (build_id + SNAPSHOT_SUFFIX)


def read_published(paths: HubPaths) -> Published | None:
    """The published pointer, or ``None`` before the first successful build."""
    try:
        data: dict[str, Any] = json.loads(paths.published.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Published(
        build_id=data["build_id"],
        snapshot=paths.warehouse / data["snapshot"],
        published_at=datetime.fromisoformat(data["published_at"]),
        history=tuple(data.get("history", [data["snapshot"]])),
    )


def open_published(home: Path) -> engine.Connection:
    """A read-only connection to the published snapshot; it keeps seeing that snapshot until closed."""
    paths = HubPaths(home)
    published = read_published(paths)
    if published is None:
        raise NothingPublished(f"nothing is published in {paths.warehouse}; run `campusbrain hub build`")
    return engine.connect(published.snapshot, read_only=True)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(paths: HubPaths, build_id: str, snapshot: Path) -> Published:
    """Point readers at ``snapshot`` atomically, then delete snapshots beyond the kept history.

    The snapshot must be complete and closed. The pointer is written to a temporary file, flushed
    to disk and renamed over ``published.json``, so a crash leaves the old or the new pointer.
    """
    previous = read_published(paths)
    relative = snapshot.relative_to(paths.warehouse).as_posix()
    history = (relative, *(previous.history if previous else ()))[:KEEP_PUBLISHED]
    now = datetime.now(UTC)
    body = {
        "build_id": build_id,
        "snapshot": relative,
        "published_at": now.isoformat(),
        "history": list(history),
    }
    temporary = paths.published.with_name(paths.published.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(body, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, paths.published)
    _fsync_directory(paths.warehouse)
    remove_unpublished(paths, keep=history)
    return Published(build_id=build_id, snapshot=snapshot, published_at=now, history=history)


def remove_unpublished(paths: HubPaths, *, keep: tuple[str, ...] | None = None) -> list[Path]:
    """Delete snapshot files outside the kept history: older builds and builds that never finished.

    Call only while holding the hub lock, so no build is writing a file this would delete.
    """
    if keep is None:
        published = read_published(paths)
        keep = published.history if published else ()
    kept = {paths.warehouse / relative for relative in keep}
    removed: list[Path] = []
    if not paths.snapshots.is_dir():
        return removed
    for path in sorted(paths.snapshots.iterdir()):
        # A snapshot's WAL (``x.duckdb.wal``) and spill folder (``x.duckdb.tmp/``) follow its file.
        base = path.with_name(path.name.removesuffix(".wal").removesuffix(".tmp"))
        if base.suffix != SNAPSHOT_SUFFIX or base in kept:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def record_build(paths: HubPaths, entry: dict[str, Any]) -> None:
    """Append one line to ``warehouse/builds.jsonl``: the history of builds, failed ones included.

    A failed build's snapshot is deleted, so this log is where its error stays visible.
    """
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    with (paths.warehouse / "builds.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def build_log(paths: HubPaths) -> list[dict[str, Any]]:
    """Every recorded build, oldest first."""
    log = paths.warehouse / "builds.jsonl"
    if not log.exists():
        return []
    entries = []
    for line in log.read_text(encoding="utf-8").splitlines():
        # A line cut short by a crash mid-append is skipped rather than breaking `hub status`.
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries
