"""Session: the one path from frames to verdicts, shared by the webcam, uploads and the CLI.

``Session.process(rgb, t)`` tracks the hand, advances the causal analyzer and
keeps a compact record of every frame. ``analyze_video`` drives a Session over
a file and returns the Report; offline it relabels the frames looking ahead.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from .core.framelog import FrameLog
from .core.gating import HandIdentityGate
from .core.landmarks import HandObservation
from .core.motion import HOLD, NO_HAND, STROKE_LABELS, MotionParams, MotionState, StrokeAnalyzer
from .core.report import FrameRecord, Report
from .core.segments import build_segments, stroke_cycles, summarize
from .io.tracking import HandTracker, TrackerOptions
from .io.video import iter_frames, prefetch, probe

ProgressFn = Callable[[int, int | None], None]


@dataclass(frozen=True)
class FrameResult:
    """What one frame produced: its index and time, the hand (or None) and the verdict."""

    i: int
    t: float
    observation: HandObservation | None
    state: MotionState


class Session:
    """One stream's tracker, analyzer and record. Not shared between streams.

    ``process`` may run in a worker thread while another thread reads
    ``latest`` or ``report``: both are guarded by a lock.
    """

    def __init__(self, foot_axis_deg: float, tracker: HandTracker | None = None,
                 params: MotionParams = MotionParams(), tracker_options: TrackerOptions = TrackerOptions(),
                 keep_landmarks: bool = False):
        self.foot_axis_deg = float(foot_axis_deg) % 180.0
        self.params = params
        self._tracker = tracker
        self._tracker_options = tracker_options
        self._owns_tracker = tracker is None
        self._analyzer = StrokeAnalyzer(self.foot_axis_deg, params)
        self._gate = HandIdentityGate()
        self._log = FrameLog()
        self._landmarks: list[np.ndarray | None] | None = [] if keep_landmarks else None
        self._latest: FrameResult | None = None
        self._lock = threading.Lock()

    @property
    def tracker(self) -> HandTracker:
        if self._tracker is None:
            self._tracker = HandTracker(options=self._tracker_options)
        return self._tracker

    def set_foot_axis(self, foot_axis_deg: float) -> None:
        with self._lock:
            self.foot_axis_deg = float(foot_axis_deg) % 180.0
            self._analyzer.set_foot_axis(self.foot_axis_deg)

    def process(self, rgb: np.ndarray, t: float) -> FrameResult:
        """Track and analyse one RGB frame taken at ``t`` seconds."""
        obs = self.tracker.process(rgb, t)
        return self.add_observation(obs, t)

    def add_observation(self, obs: HandObservation | None, t: float) -> FrameResult:
        """Advance with an already tracked observation (or None: no hand)."""
        with self._lock:
            obs = self._gate.accept(obs)
            state = self._analyzer.update(obs, t)
            i = len(self._log)
            self._log.append(state.t, state.label, state.angle_to_grain_deg, state.thumb_xy,
                             state.palm_px if obs is not None else None, state.joints_xy)
            if self._landmarks is not None:
                self._landmarks.append(None if obs is None else obs.xy.copy())
            result = FrameResult(i=i, t=t, observation=obs, state=state)
            self._latest = result
            return result

    @property
    def latest(self) -> FrameResult | None:
        with self._lock:
            return self._latest

    @property
    def frame_count(self) -> int:
        with self._lock:
            return len(self._log)

    def landmarks(self, i: int) -> np.ndarray | None:
        return None if self._landmarks is None else self._landmarks[i]

    def report(self, source: str = "live", fps: float | None = None, causal: bool = True) -> Report:
        """The report of everything processed so far (offline relabelling when not causal)."""
        with self._lock:
            records = self._log.records()
            foot_axis = self.foot_axis_deg
        if not causal:
            records = offline_relabel(records, foot_axis, self.params)
        return build_report(records, source=source, foot_axis_deg=foot_axis, fps=fps)

    def close(self) -> None:
        if self._owns_tracker and self._tracker is not None:
            self._tracker.close()
            self._tracker = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def build_report(records: list[FrameRecord], source: str, foot_axis_deg: float, fps: float | None) -> Report:
    segments, holds = build_segments(records, foot_axis_deg)
    duration = segments[-1].end_s if segments else 0.0
    span = records[-1].t - records[0].t if records else 0.0
    measured = (len(records) - 1) / span if len(records) > 1 and span > 0 else None
    # The container's nominal rate, unless the timestamps say otherwise (MJPEG AVIs claim
    # 1000 fps, phone videos vary): then the rate the frames really came at.
    if fps is None or fps <= 0 or (measured and abs(fps - measured) > 0.25 * measured):
        fps = measured or 0.0
    return Report(source=source, fps=fps, duration_s=duration, foot_axis_deg=foot_axis_deg,
                  frames=records, segments=segments, holds=holds,
                  summary=summarize(records, segments, holds))


def offline_relabel(records: list[FrameRecord], foot_axis_deg: float, params: MotionParams) -> list[FrameRecord]:
    """Labels that may look ahead: the causal analyzer run forwards and backwards.

    Each pass is late in its own direction of time, so where the two disagree
    (around a change) the first half of the disagreement keeps the forward
    label and the second half takes the backward one: the change lands
    between the two late guesses. Nobody waits for these labels, so both
    passes look at motion over ``offline_motion_window_s``: small, slow
    strokes then keep their label through their slow turns.
    """
    if not records:
        return records
    params = replace(params, motion_window_s=params.offline_motion_window_s)
    forward_analyzer = StrokeAnalyzer(foot_axis_deg, params)
    records = [_relabelled(r, forward_analyzer.update_thumb(r.t, r.thumb_xy, r.palm_px, r.joints_xy))
               for r in records]
    end = records[-1].t
    backward_analyzer = StrokeAnalyzer(foot_axis_deg, params)
    backward: list[FrameRecord] = [None] * len(records)  # type: ignore[list-item]
    for k in range(len(records) - 1, -1, -1):
        r = records[k]
        backward[k] = _relabelled(r, backward_analyzer.update_thumb(end - r.t, r.thumb_xy, r.palm_px, r.joints_xy))
    out: list[FrameRecord] = []
    k = 0
    n = len(records)
    while k < n:
        if records[k].label == backward[k].label:
            out.append(records[k])
            k += 1
            continue
        j = k
        while j < n and records[j].label != backward[j].label:
            j += 1
        # A disagreement at either end of the video, or of a stretch with a
        # hand in view, belongs to the pass that is not still warming up there;
        # elsewhere the change goes in the middle.
        if k == 0 or records[k - 1].label == NO_HAND:
            middle_t = float("-inf")
        elif j == n or records[j].label == NO_HAND:
            middle_t = float("inf")
        else:
            middle_t = (records[k].t + records[j - 1].t) / 2.0
        for m in range(k, j):
            out.append(records[m] if records[m].t <= middle_t else backward[m])
        k = j
    return strokes_must_repeat(out, min_amplitude_palm=math.sqrt(2.0) * params.move_on_std_palm)


def _relabelled(record: FrameRecord, state: MotionState) -> FrameRecord:
    """The record with another pass's verdict (kept as records: a MotionState is several times larger)."""
    if record.label == state.label and record.angle_to_grain_deg == state.angle_to_grain_deg:
        return record
    return replace(record, label=state.label, angle_to_grain_deg=state.angle_to_grain_deg)


