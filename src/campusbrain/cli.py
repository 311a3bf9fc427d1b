"""The ``campusbrain`` command.

Every command honours ``CAMPUSBRAIN_HOME`` (or ``--home``) and prints JSON with ``--json``.
Errors a user can fix (a bad setting, a missing asset, a refused demo account) end with a
one-line message and exit code 2, not a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from .config import ConfigError, load_settings

DEFAULT_STUDENTS = 15000
DEFAULT_SEED = 20261203
# At 15,000 students, --scale 3 gives a little over 100 million source rows (docs/demo-college.md).
BENCH_SCALE = 3.0


# Exceptions from the hub and the web layer whose message tells the user what to do.
_USER_ERRORS = {
    "AssetsMissing",
    "MetricAccessDenied",
    "MetricNotFound",
    "DemoAccountsRefused",
    "DemoManifestError",
    "HubBusy",
    "NothingPublished",
    "ModelError",
    "ModelFileError",
    "MissingReference",
    "LayerViolation",
    "CycleError",
    "NoODS",
    "QualityRuleError",
    "NoQuality",
    "NoManifest",
    "UnknownRule",
}


class UserError(Exception):
    """Something the person running the command can fix; printed without a traceback."""


def _add_generate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", type=Path, help="college folder (default: $CAMPUSBRAIN_HOME or ./var)")
    parser.add_argument(
        "--students", type=int, default=DEFAULT_STUDENTS, help="current students (default 15000)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="random seed; same seed ⇒ identical files"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="campusbrain", description="CampusBrain 数智校园 · 校园大脑")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="generate the demo college (if absent), create demo accounts and serve"
    )
    _add_generate_options(demo)
    demo.add_argument(
        "--scale", type=float, default=1.0, help="transaction-volume multiplier (as for generate)"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo_commands = demo.add_subparsers(dest="demo_command")
    generate = demo_commands.add_parser("generate", help="write the demo college's source-system exports")
    _add_generate_options(generate)
    generate.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply transaction volumes (card, learning, library); ~3 gives 100M+ rows",
    )
    generate.add_argument("--json", action="store_true", help="print the result as JSON")
    generate.add_argument("--quiet", action="store_true", help="no progress bar")

    hub = commands.add_parser("hub", help="the data hub: sync sources, build the warehouse, status, query")
    hub_commands = hub.add_subparsers(dest="hub_command", required=True)
    sync = hub_commands.add_parser("sync", help="load new source data into the ODS (incremental, crash-safe)")
    sync.add_argument("--home", type=Path)
    sync.add_argument("--source", help="only this source system (its YAML name)")
    sync.add_argument("--json", action="store_true")
    sync.add_argument("--quiet", action="store_true", help="no progress bar")
    build = hub_commands.add_parser("build", help="run the SQL models into a new snapshot and publish it")
    build.add_argument("--home", type=Path)
    build.add_argument(
        "--select", nargs="+", metavar="MODEL", help="only these models and what depends on them"
    )
    build.add_argument(
        "--full-refresh", action="store_true", help="rebuild incremental models from all input"
    )
    build.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 8GB (default: 80%% of the machine)")
    build.add_argument("--json", action="store_true")
    build.add_argument("--quiet", action="store_true")
    hub_status = hub_commands.add_parser("status", help="per source: last sync, rows, freshness, last error")
    hub_status.add_argument("--home", type=Path)
    hub_status.add_argument("--json", action="store_true")
    hub_quality = hub_commands.add_parser(
        "quality", help="quality rule results and scores of the published build (docs/quality.md)"
    )
    hub_quality.add_argument("--home", type=Path)
    hub_quality.add_argument("--json", action="store_true")
    hub_quality.add_argument(
        "--against-manifest",
        action="store_true",
        help="demo college: detection per planted defect kind (recall, false alarms)",
    )
    hub_quality.add_argument(
        "--rule",
        metavar="RULE_ID",
        help="one rule: its captured failing rows (masked) and the query that lists all of them",
    )
    hub_query = hub_commands.add_parser("query", help="read-only SQL on the published warehouse snapshot")
    hub_query.add_argument("sql")
    hub_query.add_argument("--home", type=Path)
    hub_query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    hub_query.add_argument(
        "--ods", action="store_true", help="query the ODS instead of the published snapshot"
    )
    hub_query.add_argument("--limit", type=int, default=None, help="return at most this many rows")

    metrics = commands.add_parser("metrics", help="governed metrics: list, show a definition, query one")
    metrics_commands = metrics.add_subparsers(dest="metrics_command", required=True)
    metrics_list = metrics_commands.add_parser(
        "list", help="every metric (or one theme's) with its name and unit"
    )
    metrics_list.add_argument("--theme", help="a theme slug: overview, governance, hr, students …")
    metrics_list.add_argument("--json", action="store_true")
    metrics_show = metrics_commands.add_parser(
        "show", help="one metric's definition (口径, formula, dimensions)"
    )
    metrics_show.add_argument("metric_id")
    metrics_show.add_argument("--json", action="store_true")
    metrics_query = metrics_commands.add_parser("query", help="compute a metric on the published snapshot")
    metrics_query.add_argument("metric_id")
    metrics_query.add_argument("--home", type=Path)
    metrics_query.add_argument("--by", action="append", default=[], help="a dimension to cut by (repeatable)")
    metrics_query.add_argument(
        "--grain", help="学年, 学期, 教学周, 月, 自然年 or 时点 (default: the metric's first)"
    )
    metrics_query.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="keep one dimension or period value",
    )
    metrics_query.add_argument(
        "--role", default="leader", help="answer as this role (default leader: college)"
    )
    metrics_query.add_argument("--department", default="", help="the viewer's 单位号 (dean, teacher)")
    metrics_query.add_argument(
        "--classes", default="", help="the viewer's 班号, comma-separated (counsellor)"
    )
    metrics_query.add_argument("--json", action="store_true")

    bench = commands.add_parser("bench", help="time each stage at a chosen scale and print JSON figures")
    bench.add_argument("--home", type=Path, help="work folder (default: $CAMPUSBRAIN_HOME/bench)")
    bench.add_argument("--students", type=int, default=DEFAULT_STUDENTS)
    bench.add_argument("--seed", type=int, default=DEFAULT_SEED)
    bench.add_argument(
        "--scale",
        type=float,
        default=BENCH_SCALE,
        help=f"transaction-volume multiplier (default {BENCH_SCALE}: about 100 million source rows)",
    )
    bench.add_argument(
        "--reuse", action="store_true", help="keep exports already generated with the same parameters"
    )
    bench.add_argument(
        "--pages",
        action="store_true",
        help="time the cockpit on an existing built college instead (every metric cold; each theme page "
        "with --users concurrent users on a warm cache); --home defaults to $CAMPUSBRAIN_HOME",
    )
    bench.add_argument("--users", type=int, default=20, help="with --pages: concurrent users (default 20)")
    bench.add_argument(
        "--rounds", type=int, default=3, help="with --pages: passes over the 16 themes per user"
    )

    serve = commands.add_parser("serve", help="serve the web application")
    serve.add_argument("--home", type=Path)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    return parser


def _home(args: argparse.Namespace) -> Path:
    if getattr(args, "home", None):
        os.environ["CAMPUSBRAIN_HOME"] = str(Path(args.home).resolve())
    return load_settings().home


def cmd_demo_generate(args: argparse.Namespace) -> dict[str, Any]:
    from .demo.generate import generate

    home = _home(args)
    result = generate(
        home, students=args.students, seed=args.seed, scale=args.scale, show_progress=not args.quiet
    )
    summary = {
        "home": str(result.home),
        "manifest": str(result.manifest_path),
        "total_rows": result.total_rows,
        "seconds": round(result.seconds, 1),
        "rows_per_second": round(result.total_rows / result.seconds) if result.seconds else None,
        "row_counts": result.row_counts,
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(
            f"演示学校已生成 demo college written: {result.total_rows:,} rows in {result.seconds:.1f} s → {home}"
        )
    return summary


def cmd_demo(args: argparse.Namespace) -> None:
    home = _home(args)
    manifest = home / "demo-sources" / "manifest.json"
    if manifest.exists():
        params = json.loads(manifest.read_text(encoding="utf-8")).get("parameters", {})
        print(f"使用已有演示学校 using the existing demo college in {home} ({params})")
    else:
        args.json, args.quiet = False, False
        cmd_demo_generate(args)
    # Sync is incremental and build publishes a new snapshot, so a second `make demo` is quick.
    from .hub.models.runner import build
    from .hub.sync import sync

    synced = sync(home, progress=True)
    print(
        f"同步 sync: {synced.rows_loaded:,} rows loaded, {synced.rows_rejected:,} rejected ({synced.seconds:.0f} s)"
    )
    built = build(home, progress=True)
    if not built.ok:
        raise UserError(f"build failed at {built.failed_model}: {built.error}")
    print(f"构建 build {built.build_id}: {len(built.models)} models ({built.seconds:.0f} s)")
    from .web import launch

    launch.migrate()
    users = launch.ensure_demo_accounts(manifest)
    print(f"演示账号 demo accounts ({', '.join(users)}), password campusbrain-demo")
    print(f"打开 open http://{args.host}:{args.port}/")
    launch.serve(args.host, args.port)


def cmd_bench(args: argparse.Namespace) -> dict[str, Any]:
    """Run each stage once (generate, sync, baseline, build, incremental sync) and print JSON figures."""
    from .bench import run, run_pages

    if args.pages:
        home = Path(args.home).resolve() if args.home else load_settings().home
        if not (home / "warehouse").exists():
            raise SystemExit(f"{home}: no built warehouse; run `campusbrain hub build --home {home}` first")
        figures = run_pages(home, users=args.users, rounds=args.rounds)
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return figures
    home = Path(args.home).resolve() if args.home else load_settings().home / "bench"
    figures = run(home, students=args.students, seed=args.seed, scale=args.scale, reuse=args.reuse)
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    return figures


def _jsonable(value: Any) -> Any:
    """Contracts (frozen dataclasses with datetimes and paths) as plain JSON values."""
    import dataclasses
    from datetime import date, datetime

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def _print_table(columns: list[str], rows: list[list[Any]]) -> None:
    """A plain-text table whose columns line up even with Chinese (double-width) characters."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([width(c)] + [width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    for line in [columns, ["-" * w for w in widths], *cells]:
        print(
            "  ".join(text + " " * (w - width(text)) for text, w in zip(line, widths, strict=True)).rstrip()
        )


