"""Encode on a thread of its own: drawing the next frame overlaps encoding this one.

x264 and the RGB-to-YUV conversion release the GIL, so the writer's work
runs beside the decoding and drawing that feed it. A short queue keeps
memory flat; ``close`` drains it and raises the writer's error, if any.
"""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import numpy as np

from .video import VideoWriter

ANNOTATED_PRESET = "ultrafast"  # x264 preset for annotated videos, chosen by `crossgrain bench`


class BackgroundWriter:
    """A VideoWriter fed through a queue. Frames passed to ``write`` must not be changed afterwards.

    >>> with BackgroundWriter("out.mp4", fps=30) as out:
    ...     out.write(rgb, t)
    """

    _END = object()

    def __init__(self, path: str | Path, fps: float = 30.0, preset: str = ANNOTATED_PRESET, depth: int = 8,
                 nice: int = 0, **options):
        self._nice = nice  # > 0: the encoding thread (and the encoder's own threads) run at a lower priority
        self._writer = VideoWriter(path, fps=fps, preset=preset, **options)
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="crossgrain-encode", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._nice > 0:  # Linux: a thread's nice value, inherited by the threads x264 starts from it
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                               os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + self._nice)
            except (AttributeError, OSError):
                pass
        try:
            while (item := self._queue.get()) is not self._END:
                if self._error is None:
                    self._writer.write(*item)
        except BaseException as exc:  # noqa: BLE001 - raised on the caller's thread
            self._error = exc
            while self._queue.get() is not self._END:  # keep taking, so write() never blocks for ever
                pass
        finally:
            try:
                self._writer.close()
            except BaseException as exc:  # noqa: BLE001
                self._error = self._error or exc

    def write(self, rgb: np.ndarray, t: float) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((rgb, t))

    def try_write(self, rgb: np.ndarray, t: float) -> bool:
        """``write`` without waiting: False (the frame left out) when the encoder is behind.

        For a live recording, where the camera must never wait for the encoder."""
        if self._error is not None:
            raise self._error
        try:
            self._queue.put_nowait((rgb, t))
        except queue.Full:
            return False
        return True

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(self._END)
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def __enter__(self) -> "BackgroundWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
