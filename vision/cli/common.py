"""What every crossgrain subcommand shares: the one-line error, angle parsing, the progress bar."""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import threading

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


class CliError(Exception):
    """A one-line message for the user; exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse with its errors in the one-line form of every other error: ``crossgrain: error: ...``."""

    def error(self, message: str):
        print(f"crossgrain: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def exit_on_signal(signum, frame):
    """SIGTERM unwinds like an exception (finally blocks run: temporary outputs are removed).

    Once: a second signal during that clean-up is ignored rather than breaking it. Never from
    inside a finalizer (``__del__``, MediaPipe's images have one): Python prints an exception
    raised there as "Exception ignored" and drops it, and the process would go on. The signal
    is sent again a moment later instead, once the finalizer has returned."""
    if _in_finalizer(frame):
        threading.Timer(0.005, os.kill, (os.getpid(), signum)).start()
        return
    signal.signal(signum, signal.SIG_IGN)
    raise SystemExit(128 + signum)


def _in_finalizer(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def positive_int(text: str) -> int:
    """Parse a count that must be at least 1 (--workers, --frames)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def foot_axis(text: str) -> float:
    """Parse --foot-axis: degrees, any finite number in [-360, 360], taken modulo 180."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"foot axis must be a number of degrees, got {text!r}") from None
    if not math.isfinite(value) or abs(value) > 360:
        raise argparse.ArgumentTypeError(f"foot axis must be between -360 and 360 degrees, got {text}")
    return value % 180.0


class ProgressBar:
    """A one-line progress bar on a terminal's stderr; silent when stderr is not a terminal."""

    def __init__(self, label: str, stream=sys.stderr):
        self.label = label
        self.stream = stream
        self.enabled = stream.isatty()
        self._last = -1

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if total:
            pct = min(int(100 * done / total), 100)
            if pct == self._last:
                return
            self._last = pct
            bar = "#" * (pct // 4)
            self.stream.write(f"\r{self.label} [{bar:<25}] {pct:3d}%")
        elif done % 30 == 0:
            self.stream.write(f"\r{self.label} {done} frames")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (len(self.label) + 40) + "\r")
            self.stream.flush()
