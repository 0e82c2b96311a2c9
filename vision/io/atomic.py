"""Outputs appear complete or not at all.

Every file the tool writes (JSON, CSV, annotated video) is written under a
temporary name beside the target and renamed over it only when complete: a
rename within one folder is atomic, so Ctrl-C, SIGTERM or a full disk leave
the previous file (or none) under the final name, never a broken one. Targets
that are not regular files (/dev/stdout, a FIFO) cannot be renamed over: they
are written directly.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator

PARTIAL_MARK = ".partial-"


def is_special_file(path: Path) -> bool:
    """True for an existing target that is not a regular file (a device, a FIFO, a socket)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def partial_name_prefix(target: Path) -> str:
    """The start of every temporary name for ``target`` (hidden, beside it): to find leftovers."""
    return f".{target.name}{PARTIAL_MARK}"


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` (same suffix: muxers pick the format by it).

    On a clean exit the file is renamed over ``target``; on any exception it is removed.
    """
    target = Path(target)
    if is_special_file(target):
        yield target
        return
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=partial_name_prefix(target), suffix=target.suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it 0600; a plain new file's mode
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_text(target: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically; flushed to disk before the rename."""
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            if not is_special_file(Path(tmp)):
                os.fsync(f.fileno())


def remove_partials(target: str | os.PathLike) -> int:
    """Remove temporary files left for ``target`` by a process that was killed; returns how many."""
    target = Path(target)
    removed = 0
    with contextlib.suppress(OSError):
        for leftover in target.parent.glob(partial_name_prefix(target) + "*"):
            with contextlib.suppress(OSError):
                leftover.unlink()
                removed += 1
    return removed
