"""The HTTP connector against a local paged JSON API, and the xAPI statements connector."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.sync import sync

from .conftest import College

RECORDS: list[dict[str, Any]] = [
    {"xh": f"2021{n:03d}", "xm": f"学生{n}", "updated": f"2025-01-{n:02d}", "tags": ["a"]}
    for n in range(1, 24)
]


class _Api(BaseHTTPRequestHandler):
    records: list[dict[str, Any]] = RECORDS
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        type(self).requests.append(self.path)
        if self.headers.get("Authorization") != "Bearer s3cret":
            self.send_response(401)
            self.end_headers()
            return
        items = [r for r in self.records if r["updated"] > query.get("since", "")]
        if url.path == "/api/students":
            page, size = int(query.get("page", 1)), int(query.get("page_size", 10))
            body: Any = {"data": {"items": items[(page - 1) * size : page * size]}}
        elif url.path == "/api/cursor":
            start = int(query.get("cursor", 0))
            nxt = f"/api/cursor?cursor={start + 10}" if start + 10 < len(items) else None
            body = {"results": items[start : start + 10], "next": nxt}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Api.records = list(RECORDS)
    _Api.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    server.server_close()


def test_paged_json_api(college: College, api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_TOKEN", "s3cret")
    college.source(
        {
            "name": "menhu",
            "kind": "http",
            "url": api,
            "headers": {"Authorization": "Bearer ${API_TOKEN}"},
            "schedule": "hourly",
            "tables": [
                {
                    "name": "students",
                    "endpoint": "students",
                    "records_path": "data.items",
                    "paging": {"style": "page", "size": 10},
                },
                {
                    "name": "cursor",
                    "endpoint": "cursor",
                    "records_path": "results",
                    "paging": {"style": "next"},
                },
                {
                    "name": "changes",
                    "endpoint": "students",
                    "records_path": "data.items",
                    "paging": {"style": "page", "size": 10},
                    "incremental": {"field": "updated", "param": "since"},
                },
            ],
        }
    )
    first = {t.table: t for t in sync(college.home, progress=False).tables}
    assert {t: (r.status, r.rows_loaded) for t, r in first.items()} == {
        "students": ("loaded", 23),
        "cursor": ("loaded", 23),
        "changes": ("loaded", 23),
    }
    assert sum("/api/students?" in r for r in _Api.requests) == 6  # 3 pages per paged table
    assert college.rows("menhu__students", "xh, tags, _source_row")[:2] == [
        ("2021001", '["a"]', 1),
        ("2021002", '["a"]', 2),
    ]
    again = {t.table: t.status for t in sync(college.home, progress=False).tables}
    assert again == {"students": "unchanged", "cursor": "unchanged", "changes": "unchanged"}
    _Api.records = [*RECORDS, {"xh": "2021099", "xm": "新生", "updated": "2025-02-01", "tags": []}]
    third = {t.table: t.rows_loaded for t in sync(college.home, progress=False).tables}
    assert third == {"students": 24, "cursor": 24, "changes": 1}
    assert college.fetch('SELECT count(*) FROM ods.ods."menhu__changes"') == [(24,)]


def test_http_error_is_reported(college: College, api: str) -> None:
    college.source(
        {"name": "menhu", "kind": "http", "url": api, "tables": [{"name": "s", "endpoint": "students"}]}
    )
    [table] = sync(college.home, progress=False).tables
    assert table.status == "failed" and "401" in str(table.error)


def test_xapi_statements(college: College) -> None:
    def statement(n: int, actor: dict[str, Any]) -> str:
        return json.dumps(
            {
                "id": f"id-{n}",
                "actor": actor,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"zh-CN": "完成"}},
                "object": {"id": f"https://learn.example/course/1/res/{n}"},
                "timestamp": f"2025-03-0{n}T08:00:00+08:00",
            },
            ensure_ascii=False,
        )

    account = {"account": {"homePage": "https://learn.example", "name": "2021001"}}
    college.file(
        "x/statements-202503.jsonl",
        statement(1, account) + "\n" + statement(2, {"mbox": "mailto:a@b.cn"}) + "\n",
    )
    college.file(
        "x/statements-202504.jsonl", statement(3, account) + "\n{broken\n" + statement(4, account) + "\n"
    )
    college.source(
        {
            "name": "xuexi",
            "kind": "xapi",
            "tables": [
                {
                    "name": "statements",
                    "path": "x/statements-*.jsonl",
                    "monthly_file_pattern": "statements-%Y%m.jsonl",
                }
            ],
        }
    )
    [table] = sync(college.home, progress=False).tables
    assert (table.rows_read, table.rows_loaded, table.rows_rejected, table.files_loaded) == (5, 4, 1, 2)
    rows = college.rows(
        "xuexi__statements", "id, actor_name, verb_id, object_id, timestamp, statement, _source_row"
    )
    assert [r[:2] for r in rows] == [
        ("id-1", "2021001"),
        ("id-2", "mailto:a@b.cn"),
        ("id-3", "2021001"),
        ("id-4", "2021001"),
    ]
    assert rows[0][2] == "http://adlnet.gov/expapi/verbs/completed"
    assert rows[0][3] == "https://learn.example/course/1/res/1"
    assert rows[0][4] == "2025-03-01T08:00:00+08:00"
    assert json.loads(str(rows[0][5]))["verb"]["display"]["zh-CN"] == "完成"
    assert [r[6] for r in rows] == [1, 2, 1, 3]
    [(_file, row, raw, reason)] = college.rejects("statements")
    assert (row, raw) == (2, "{broken") and str(reason).startswith("MALFORMED JSON")


_FIELD_COLUMNS = (
    "actor_name, actor_account_name, actor_mbox, result_duration, result_score_scaled, result_success, "
    "context_grouping_id"
)


def _scored(n: int, actor: dict[str, Any]) -> str:
    return json.dumps(
        {
            "id": f"s-{n}",
            "actor": actor,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
            "object": {"id": f"https://learn.example/quiz/{n}"},
            "result": {"duration": "PT12M", "score": {"scaled": 0.85}, "success": True},
            "context": {"contextActivities": {"grouping": [{"id": "course-7"}, {"id": "course-8"}]}},
            "timestamp": "2025-03-01T08:00:00+08:00",
        }
    )


def _xuexi(college: College) -> None:
    college.source(
        {"name": "xuexi", "kind": "xapi", "tables": [{"name": "statements", "path": "x/statements-*.jsonl"}]}
    )


def test_xapi_fields_the_models_read_are_columns_alike_on_both_paths(college: College) -> None:
    # The clean file is loaded by DuckDB's JSON reader, the one with a broken line by the Python
    # twin: both must give the fields the same text.
    account = {"account": {"homePage": "https://learn.example", "name": "2021001"}}
    mbox = {"mbox": "mailto:a@b.cn"}
    college.file("x/statements-a.jsonl", _scored(1, account) + "\n" + _scored(2, mbox) + "\n")
    college.file("x/statements-b.jsonl", _scored(3, account) + "\n{broken\n" + _scored(4, mbox) + "\n")
    _xuexi(college)
    sync(college.home, progress=False)
    rows = college.rows("xuexi__statements", _FIELD_COLUMNS)
    with_account = ("2021001", "2021001", None, "PT12M", "0.85", "true", "course-7")
    with_mbox = ("mailto:a@b.cn", None, "mailto:a@b.cn", "PT12M", "0.85", "true", "course-7")
    assert rows == [with_account, with_mbox, with_account, with_mbox]


def test_xapi_columns_added_after_a_load_are_filled_from_the_stored_statements(college: College) -> None:
    college.file("x/statements-a.jsonl", _scored(1, {"mbox": "mailto:a@b.cn"}) + "\n")
    _xuexi(college)
    sync(college.home, progress=False)
    # The table as a version that kept fewer fields left it.
    con = engine.connect(HubPaths(college.home).ods)
    try:
        for column in ("actor_mbox", "result_success", "context_grouping_id"):
            engine.run(con, f'ALTER TABLE ods.ods."xuexi__statements" DROP COLUMN {column}')
    finally:
        con.close()
    college.file("x/statements-b.jsonl", _scored(2, {"mbox": "mailto:c@d.cn"}) + "\n")
    sync(college.home, progress=False)
    assert college.rows("xuexi__statements", "id, actor_mbox, result_success, context_grouping_id") == [
        ("s-1", "mailto:a@b.cn", "true", "course-7"),
        ("s-2", "mailto:c@d.cn", "true", "course-7"),
    ]


def test_xapi_statement_text_is_stored_with_zstd(college: College) -> None:
    college.file(
        "x/statements-a.jsonl", "".join(_scored(n, {"mbox": "mailto:a@b.cn"}) + "\n" for n in range(50))
    )
    _xuexi(college)
    sync(college.home, progress=False)
    con = engine.connect(HubPaths(college.home).ods, read_only=True)
    try:
        stored = engine.fetch_all(
            con,
            "SELECT column_name, list(DISTINCT compression ORDER BY compression) "
            "FROM pragma_storage_info('ods.ods.xuexi__statements') "
            "WHERE column_name IN ('statement', 'id') AND segment_type = 'VARCHAR' GROUP BY 1 ORDER BY 1",
        )
    finally:
        con.close()
    # Only the whole statement: the short fields keep DuckDB's own choice.
    assert dict(stored)["statement"] == ["ZSTD"]
    assert "ZSTD" not in dict(stored)["id"]
