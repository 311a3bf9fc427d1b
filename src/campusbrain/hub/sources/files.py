"""Files connector: CSV/TSV in any encoding, .xlsx/.xls, JSON and JSON lines, single files or globs.

Each file is identified by its path and SHA-256. A file whose hash is already recorded in
``meta.files`` is skipped; a new or changed file is loaded in a transaction that also deletes the
rows the same path delivered before, records its hash and rewrites the batch totals, so ODS holds
exactly the current content of every file ever delivered (a snapshot export replaces itself; each
daily file of a glob is its own data). Files of a glob are committed in chunks; if a chunk fails,
its files are retried one by one so a broken file costs only itself.
"""

from __future__ import annotations

import codecs
import glob as globlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlglot import exp

from campusbrain.hub import ods
from campusbrain.hub.engine import duckdb as engine

from .base import Batch, Counts, SyncContext, register, to_text
from .config import SourceConfig, SourceConfigError, TableConfig

CHUNK_FILES = 64
CHUNK_BYTES = 256 * 1024 * 1024
_GLOB_CHARS = re.compile(r"[*?\[]")
_UTF8 = {"utf-8", "utf8", "utf-8-sig", "utf_8", "utf_8_sig"}


@dataclass(frozen=True)
class FileUnit:
    """One file to load: where it is, how ODS names it, and its content hash."""

    path: Path
    label: str
    sha256: str
    size: int
    mtime_ns: int = 0
    replaces: bool = False
    lines: int | None = None


# A reader loads one file into ODS inside the caller's transaction and returns its counts.
Reader = Callable[[SyncContext, SourceConfig, TableConfig, FileUnit, str], Counts]
# A chunk reader loads several files with one scan and returns each file's counts, or returns None
# (nothing done) when the chunk does not qualify, or raises RetryFileByFile to roll the chunk back.
ChunkReader = Callable[[SyncContext, SourceConfig, TableConfig, list[FileUnit], str], list[Counts] | None]
READERS: dict[str, Reader] = {}


def reader(*formats: str) -> Callable[[Reader], Reader]:
    """Register a function as the reader of one or more ``format:`` values."""

    def add(function: Reader) -> Reader:
        for name in formats:
            READERS[name] = function
        return function

    return add


def _digest(path: Path) -> tuple[str, int] | OSError:
    """SHA-256 and line count (newlines, plus an unterminated last line) in one read of the file."""
    digest = hashlib.sha256()
    newlines = 0
    last = b"\n"
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
                newlines += block.count(b"\n")
                last = block[-1:]
    except OSError as error:
        return error
    return digest.hexdigest(), newlines + (last != b"\n")


def is_glob(pattern: str) -> bool:
    return bool(_GLOB_CHARS.search(pattern))


def expand(ctx: SyncContext, pattern: str) -> list[Path]:
    """The files a ``path:`` names, sorted so dated files load oldest first."""
    resolved = ctx.resolve(pattern)
    if not is_glob(pattern):
        return [resolved]
    return sorted(Path(p) for p in globlib.glob(str(resolved), recursive=True) if Path(p).is_file())


def file_format(table: TableConfig, path: Path) -> str:
    declared = table.get("format")
    if declared:
        return str(declared).lower()
    suffix = path.suffix.lower().lstrip(".")
    return {"txt": "csv", "ndjson": "jsonl", "xlsm": "xlsx"}.get(suffix, suffix)


def missing_periods(table: TableConfig, paths: list[Path]) -> list[str]:
    """Days (or months) absent between the first and last dated file of a glob, as ISO text."""
    pattern = table.get("daily_file_pattern") or table.get("monthly_file_pattern")
    if not pattern:
        return []
    monthly = not table.get("daily_file_pattern")
    found: set[date] = set()
    for path in paths:
        try:
            found.add(datetime.strptime(path.name, str(pattern)).date())  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    if len(found) < 2:
        return []
    first, last = min(found), max(found)
    missing: list[str] = []
    day = first
    while day <= last:
        if day not in found:
            missing.append(day.strftime("%Y-%m") if monthly else day.isoformat())
        if monthly:
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        else:
            day += timedelta(days=1)
    return missing


