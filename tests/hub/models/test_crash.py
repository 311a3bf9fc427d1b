"""A build killed at any point leaves the published snapshot untouched; the rerun ends where a clean run would."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.runner import build
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import open_published, read_published

from .conftest import write_ods, yikatong_tables

# Runs a build in a child process that SIGKILLs itself at the named point: no cleanup code runs,
# exactly like a power cut or `kill -9`.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path

    import campusbrain.hub.engine.duckdb as engine
    from campusbrain.hub.models import runner

    home, point = Path(sys.argv[1]), sys.argv[2]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    hooks = []
    if point.startswith("after:"):
        target = point.split(":", 1)[1]
        hooks.append(lambda context, model, run: die() if run.name == target else True)
    elif point == "before-checkpoint":
        engine.checkpoint = die
    elif point == "before-publish":
        runner.publish = die
    elif point == "during-publish":
        os.replace = die
    runner.build(home, progress=False, after_model=hooks)
    """
)

NEW_ROWS = [("202410020000001", "100002", "20241002120001", "11", "1101", "210", "1", "1000", "")]
MODEL_TABLES = (
    "dwd.card_account",
    "dwd.card_merchant",
    "dwd.card_transaction",
    "dws.card_spend_person_month",
    "ads.card_canteen_month",
)


def _contents(con: engine.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {table: engine.fetch_all(con, f"SELECT * FROM {table} ORDER BY ALL") for table in MODEL_TABLES}


@pytest.mark.parametrize(
    "point",
    [
        "after:dwd.card_account",
        "after:dws.card_spend_person_month",
        "before-checkpoint",
        "before-publish",
        "during-publish",
    ],
)
def test_killed_build_leaves_the_published_snapshot_and_the_rerun_matches_a_clean_run(
    home: Path, tmp_path_factory: pytest.TempPathFactory, point: str
) -> None:
    paths = HubPaths(home)
    first = build(home, progress=False)
    published_before = paths.published.read_text(encoding="utf-8")
    reader = open_published(home)
    old_contents = _contents(reader)
    reader.close()
    write_ods(home, yikatong_tables(NEW_ROWS))

    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), point], capture_output=True, text=True, timeout=120
    )
    assert child.returncode == -9, child.stderr

    # Readers still get the first snapshot, complete.
    assert paths.published.read_text(encoding="utf-8") == published_before
    con = open_published(home)
    assert _contents(con) == old_contents
    con.close()

    rerun = build(home, progress=False)
    assert rerun.ok, rerun.error
    # The killed build's files are gone; only published snapshots remain.
    assert sorted(p.name for p in paths.snapshots.iterdir()) == sorted(
        [f"{first.build_id}.duckdb", f"{rerun.build_id}.duckdb"]
    )
    published = read_published(paths)
    assert published is not None and published.build_id == rerun.build_id
    assert json.loads(paths.published.read_text(encoding="utf-8"))["history"] == [
        f"snapshots/{rerun.build_id}.duckdb",
        f"snapshots/{first.build_id}.duckdb",
    ]

    # A clean build of the same ODS in a fresh college folder gives the same tables.
    clean_home = tmp_path_factory.mktemp("clean")
    (clean_home / "warehouse").mkdir()
    shutil.copy(paths.ods, HubPaths(clean_home).ods)
    assert build(clean_home, progress=False).ok
    after, clean = open_published(home), open_published(clean_home)
    assert _contents(after) == _contents(clean)
    assert engine.fetch_all(after, "SELECT count(*) FROM dwd.card_transaction") == [(10,)]
    after.close()
    clean.close()