def cmd_hub_sync(args: argparse.Namespace) -> int:
    from .hub.sync import sync

    report = sync(_home(args), source=args.source, progress=not (args.quiet or args.json))
    if args.json:
        print(json.dumps(_jsonable(report), ensure_ascii=False, indent=1))
    else:
        _print_table(
            ["source", "table", "status", "read", "loaded", "rejected", "files", "seconds", "error"],
            [
                [
                    t.source,
                    t.table,
                    t.status,
                    t.rows_read,
                    t.rows_loaded,
                    t.rows_rejected,
                    t.files_loaded,
                    round(t.seconds, 1),
                    t.error or "",
                ]
                for t in report.tables
            ],
        )
        for problem in report.config_errors:
            print(f"配置错误 configuration error: {problem}", file=sys.stderr)
        print(
            f"同步完成 sync done: {report.rows_loaded:,} rows loaded, {report.rows_rejected:,} rejected, "
            f"{report.seconds:.1f} s"
        )
    return 0 if report.ok else 1


def cmd_hub_build(args: argparse.Namespace) -> int:
    from .hub.models.runner import build

    report = build(
        _home(args),
        progress=not (args.quiet or args.json),
        select=args.select,
        full_refresh=args.full_refresh,
        memory_limit=args.memory_limit,
    )
    if args.json:
        print(json.dumps(_jsonable(report), ensure_ascii=False, indent=1))
    else:
        _print_table(
            ["model", "layer", "action", "rows", "seconds"],
            [[m.name, m.layer, m.action, m.rows, round(m.seconds, 2)] for m in report.models],
        )
        if report.ok:
            print(f"构建完成并发布 built and published {report.build_id} in {report.seconds:.1f} s")
            if report.quality is not None:
                _print_quality_summary(report.quality)
        else:
            print(f"构建失败 build failed at {report.failed_model}: {report.error}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_hub_status(args: argparse.Namespace) -> int:
    from .hub.coverage import mapping_coverage, reconciliation
    from .hub.sync import status

    home = _home(args)
    sources = status(home)
    coverage = mapping_coverage(home)
    reconciled = reconciliation(home)
    if args.json:
        document = {"sources": sources, "mapping_coverage": coverage, "reconciliation": reconciled}
        print(json.dumps(_jsonable(document), ensure_ascii=False, indent=1))
        return 0
    _print_table(
        ["source", "title", "last sync", "rows", "freshness", "last error"],
        [
            [
                s.source,
                s.title,
                s.last_sync.isoformat(timespec="seconds") if s.last_sync else "—",
                s.rows,
                s.freshness,
                s.last_error or "",
            ]
            for s in sources
        ],
    )
    if coverage:
        print("\n代码映射覆盖率 mapping coverage (published build; unmapped values: std.unmapped_value)")
        _print_table(
            ["source", "table", "field", "code system", "rows", "mapped", "coverage", "unmapped values"],
            [
                [
                    c.source,
                    c.table,
                    c.field,
                    c.code_system,
                    c.rows,
                    c.mapped_rows,
                    "—" if c.coverage is None else f"{c.coverage:.1%}",
                    c.unmapped_values,
                ]
                for c in coverage
            ],
        )
    gaps = [r for r in reconciled if r.model is None or r.unaccounted_rows]
    if gaps:
        print("\n未对账 ODS rows not accounted for in DWD (no model, or rows neither carried nor rejected)")
        _print_table(
            ["ODS table", "model", "ODS rows", "DWD rows", "rejected", "unaccounted"],
            [
                [r.ods_table, r.model or "—", r.ods_rows, r.model_rows, r.rejected_rows, r.unaccounted_rows]
                for r in gaps
            ],
        )
    elif reconciled:
        print(
            f"\n对账 reconciliation: every row of {len(reconciled)} ODS table groups is in DWD or rejected with a reason"
        )
    return 0


def _print_quality_summary(summary: Any) -> None:
    score = "-" if summary.college_score is None else f"{summary.college_score:.2f}"
    print(
        f"数据质量 quality: {summary.rules} rules, {summary.passed} passed; failed: "
        f"{len(summary.failed_error)} error, {len(summary.failed_warn)} warn; college score {score}"
    )
    for rule_id in summary.failed_error:
        print(f"  error {rule_id}")
    if summary.blocked_models:
        print(f"  kept/skipped downstream: {', '.join(summary.blocked_models)}")
    for problem in summary.errors:
        print(f"  could not run {problem}", file=sys.stderr)


def _print_rule(home: Path, rule_id: str, *, as_json: bool) -> int:
    from .hub import api

    # Masked: whoever runs the CLI is not identified, so unmasked values would go unaudited.
    rows = api.quality_failing_rows(home, rule_id, limit=50, masked=True)
    result = next(r for r in api.quality_report(home).results if r.rule_id == rule_id)
    if as_json:
        print(json.dumps(_jsonable({"result": result, "rows": rows}), ensure_ascii=False, indent=1))
        return 0
    print(f"{result.rule_id} ({result.dimension}, {result.severity}): {result.description}")
    print(
        f"{result.model}: {result.failing_rows} of {result.checked_rows} rows fail; showing {len(rows.rows)}"
    )
    _print_table(
        ["key", "value", "file", "line"],
        [[r.row_key, r.value, r.source, r.source_row] for r in rows.rows],
    )
    if result.failing_query:
        print("\nall failing rows (values in clear; read-only on the published snapshot):")
        print(f"  campusbrain hub query {shlex.quote(result.failing_query)}")
    return 0


def cmd_hub_quality(args: argparse.Namespace) -> int:
    from .hub import api

    home = _home(args)
    if args.rule:
        return _print_rule(home, args.rule, as_json=args.json)
    if args.against_manifest:
        table = api.quality_detection(home)
        if args.json:
            print(json.dumps(_jsonable(table), ensure_ascii=False, indent=1))
            return 0
        _print_table(
            ["kind", "planted", "detected", "recall", "false alarms", "clean rows", "false alarm rate"],
            [
                [
                    d.kind,
                    d.planted,
                    d.detected,
                    "-" if d.recall is None else f"{d.recall:.1%}",
                    d.false_alarms,
                    d.clean_rows,
                    "-" if d.false_alarm_rate is None else f"{d.false_alarm_rate:.3%}",
                ]
                for d in table
            ],
        )
        return 0
    report = api.quality_report(home)
    if args.json:
        print(json.dumps(_jsonable(report), ensure_ascii=False, indent=1))
        return 0
    _print_table(
        ["rule", "dimension", "severity", "table", "checked", "failing", "score", "status"],
        [
            [
                r.rule_id,
                r.dimension,
                r.severity,
                r.model,
                r.checked_rows,
                r.failing_rows,
                f"{r.score:.2f}",
                r.status,
            ]
            for r in report.results
        ],
    )
    print()
    _print_table(
        ["level", "subject", "name", "overall", "rows checked", "rows failing"],
        [
            [s.level, s.subject, s.subject_name, f"{s.score:.2f}", s.checked_rows, s.failing_rows]
            for s in report.scores
            if s.dimension == "overall" and s.level in ("college", "department", "source")
        ],
    )
    print(f"build {report.build_id}; open tickets: {len(report.open_tickets)}")
    return 0


def cmd_hub_query(args: argparse.Namespace) -> int:
    import csv

    from .hub.query import query

    result = query(_home(args), args.sql, limit=args.limit, target="ods" if args.ods else "published")
    columns = list(result.columns)
    rows = [list(r) for r in result.rows]
    if args.format == "json":
        print(
            json.dumps(
                {
                    "columns": columns,
                    "rows": _jsonable(rows),
                    "build_id": result.build_id,
                    "database": str(result.database),
                    "truncated": result.truncated,
                },
                ensure_ascii=False,
                indent=1,
                default=str,
            )
        )
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        _print_table(columns, rows)
        if result.truncated:
            print(f"(first {len(rows)} rows)")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    """``campusbrain metrics list|show|query``: the metric catalog and answers, as a table or JSON."""
    from .hub import api
    from .hub.contracts import Viewer

    if args.metrics_command == "list":
        definitions = api.metric_catalog(theme=args.theme)
        if args.json:
            print(json.dumps(_jsonable(list(definitions)), ensure_ascii=False, indent=1))
        else:
            _print_table(
                ["id", "名称", "theme", "kind", "unit", "grains"],
                [[d.id, d.name, d.theme, d.kind, d.unit, " ".join(d.grains)] for d in definitions],
            )
        return 0
    if args.metrics_command == "show":
        definition = api.metric_definition(args.metric_id)
        if args.json:
            print(json.dumps(_jsonable(definition), ensure_ascii=False, indent=1))
        else:
            for key, value in _jsonable(definition).items():
                print(f"{key}: {' '.join(value) if isinstance(value, list) else value}")
        return 0
    filters: dict[str, str] = {}
    for item in args.filter:
        name, sep, value = item.partition("=")
        if not sep:
            raise UserError(f"--filter {item!r}: write NAME=VALUE, e.g. 学年=2024-2025")
        filters[name] = value
    viewer = Viewer(
        username="cli",
        role=args.role,
        department_code=args.department,
        class_codes=tuple(c for c in args.classes.split(",") if c),
    )
    result = api.metric_query(
        _home(args),
        args.metric_id,
        viewer=viewer,
        dimensions=tuple(args.by),
        filters=filters,
        grain=args.grain,
    )
    if args.json:
        print(json.dumps(_jsonable(result), ensure_ascii=False, indent=1))
        return 0
    print(f"{result.metric.name} ({result.metric.unit}) · {result.scope} · grain {result.grain}")
    _print_table(
        [*result.dimensions, "period", "value"],
        [
            [v for _n, v in row.dims] + [row.period, "—" if row.suppressed else row.value]
            for row in result.rows
        ],
    )
    p = result.provenance
    flags = " ".join(f for f, on in (("STALE", p.stale), ("LOW-QUALITY", p.low_quality)) if on)
    print(
        f"build {p.build_id} · definition v{p.definition_version} · quality {p.quality_score} {flags}".rstrip()
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> None:
    _home(args)
    from .web import launch

    launch.serve(args.host, args.port)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo" and args.demo_command == "generate":
            cmd_demo_generate(args)
        elif args.command == "demo":
            cmd_demo(args)
        elif args.command == "hub":
            handler = {
                "sync": cmd_hub_sync,
                "build": cmd_hub_build,
                "status": cmd_hub_status,
                "query": cmd_hub_query,
                "quality": cmd_hub_quality,
            }[args.hub_command]
            return handler(args)
        elif args.command == "metrics":
            return cmd_metrics(args)
        elif args.command == "bench":
            cmd_bench(args)
        elif args.command == "serve":
            cmd_serve(args)
    except (ConfigError, UserError, ValueError) as exc:
        print(f"campusbrain: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # errors a user can fix are reported plainly, by name to keep imports lazy
        name = type(exc).__name__
        if name in _USER_ERRORS:
            print(f"campusbrain: {exc}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
