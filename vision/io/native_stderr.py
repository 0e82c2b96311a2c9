"""MediaPipe's native libraries log straight to file descriptor 2, not through Python's sys.stderr.

Their lines ("W0000 ... Input tensor memory is not aligned", "INFO: [environment.cc:36] ...")
mean nothing to a user; no environment variable turns them off in mediapipe 1.x (absl
ignores GLOG_minloglevel), and some come at a random inference, whenever LiteRT happens to
get an unaligned buffer. Two ways to keep them off a user's screen:

- ``quiet()``: for a moment (a model's loading, its first inferences), in any process.
- ``divert()``: for a whole command whose stderr is its voice (`crossgrain analyze`): fd 2
  goes to /dev/null, and Python's sys.stderr keeps the terminal on a copy of it.

CROSSGRAIN_DEBUG=1 turns both off.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading


def _debugging() -> bool:
    return bool(os.environ.get("CROSSGRAIN_DEBUG"))


@contextlib.contextmanager
def quiet():
    """fd 2 to /dev/null while inside. fd 2 belongs to the process, and two trackers may start
    at once on two threads: the first to enter silences it, the last to leave restores it."""
    if _debugging():
        yield
        return
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    with _LOCK:
        if not _quiet["depth"]:
            sys.stderr.flush()
            _quiet["saved"] = os.dup(fd)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)
        _quiet["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _quiet["depth"] -= 1
            if not _quiet["depth"]:
                os.dup2(_quiet["saved"], fd)
                os.close(_quiet["saved"])


_LOCK = threading.Lock()
_quiet = {"depth": 0, "saved": -1}
_diverted: dict[str, object] = {}


def divert() -> None:
    """For the rest of this process, fd 2 (native logs) goes to /dev/null and sys.stderr to the
    real stderr. Only for a process's own entry point: a test runner's fd 2 is not ours to take.

    Child processes inherit fd 2, so a batch's local workers are quiet too; their failures come
    back to this process as values and are printed here.
    """
    if _debugging() or _diverted:
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except (OSError, ValueError):
        return
    _diverted.update(saved=saved, previous=sys.stderr)
    sys.stderr = io.TextIOWrapper(os.fdopen(saved, "wb", buffering=0), encoding=sys.stderr.encoding,
                                  errors="backslashreplace", line_buffering=True)


def restore() -> None:
    """Undo divert(): before exec'ing another program (`crossgrain serve` becomes Streamlit)."""
    if not _diverted:
        return
    sys.stderr.flush()
    os.dup2(_diverted["saved"], 2)
    sys.stderr = _diverted["previous"]
    _diverted.clear()