MIN_STROKE_HALF_CYCLES = 3


def strokes_must_repeat(records: list[FrameRecord], min_amplitude_palm: float = 0.0) -> list[FrameRecord]:
    """Offline only: a stretch of "strokes" between holds that never goes to and fro is a hold.

    Landmark wander during a hold (design.md: skin on skin) can look like a
    short stroke to a live view; with the whole stretch in hand, a real stroke
    shows at least ``MIN_STROKE_HALF_CYCLES`` reversals, wander does not, and
    it is as large as motion must be to start a stroke live
    (``min_amplitude_palm``: a sine of the analyzer's starting spread).
    """
    out = list(records)
    n = len(out)
    k = 0
    while k < n:
        if out[k].label not in STROKE_LABELS:
            k += 1
            continue
        j = k
        while j < n and out[j].label in STROKE_LABELS:
            j += 1
        before = out[k - 1].label if k > 0 else None
        after = out[j].label if j < n else None
        if before in (HOLD, None) and after in (HOLD, None) and (before, after) != (None, None):
            found = stroke_cycles(out[k:j])
            repeated = (found is not None and found[1].half_cycles >= MIN_STROKE_HALF_CYCLES
                        and (found[1].amplitude or 0.0) >= min_amplitude_palm)
            if not repeated:
                for m in range(k, j):
                    out[m] = replace(out[m], label=HOLD, angle_to_grain_deg=None)
        k = j
    return out


def analyze_video(path: str | Path, foot_axis_deg: float, causal: bool = False,
                  progress: ProgressFn | None = None, annotated_path: str | Path | None = None,
                  params: MotionParams = MotionParams(), max_side: int | None = 1280,
                  technique_name: str = "cross_friction") -> Report:
    """Analyse a video file. Raises video.VideoError for a file that cannot be read."""
    path = Path(path)
    info = probe(path)
    total = info.frame_count
    annotate_live = annotated_path is not None and causal
    keep = annotated_path is not None and not causal
    writer = painter = None
    if annotate_live:
        from .io.overlay import LivePainter
        from .io.video import VideoWriter
        writer = VideoWriter(annotated_path, fps=info.fps)
        painter = LivePainter(foot_axis_deg, technique_name)
    try:
        with Session(foot_axis_deg, params=params, keep_landmarks=keep) as session:
            for frame in prefetch(iter_frames(path, max_side=max_side)):
                result = session.process(frame.rgb, frame.t)
                if writer is not None:
                    writer.write(painter.paint(frame.rgb, result), frame.t)
                if progress is not None:
                    progress(frame.i + 1, total)
            report = session.report(source=path.name, fps=info.fps, causal=causal)
            from .coach.scoring import coaching_for_report
            report.technique = technique_name
            report.coaching = coaching_for_report(report, technique_name)
            if keep:
                from .io.overlay import render_report_video
                render_report_video(path, report, session.landmarks, annotated_path, technique_name, max_side=max_side)
    finally:
        if writer is not None:
            writer.close()
    return report
