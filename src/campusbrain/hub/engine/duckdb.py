"""The DuckDB engine adapter: every ``import duckdb`` in the code base lives in this module.

Other hub modules call these functions with SQL built as SQLGlot expressions (rendered with
``dialect="duckdb"``) and never see a DuckDB object type in their signatures beyond ``Connection``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

Connection = duckdb.DuckDBPyConnection
DuckDBError = duckdb.Error


def connect(
    path: Path, *, read_only: bool = False, threads: int | None = None, memory_limit: str | None = None
) -> Connection:
    """Open a database file (created if absent unless read-only)."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    return duckdb.connect(str(path), read_only=read_only, config=config)


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """BEGIN … COMMIT, rolled back on any exception: a batch is all there or not at all."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
