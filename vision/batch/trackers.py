"""A worker's hand trackers, made once and lent to one video at a time.

Loading MediaPipe's HandLandmarker costs a second or more on a busy laptop;
a worker that analyses hundreds of videos makes it once (per thread that
runs a video at a time) and reuses it. A tracker in VIDEO mode carries the
previous frame's hand into the next frame, so a reused tracker is first shown
one blank frame: no hand, so its next frame starts from a fresh palm
detection, exactly as a new tracker does (tests/test_cluster_trackers.py
checks the reports are the same byte for byte).

That held for the one-hand tracker. The two-hand tracker now on main (a
second landmarker, a periodic search for the second hand) keeps more state
than a blank frame clears, and the reused tracker's reports differed: so
``TrackerPool.reuse`` is off and each lease is a new tracker (0.05 s after the
process's first; the process's imports and first model load, about 5 s, are
what a worker pays once). Turn it on again once HandTracker has a reset().
"""

from __future__ import annotations

import contextlib
import threading
from typing import Callable, Iterator

import numpy as np

BLANK = np.zeros((64, 64, 3), np.uint8)


class TrackerPool:
    """Trackers of one worker process; ``lease()`` lends one with no memory of earlier videos.

    Thread-safe: a worker with several threads holds at most one tracker per
    video running at once. A tracker that raised is closed, not lent again.
    """

    def __init__(self, make: Callable[[], object] | None = None):
        self._make = make or _hand_tracker
        self._free: list = []
        self._lock = threading.Lock()
        self.created = 0
        self.leases = 0

    reuse = False  # see the module's docstring: main's two-hand tracker keeps more state than one blank frame clears

    @contextlib.contextmanager
    def lease(self) -> Iterator:
        with self._lock:
            tracker = self._free.pop() if self._free else None
            self.leases += 1
        if tracker is None:
            tracker = self._make()
            with self._lock:
                self.created += 1
        else:
            forget_the_last_hand(tracker)
        try:
            yield tracker
        except BaseException:
            tracker.close()
            raise
        if not self.reuse:
            tracker.close()
            return
        with self._lock:
            self._free.append(tracker)

    def close(self) -> None:
        with self._lock:
            free, self._free = self._free, []
        for tracker in free:
            tracker.close()


def forget_the_last_hand(tracker) -> None:
    """One blank frame (just after the tracker's last timestamp): nothing left to track from."""
    tracker.process(BLANK, 0.0)  # the tracker keeps MediaPipe's clock strictly increasing itself


def _hand_tracker():
    from ..io.tracking import HandTracker

    return HandTracker()
