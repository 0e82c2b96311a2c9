"""A worker's hand trackers, made once and lent to one video at a time.

Loading MediaPipe's HandLandmarker costs a second or more on a busy laptop;
a worker that analyses hundreds of videos makes it once (per video it runs at
once: a long video's two time ranges hold two) and reuses it. A tracker in
VIDEO mode carries the last frame's hands into the next frame and keeps its
clock, so a tracker lent again is first ``reset()`` (vision/io/tracking.py):
its next frame is tracked as a new tracker's first frame would be, and the
reports are the same byte for byte (tests/test_tracking_reset.py).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Callable, Iterator


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

    @contextlib.contextmanager
    def lease(self) -> Iterator:
        with self._lock:
            tracker = self._free.pop() if self._free else None
            self.leases += 1
        if tracker is None:
            tracker = self._make()
            with self._lock:
                self.created += 1
        try:
            yield tracker
            tracker.reset()  # forget this video now: a tracker waiting in the pool holds no hand
        except BaseException:
            tracker.close()
            raise
        with self._lock:
            self._free.append(tracker)

    def close(self) -> None:
        with self._lock:
            free, self._free = self._free, []
        for tracker in free:
            tracker.close()


def _hand_tracker():
    from ..io.tracking import HandTracker

    return HandTracker()
