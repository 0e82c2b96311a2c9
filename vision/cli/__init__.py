"""The `crossgrain` command. One module a subcommand, each with a ``register(sub)``:

    crossgrain analyze VIDEO [VIDEO|FOLDER ...] --foot-axis DEG ...   (analyze.py)
    crossgrain bench [VIDEO]                                           (bench.py)
    crossgrain axis IMAGE_OR_VIDEO [--json OUT]                        (axis.py)
    crossgrain history [--json] | export | import | delete             (history.py)
    crossgrain reference add|list|export|import ...                    (reference.py)
    crossgrain compare REFERENCE ATTEMPT_VIDEO --foot-axis DEG ...     (compare.py)
    crossgrain serve [--lan] [--port N]                                (serve.py)
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from ..io import native_stderr
from . import analyze, axis, bench, compare, history, reference, serve
from .analyze import format_coaching, format_summary
from .batch import BatchInterrupted
from .common import EXIT_INTERRUPTED, EXIT_USAGE, CliError, Parser, exit_on_signal

SUBCOMMANDS = (analyze, bench, axis, history, reference, compare, serve)

__all__ = ["EXIT_USAGE", "CliError", "build_parser", "format_coaching", "format_summary", "main"]


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("crossgrain")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    from ..coach.techniques import registry

    parser = Parser(prog="crossgrain", description="Technique feedback for foot self-massage.",
                    epilog="techniques: " + ", ".join(registry()) + ". Run `crossgrain COMMAND --help` for more.")
    parser.add_argument("--version", action="version", version=f"crossgrain {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for command in SUBCOMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..coach.techniques import TechniqueError
    from ..io.model import ModelError
    from ..io.video import VideoError

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, exit_on_signal)  # finally blocks run: no half-written output
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        return args.func(args)
    except (CliError, VideoError, ModelError, TechniqueError) as exc:
        print(f"crossgrain: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BatchInterrupted as exc:
        print(f"crossgrain: interrupted: {exc}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt as exc:  # with what was done when the command can say (a cluster batch)
        print(f"crossgrain: interrupted: {exc}" if str(exc) else "crossgrain: interrupted; no output was left "
              "half-written", file=sys.stderr)
        return EXIT_INTERRUPTED


def run() -> None:
    """The `crossgrain` command (and `python -m vision.cli`): main() as a process.

    After an interrupt is answered, a second Ctrl-C is ignored: while the interpreter waits for
    its worker threads (MediaPipe's dispatcher finishing a frame) it would print a traceback from
    threading's shutdown. Only here, in the process's own exit: main() called in-process (tests)
    must not leave SIGINT ignored, since child processes inherit that.

    A command's stderr is its voice (one line `crossgrain: error: ...`): MediaPipe's native
    logs are diverted away from it for the whole process (vision/io/native_stderr.py).
    """
    native_stderr.divert()
    code = main()
    if code == EXIT_INTERRUPTED and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(code)
