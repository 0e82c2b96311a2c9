"""A command's stderr is its voice: native libraries' lines written straight to fd 2 stay off it.

CI once failed on a LiteRT warning ("Input tensor memory is not aligned") that came at a random
inference of `crossgrain analyze`, after the tracker's start-up quiet had ended. These tests write
to fd 2 the way a native library does (os.write, bypassing sys.stderr), in a real process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

NATIVE_THEN_PYTHON = """
import os, sys
from vision.io import native_stderr
native_stderr.divert()
os.write(2, b"W0000 00:00:1.0 1 inference_runner_litert.cc:1433] Input tensor memory is not aligned\\n")
print("crossgrain: error: the one line", file=sys.stderr)
native_stderr.restore()
os.write(2, b"after restore, fd 2 is the terminal again\\n")
"""


def run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "CROSSGRAIN_DEBUG": "", **env}, timeout=60)


def test_diverted_native_lines_are_dropped_and_python_lines_kept():
    lines = run(NATIVE_THEN_PYTHON).stderr.splitlines()
    assert lines == ["crossgrain: error: the one line", "after restore, fd 2 is the terminal again"]


def test_debug_keeps_the_native_lines():
    lines = run(NATIVE_THEN_PYTHON, CROSSGRAIN_DEBUG="1").stderr.splitlines()
    assert len(lines) == 3 and "Input tensor memory" in lines[0]


def test_the_crossgrain_process_diverts_native_lines_for_its_whole_run():
    """run() is the `crossgrain` process's entry point; a native write in the middle of its
    command (here, in place of the command) does not reach the user."""
    code = ("import os, sys\n"
            "import vision.cli as cli\n"
            "def command(argv=None):\n"
            "    os.write(2, b'I0000 native chatter\\n')\n"
            "    print('crossgrain: error: the one line', file=sys.stderr)\n"
            "    return 2\n"
            "cli.main = command\n"
            "cli.run()\n")
    done = run(code)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["crossgrain: error: the one line"], done.stderr
