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
    assert cli.main(["demo", "--home", str(tmp_path), "--students", "300", "--port", "8123"]) == 0
    manifest = json.loads((tmp_path / "demo-sources/manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["students"] == 300
    assert served == [("127.0.0.1", 8123)]
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
