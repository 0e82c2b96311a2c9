"""LiveCoach: the per-stream object behind the webcam page (no Streamlit in it).

The webcam callback runs in a worker thread and is replaced on every page
rerun, so everything that must survive lives here: one Session (one tracker),
the painter with its trail, the running figures. The callback stays thin:
``rgb_out = coach.process(rgb_in, t)``. The page thread reads ``snapshot()``,
an immutable copy taken under a lock.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from .coach.techniques import DEFAULT_TECHNIQUE, correction, quality, technique
from .coach.cues import CueSelector
from .core.motion import NO_HAND, STROKE_LABELS
from .io.overlay import LivePainter
from .pipeline import Session
from .core.report import Report
from .coach.scoring import TechniqueScorer, coaching_section

FPS_WINDOW_S = 2.0


@dataclass(frozen=True)
class LiveSnapshot:
    """What the page shows beside the video, a few times a second."""

    frames: int
    t: float | None
    label: str
    quality: str
    technique: str
    good_s: float  # time spent doing the technique right
    stroking_s: float
    rate_per_min: float | None
    amplitude_palm: float | None
    angle_to_grain_deg: float | None
    hold_s: float
    longest_hold_s: float
    correction: str | None
    fps: float  # frames processed a second, over the last two seconds
    last_frame_wall: float | None  # time.monotonic() of the last frame
    # coaching (vision/scoring.py, vision/cues.py); `correction` above is the cue chosen with
    # priority, cooldown and fading, `raw_correction` the most important one this very frame
    score: float | None = None  # 0..100 so far
    components: tuple = ()  # ((name, 0..1), ...)
    raw_correction: str | None = None
    cue_skill: float = 0.0  # how faded the cues are (0..1)
    hold_good_s: float | None = None  # the hold timer: counts only while the hold is good
    holds_completed: int = 0
    hold_paused: str | None = None
    guide: str | None = None  # routine guidance: side switch, toe curls, hold done
    side: str | None = None
    side_work_s: tuple = ()  # time under work per side
    reps_done: int | None = None


class LiveCoach:
    """One webcam stream: tracking, analysis, overlay and running figures."""

    def __init__(self, foot_axis_deg: float, technique_name: str = DEFAULT_TECHNIQUE, session: Session | None = None):
        self._lock = threading.Lock()
        self._session = session or Session(foot_axis_deg)
        self._technique = technique(technique_name)
        self._painter = LivePainter(foot_axis_deg, technique_name)
        self._scorer = TechniqueScorer(self._technique)
        self._cues = CueSelector()
        self._last_t: float | None = None
        self._good_s = 0.0
        self._stroking_s = 0.0
        self._longest_hold_s = 0.0
        self._wall: deque = deque()
        self._snapshot = LiveSnapshot(0, None, NO_HAND, "idle", self._technique.name, 0.0, 0.0, None, None,
                                      None, 0.0, 0.0, None, 0.0, None)
        self._closed = False

    def configure(self, foot_axis_deg: float, technique_name: str) -> None:
        """Follow the sidebar: a new foot axis or technique applies from the next frame."""
        with self._lock:
            self._session.set_foot_axis(foot_axis_deg)
            self._painter.foot_axis_deg = self._session.foot_axis_deg
            if technique_name != self._technique.name:
                self._technique = technique(technique_name)
                self._painter = LivePainter(self._session.foot_axis_deg, technique_name)
                self._scorer = TechniqueScorer(self._technique)  # scored afresh from the change
                self._cues = CueSelector()

    def process(self, rgb: np.ndarray, t: float) -> np.ndarray:
        """Analyse one camera frame taken at ``t`` seconds; return it with the overlay drawn."""
        with self._lock:
            if self._closed:
                return rgb
            # Late, repeated or out-of-order frames are held at the last time (as the decoder
            # does for files): the report's times never run backwards, durations never go negative.
            if not math.isfinite(t):
                t = 0.0 if self._last_t is None else self._last_t
            elif self._last_t is not None and t < self._last_t:
                t = self._last_t
            result = self._session.process(rgb, t)
            hold_s = self._account(result)
            return self._painter.paint(rgb, result, hold_s=hold_s)

    def _account(self, result) -> float | None:
        """Update the running figures; return the hold time the overlay's ring should show."""
        state = result.state
        dt = 0.0 if self._last_t is None else min(max(result.t - self._last_t, 0.0), 0.5)
        self._last_t = result.t
        if state.label in self._technique.good_labels:
            self._good_s += dt
        if state.label in STROKE_LABELS:
            self._stroking_s += dt
        now = time.monotonic()
        self._wall.append(now)
        while self._wall and now - self._wall[0] > FPS_WINDOW_S:
            self._wall.popleft()
        fps = (len(self._wall) - 1) / (self._wall[-1] - self._wall[0]) if len(self._wall) > 1 else 0.0
        progress = self._scorer.update(state)
        cue = self._cues.update(result.t, list(progress.wanted))
        holding = self._technique.kind == "hold"
        # For a hold technique, the ring and "longest hold" show the hold timer that
        # pauses while sliding, the same one as the panel; otherwise the analyzer's.
        self._longest_hold_s = max(self._longest_hold_s,
                                   self._scorer.longest_good_hold_s if holding else state.hold_s)
        self._snapshot = LiveSnapshot(
            frames=result.i + 1, t=result.t, label=state.label, quality=quality(state, self._technique),
            technique=self._technique.name, good_s=self._good_s, stroking_s=self._stroking_s,
            rate_per_min=state.rate_per_min, amplitude_palm=state.amplitude_palm,
            angle_to_grain_deg=state.angle_to_grain_deg, hold_s=state.hold_s,
            longest_hold_s=self._longest_hold_s, correction=cue.text,
            fps=fps, last_frame_wall=now,
            score=progress.score, components=tuple(progress.components.items()),
            raw_correction=correction(state, self._technique), cue_skill=cue.skill,
            hold_good_s=progress.hold_good_s if holding else None, holds_completed=progress.holds_completed,
            hold_paused=progress.hold_paused, guide=progress.guide,
            side=progress.side.side if progress.side else None,
            side_work_s=progress.side.work_s if progress.side else (),
            reps_done=progress.reps.reps_done if progress.reps else None,
        )
        return progress.hold_good_s if holding else None

    def snapshot(self) -> LiveSnapshot:
        with self._lock:
            return self._snapshot

    def report(self) -> Report:
        """The causal report of everything seen so far (kept when the camera stops)."""
        report = self._session.report(source="webcam", causal=True)
        with self._lock:
            report.technique = self._technique.name
            report.coaching = coaching_section(self._technique, self._scorer)
        return report

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._session.close()
