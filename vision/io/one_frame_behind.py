"""Live frames on two cores: frame k is tracked while frame k-1 gets its verdict and overlay.

The landmarker waits for MediaPipe's own inference thread, so the caller's
thread is idle for most of every frame; the verdict and the drawing of the
previous frame fit in that wait. The price is one frame of delay in what the
camera view shows (33 ms at 30 fps); each overlay still sits on its own frame.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np


class OneFrameBehind:
    """``process(rgb, t)`` returns ``finish(rgb', t', track(rgb', t'))`` for the frame before (the first call
    returns its frame untouched). ``track`` runs on a thread of its own, always the same one."""

    def __init__(self, track: Callable, finish: Callable):
        self._track = track
        self._finish = finish
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crossgrain-live-track")
        self._pending = None  # (rgb, t, future) of the frame being tracked

    def process(self, rgb: np.ndarray, t: float) -> np.ndarray:
        future = self._pool.submit(self._track, rgb, t)
        out = rgb
        if self._pending is not None:
            prev_rgb, prev_t, prev_future = self._pending
            out = self._finish(prev_rgb, prev_t, prev_future.result())
        self._pending = (rgb, t, future)
        return out

    def flush(self):
        """Finish the last frame (when the stream ends); None if there is none."""
        if self._pending is None:
            return None
        rgb, t, future = self._pending
        self._pending = None
        return self._finish(rgb, t, future.result())

    def close(self) -> None:
        self._pool.shutdown(wait=True)
