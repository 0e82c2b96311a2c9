"""FramePacer: which live frames to analyse when the machine cannot analyse them all.

streamlit-webrtc hands every camera frame to the callback (in bursts when it is
busy); a machine slower than the camera falls further and further behind. The
pacer analyses an *even* subset of the frames (at a share of 0.4, two frames in
five, spread out), and sets the share analysed from how late the frames reach it (the stream's
delay beyond its usual, ``behind_s``): while the stream keeps up the share
grows (additively, ``increase_per_s``), while it falls behind the share is cut
(by ``decrease`` at most every ``cut_every_s``). Wall-time costs of single
frames are no guide here: the callback shares the interpreter with the page
and the WebRTC threads, and under load a frame that does nothing can take
0.4 s. The delay says what the whole machine manages.

Skipped frames are never fed to the analyzer: a gap in time, never a still thumb.
Pure logic: times are passed in, so tests can script them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ..core.motion import MotionParams

MIN_JUDGE_FPS = MotionParams().min_judge_fps  # fewer analysed frames a second: too slow to tell strokes from holds
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
    """``decide(t, behind_s)`` once per frame, in order; ``record(t, analysed)`` once it is done."""

    def __init__(self, behind_ok_s: float = 0.12, behind_hard_s: float = 1.0, min_share: float = 0.15,
                 increase_per_s: float = 0.3, decrease: float = 0.75, cut_every_s: float = 0.3,
                 min_fps: float = MIN_JUDGE_FPS):
        self.behind_ok_s = behind_ok_s  # a delay up to this is keeping up
        self.behind_hard_s = behind_hard_s  # past this, nothing is analysed until caught up
        self.min_share = min_share
        self.increase_per_s = increase_per_s
        self.decrease = decrease
        self.cut_every_s = cut_every_s
        self.min_fps = min_fps
        self.share = 1.0
        self._last_t: float | None = None
        self._last_cut_t = float("-inf")
        self._credit = 0.0
        self._started = False
        self._frames: deque = deque()  # (t, analysed)

    def decide(self, t: float, behind_s: float = 0.0) -> bool:
        """Analyse the frame taken at stream time ``t``?"""
        dt = t - self._last_t if self._last_t is not None and t > self._last_t else None
        self._last_t = t
        if behind_s > self.behind_ok_s:
            if t - self._last_cut_t >= self.cut_every_s:
                self.share = max(self.min_share, self.share * self.decrease)
                self._last_cut_t = t
        elif dt is not None:
            self.share = min(1.0, self.share + self.increase_per_s * min(dt, 0.5))
        if behind_s > self.behind_hard_s and self._started:
            return False
        # even spacing (a credit of ``share`` a frame, one analysed frame per whole credit): at
        # share 0.5 every other frame, at 0.4 two in five, never a burst followed by a gap
        self._credit += self.share
        if not self._started or self._credit >= 1.0:
            self._credit = max(self._credit - 1.0, 0.0)
            self._started = True
            return True
        return False

    def record(self, t: float, analysed: bool) -> None:
        self._frames.append((t, analysed))
        while self._frames and t - self._frames[0][0] > WINDOW_S:
            self._frames.popleft()

    def stats(self) -> PacingStats:
        frames = list(self._frames)
        if len(frames) < 2 or frames[-1][0] <= frames[0][0]:
            return PacingStats(0.0, 0.0, 1.0, False, self.min_fps)
        span = frames[-1][0] - frames[0][0]
        camera = (len(frames) - 1) / span
        analysed_n = sum(1 for _, a in frames if a)
        analysed = analysed_n * camera / len(frames)
        return PacingStats(camera_fps=camera, analysed_fps=analysed, analysed_share=analysed_n / len(frames),
                           too_slow=span >= 0.9 * WINDOW_S and analysed < self.min_fps, min_fps=self.min_fps)
