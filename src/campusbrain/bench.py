"""``campusbrain bench``: each stage timed in its own process, figures printed as JSON.

Stages: generate the demo college → ``hub sync`` → the hand-written DuckDB baseline loading the
same files → ``hub build`` → one new day of card data and an incremental ``hub sync``. Each runs as
a subprocess so that its wall time and peak RSS are its own (``os.wait4`` gives the child's
rusage). Speed is measured here, never in tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_CLI = [sys.executable, "-m", "campusbrain.cli"]


def _stage(command: list[str]) -> tuple[Any, float, float]:
    """Run one stage; return (its JSON output, wall seconds, peak RSS in MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"bench stage failed ({child.returncode}): {' '.join(command)}")
    return json.loads(out), wall, round(usage.ru_maxrss / 1024, 1)  # ru_maxrss is KiB on Linux


def _figure(stage: str, rows: int, wall: float, rss: float, **extra: Any) -> dict[str, Any]:
    return {
        "stage": stage,
        "rows": rows,
        "wall_seconds": round(wall, 1),
        "rows_per_second": round(rows / wall) if wall else None,
        "peak_rss_mb": rss,
        **extra,
    }


def run(home: Path, *, students: int, seed: int, scale: float, reuse: bool = False) -> dict[str, Any]:
    """Run every stage in ``home`` and return the figures.

    The warehouse is always rebuilt from nothing; ``reuse`` keeps exports already generated with
    the same parameters (and drops any day appended by an earlier run) instead of generating again.
    """
    from campusbrain.demo.calendar import AS_OF
    from campusbrain.demo.systems import yikatong

    home = home.resolve()
    if (home / "warehouse").exists():
        shutil.rmtree(home / "warehouse")
    for daily in (home / "demo-sources" / "yikatong" / "transactions").glob("*.csv"):
        if daily.stem > f"{AS_OF:%Y%m%d}":
            daily.unlink()  # a day after AS_OF comes only from an earlier bench's incremental stage
    base = ["--home", str(home)]
    stages: list[dict[str, Any]] = []

    manifest = home / "demo-sources" / "manifest.json"
    wanted = {"students": students, "seed": seed, "scale": scale}
    if (
        reuse
        and manifest.exists()
        and json.loads(manifest.read_text(encoding="utf-8"))["parameters"] == wanted
    ):
        # Same parameters ⇒ byte-identical files, so the exports on disk are the ones we would write.
        total = json.loads(manifest.read_text(encoding="utf-8"))["total_rows"]
        stages.append({"stage": "generate", "rows": total, "reused": True})
    else:
        generated, wall, rss = _stage(
            [
                *_CLI,
                "demo",
                "generate",
                *base,
                "--students",
                str(students),
                "--seed",
                str(seed),
                "--scale",
                str(scale),
                "--json",
                "--quiet",
            ]
        )
        stages.append(_figure("generate", generated["total_rows"], wall, rss))

    synced, sync_wall, rss = _stage([*_CLI, "hub", "sync", *base, "--json", "--quiet"])
    loaded = sum(t["rows_loaded"] for t in synced["tables"])
    stages.append(
        _figure(
            "sync", loaded, sync_wall, rss, rows_rejected=sum(t["rows_rejected"] for t in synced["tables"])
        )
    )

    baseline, base_wall, rss = _stage(
        [
            sys.executable,
            "-m",
            "campusbrain.hub.engine.baseline",
            str(home),
            str(home / "bench-baseline.duckdb"),
        ]
    )
    stages.append(
        _figure("baseline", baseline["rows"], base_wall, rss, not_in_baseline=baseline["not_in_baseline"])
    )
    (home / "bench-baseline.duckdb").unlink(missing_ok=True)
    # The same tables on both sides: hub seconds for the tables the baseline could load.
    same = set(baseline["tables"])
    hub_same = sum(t["seconds"] for t in synced["tables"] if f"{t['source']}__{t['table']}" in same)

    built, wall, rss = _stage([*_CLI, "hub", "build", *base, "--json", "--quiet"])
    stages.append(
        _figure("build", sum(m["rows"] for m in built["models"]), wall, rss, models=len(built["models"]))
    )

    same_work = _same_work(home, synced, built)
    stages.append(same_work.pop("stage"))

    path, rows = yikatong.append_day(home, students=students, seed=seed, scale=scale)
    again, inc_wall, rss = _stage([*_CLI, "hub", "sync", *base, "--json", "--quiet"])
    stages.append(
        _figure(
            "incremental_sync",
            sum(t["rows_loaded"] for t in again["tables"]),
            inc_wall,
            rss,
            new_file=path.name,
            new_rows=rows,
        )
    )
    return {
        "parameters": {"students": students, "seed": seed, "scale": scale, "home": str(home)},
        "stages": stages,
        "ratios": {
            "sync_over_baseline_same_tables": round(hub_same / baseline["seconds"], 2)
            if baseline["seconds"]
            else None,
            "sync_wall_over_baseline_wall": round(sync_wall / base_wall, 2),
            "incremental_over_full_sync": round(inc_wall / sync_wall, 4),
            "sync_and_build_over_baseline_same_work": same_work["ratio"],
        },
        "same_work": same_work,
    }


