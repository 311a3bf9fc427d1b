"""The ``campusbrain`` command.

Every command honours ``CAMPUSBRAIN_HOME`` (or ``--home``) and prints JSON with ``--json``.
Errors a user can fix (a bad setting, a missing asset, a refused demo account) end with a
one-line message and exit code 2, not a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from .config import ConfigError, load_settings

DEFAULT_STUDENTS = 15000
DEFAULT_SEED = 20261203
# At 15,000 students, --scale 3 gives a little over 100 million source rows (docs/demo-college.md).
BENCH_SCALE = 3.0


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
        args.scale, args.json, args.quiet = 1.0, False, False
        cmd_demo_generate(args)
    from .web import launch

    launch.migrate()
    users = launch.ensure_demo_accounts(manifest)
    print(f"演示账号 demo accounts ({', '.join(users)}), password campusbrain-demo")
    print(f"打开 open http://{args.host}:{args.port}/")
    launch.serve(args.host, args.port)


def _peak_rss_mb() -> float:
    import resource

    # ru_maxrss is in KiB on Linux; children count too because stages may run in subprocesses.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def cmd_bench(args: argparse.Namespace) -> dict[str, Any]:
    """Run each stage once and print one JSON document of figures (rows, seconds, rows/s, peak RSS)."""
    from .demo.generate import generate

    home = Path(args.home).resolve() if args.home else load_settings().home / "bench"
    result = generate(home, students=args.students, seed=args.seed, scale=args.scale, show_progress=True)
    figures = {
        "parameters": {"students": args.students, "seed": args.seed, "scale": args.scale, "home": str(home)},
        "stages": [
            {
                "stage": "generate",
                "rows": result.total_rows,
                "wall_seconds": round(result.seconds, 1),
                "rows_per_second": round(result.total_rows / result.seconds),
                "peak_rss_mb": _peak_rss_mb(),
            }
        ],
    }
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    return figures


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
        elif args.command == "bench":
            cmd_bench(args)
        elif args.command == "serve":
            cmd_serve(args)
    except (ConfigError, UserError, ValueError) as exc:
        print(f"campusbrain: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # errors from the web layer that a user can fix are reported plainly
        name = type(exc).__name__
        if name in {"AssetsMissing", "DemoAccountsRefused", "DemoManifestError"}:
            print(f"campusbrain: {exc}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
