"""``hub sync``: bring every source system's new data into ODS, and ``hub status``: how fresh it is.

Sync holds the hub lock (sync and build never overlap), opens ``warehouse/ods.duckdb`` and runs
each table of each source through its connector. Every connector commits in units that carry
their rows, their bookkeeping (file hashes, watermarks, rejects) and the batch totals together,
so a sync killed at any instant and run again ends with the same ODS as one uninterrupted run.
A table that fails is reported and the others go on.
"""

from __future__ import annotations

import secrets
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tqdm import tqdm

from . import ods
from .contracts import SourceStatus, SyncReport, TableStatus, TableSync
from .engine import duckdb as engine
from .lock import HubBusy, hub_lock
from .paths import HubPaths
from .sources import Batch, SourceConfigError, SyncContext, TableConfig, connector_for, load_sources
from .sources.files import missing_periods

SCHEDULE_INTERVALS = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
    "monthly": timedelta(days=31),
}
# A source is stale once its last successful sync is older than this many schedule intervals.
STALE_AFTER = 1.5


class UnknownSource(ValueError):
    """``--source`` names no source YAML."""


def _utcnow() -> datetime:
    # DuckDB TIMESTAMP has no zone; the hub stores UTC and says so in every report.
    return datetime.now(UTC).replace(tzinfo=None)


def sync(home: Path, *, source: str | None = None, progress: bool = True) -> SyncReport:
    """Load what is new in every source (or only ``source``) into ODS and report per table.

    Raises :class:`~campusbrain.hub.lock.HubBusy` when another sync or build runs, and
    :class:`UnknownSource` when ``source`` names no YAML under ``sources/``. Errors of single
    sources or tables do not raise: they are in the report (``report.ok`` is False).
    """
    paths = HubPaths(Path(home).resolve())
    sources, bad_files = load_sources(paths.sources)
    config_errors = [message for _file, message in bad_files]
    if not paths.sources.is_dir():
        config_errors.append(f"no sources folder at {paths.sources}: write one YAML per source system there")
    if source is not None:
        sources = [s for s in sources if s.name == source]
        config_errors = [m for f, m in bad_files if f.stem == source]
        if not sources and not config_errors:
            raise UnknownSource(f"no source named {source!r} in {paths.sources}")
    started_at = _utcnow()
    run_id = f"{started_at:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    results: list[TableSync] = []
    with hub_lock(paths, "sync"):
        scratch = paths.warehouse / "sync-scratch"
        # Left over only by a killed sync; nothing in it is needed.
        shutil.rmtree(scratch, ignore_errors=True)
        con = engine.connect(paths.ods)
        # DuckDB draws its own progress bar on long statements; sync has one per table already.
        engine.run(con, "SET enable_progress_bar = false")
        try:
            with engine.transaction(con):
                ods.ensure_meta(con)
            total = sum(len(s.tables) for s in sources)
            bar = tqdm(total=total, unit="table", disable=not progress, file=sys.stderr, desc="同步 sync")
            ctx = SyncContext(
                paths=paths,
                con=con,
                run_id=run_id,
                loaded_at=started_at,
                scratch=scratch,
                progress=(lambda message: bar.write(message)) if progress else (lambda _m: None),
            )
            with bar:
                for config in sources:
                    try:
                        connector = connector_for(config)
                    except SourceConfigError as error:
                        connector = None
                        source_error: str | None = str(error)
                    else:
                        source_error = None
                    for table in config.tables:
                        bar.set_postfix_str(f"{config.name}.{table.name}")
                        batch = Batch(
                            batch_id=f"{run_id}/{config.name}/{table.name}",
                            run_id=run_id,
                            source=config.name,
                            table=table.name,
                            started_at=_utcnow(),
                        )
                        if connector is None:
                            batch.errors.append(source_error or "unusable source")
                        else:
                            try:
                                connector.sync_table(ctx, config, table, batch)
                            except Exception as error:
                                batch.errors.append(f"{type(error).__name__}: {error}")
                                ctx.progress(f"{config.name}.{table.name}: {batch.errors[-1]}")
                        results.append(_finish(ctx, batch))
                        bar.update(1)
        finally:
            ods.forget_columns(con)
            con.close()
            shutil.rmtree(scratch, ignore_errors=True)
    return SyncReport(
        run_id=run_id,
        started_at=started_at,
        finished_at=_utcnow(),
        tables=tuple(results),
        config_errors=tuple(config_errors),
    )


def _finish(ctx: SyncContext, batch: Batch) -> TableSync:
    if batch.errors:
        batch.status = "partial" if batch.files_loaded or batch.rows_loaded else "failed"
    else:
        batch.status = "loaded" if batch.files_loaded or batch.rows_read else "unchanged"
    finished = _utcnow()
    with engine.transaction(ctx.con):
        batch.write(ctx.con, finished_at=finished)
    return TableSync(
        source=batch.source,
        table=batch.table,
        ods_table=ods.ods_table_name(batch.source, batch.table),
        batch_id=batch.batch_id,
        status=batch.status,
        rows_read=batch.rows_read,
        rows_loaded=batch.rows_loaded,
        rows_rejected=batch.rows_rejected,
        files_loaded=batch.files_loaded,
        files_skipped=batch.files_skipped,
        seconds=(finished - batch.started_at).total_seconds(),
        error="\n".join(batch.errors) or None,
        missing_periods=batch.missing,
    )


