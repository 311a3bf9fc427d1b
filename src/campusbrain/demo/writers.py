"""Deterministic writers for each export format (same input ⇒ byte-identical file)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

# Zip entries and workbook properties get this fixed time so that .xlsx files are reproducible.
FIXED_TIME = datetime(2026, 11, 30, 18, 0, 0)


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    delimiter: str = ",",
) -> int:
    """Small/medium CSV via the csv module (any encoding, e.g. GBK). Returns rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", encoding=("utf-8-sig" if bom else encoding), newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            n += 1
    return n


def write_arrow_csv(path: Path, table: pa.Table, *, bom: bool = False) -> int:
    """Large UTF-8 CSV from an Arrow table (fast; values quoted only when needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Arrow quotes header names; vendor exports don't, so the header line is written here.
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    with open(path, "wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        fh.write((",".join(table.column_names) + "\n").encode("utf-8"))
        sink = io.BytesIO()
        pacsv.write_csv(table, sink, write_options=options)
        fh.write(sink.getvalue())
    return table.num_rows


def write_json(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def write_sqlite(path: Path, tables: dict[str, tuple[str, Iterable[Sequence[Any]]]]) -> dict[str, int]:
    """Create a fresh SQLite database: ``tables`` maps name -> (CREATE statement, rows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    counts: dict[str, int] = {}
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        for name, (ddl, rows) in tables.items():
            con.execute(ddl)
            cur = con.cursor()
            n = 0
            batch: list[Sequence[Any]] = []
            params = None
            for row in rows:
                if params is None:
                    params = ",".join("?" * len(row))
                batch.append(row)
                if len(batch) >= 50_000:
                    cur.executemany(f"INSERT INTO {name} VALUES ({params})", batch)
                    n += len(batch)
                    batch = []
            if batch and params:
                cur.executemany(f"INSERT INTO {name} VALUES ({params})", batch)
                n += len(batch)
            counts[name] = n
        con.commit()
    finally:
        con.close()
    return counts


def normalize_zip(path: Path) -> None:
    """Rewrite a zip (xlsx) with fixed entry times so its bytes depend only on its content."""
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, data in items:
            if name == "docProps/core.xml":
                # openpyxl stamps the save time into <dcterms:modified>; pin it.
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    data,
                )
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    os.replace(tmp, path)


def save_workbook(workbook: Any, path: Path) -> None:
    """Save an openpyxl workbook reproducibly (fixed properties and zip times)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.properties.creator = "export"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.save(path)
    normalize_zip(path)
