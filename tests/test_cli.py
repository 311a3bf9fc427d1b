"""The `campusbrain demo` command: generate when absent, reuse when present, accounts, then serve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from campusbrain import cli
from campusbrain.web import launch


@pytest.mark.django_db
def test_demo_generates_creates_accounts_and_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: list[tuple[str, int]] = []
    monkeypatch.setattr(launch, "serve", lambda host, port: served.append((host, port)))
    monkeypatch.setenv("CAMPUSBRAIN_HOME", str(tmp_path))
    assert (
        cli.main(["demo", "--home", str(tmp_path), "--students", "300", "--scale", "0.1", "--port", "8123"])
        == 0
    )
    manifest = json.loads((tmp_path / "demo-sources/manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"] == {"students": 300, "seed": cli.DEFAULT_SEED, "scale": 0.1}
    assert served == [("127.0.0.1", 8123)]
    assert (tmp_path / "warehouse/published.json").exists()
    out = capsys.readouterr().out
    assert "leader" in out and "campusbrain-demo" in out

    from django.contrib.auth import authenticate

    assert authenticate(username="counsellor", password="campusbrain-demo") is not None

    # A second run reuses the college instead of generating it again.
    before = (tmp_path / "demo-sources/manifest.json").stat().st_mtime_ns
    assert cli.main(["demo", "--home", str(tmp_path), "--students", "300"]) == 0
    assert (tmp_path / "demo-sources/manifest.json").stat().st_mtime_ns == before
    assert "using the existing demo college" in capsys.readouterr().out


def test_bad_setting_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CAMPUSBRAIN_PRODUCTION", "maybe")
    assert cli.main(["demo", "generate", "--students", "300", "--quiet"]) == 2
    assert "CAMPUSBRAIN_PRODUCTION" in capsys.readouterr().err


def test_hub_commands_sync_build_status_and_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path)
    assert (
        cli.main(["demo", "generate", "--home", home, "--students", "300", "--scale", "0.1", "--quiet"]) == 0
    )
    capsys.readouterr()

    assert cli.main(["hub", "sync", "--home", home, "--source", "yikatong", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {t["table"] for t in report["tables"]} >= {"transactions", "card_account"}
    assert all(t["status"] == "loaded" for t in report["tables"])

    # A second sync finds nothing new.
    assert cli.main(["hub", "sync", "--home", home, "--source", "yikatong", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert sum(t["rows_loaded"] for t in again["tables"]) == 0

    assert cli.main(["hub", "build", "--home", home, "--json"]) == 0
    built = json.loads(capsys.readouterr().out)
    assert built["status"] == "published" or built["snapshot"]

    assert cli.main(["hub", "status", "--home", home, "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    sources = {s["source"]: s for s in status["sources"]}
    assert {"mapping_coverage", "reconciliation"} <= status.keys()
    assert sources["yikatong"]["rows"] > 0 and sources["yikatong"]["last_sync"]

    assert (
        cli.main(
            [
                "hub",
                "query",
                "--home",
                home,
                "select count(*) as n from dwd.card_transaction",
                "--format",
                "json",
            ]
        )
        == 0
    )
    answer = json.loads(capsys.readouterr().out)
    assert answer["columns"] == ["n"] and answer["rows"][0][0] > 0 and answer["build_id"] == built["build_id"]

    assert cli.main(["hub", "query", "--home", home, "delete from dwd.card_transaction"]) == 2
    assert "read-only" in capsys.readouterr().err