def status(home: Path) -> list[SourceStatus]:
    """Per source: last successful sync (UTC), freshness against its schedule, rows, last error.

    Reads ``ods.duckdb`` read-only; DuckDB lets no reader in while a sync is writing, so during a
    sync this raises :class:`~campusbrain.hub.lock.HubBusy`.
    """
    paths = HubPaths(Path(home).resolve())
    sources, _bad = load_sources(paths.sources)
    now = _utcnow()
    con = _open_for_status(paths)
    result: list[SourceStatus] = []
    try:
        for config in sources:
            tables: list[TableStatus] = []
            for table in config.tables:
                tables.append(_table_status(con, config.name, table))
            ok_times = [t.last_loaded_at for t in tables if t.last_loaded_at is not None]
            # The source is as fresh as its least recently synced table; a table that never
            # synced successfully makes the whole source stale.
            last_sync = min(ok_times) if ok_times else None
            interval = SCHEDULE_INTERVALS.get(str(config.schedule or "").lower())
            if last_sync is None:
                freshness = "never"
            elif len(ok_times) < len(tables):
                freshness = "stale"
            elif interval is None:
                freshness = "unscheduled"
            else:
                freshness = "fresh" if now - last_sync <= interval * STALE_AFTER else "stale"
            errors = [f"{t.table}: {t.last_error}" for t in tables if t.last_error]
            result.append(
                SourceStatus(
                    source=config.name,
                    title=config.title,
                    kind=config.kind,
                    schedule=config.schedule,
                    last_sync=last_sync,
                    freshness=freshness,
                    rows=sum(t.rows for t in tables),
                    last_error="\n".join(errors) or None,
                    tables=tuple(tables),
                )
            )
    finally:
        if con is not None:
            con.close()
    return result


def _open_for_status(paths: HubPaths) -> engine.Connection | None:
    if not paths.ods.exists():
        return None
    try:
        return engine.connect(paths.ods, read_only=True)
    except engine.DuckDBError as error:
        if "lock" in str(error).lower():
            raise HubBusy(f"a sync is writing {paths.ods}; status can be read when it has finished") from None
        raise


def _table_status(con: engine.Connection | None, source: str, config: TableConfig) -> TableStatus:
    table, title = config.name, config.title
    name = ods.ods_table_name(source, table)
    if con is None or not _has_meta(con):
        return TableStatus(table, title, name, 0, 0, None, None, None)
    last = engine.fetch(
        con,
        ods.render(
            'SELECT status, error FROM meta.batches WHERE "source" = ? AND "table" = ? '
            "ORDER BY started_at DESC, finished_at DESC NULLS FIRST LIMIT 1"
        ),
        [source, table],
    )
    ok = engine.fetch(
        con,
        ods.render(
            'SELECT max(finished_at) FROM meta.batches WHERE "source" = ? AND "table" = ? '
            "AND status IN ('loaded', 'unchanged')"
        ),
        [source, table],
    )
    rejects = engine.fetch(
        con,
        ods.render('SELECT count(*) FROM meta.rejects WHERE "source" = ? AND "table" = ?'),
        [source, table],
    )
    rows = 0
    if ods.table_columns(con, source, table):
        counted = engine.fetch(
            con, ods.render("SELECT count(*) FROM __target__", __target__=ods.ods_table(source, table))
        )
        rows = int(counted[0][0])  # type: ignore[call-overload]
    files = engine.fetch(
        con, ods.render('SELECT path FROM meta.files WHERE "source" = ? AND "table" = ?'), [source, table]
    )
    gaps = missing_periods(config, [Path(str(p).split(":", 1)[-1]) for (p,) in files])
    last_status, last_error = (str(last[0][0]), last[0][1]) if last else (None, None)
    if last_status == "running":
        # A batch still "running" with no sync holding the lock was cut short by a crash.
        last_status, last_error = "interrupted", "the sync was stopped before this table finished"
    return TableStatus(
        table=table,
        title=title,
        ods_table=name,
        rows=rows,
        rejects=int(rejects[0][0]) if rejects else 0,  # type: ignore[call-overload]
        last_loaded_at=ok[0][0] if ok and ok[0][0] is not None else None,  # type: ignore[arg-type]
        last_status=last_status,
        last_error=None if last_error is None else str(last_error),
        missing_periods=tuple(gaps),
    )


def _has_meta(con: engine.Connection) -> bool:
    rows = engine.fetch(
        con,
        ods.render(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'batches'"
        ),
    )
    return bool(rows and rows[0][0])
