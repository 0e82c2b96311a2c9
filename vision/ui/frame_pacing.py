"""FramePacer: which live frames to analyse when the machine cannot analyse them all.

streamlit-webrtc hands every camera frame to the callback (in bursts when it is
busy); a machine slower than the camera falls further and further behind. The
pacer picks an *even* subset of frames, spaced in the frames' own time, as
many as the measured costs allow: with ``cost_analysed_s`` for an analysed
frame, ``cost_passed_s`` for one passed through with the last overlay redrawn,
and frames ``frame_interval_s`` apart, the share analysed is the largest ``f``
with ``f * cost_analysed + (1 - f) * cost_passed <= utilisation * interval``.
A stream that still falls behind (another process takes the CPU) is analysed
more sparsely until it catches up. Skipped frames are never fed to the
analyzer: a gap in time, never a still thumb.

Pure logic: times are passed in, so tests can script them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

MIN_JUDGE_FPS = 8.0  # fewer analysed frames a second than this: too slow to tell strokes from holds
WINDOW_S = 2.0  # rates are measured over this much stream time


@dataclass(frozen=True)
class PacingStats:
    """How the live analysis keeps up (rates over the last ``WINDOW_S`` of the stream's own time)."""

    camera_fps: float
    analysed_fps: float
    analysed_share: float
    too_slow: bool  # analysed_fps below min_fps, measured over a full window
    min_fps: float = MIN_JUDGE_FPS


class FramePacer:
    """``decide(t, behind_s)`` per frame, then ``record(analysed, cost_s)`` once the frame is done."""

    def __init__(self, utilisation: float = 0.85, min_share: float = 0.15, smoothing: float = 0.2,
                 behind_soft_s: float = 0.15, behind_hard_s: float = 1.0, min_fps: float = MIN_JUDGE_FPS):
        self.utilisation = utilisation  # of the camera's frame time we may spend (the rest: the page, the encoder)
        self.min_share = min_share  # never analyse fewer than this share of frames (unless over behind_hard_s)
        self.smoothing = smoothing  # weight of the newest cost in the running averages
        self.behind_soft_s = behind_soft_s  # from this delay on, analyse more sparsely
        self.behind_hard_s = behind_hard_s  # past this, analyse nothing until caught up
        self.min_fps = min_fps
        self.cost_analysed_s: float | None = None
        self.cost_passed_s: float | None = None
        self.frame_interval_s: float | None = None
        self._last_t: float | None = None
        self._next_t: float | None = None  # stream time from which the next frame is analysed
        self._frames: deque = deque()  # (t, analysed)
        self._warmed_up = False

    def share(self, behind_s: float = 0.0) -> float:
        """The share of frames to analyse now."""
        if self.cost_analysed_s is None or self.frame_interval_s is None:
            return 1.0
        passed = self.cost_passed_s if self.cost_passed_s is not None else 0.1 * self.cost_analysed_s
        budget = self.utilisation * self.frame_interval_s
        if self.cost_analysed_s <= budget:
            f = 1.0
        else:
            f = (budget - passed) / max(self.cost_analysed_s - passed, 1e-9)
        if behind_s > self.behind_soft_s:  # still falling behind: make room to catch up
            f *= max(0.3, 1.0 - (behind_s - self.behind_soft_s) / (self.behind_hard_s - self.behind_soft_s))
        return min(1.0, max(self.min_share, f))

    def decide(self, t: float, behind_s: float = 0.0) -> bool:
        """Analyse the frame taken at stream time ``t``? Call once per frame, in order."""
        if self._last_t is not None and t > self._last_t:
            dt = t - self._last_t
            if dt < 1.0:  # a stall is not the camera's rate
                self.frame_interval_s = dt if self.frame_interval_s is None else \
                    self.frame_interval_s + self.smoothing * (dt - self.frame_interval_s)
        self._last_t = t
        if behind_s > self.behind_hard_s and self._next_t is not None:
            return False
        interval = (self.frame_interval_s or 0.0) / self.share(behind_s)
        half_frame = 0.5 * (self.frame_interval_s or 0.0)
        if self._next_t is None or t + half_frame >= self._next_t:
            # even spacing: the next due time advances by the interval, not from this frame's time,
            # unless it fell a whole interval behind (then it starts again from here)
            base = self._next_t if self._next_t is not None and t - self._next_t < interval else t
            self._next_t = base + interval
            return True
        return False

    def record(self, t: float, analysed: bool, cost_s: float) -> None:
        """The wall time a frame took (analysed, or passed through with the overlay redrawn)."""
        if analysed and not self._warmed_up:
            self._warmed_up = True  # the first frame loads the model: not what a frame costs
        elif analysed:
            self.cost_analysed_s = self._ema(self.cost_analysed_s, cost_s)
        else:
            self.cost_passed_s = self._ema(self.cost_passed_s, cost_s)
        self._frames.append((t, analysed))
        while self._frames and t - self._frames[0][0] > WINDOW_S:
            self._frames.popleft()

    def _ema(self, old: float | None, new: float) -> float:
        return new if old is None else old + self.smoothing * (new - old)

    def stats(self) -> PacingStats:
        frames = list(self._frames)
        if len(frames) < 2 or frames[-1][0] <= frames[0][0]:
            return PacingStats(0.0, 0.0, 1.0, False, self.min_fps)
        span = frames[-1][0] - frames[0][0]
        camera = (len(frames) - 1) / span
        analysed_n = sum(1 for _, a in frames if a)
        analysed = analysed_n * camera / len(frames)
        full_window = span >= 0.9 * WINDOW_S
        return PacingStats(camera_fps=camera, analysed_fps=analysed, analysed_share=analysed_n / len(frames),
                           too_slow=full_window and analysed < self.min_fps, min_fps=self.min_fps)
