"""The `crossgrain` command. One module a subcommand, each with a ``register(sub)``:

    crossgrain analyze VIDEO [VIDEO|FOLDER ...] --foot-axis DEG ...   (analyze.py)
    crossgrain bench [VIDEO]                                           (bench.py)
    crossgrain axis IMAGE_OR_VIDEO [--json OUT]                        (axis.py)
"""

from __future__ import annotations

import argparse
import sys

from . import analyze, axis, bench
from .analyze import format_coaching, format_summary
from .common import EXIT_USAGE, CliError

SUBCOMMANDS = (analyze, bench, axis)

__all__ = ["EXIT_USAGE", "CliError", "build_parser", "format_coaching", "format_summary", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crossgrain", description="Technique feedback for foot self-massage.")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in SUBCOMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"crossgrain: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("crossgrain: interrupted", file=sys.stderr)
        return 130
