"""docs/metrics.md and docs/cockpit.md stay true: the example theme file loads, every field,
theme, API path, error code and bench option the code has is documented."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from campusbrain.hub import api
from campusbrain.hub.metrics import definitions
from campusbrain.web.api import openapi

DOCS = Path(__file__).resolve().parents[2] / "docs"
METRICS = (DOCS / "metrics.md").read_text(encoding="utf-8")
COCKPIT = (DOCS / "cockpit.md").read_text(encoding="utf-8")


def test_the_example_theme_file_loads(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(.*?)```", METRICS, re.S)
    assert example is not None
    builtin = Path(definitions.__file__).parent / "definitions"
    # The example's derived metric refers to grades metrics: load it beside the shipped files.
    shutil.copytree(builtin, tmp_path / "definitions")
    (tmp_path / "definitions" / "zz_example.yaml").write_text(example.group(1), encoding="utf-8")

    catalog = definitions.load_catalog(tmp_path / "definitions")

    enrolled = catalog.metrics["students.enrolled_example"].definition
    assert enrolled.owner == "002" and enrolled.version == "1.0" and enrolled.kind == "count"
    share = catalog.metrics["students.failing_share_example"].definition
    assert share.kind == "derived" and share.warning == 20
    assert "students.failing_share_example" in catalog.themes["students"]


def test_every_metric_field_is_documented() -> None:
    for name in definitions._METRIC_REQUIRED:
        row = next((line for line in METRICS.splitlines() if f"`{name}`" in line and "| yes |" in line), None)
        assert row is not None, name
    for name in definitions._METRIC_OPTIONAL:
        assert f"`{name}`" in METRICS, name
    for key in definitions._SOURCE_KEYS:
        assert f"`{key}`" in METRICS, key
    for value in (*definitions.KINDS, *definitions.TIME_BASES, *definitions.DIRECTIONS):
        assert f"`{value}`" in METRICS, value


def test_every_theme_is_listed() -> None:
    for slug, zh, _en in api.THEMES:
        assert f"| `{slug}` | {zh}" in METRICS, slug


def test_every_api_path_and_error_code_is_documented() -> None:
    for path in openapi.PATHS:
        assert f"GET {path.replace('{metric_id}', '{id}')}" in METRICS, path
    views = (Path(openapi.__file__).parent / "views.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'(?:ApiError|_error)\(\s*\d{3},\s*"([a-z_]+)"', views))
    assert codes >= {"invalid_token", "not_authenticated", "unknown_metric", "bad_query"}
    for code in codes:
        assert f"| `{code}` |" in METRICS, code


def test_the_bench_options_are_documented() -> None:
    from campusbrain.cli import build_parser

    bench = build_parser()._subparsers._group_actions[0].choices["bench"]  # type: ignore[union-attr]
    for option in ("--pages", "--users", "--rounds"):
        assert option in {o for action in bench._actions for o in action.option_strings}
        assert option in COCKPIT, option