# The sync side of the same-work comparison: the raw tables the baseline summaries read.
_SAME_WORK_TABLES = {("yikatong", "merchant"), ("yikatong", "transactions"), ("xuexi", "statements")}


def _same_work(home: Path, synced: dict[str, Any], built: dict[str, Any]) -> dict[str, Any]:
    """Time the hand-written baseline summaries and compare them with the hub doing the same work.

    The hub's share is the sync of the raw tables they read plus the build of the DWS models and
    everything upstream of them, identity resolution excepted (the baseline has no person_id).
    Checksums of both sides must match, or the figures compare different work and say so.
    """
    from sqlglot import exp

    from campusbrain.hub.engine.baseline_dws import COMPARED, checksum_query
    from campusbrain.hub.models.runner import load_project
    from campusbrain.hub.query import query

    figures, wall, rss = _stage(
        [
            sys.executable,
            "-m",
            "campusbrain.hub.engine.baseline_dws",
            str(home),
            str(home / "bench-dws.duckdb"),
        ]
    )
    project = load_project(home)
    closure: set[str] = set()
    todo = [f"dws.{name}" for name in COMPARED]
    while todo:
        name = todo.pop()
        if name in closure or name.startswith("dwd.person"):
            continue
        closure.add(name)
        todo.extend(project.upstream.get(name, ()))
    build_seconds = sum(m["seconds"] for m in built["models"] if m["name"] in closure)
    sync_seconds = sum(
        t["seconds"] for t in synced["tables"] if (t["source"], t["table"]) in _SAME_WORK_TABLES
    )
    checksums: dict[str, dict[str, Any]] = {}
    for name, columns in COMPARED.items():
        hub = query(home, checksum_query(exp.table_(name, db="dws"), columns).sql(dialect="duckdb"))
        rows, checksum = hub.rows[0]
        base = figures["tables"][name]
        checksums[name] = {
            "hub_rows": rows,
            "baseline_rows": base["rows"],
            "match": rows == base["rows"] and str(checksum) == base["checksum"],
        }
    hub_seconds = sync_seconds + build_seconds
    return {
        "stage": _figure("baseline_same_work", sum(t["rows"] for t in figures["tables"].values()), wall, rss),
        "baseline_seconds": figures["seconds"],
        "hub_sync_seconds": round(sync_seconds, 2),
        "hub_build_seconds": round(build_seconds, 2),
        "hub_models": sorted(closure),
        "checksums": checksums,
        "ratio": round(hub_seconds / figures["seconds"], 2)
        if figures["seconds"] and all(c["match"] for c in checksums.values())
        else None,
    }


# --- pages: cockpit theme pages and metrics on an existing built college ---------------------------

PAGE_USERS = 20
PAGE_ROUNDS = 3


