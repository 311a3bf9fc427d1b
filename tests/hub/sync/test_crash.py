"""Crash safety: a sync killed with SIGKILL at any instant, then run again, leaves ODS exactly as an
uninterrupted sync does.

A small college with every connector kind is synced in two phases (first delivery, then new and
changed data). Each scenario kills a real ``sync`` subprocess either at an instrumented point
(``CAMPUSBRAIN_SYNC_CRASH_AT``: before or after a commit, after a file, after a scan of a chunk of
files, after a chunk of database rows) or after a delay,
in either phase, then reruns sync to the end of that phase and compares a batch-independent fingerprint of ODS
(every row without ``_batch_id``/``_loaded_at``, file hashes, watermarks, rejects) with a clean run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import yaml

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.sources.base import CRASH_ENV
from campusbrain.hub.sync import sync

SYNC = "import sys; from pathlib import Path; from campusbrain.hub.sync import sync; sync(Path(sys.argv[1]), progress=False)"


def _write_yaml(home: Path, config: dict[str, object]) -> None:
    (home / "sources").mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (home / "sources" / f"{config['name']}.yaml").write_text(text, encoding="utf-8")


def build_college(home: Path) -> None:
    """Phase 1: the first delivery of every source."""
    src = home / "src"
    (src / "tx").mkdir(parents=True)
    rng = random.Random(11)
    lines = ["WID,XM,BJ"] + [f"{n},学生{n},{rng.randrange(1, 9)}" for n in range(1, 301)]
    lines.insert(57, "bad,row")  # one malformed line
    (src / "xs.csv").write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    for day in range(1, 26):
        if day == 12:
            continue  # the missing day
        rows = [f"T{day:02d}{n:03d},{rng.randrange(100, 5000) / 100}" for n in range(40)]
        (src / "tx" / f"202503{day:02d}.csv").write_text(
            "JYLSH,JE\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["教职工信息表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    sheet.append(["基本信息", None, "岗位"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    sheet.append(["工号 GH", "姓名 XM", "岗位 GW"])
    for n in range(60):
        sheet.append([f"20{n:05d}", f"教师{n}", "专任教师"])
    workbook.save(src / "staff.xlsx")
    for month in ("202501", "202502"):
        with (src / f"statements-{month}.jsonl").open("w", encoding="utf-8") as out:
            for n in range(80):
                statement = {
                    "id": f"{month}-{n}",
                    "actor": {"account": {"name": f"2021{n:03d}"}},
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/launched"},
                    "object": {"id": f"https://learn.example/res/{n}"},
                    "timestamp": f"{month[:4]}-{month[4:]}-01T08:00:00+08:00",
                }
                out.write(json.dumps(statement) + "\n")
                if month == "202502" and n == 40:
                    out.write("{not json\n")
    con = sqlite3.connect(src / "jw.db")
    con.executescript(
        "CREATE TABLE kc (kch TEXT PRIMARY KEY, kcmc TEXT);"
        "CREATE TABLE cj (cj_id INTEGER PRIMARY KEY, xh TEXT, cj REAL, xgsj TEXT);"
    )
    con.executemany("INSERT INTO kc VALUES (?, ?)", [(f"K{n:03d}", f"课程{n}") for n in range(50)])
    con.executemany(
        "INSERT INTO cj VALUES (?, ?, ?, ?)",
        [
            (n, f"2021{n % 300:03d}", n % 100, f"2025-01-01 00:{n // 60 % 60:02d}:{n % 60:02d}")
            for n in range(1500)
        ],
    )
    con.commit()
    con.close()
    files = {"kind": "files", "schedule": "daily"}
    _write_yaml(
        home, {"name": "xg", **files, "tables": [{"name": "xs", "path": "src/xs.csv", "encoding": "gbk"}]}
    )
    _write_yaml(
        home,
        {
            "name": "ykt",
            **files,
            "tables": [{"name": "tx", "path": "src/tx/*.csv", "daily_file_pattern": "%Y%m%d.csv"}],
        },
    )
    _write_yaml(home, {"name": "rs", **files, "tables": [{"name": "jzg", "path": "src/staff.xlsx"}]})
    _write_yaml(
        home, {"name": "xx", "kind": "xapi", "tables": [{"name": "st", "path": "src/statements-*.jsonl"}]}
    )
    _write_yaml(
        home,
        {
            "name": "jw",
            "kind": "sql",
            "url": "sqlite:///src/jw.db",
            "tables": [
                {"name": "kc", "primary_key": ["kch"]},
                {"name": "cj", "primary_key": ["cj_id"], "incremental": {"column": "xgsj"}},
            ],
        },
    )


def deliver_phase_two(home: Path) -> None:
    """Phase 2: a changed snapshot, late and new days, a new month, new and changed database rows."""
    src = home / "src"
    lines = ["WID,XM,BJ"] + [f"{n},学生{n}改,{n % 7}" for n in range(1, 321)]
    (src / "xs.csv").write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    for day in (12, 26, 27):
        rows = [f"T{day:02d}{n:03d},{n}.5" for n in range(40)]
        (src / "tx" / f"202503{day:02d}.csv").write_text(
            "JYLSH,JE\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
    with (src / "statements-202503.jsonl").open("w", encoding="utf-8") as out:
        for n in range(50):
            out.write(
                json.dumps({"id": f"202503-{n}", "actor": {"mbox": "mailto:x@y.cn"}, "verb": {"id": "v"}})
                + "\n"
            )
    con = sqlite3.connect(src / "jw.db")
    con.execute("UPDATE kc SET kcmc = kcmc || '（新）' WHERE kch < 'K010'")
    con.executemany(
        "INSERT INTO cj VALUES (?, ?, ?, ?)",
        [
            (n, f"2021{n % 300:03d}", n % 100, f"2025-02-01 00:{n // 60 % 60:02d}:{n % 60:02d}")
            for n in range(1500, 1900)
        ],
    )
    con.commit()
    con.close()


def fingerprint(home: Path) -> dict[str, list[tuple[object, ...]]]:
    """Everything ODS holds, minus what names a batch or a load time."""
    con = engine.connect(HubPaths(home).ods, read_only=True)
    try:
        tables = [
            str(r[0])
            for r in engine.fetch(
                con, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'ods' ORDER BY 1"
            )
        ]
        result: dict[str, list[tuple[object, ...]]] = {}
        for table in tables:
            result[table] = sorted(
                engine.fetch(con, f'SELECT * EXCLUDE (_batch_id, _loaded_at) FROM ods.ods."{table}"'),
                key=repr,
            )
            orphans = engine.fetch(
                con,
                f'SELECT count(*) FROM ods.ods."{table}" WHERE _batch_id NOT IN (SELECT batch_id FROM meta.batches)',
            )
            assert orphans == [(0,)], f"{table}: rows without a batch record"
        result["meta.files"] = engine.fetch(
            con,
            'SELECT "source", "table", path, sha256, size, rows_loaded, rows_rejected FROM meta.files ORDER BY ALL',
        )
        result["meta.watermarks"] = engine.fetch(
            con, 'SELECT "source", "table", "column", value, content_hash FROM meta.watermarks ORDER BY ALL'
        )
        result["meta.rejects"] = engine.fetch(
            con, 'SELECT "source", "table", file, source_row, raw_line, reason FROM meta.rejects ORDER BY ALL'
        )
        return result
    finally:
        con.close()


def _run(home: Path, crash_at: str | None = None, kill_after: float | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at:
        env[CRASH_ENV] = crash_at
    process = subprocess.Popen([sys.executable, "-c", SYNC, str(home)], env=env, stderr=subprocess.PIPE)
    if kill_after is not None:
        try:
            process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
    _out, err = process.communicate(timeout=120)
    if process.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(f"sync failed ({process.returncode}): {err.decode(errors='replace')}")
    return process.returncode


@dataclass(frozen=True)
class Scenario:
    phase: int
    crash_at: str | None = None
    kill_after: float | None = None  # a fraction of the phase's clean sync time


SCENARIOS = [
    *(
        Scenario(1, crash_at=p)
        for p in ("before_commit:1", "before_commit:3", "before_commit:6", "after_commit:1")
    ),
    *(Scenario(1, crash_at=p) for p in ("after_commit:4", "after_file:2", "after_file:4", "after_scan:1")),
    *(
        Scenario(2, crash_at=p)
        for p in ("before_commit:1", "before_commit:2", "before_commit:4", "after_commit:2")
    ),
    *(Scenario(2, crash_at=p) for p in ("after_commit:5", "after_file:1", "after_scan:1", "after_chunk:1")),
    # Delays as fractions of one whole sync process (start-up included) of that phase, so the kills
    # land inside the sync on a fast machine and a slow one alike.
    *(Scenario(1, kill_after=fraction) for fraction in (0.55, 0.65, 0.75, 0.85)),
    *(Scenario(2, kill_after=fraction) for fraction in (0.6, 0.7, 0.8, 0.9)),
]


@pytest.mark.slow
def test_sigkill_at_any_point_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    pristine = tmp_path / "pristine"
    build_college(pristine)
    clean = tmp_path / "clean"
    shutil.copytree(pristine, clean)
    started = time.perf_counter()
    assert _run(clean) == 0
    seconds = {1: time.perf_counter() - started}
    expected = {1: fingerprint(clean)}
    after_phase_one = tmp_path / "after-phase-one"
    shutil.copytree(clean, after_phase_one)
    deliver_phase_two(clean)
    started = time.perf_counter()
    assert _run(clean) == 0
    seconds[2] = time.perf_counter() - started
    expected[2] = fingerprint(clean)
    assert expected[1]["meta.rejects"], "the college must exercise rejects"
    assert expected[1] != expected[2]
    assert len(SCENARIOS) >= 20

    def play(index: int, scenario: Scenario) -> tuple[Scenario, int, dict[str, list[tuple[object, ...]]]]:
        home = tmp_path / f"s{index:02d}"
        shutil.copytree(pristine if scenario.phase == 1 else after_phase_one, home)
        if scenario.phase == 2:
            deliver_phase_two(home)
        delay = None if scenario.kill_after is None else scenario.kill_after * seconds[scenario.phase]
        code = _run(home, crash_at=scenario.crash_at, kill_after=delay)
        # The rerun happens in this process: only the killed run needs to be a real process.
        assert sync(home, progress=False).ok
        return scenario, code, fingerprint(home)

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda pair: play(*pair), enumerate(SCENARIOS)))
    killed = 0
    for scenario, code, found in outcomes:
        if scenario.crash_at:
            assert code == -signal.SIGKILL, f"{scenario} never reached its crash point"
        killed += code == -signal.SIGKILL
        assert found == expected[scenario.phase], f"ODS after {scenario} differs from a clean run"
    assert killed >= 20, (
        f"only {killed} of {len(SCENARIOS)} runs were killed (syncs take {seconds[1]:.1f} s, {seconds[2]:.1f} s)"
    )
