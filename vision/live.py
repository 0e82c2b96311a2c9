"""LiveCoach: the per-stream object behind the webcam page (no Streamlit in it).

The webcam callback runs in a worker thread and is replaced on every page
rerun, so everything that must survive lives here: one Session (one tracker,
one engine) and the painter with its trail. The callback stays thin:
``rgb_out = coach.process(rgb_in, t)``. The page thread reads ``snapshot()``:
the latest verdict and the processing rate, taken under a lock. Nothing is
counted here: every figure the panel shows is the verdict's.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from .core.axis import FootAxis
from .core.report import Report
from .core.verdict import FrameVerdict
from .io.overlay import LivePainter
from .pipeline import Session

FPS_WINDOW_S = 2.0


@dataclass(frozen=True)
class LiveSnapshot:
    """What the page shows beside the video, a few times a second: the latest verdict and how fast."""

    technique: str
    frames: int
    verdict: FrameVerdict | None
    fps: float  # frames processed a second, over the last two seconds
    last_frame_wall: float | None  # time.monotonic() of the last frame


class LiveCoach:
    """One webcam stream: tracking, the engine and the overlay."""

    def __init__(self, foot_axis: FootAxis | float, technique_name: str | None = None,
                 session: Session | None = None):
        self._lock = threading.Lock()
        self._session = session or Session(foot_axis, technique_name)
        self._painter = LivePainter(self._session.technique.name)
        self._wall: deque = deque()
        self._snapshot = LiveSnapshot(self._session.technique.name, 0, None, 0.0, None)
        self._closed = False

    @property
    def technique_name(self) -> str:
        return self._session.technique.name

    @property
    def foot_axis(self) -> FootAxis:
        """The axis the next frame is judged by."""
        return self._session.foot_axis

    def prewarm(self) -> None:
        """Load the hand model now (seconds on a busy machine), not in the camera's first frame."""
        self._session.tracker  # noqa: B018 - made on first use

    def latest_hand(self) -> np.ndarray | None:
        """The working hand's 21 landmarks (pixels) in the last analysed frame, or None."""
        latest = self._session.latest
        return None if latest is None or latest.observation is None else latest.observation.xy

    def set_foot_axis(self, foot_axis: FootAxis | float) -> None:
        """A new foot axis applies from the next frame (the past keeps the axis it was judged by)."""
        self._session.set_foot_axis(foot_axis)

    def process(self, rgb: np.ndarray, t: float | None) -> np.ndarray:
        """Analyse one camera frame taken at ``t`` seconds; return it with the overlay drawn."""
        with self._lock:
            if self._closed:
                return rgb
            result = self._session.process(rgb, t)
            now = time.monotonic()
            self._wall.append(now)
            while self._wall and now - self._wall[0] > FPS_WINDOW_S:
                self._wall.popleft()
            fps = (len(self._wall) - 1) / (self._wall[-1] - self._wall[0]) if len(self._wall) > 1 else 0.0
            self._snapshot = LiveSnapshot(self.technique_name, result.i + 1, result.verdict, fps, now)
            return self._painter.paint(rgb, result)

    def snapshot(self) -> LiveSnapshot:
        with self._lock:
            return self._snapshot

    def report(self) -> Report:
        """The causal report of everything seen so far (kept when the camera stops)."""
        return self._session.report(source="webcam", causal=True)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._session.close()