def run_pages(home: Path, *, users: int = PAGE_USERS, rounds: int = PAGE_ROUNDS) -> dict[str, Any]:
    """Time the cockpit on ``home``'s published build (``campusbrain bench --pages``); nothing is rebuilt.

    Runs in a child process (its own Django settings, pointed at ``home``, with a throwaway
    SQLite database for the bench's one leader account, so the college's own database is not
    touched) and returns what :func:`_pages_child` measures: every metric cold, each theme page's
    first (cold) request, then ``users`` threads each opening all 16 themes ``rounds`` times on a
    warm cache, with p50/p95 per theme and overall.
    """
    command = [
        sys.executable,
        "-m",
        "campusbrain.bench",
        "pages",
        str(home.resolve()),
        "--users",
        str(users),
        "--rounds",
        str(rounds),
    ]
    figures, wall, rss = _stage(command)
    figures["wall_seconds"] = round(wall, 1)
    figures["peak_rss_mb"] = rss
    return figures


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] * 1000, 1)

    return {"n": len(ordered), "p50_ms": at(0.5), "p95_ms": at(0.95), "max_ms": round(ordered[-1] * 1000, 1)}


def _pages_child(home: Path, users: int, rounds: int) -> dict[str, Any]:
    """The measuring side of :func:`run_pages`, in the child process."""
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="campusbrain-bench-pages-"))
    os.environ["CAMPUSBRAIN_HOME"] = str(home)
    os.environ["CAMPUSBRAIN_DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "campusbrain.web.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from campusbrain.accounts.models import Profile
    from campusbrain.hub import api
    from campusbrain.hub.metrics.bench import measure_metrics

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    leader = User.objects.create_user(username="bench-leader", password=None)
    Profile.objects.create(
        user=leader, role="leader", person_type="staff", display_name="bench", person_number="BENCH-1"
    )
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
    slugs = [slug for slug, _zh, _en in api.THEMES]

    metrics = measure_metrics(home)

    def client() -> Client:
        c = Client(HTTP_HOST=host)
        c.force_login(leader)
        return c

    cpu: dict[str, list[float]] = {slug: [] for slug in slugs}

    def timed(c: Client, slug: str) -> float:
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = c.get(f"/cockpit/{slug}/")
        elapsed, spent = time.perf_counter() - started, time.thread_time() - started_cpu
        if response.status_code != 200:
            raise RuntimeError(f"/cockpit/{slug}/ answered {response.status_code}")
        cpu[slug].append(spent)
        return elapsed

    # The first request of each theme fills the hub's answer cache (per build id) for all users.
    first = {slug: round(timed(client(), slug) * 1000, 1) for slug in slugs}
    alone = {slug: timed(client(), slug) for slug in slugs}

    clients = [client() for _ in range(users)]
    for values in cpu.values():
        values.clear()  # CPU figures are kept for the concurrent run only
    per_theme, span = _users_visit(users, slugs, rounds, lambda index, slug: timed(clients[index], slug))
    every = [t for values in per_theme.values() for t in values]
    c = client()
    session_cookie = f"{settings.SESSION_COOKIE_NAME}={c.cookies[settings.SESSION_COOKIE_NAME].value}"
    served = _pages_over_http(host, session_cookie, slugs, users, rounds)
    return {
        "home": str(home),
        "build_id": metrics_build_id(home),
        "metrics_cold": metrics,
        "pages": {
            "users": users,
            "rounds": rounds,
            "requests": len(every),
            "requests_per_second": round(len(every) / span, 1),
            "first_request_ms": first,
            "one_user_warm": _quantiles(list(alone.values())),
            "concurrent_warm": _quantiles(every),
            "per_theme": {slug: _quantiles(values) for slug, values in per_theme.items()},
            # CPU time of the request's own thread: the work a page costs without the wait for
            # the interpreter lock that ``concurrent_warm`` includes (one process serves all
            # users here; gunicorn's sync workers each serve one request at a time).
            "concurrent_warm_cpu": _quantiles([t for values in cpu.values() for t in values]),
            "served": served,
        },
    }


SERVE_WORKERS = 2  # what `campusbrain serve` runs


def _users_visit(
    users: int, slugs: list[str], rounds: int, visit: Callable[[int, str], float]
) -> tuple[dict[str, list[float]], float]:
    """``users`` threads, started together, each visiting every theme ``rounds`` times (user i
    starting at theme i, so they spread over the themes); ``visit(user, slug)`` returns seconds.
    Returns the times per theme and the whole span; any failed visit voids the figures."""
    timings: dict[str, list[float]] = {slug: [] for slug in slugs}
    lock = threading.Lock()
    start = threading.Barrier(users)
    errors: list[str] = []

    def user(index: int) -> None:
        order = slugs[index % len(slugs) :] + slugs[: index % len(slugs)]
        start.wait()
        try:
            for _round in range(rounds):
                for slug in order:
                    elapsed = visit(index, slug)
                    with lock:
                        timings[slug].append(elapsed)
        except Exception as error:  # reported, not hidden: a failed page voids the figures
            errors.append(repr(error))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"page bench failed: {errors[:3]}")
    return timings, time.perf_counter() - began


