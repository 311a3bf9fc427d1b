"""The functions the CLI calls: migrate, demo accounts, and a real gunicorn serving the site."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from campusbrain.config import load_settings
from campusbrain.web import launch

DEMO_MANIFEST = Path(__file__).parents[1] / "accounts" / "demo_manifest.json"
VENDOR = load_settings().assets_dir / "vendor"


@pytest.mark.django_db
def test_ensure_demo_accounts_returns_usernames():
    usernames = launch.ensure_demo_accounts(DEMO_MANIFEST)

    assert usernames[0] == "leader"
    assert len(usernames) == 11


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.slow
def test_serve_runs_gunicorn_with_static_files(tmp_path):
    if not (VENDOR / "htmx.min.js").exists() and os.environ.get("CAMPUSBRAIN_REQUIRE_SERVICES") != "1":
        pytest.skip("static vendor files absent: run `make assets`")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMPUSBRAIN_")}
    env["CAMPUSBRAIN_HOME"] = str(tmp_path)
    code = (
        "from pathlib import Path; from campusbrain.web import launch; "
        f"launch.migrate(); launch.ensure_demo_accounts(Path({str(DEMO_MANIFEST)!r})); "
        f"launch.serve('127.0.0.1', {port})"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"server did not start: {server.stderr.read().decode() if server.stderr else ''}"
                    )
                time.sleep(0.2)
        assert status == 200
        assert json.loads(body)["database"] is True
        assert _get(f"http://127.0.0.1:{port}/static/vendor/htmx.min.js")[0] == 200
        assert (tmp_path / "static" / "css" / "campusbrain.css").exists()
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_collect_static_refuses_without_vendor_files(monkeypatch):
    monkeypatch.setattr("django.contrib.staticfiles.finders.find", lambda name: None)

    with pytest.raises(launch.AssetsMissing, match="make assets"):
        launch.collect_static()
