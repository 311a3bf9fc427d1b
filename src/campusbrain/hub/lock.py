"""The hub's one exclusive lock: ``hub sync`` and ``hub build`` never run at the same time.

DuckDB allows one writer per database file, and a build reads the ODS that sync writes; a second
command fails at once with a message naming the holder instead of waiting behind it. ``flock`` is
released by the kernel when the holder's process dies, so a killed command never leaves the hub
locked.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from campusbrain.hub.paths import HubPaths


class HubBusy(Exception):
    """Another sync or build holds the hub lock."""


@contextmanager
def hub_lock(paths: HubPaths, purpose: str) -> Iterator[None]:
    """Hold the exclusive hub lock for ``purpose`` (``"sync"``, ``"build"``) or raise :class:`HubBusy`."""
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "unknown"
            raise HubBusy(
                f"another hub command is running (lock {paths.lock} held by {holder}); "
                "wait for it to finish and try again"
            ) from None
        # The holder's identity is written into the lock file only to make the message above useful.
        note = json.dumps({"pid": os.getpid(), "purpose": purpose, "since": datetime.now(UTC).isoformat()})
        os.ftruncate(fd, 0)
        os.pwrite(fd, note.encode(), 0)
        yield
    finally:
        os.close(fd)