def _pages_over_http(host: str, cookie: str, slugs: list[str], users: int, rounds: int) -> dict[str, Any]:
    """The theme pages as a browser gets them: gunicorn started as ``campusbrain serve`` runs it
    (sync workers, no access log), ``users`` threads each opening every theme ``rounds`` times
    over HTTP after one warm-up round (each worker fills its own caches), timed at the client —
    connection, queueing for a free worker and the server's work included."""
    import http.client
    import socket
    import tempfile

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The server's log goes to a file: a pipe nobody reads would stall it once full.
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "campusbrain.bench", "serve", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )

    def get(path: str) -> tuple[int, float]:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", path, headers={"Host": f"{host}:{port}", "Cookie": cookie})
            response = connection.getresponse()
            response.read()
            return response.status, time.perf_counter() - started
        finally:
            connection.close()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"the bench server did not start: {log.read()[-2000:]}")
            time.sleep(0.2)

        def page(_index: int, slug: str) -> float:
            status, elapsed = get(f"/cockpit/{slug}/")
            if status != 200:
                raise RuntimeError(f"/cockpit/{slug}/ answered {status} over HTTP")
            return elapsed

        _users_visit(users, slugs, 1, page)  # warm-up: every worker computes and caches each theme
        timings, span = _users_visit(users, slugs, rounds, page)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    every = [t for values in timings.values() for t in values]
    return {
        "workers": SERVE_WORKERS,
        "users": users,
        "rounds": rounds,
        "requests": len(every),
        "requests_per_second": round(len(every) / span, 1),
        "warm": _quantiles(every),
        "per_theme": {slug: _quantiles(values) for slug, values in timings.items()},
    }


def metrics_build_id(home: Path) -> str:
    """The build the figures were measured on (every answer carries it in its provenance)."""
    from campusbrain.hub import api
    from campusbrain.hub.metrics.bench import BENCH_VIEWER

    return api.metric_query(home, api.metric_catalog()[0].id, viewer=BENCH_VIEWER).provenance.build_id


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m campusbrain.bench")
    sub = parser.add_subparsers(dest="what", required=True)
    pages = sub.add_parser("pages", help="(internal) the child process of `campusbrain bench --pages`")
    pages.add_argument("home", type=Path)
    pages.add_argument("--users", type=int, default=PAGE_USERS)
    pages.add_argument("--rounds", type=int, default=PAGE_ROUNDS)
    serve = sub.add_parser("serve", help="(internal) the web server `campusbrain bench --pages` measures")
    serve.add_argument("port", type=int)
    arguments = parser.parse_args()
    if arguments.what == "serve":
        from campusbrain.web import launch

        # Environment (home, database) as the pages child set it; nothing is migrated or written.
        launch.serve("127.0.0.1", arguments.port, workers=SERVE_WORKERS, prepare=False, access_log=False)
    else:
        print(json.dumps(_pages_child(arguments.home, arguments.users, arguments.rounds), ensure_ascii=False))
