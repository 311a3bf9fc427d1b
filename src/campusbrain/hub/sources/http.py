"""HTTP connector: paged JSON APIs.

Each table is one endpoint returning JSON records, fetched page by page (``page``/``offset``
paging or a ``next`` link). Without ``incremental`` the full record set replaces the previous one
in one transaction, skipped when its content hash is unchanged. With ``incremental.field`` and
``incremental.param`` the last committed value of the field is sent as that query parameter and
the new records are appended together with the new watermark.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pyarrow as pa

from campusbrain.hub import ods

from .base import Batch, Counts, SyncContext, register, to_text
from .config import SourceConfig, SourceConfigError, TableConfig, expand_env
from .files import records_to_columns

MAX_PAGES = 100_000
RETRIES = 3


class _Unchanged(Exception):
    pass


def _get_json(url: str, headers: dict[str, str], timeout: float) -> Any:
    last: Exception | None = None
    for attempt in range(RETRIES):
        request = urllib.request.Request(url, headers={"Accept": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read().decode("utf-8-sig"))
        except urllib.error.HTTPError as error:
            # A client error will not change on retry; a server error or timeout may.
            if error.code < 500:
                raise
            last = error
        except (urllib.error.URLError, TimeoutError) as error:
            last = error
        time.sleep(0.5 * 2**attempt)
    assert last is not None
    raise last


def _dig(document: Any, path: str | None) -> Any:
    if not path:
        return document
    for part in str(path).split("."):
        document = document.get(part) if isinstance(document, dict) else None
    return document


def _with_params(url: str, params: dict[str, Any]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update({k: str(v) for k, v in params.items() if v is not None})
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def fetch_records(source: SourceConfig, table: TableConfig, extra: dict[str, Any]) -> list[Any]:
    """Every record of one endpoint, following the table's ``paging``."""
    base = expand_env(str(table.get("url") or source.get("url") or ""))
    endpoint = table.get("endpoint")
    url = urllib.parse.urljoin(base.rstrip("/") + "/", str(endpoint).lstrip("/")) if endpoint else base
    if not url:
        raise SourceConfigError(f"{source.file}: table {table.name!r} needs 'url' or 'endpoint'")
    headers = {str(k): expand_env(str(v)) for k, v in (source.get("headers") or {}).items()}
    headers.update({str(k): expand_env(str(v)) for k, v in (table.get("headers") or {}).items()})
    timeout = float(source.get("timeout") or 60)
    path = table.get("records_path") or table.get("json_path")
    paging = dict(table.get("paging") or {})
    style = str(paging.get("style") or "none")
    params = {**dict(table.get("params") or {}), **extra}
    records: list[Any] = []
    if style == "next":
        next_path = str(paging.get("next_path") or "next")
        page_url: str | None = _with_params(url, params)
        for _ in range(MAX_PAGES):
            if not page_url:
                break
            document = _get_json(page_url, headers, timeout)
            records.extend(_dig(document, path) or [])
            link = _dig(document, next_path)
            page_url = urllib.parse.urljoin(page_url, str(link)) if link else None
        return records
    if style not in ("page", "offset", "none"):
        raise SourceConfigError(
            f"{source.file}: table {table.name!r}: paging style must be page, offset or next"
        )
    if style == "none":
        found = _dig(_get_json(_with_params(url, params), headers, timeout), path)
        return list(found or [])
    size = int(paging.get("size") or 100)
    position = int(paging.get("start", 1 if style == "page" else 0))
    for _ in range(MAX_PAGES):
        if style == "page":
            query = {
                str(paging.get("page_param") or "page"): position,
                str(paging.get("size_param") or "page_size"): size,
            }
        else:
            query = {
                str(paging.get("offset_param") or "offset"): position,
                str(paging.get("limit_param") or "limit"): size,
            }
        page = _dig(_get_json(_with_params(url, {**params, **query}), headers, timeout), path) or []
        records.extend(page)
        if len(page) < size:
            break
        position += 1 if style == "page" else size
    return records


def _order_key(value: str) -> tuple[int, float, str]:
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


@register("http")
class HttpConnector:
    """``kind: http``: ``url`` (and optional ``headers``) at the top; each table an ``endpoint``."""

    kind = "http"

    def check(self, source: SourceConfig) -> None:
        for table in source.tables:
            if not (table.get("url") or source.get("url")):
                raise SourceConfigError(
                    f"{source.file}: table {table.name!r} needs 'url' (or a source 'url')"
                )

    def sync_table(self, ctx: SyncContext, source: SourceConfig, table: TableConfig, batch: Batch) -> None:
        incremental = table.get("incremental") or {}
        field = incremental.get("field") if isinstance(incremental, dict) else None
        mark = ods.read_watermark(ctx.con, source.name, table.name)
        extra: dict[str, Any] = {}
        if field and mark is not None and mark.value is not None:
            extra[str(incremental.get("param") or field)] = mark.value
        items = fetch_records(source, table, extra)
        label = f"{source.name}:{table.get('endpoint') or table.get('url') or source.get('url')}"
        good = [(n, item) for n, item in enumerate(items, start=1) if isinstance(item, dict)]
        rejects = [
            ods.Reject(n, to_text(item), "NOT AN OBJECT: a record must be a JSON object")
            for n, item in enumerate(items, start=1)
            if not isinstance(item, dict)
        ]
        if field:
            values = [to_text(item.get(str(field))) for _n, item in good]
            present = [v for v in values if v is not None]
            if not present and not rejects:
                return
            value = max(present, key=_order_key) if present else (mark.value if mark else None)
            watermark = ods.Watermark(column=str(field), value=value, content_hash=None)
        else:
            digest = hashlib.sha256(
                json.dumps(items, ensure_ascii=False, sort_keys=True, default=str).encode()
            ).hexdigest()
            if mark is not None and mark.content_hash == digest:
                return
            watermark = ods.Watermark(column=None, value=None, content_hash=digest)
        with ctx.commit(batch) as pending:
            if not field:
                ods.delete_all_rows(ctx.con, source.name, table.name)
            names, columns = records_to_columns(good)
            if good:
                arrays = [pa.array(c, type=pa.string()) for c in columns]
                arrays.append(pa.array([n for n, _item in good], type=pa.int64()))
                ods.insert_arrow(
                    ctx.con,
                    source.name,
                    table.name,
                    pa.Table.from_arrays(arrays, names=[*names, "_source_row"]),
                    names,
                    batch_id=batch.batch_id,
                    loaded_at=ctx.loaded_at,
                    label=label,
                )
            ods.insert_rejects(ctx.con, source.name, table.name, label, batch.batch_id, rejects)
            ods.write_watermark(
                ctx.con,
                source=source.name,
                table=table.name,
                watermark=watermark,
                batch_id=batch.batch_id,
                updated_at=ctx.loaded_at,
            )
            pending.add(Counts(len(items), len(good), len(rejects)))