def sync_files(
    ctx: SyncContext,
    source: SourceConfig,
    table: TableConfig,
    batch: Batch,
    *,
    read: Reader | None = None,
    read_chunk: ChunkReader | None = None,
) -> list[str]:
    """Load the new and changed files of one table; returns missing dated periods of a glob.

    ``read`` overrides the reader chosen by format (the xAPI connector passes its own), and
    ``read_chunk`` its chunk reader; without ``read``, CSV chunks use :func:`read_csv_files`.
    """
    pattern = str(table.require("path", source))
    paths = expand(ctx, pattern)
    if not is_glob(pattern) and not paths[0].exists():
        raise FileNotFoundError(f"{paths[0]} does not exist")
    if is_glob(pattern) and not paths:
        raise FileNotFoundError(f"no file matches {ctx.resolve(pattern)}")
    known = ods.known_files(ctx.con, source.name, table.name)
    candidates: list[tuple[Path, str, os.stat_result]] = []
    for path in paths:
        label = ctx.label(source, path)
        stat = path.stat()
        seen = known.get(label)
        # Same size and modification time (ns) as when it was hashed: the content is taken as
        # unchanged without reading it again, as make and rsync do; any rewrite moves mtime.
        if seen is not None and (seen.size, seen.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            batch.files_skipped += 1
            continue
        candidates.append((path, label, stat))
    touched: list[tuple[str, int]] = []

    def units() -> Iterator[FileUnit]:
        # Hashing runs one file ahead in a thread (hashlib releases the GIL) while DuckDB loads.
        with ThreadPoolExecutor(max_workers=1) as pool:
            digests = pool.map(_digest, [path for path, _label, _stat in candidates])
            for (path, label, stat), result in zip(candidates, digests, strict=True):
                if isinstance(result, OSError):
                    batch.errors.append(f"{label}: {type(result).__name__}: {result}")
                    continue
                digest, lines = result
                seen = known.get(label)
                if seen is not None and seen.sha256 == digest:
                    batch.files_skipped += 1
                    touched.append((label, stat.st_mtime_ns))
                    continue
                yield FileUnit(
                    path=path,
                    label=label,
                    sha256=digest,
                    size=stat.st_size,
                    mtime_ns=stat.st_mtime_ns,
                    replaces=seen is not None,
                    lines=lines,
                )

    todo = units()
    for chunk in _chunks(todo):
        try:
            _commit_files(ctx, source, table, batch, chunk, read, read_chunk)
        except Exception:
            # File by file with the per-file readers, which number every rejected line.
            for unit in chunk:
                try:
                    _commit_files(ctx, source, table, batch, [unit], read, read_chunk, chunked=False)
                except Exception as single_error:
                    _record_failure(ctx, batch, unit, single_error)
    if touched:
        with engine.transaction(ctx.con):
            ods.touch_files(ctx.con, source.name, table.name, touched)
    return missing_periods(table, paths) if is_glob(pattern) else []


def _record_failure(ctx: SyncContext, batch: Batch, unit: FileUnit, error: Exception) -> None:
    batch.errors.append(f"{unit.label}: {type(error).__name__}: {error}")
    ctx.progress(batch.errors[-1])


def _chunks(units: Iterable[FileUnit]) -> Iterator[list[FileUnit]]:
    chunk: list[FileUnit] = []
    size = 0
    for unit in units:
        if chunk and (len(chunk) >= CHUNK_FILES or size + unit.size > CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(unit)
        size += unit.size
    if chunk:
        yield chunk


def _commit_files(
    ctx: SyncContext,
    source: SourceConfig,
    table: TableConfig,
    batch: Batch,
    units: list[FileUnit],
    read: Reader | None,
    read_chunk: ChunkReader | None,
    *,
    chunked: bool = True,
) -> None:
    with ctx.commit(batch) as pending:
        records: list[ods.FileRecord] = []
        for unit in units:
            if unit.replaces:
                ods.delete_source_rows(ctx.con, source.name, table.name, unit.label)
        chunk_reader = read_csv_files if read is None else read_chunk
        many = chunk_reader(ctx, source, table, units, batch.batch_id) if chunk_reader and chunked else None
        if many is not None:
            for unit, counts in zip(units, many, strict=True):
                records.append(_file_record(unit, counts))
                pending.add(counts, files=1)
            units = []
        for unit in units:
            fmt = file_format(table, unit.path)
            load = read or READERS.get(fmt)
            if load is None:
                raise SourceConfigError(f"{source.file}: table {table.name!r}: unknown format {fmt!r}")
            counts = load(ctx, source, table, unit, batch.batch_id)
            records.append(_file_record(unit, counts))
            pending.add(counts, files=1)
            ctx.crash.hit("after_file")
        ods.record_files(
            ctx.con, source.name, table.name, records, batch_id=batch.batch_id, loaded_at=ctx.loaded_at
        )


def _file_record(unit: FileUnit, counts: Counts) -> ods.FileRecord:
    return ods.FileRecord(
        path=unit.label,
        sha256=unit.sha256,
        size=unit.size,
        mtime_ns=unit.mtime_ns,
        replaces=unit.replaces,
        rows_loaded=counts.loaded,
        rows_rejected=counts.rejected,
    )


@register("files")
class FilesConnector:
    """``kind: files``: every table names a ``path`` (a file or a glob) and a ``format``."""

    kind = "files"

    def check(self, source: SourceConfig) -> None:
        for table in source.tables:
            table.require("path", source)

    def sync_table(self, ctx: SyncContext, source: SourceConfig, table: TableConfig, batch: Batch) -> None:
        batch.missing = tuple(sync_files(ctx, source, table, batch))


# CSV / TSV ------------------------------------------------------------------------------------

_REJECTS_TABLE = "__campusbrain_csv_rejects"
_REJECTS_SCAN = "__campusbrain_csv_scans"


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the first megabyte decodes as UTF-8, else GB18030.

    GB18030 is a superset of GBK and GB2312, the encodings Chinese Windows exports default to.
    """
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    cut = head.rfind(b"\n")
    sample = head if cut < 0 or len(head) < (1 << 20) else head[:cut]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _encoding(table: TableConfig, path: Path) -> str:
    declared = table.get("encoding")
    if not declared:
        return detect_encoding(path)
    name = str(declared).strip().lower()
    try:
        codecs.lookup(name)
    except LookupError:
        raise SourceConfigError(f"table {table.name!r}: unknown encoding {declared!r}") from None
    return name


@dataclass(frozen=True)
class _Removed:
    data_row: int
    raw: str


def transcode_to_utf8(path: Path, encoding: str, target: Path, header_lines: int) -> list[_Removed]:
    """Write ``path`` as UTF-8 to ``target`` in blocks; lines that do not decode are left out.

    DuckDB reads only UTF-8 here (its encodings extension cannot be downloaded offline). Blocks are
    cut at a newline byte, which never occurs inside a GBK/GB18030 multi-byte character, so each
    block decodes on its own; a block that fails is redone line by line to find the bad lines.
    """
    removed: list[_Removed] = []
    line_no = 0
    with path.open("rb") as src, target.open("wb") as out:
        rest = b""
        while True:
            block = src.read(8 << 20)
            data = rest + block
            if not block:
                rest = b""
            else:
                cut = data.rfind(b"\n")
                if cut < 0:
                    rest = data
                    continue
                data, rest = data[: cut + 1], data[cut + 1 :]
            if data:
                try:
                    out.write(data.decode(encoding).encode("utf-8"))
                    line_no += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
                except UnicodeDecodeError:
                    for line in data.splitlines(keepends=True):
                        line_no += 1
                        try:
                            out.write(line.decode(encoding).encode("utf-8"))
                        except UnicodeDecodeError:
                            if line_no <= header_lines:
                                raise
                            removed.append(
                                _Removed(
                                    data_row=line_no - header_lines,
                                    raw=line.decode(encoding, "replace").rstrip("\r\n"),
                                )
                            )
            if not block:
                break
    return removed


def _shift(rows: list[int]) -> list[int]:
    """Gaps for renumbering: for the j-th left-out row r_j (sorted), the rows kept before it (r_j - j).

    A kept row numbered k among kept rows is row ``k + #{j : gap_j < k}`` of the original.
    """
    return [r - j for j, r in enumerate(sorted(rows), start=1)]


def _renumber(row: int, gaps: list[int]) -> int:
    return row + sum(1 for g in gaps if g < row)


def _simple_header(path: Path, delimiter: str, quote: str, skip: int) -> list[str] | None:
    """The header's names when DuckDB will use them unchanged (non-empty, unique), else None.

    Reading the first line here saves DuckDB a second sniffing pass per file, which dominates the
    cost of a glob of thousands of small daily files.
    """
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        lines = [handle.readline() for _ in range(skip + 1)]
    header = lines[-1]
    if not header.endswith("\n") or quote in header:
        return None
    names = header.rstrip("\r\n").split(delimiter)
    if any(not n or n != n.strip() for n in names) or len(set(names)) != len(names):
        return None
    return names


@reader("csv", "tsv", "txt")
def read_csv(
    ctx: SyncContext, source: SourceConfig, table: TableConfig, unit: FileUnit, batch_id: str
) -> Counts:
    """Load one delimited text file with DuckDB's CSV reader, every value as text.

    Rows with too many or too few fields, unterminated quotes or invalid UTF-8 are captured by
    DuckDB's reject tables and copied to ``meta.rejects`` with DuckDB's message as the reason.
    """
    con = ctx.con
    if unit.size == 0:
        return Counts(0, 0, 0)
    skip = int(table.get("title_rows") or 0)
    encoding = _encoding(table, unit.path)
    csv_path = unit.path
    removed: list[_Removed] = []
    scratch: Path | None = None
    if encoding.replace("_", "-") not in _UTF8:
        ctx.scratch.mkdir(parents=True, exist_ok=True)
        scratch = ctx.scratch / f"{unit.sha256}.csv"
        removed = transcode_to_utf8(unit.path, encoding, scratch, header_lines=1 + skip)
        csv_path = scratch
    try:
        delimiter = table.get("delimiter") or ("\t" if file_format(table, unit.path) == "tsv" else ",")
        options: list[object] = [str(csv_path), str(delimiter), str(table.get("quote") or '"'), skip]
        scan = (
            "read_csv(?, all_varchar = TRUE, header = TRUE, delim = ?, quote = ?, skip = ?, "
            "null_padding = FALSE, store_rejects = TRUE, "
            f"rejects_table = '{_REJECTS_TABLE}', rejects_scan = '{_REJECTS_SCAN}')"
        )
        columns = _simple_header(csv_path, str(delimiter), str(table.get("quote") or '"'), skip)
        if columns is None:
            described = engine.fetch(con, ods.render(f"DESCRIBE SELECT * FROM {scan}"), options)
            columns = [str(r[0]) for r in described]
        ods.ensure_table(con, source.name, table.name, columns)
        if ods.scratch_dirty(con):
            for name in (_REJECTS_TABLE, _REJECTS_SCAN):
                engine.run(con, ods.render(f"DROP TABLE IF EXISTS {name}"))
            ods.set_scratch_dirty(con, False)
        target = ods.ods_table(source.name, table.name)
        inserted = engine.fetch(
            con,
            ods.render(
                "INSERT INTO __target__ BY NAME SELECT * EXCLUDE (ordinality), ? AS _batch_id, "
                "CAST(? AS TIMESTAMP) AS _loaded_at, ? AS _source, ordinality AS _source_row "
                f"FROM {scan} WITH ORDINALITY",
                __target__=target,
            ),
            [batch_id, ctx.loaded_at, unit.label, *options],
        )
        loaded = int(inserted[0][0]) if inserted else 0  # type: ignore[call-overload]
        errors: list[tuple[object, ...]] = []
        # When every data line became a row there is nothing to look up in the reject table; a
        # quoted value spanning lines or a blank line makes the counts differ and the lookup run.
        if unit.lines is None or loaded != unit.lines - 1 - skip - len(removed):
            ods.set_scratch_dirty(con, True)
            errors = engine.fetch(
                con,
                ods.render(
                    f"SELECT line, first(csv_line), string_agg(DISTINCT CAST(error_type AS VARCHAR) || ': ' "
                    f"|| error_message, '; ') FROM {_REJECTS_TABLE} GROUP BY line ORDER BY line"
                ),
            )
        # DuckDB numbers physical lines from 1 including the header and skipped title lines.
        bad_rows = [int(line) - 1 - skip for line, _raw, _reason in errors]  # type: ignore[call-overload]
        encoding_gaps = _shift([r.data_row for r in removed])
        rejects = [
            ods.Reject(_renumber(row, encoding_gaps), str(raw) if raw is not None else None, str(reason))
            for row, (_line, raw, reason) in zip(bad_rows, errors, strict=True)
        ]
        rejects += [
            ods.Reject(r.data_row, r.raw, f"INVALID ENCODING: line is not valid {encoding}") for r in removed
        ]
        for gaps in (_shift(bad_rows), encoding_gaps):
            if gaps:
                engine.execute(
                    con,
                    ods.render(
                        "UPDATE __target__ SET _source_row = _source_row + (SELECT count(*) FROM "
                        "unnest(CAST(? AS BIGINT[])) AS g(gap) WHERE g.gap < _source_row) WHERE _source = ?",
                        __target__=target,
                    ),
                    [gaps, unit.label],
                )
        ods.insert_rejects(con, source.name, table.name, unit.label, batch_id, rejects)
        return Counts(read=loaded + len(rejects), loaded=loaded, rejected=len(rejects))
    finally:
        if scratch is not None:
            scratch.unlink(missing_ok=True)


class RetryFileByFile(Exception):
    """A chunk read as one scan did not come out clean; its transaction is rolled back and the
    files are loaded one at a time, which gives each rejected row its file and number."""


def read_csv_files(
    ctx: SyncContext, source: SourceConfig, table: TableConfig, units: list[FileUnit], batch_id: str
) -> list[Counts] | None:
    """Load a chunk of clean UTF-8 CSV files with one DuckDB scan, or return None to go file by file.

    One scan over many files lets DuckDB read them in parallel; for a glob of small daily files
    it is several times faster than a scan per file. It needs each file's row count up front to
    number rows within their file (line counts taken while hashing), so it applies only when every
    file has the same plain header and is UTF-8. If the scan loads fewer rows than the files have
    lines, or rejects any row, :class:`RetryFileByFile` rolls the chunk back.
    """
    if any(file_format(table, u.path) not in ("csv", "txt") or u.lines is None or u.size == 0 for u in units):
        return None
    if any(_encoding(table, u.path).replace("_", "-") not in _UTF8 for u in units):
        return None
    skip = int(table.get("title_rows") or 0)
    delimiter = str(table.get("delimiter") or ",")
    quote = str(table.get("quote") or '"')
    headers = [_simple_header(u.path, delimiter, quote, skip) for u in units]
    # A column of the export named like the reader's own virtual column would shadow it.
    if headers[0] is None or "file_index" in headers[0] or any(h != headers[0] for h in headers):
        return None
    con = ctx.con
    ods.ensure_table(con, source.name, table.name, headers[0])
    if ods.scratch_dirty(con):
        for name in (_REJECTS_TABLE, _REJECTS_SCAN):
            engine.run(con, ods.render(f"DROP TABLE IF EXISTS {name}"))
        ods.set_scratch_dirty(con, False)
    expected = [int(u.lines or 0) - 1 - skip for u in units]
    scan = ods.render(
        f"CREATE TEMP TABLE {STAGE_TABLE} AS SELECT *, file_index FROM read_csv(?, all_varchar = TRUE, "
        "header = TRUE, delim = ?, quote = ?, skip = ?, null_padding = FALSE, store_rejects = TRUE, "
        f"rejects_table = '{_REJECTS_TABLE}', rejects_scan = '{_REJECTS_SCAN}')"
    )
    inserted = load_staged(
        ctx,
        ods.ods_table(source.name, table.name),
        units,
        expected,
        scan,
        [[str(u.path) for u in units], delimiter, quote, skip],
        batch_id,
    )
    ods.set_scratch_dirty(con, True)
    ctx.crash.hit("after_scan")
    loaded = inserted
    rejected = engine.fetch(con, ods.render(f"SELECT count(*) FROM {_REJECTS_TABLE}"))
    # Each file yields at most one row per line after the header; equal totals with no reject
    # therefore mean every file yielded exactly its line count, so the offsets above were right.
    if loaded != sum(expected) or (rejected and rejected[0][0]):
        raise RetryFileByFile(f"{len(units)} files: {loaded} rows for {sum(expected)} lines")
    return [Counts(read=n, loaded=n, rejected=0) for n in expected]


# Spreadsheets ---------------------------------------------------------------------------------


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _as_int_list(value: object) -> list[int]:
    if isinstance(value, list | tuple):
        return [int(v) for v in value]
    return [int(value)]  # type: ignore[call-overload]


def _detect_header(rows: list[list[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[int]:
    """0-based header rows: the first mostly filled, all-text row; two rows when it groups columns.

    Title rows above the header hold one merged cell (or few cells) and are skipped. A header row
    with horizontally merged cells whose next row is also all text is the upper half of a two-level
    header (``基本信息`` over ``工号``, ``姓名`` ...).
    """
    probe = rows[:30]
    width = max((sum(not _is_empty(v) for v in row) for row in probe), default=0)
    for index, row in enumerate(probe):
        filled = [v for v in row if not _is_empty(v)]
        if len(filled) < max(2, width // 2) or not all(isinstance(v, str) for v in filled):
            continue
        groups = any(r0 == index and c1 > c0 for (r0, c0), (_r1, c1) in merged)
        if groups and index + 1 < len(rows):
            below = [v for v in rows[index + 1] if not _is_empty(v)]
            if below and all(isinstance(v, str) for v in below):
                return [index, index + 1]
        return [index]
    return [0]


def _header_rows(table: TableConfig, rows: list[list[Any]], merged: list[Any]) -> tuple[list[int], int]:
    """The 0-based header rows and the 0-based first data row, from the YAML hints or detected."""
    header_rows = table.get("header_rows")
    header_row = table.get("header_row")
    title_rows = table.get("title_rows")
    if isinstance(header_rows, list | tuple):
        headers = [n - 1 for n in _as_int_list(header_rows)]
    elif header_row is not None:
        count = int(header_rows or 1)
        headers = list(range(int(header_row) - count, int(header_row)))
    elif header_rows is not None or title_rows is not None:
        start = int(title_rows or 0)
        headers = list(range(start, start + int(header_rows or 1)))
    else:
        headers = _detect_header(rows, merged)
    data_start = table.get("data_start_row")
    return headers, (int(data_start) - 1 if data_start else max(headers) + 1)


def _column_names(rows: list[list[Any]], headers: list[int], merged: list[Any], width: int) -> list[str]:
    """One name per column; merged group cells are spread over their range first.

    The lower header cell names the column when it is unique (``工号 GH``), so primary keys in the
    YAML read as the export shows them; a name the lower row repeats across groups becomes
    ``group/name``; a column merged down through both rows keeps its one name.
    """
    grid = [[to_text(rows[r][c]) if c < len(rows[r]) else None for c in range(width)] for r in headers]
    for (r0, c0), (r1, c1) in merged:
        if not any(r0 <= r <= r1 for r in headers) or c0 >= width:
            continue
        # A merged cell's value sits in its top-left cell, which may be above the header rows.
        value = to_text(rows[r0][c0]) if c0 < len(rows[r0]) else None
        for r in range(r0, r1 + 1):
            if r in headers:
                for c in range(c0, min(c1, width - 1) + 1):
                    grid[headers.index(r)][c] = value
    parts_by_column: list[list[str]] = []
    for c in range(width):
        parts: list[str] = []
        for row in grid:
            text = (row[c] or "").strip()
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        parts_by_column.append(parts)
    lowers = [p[-1] if p else "" for p in parts_by_column]
    names: list[str] = []
    for c, parts in enumerate(parts_by_column):
        if not parts:
            name = f"column{c + 1}"
        elif lowers.count(parts[-1]) > 1 and len(parts) > 1:
            name = "/".join(parts)
        else:
            name = parts[-1]
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


@reader("xlsx", "xls", "xlsm", "xlsb", "ods")
def read_spreadsheet(
    ctx: SyncContext, source: SourceConfig, table: TableConfig, unit: FileUnit, batch_id: str
) -> Counts:
    """Load one sheet: title rows skipped, one- or two-level header, cells as text.

    ``_source_row`` is the data row number (1 = the first row below the header); empty rows are
    skipped but keep their number. A row with values beyond the header's last column is rejected.
    """
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(unit.path))
    sheet_name = table.get("sheet") or workbook.sheet_names[0]
    if sheet_name not in workbook.sheet_names:
        raise ValueError(f"sheet {sheet_name!r} not found (sheets: {', '.join(workbook.sheet_names)})")
    sheet = workbook.get_sheet_by_name(sheet_name)
    rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    merged = list(getattr(sheet, "merged_cell_ranges", None) or [])
    if not rows:
        return Counts(0, 0, 0)
    headers, data_start = _header_rows(table, rows, merged)
    header_width = max(
        (c + 1 for r in headers if r < len(rows) for c, v in enumerate(rows[r]) if not _is_empty(v)),
        default=0,
    )
    for (r0, _c0), (r1, c1) in merged:
        if any(r0 <= r <= r1 for r in headers):
            header_width = max(header_width, c1 + 1)
    names = _column_names(rows, headers, merged, header_width)
    values: list[list[str | None]] = [[] for _ in names]
    numbers: list[int] = []
    rejects: list[ods.Reject] = []
    for offset, row in enumerate(rows[data_start:], start=1):
        if all(_is_empty(v) for v in row):
            continue
        if any(not _is_empty(v) for v in row[header_width:]):
            raw = "\t".join(to_text(v) or "" for v in row).rstrip("\t")
            rejects.append(
                ods.Reject(offset, raw, f"TOO MANY COLUMNS: values beyond the {header_width} header columns")
            )
            continue
        for c in range(len(names)):
            values[c].append(to_text(row[c]) if c < len(row) and not _is_empty(row[c]) else None)
        numbers.append(offset)
    _insert_columns(ctx, source, table, unit, batch_id, names, values, numbers)
    ods.insert_rejects(ctx.con, source.name, table.name, unit.label, batch_id, rejects)
    return Counts(read=len(numbers) + len(rejects), loaded=len(numbers), rejected=len(rejects))


def _insert_columns(
    ctx: SyncContext,
    source: SourceConfig,
    table: TableConfig,
    unit: FileUnit,
    batch_id: str,
    names: list[str],
    values: list[list[str | None]],
    numbers: list[int],
) -> None:
    arrays = [pa.array(column, type=pa.string()) for column in values]
    arrays.append(pa.array(numbers, type=pa.int64()))
    rows = pa.Table.from_arrays(arrays, names=[*names, "_source_row"])
    ods.insert_arrow(
        ctx.con,
        source.name,
        table.name,
        rows,
        names,
        batch_id=batch_id,
        loaded_at=ctx.loaded_at,
        label=unit.label,
    )


# JSON -----------------------------------------------------------------------------------------


def records_to_columns(records: list[tuple[int, dict[str, Any]]]) -> tuple[list[str], list[list[str | None]]]:
    """Columns in order of first appearance; nested values kept as JSON text."""
    names: dict[str, None] = {}
    for _n, record in records:
        for key in record:
            names.setdefault(str(key), None)
    order = list(names)
    values: list[list[str | None]] = [[to_text(record.get(key)) for _n, record in records] for key in order]
    return order, values


def _dig(document: Any, path: str | None) -> Any:
    if not path:
        return document
    for part in str(path).split("."):
        if not isinstance(document, dict) or part not in document:
            raise ValueError(f"json_path {path!r}: key {part!r} not found")
        document = document[part]
    return document


@reader("json")
def read_json(
    ctx: SyncContext, source: SourceConfig, table: TableConfig, unit: FileUnit, batch_id: str
) -> Counts:
    """Load the list of records at ``json_path`` (``record_path``) of one JSON document."""
    document = json.loads(unit.path.read_text(encoding=str(table.get("encoding") or "utf-8-sig")))
    items = _dig(document, table.get("json_path") or table.get("record_path"))
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise ValueError("the records are neither a list nor an object; set json_path")
    good: list[tuple[int, dict[str, Any]]] = []
    rejects: list[ods.Reject] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            good.append((number, item))
        else:
            rejects.append(ods.Reject(number, to_text(item), "NOT AN OBJECT: a record must be a JSON object"))
    return _load_records(ctx, source, table, unit, batch_id, good, rejects)


@reader("jsonl", "ndjson")
def read_jsonl(
    ctx: SyncContext, source: SourceConfig, table: TableConfig, unit: FileUnit, batch_id: str
) -> Counts:
    """Load a JSON-lines file; ``_source_row`` is the line number, blank lines are not rows."""
    good: list[tuple[int, dict[str, Any]]] = []
    rejects: list[ods.Reject] = []
    encoding = str(table.get("encoding") or "utf-8-sig")
    with unit.path.open("r", encoding=encoding, errors="surrogateescape") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.strip()
            if not text:
                continue
            try:
                item = json.loads(text)
            except (json.JSONDecodeError, UnicodeEncodeError) as error:
                raw = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                rejects.append(ods.Reject(number, raw, f"MALFORMED JSON: {error}"))
                continue
            if isinstance(item, dict):
                good.append((number, item))
            else:
                rejects.append(ods.Reject(number, text, "NOT AN OBJECT: a line must hold a JSON object"))
    return _load_records(ctx, source, table, unit, batch_id, good, rejects)


def _load_records(
    ctx: SyncContext,
    source: SourceConfig,
    table: TableConfig,
    unit: FileUnit,
    batch_id: str,
    good: list[tuple[int, dict[str, Any]]],
    rejects: list[ods.Reject],
) -> Counts:
    names, values = records_to_columns(good)
    if good:
        _insert_columns(ctx, source, table, unit, batch_id, names, values, [n for n, _r in good])
    ods.insert_rejects(ctx.con, source.name, table.name, unit.label, batch_id, rejects)
    return Counts(read=len(good) + len(rejects), loaded=len(good), rejected=len(rejects))


STAGE_TABLE = "__campusbrain_stage"

# Rows of the staging table in scan order get consecutive rowids from some base (inside a
# transaction DuckDB numbers new rows from a high offset, not 0): file i's rows must be exactly the
# rowids [base + offset_i, base + offset_i + count_i). ``file_index`` (the reader's virtual column:
# the file's position in the list scanned) picks each file's offset and count out of list
# parameters, so neither the check nor the insert joins 100 million rows on a path string.
# Parameters: rowid base (twice), row counts, row offsets (twice).
_MISPLACED = (
    "SELECT count(*) FROM (SELECT file_index, MIN(rowid) - ? AS first_row, MAX(rowid) - ? AS last_row, "
    f"COUNT(*) AS n FROM {STAGE_TABLE} GROUP BY file_index) AS f "
    "WHERE n <> list_element(CAST(? AS BIGINT[]), CAST(file_index AS INTEGER) + 1) "
    "OR first_row <> list_element(CAST(? AS BIGINT[]), CAST(file_index AS INTEGER) + 1) "
    "OR last_row <> list_element(CAST(? AS BIGINT[]), CAST(file_index AS INTEGER) + 1) + n - 1"
)
# Parameters: batch id, load time, labels, rowid base, row offsets.
_FROM_STAGE = (
    "INSERT INTO __target__ BY NAME SELECT s.* EXCLUDE (file_index), ? AS _batch_id, "
    "CAST(? AS TIMESTAMP) AS _loaded_at, "
    "list_element(CAST(? AS VARCHAR[]), CAST(s.file_index AS INTEGER) + 1) AS _source, "
    "s.rowid - ? - list_element(CAST(? AS BIGINT[]), CAST(s.file_index AS INTEGER) + 1) + 1 AS _source_row "
    f"FROM {STAGE_TABLE} AS s"
)


def load_staged(
    ctx: SyncContext,
    target: exp.Table,
    units: Sequence[FileUnit],
    expected_rows: list[int],
    scan: str,
    scan_parameters: list[object],
    batch_id: str,
    *,
    insert: str = _FROM_STAGE,
) -> int:
    """Load a chunk of files through a temporary staging table; return the rows inserted.

    ``scan`` (rendered SQL) creates :data:`STAGE_TABLE` from a multi-file scan over the units'
    paths, in order, with the reader's ``file_index`` column. Numbering rows in the scan itself
    (``WITH ORDINALITY``) makes DuckDB read on one thread; a plain scan reads in parallel and,
    with insertion order preserved, stores the rows in file and line order, so ``rowid`` gives
    each row its line. The rowid ranges of the files are checked before anything is inserted: a
    chunk that does not match raises :class:`RetryFileByFile`. ``insert`` takes the parameters of
    :data:`_FROM_STAGE`. Runs inside the caller's transaction; the staging table is dropped.
    """
    con = ctx.con
    offsets = [sum(expected_rows[:i]) for i in range(len(units))]
    engine.execute(con, ods.render(f"DROP TABLE IF EXISTS {STAGE_TABLE}"))
    engine.execute(con, scan, scan_parameters)
    ((staged, base),) = engine.fetch(con, ods.render(f"SELECT count(*), MIN(rowid) FROM {STAGE_TABLE}"))
    base = int(str(base)) if base is not None else 0
    misplaced = engine.fetch(con, ods.render(_MISPLACED), [base, base, expected_rows, offsets, offsets])
    if int(str(misplaced[0][0])) or int(str(staged)) != sum(expected_rows):
        raise RetryFileByFile(f"{len(units)} files: rows not in the expected line order or count")
    labels = [u.label for u in units]
    inserted = engine.fetch(
        con, ods.render(insert, __target__=target), [batch_id, ctx.loaded_at, labels, base, offsets]
    )
    engine.execute(con, ods.render(f"DROP TABLE {STAGE_TABLE}"))
    return int(str(inserted[0][0])) if inserted else 0
