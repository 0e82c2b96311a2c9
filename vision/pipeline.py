"""Session: the one path from frames to verdicts, shared by the webcam, uploads and the CLI.

``Session.process(rgb, t)`` tracks the hand and steps the engine once; the
verdict is kept in a compact log. ``Session.report()`` builds the Report from
that log once (offline: the motion stream relabelled looking ahead, then the
same judging stages run over it). ``analyze_video`` drives a Session over a file.

Offline, the stream may also look back on the hand: the frames in which the
working hand was already seen before the gate believed it (its consistent
streak, vision/core/hands.py) carry that hand into the relabelled stream.
The live verdicts of those frames stay as they were shown.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from .coach.scoring import coaching_section
from .coach.techniques import technique
from .core.axis import FootAxis
from .core.framelog import FrameLog
from .core.landmarks import HandObservation
from .core.motion import MotionParams
from .core.offline import offline_relabel
from .core.report import Report
from .core.timebase import Tick
from .core.segments import MIN_HOLD_S, axis_spans, build_segments, summarize
from .core.verdict import FrameVerdict
from .engine import Engine, Judge
from .io.parallel_tracking import track_video
from .io.tracking import HandTracker, TrackerOptions
from .io.video import iter_frames, prefetch, probe

ProgressFn = Callable[[int, int | None], None]


@dataclass(frozen=True)
class FrameResult:
    """What one frame produced: the hand the tracker saw (or None) and the verdict."""

    observation: HandObservation | None
    verdict: FrameVerdict

    @property
    def i(self) -> int:
        return self.verdict.i

    @property
    def t(self) -> float:
        return self.verdict.t


def as_axis(foot_axis: FootAxis | float) -> FootAxis:
    return foot_axis if isinstance(foot_axis, FootAxis) else FootAxis.typed(foot_axis)


class Session:
    """One stream's tracker, engine and verdict log. Not shared between streams.

    ``process`` may run in a worker thread while another thread reads
    ``latest`` or ``report``: both are guarded by a lock. The foot axis set
    with ``set_foot_axis`` applies from the next frame on, never to the past.
    """

    def __init__(self, foot_axis: FootAxis | float, technique_name: str | None = None,
                 tracker: HandTracker | None = None, params: MotionParams = MotionParams(),
                 tracker_options: TrackerOptions = TrackerOptions(), keep_landmarks: bool = False):
        self.params = params
        self.technique = technique(technique_name)
        self._axis = as_axis(foot_axis)
        self._tracker = tracker
        self._tracker_options = tracker_options
        self._owns_tracker = tracker is None
        self._engine = Engine(self.technique, params)
        self._log = FrameLog()
        self._landmarks: list[np.ndarray | None] | None = [] if keep_landmarks else None
        self._backfill: dict[int, HandObservation] = {}  # frame index -> the hand seen before it was believed
        self._latest: FrameResult | None = None
        self._lock = threading.Lock()
        self._tracker_lock = threading.Lock()

    @property
    def tracker_options(self) -> TrackerOptions:
        return self._tracker_options

    def use_tracker(self, tracker: HandTracker) -> None:
        """Track with ``tracker`` (lent by the caller, who closes it) before the first frame."""
        with self._lock:
            if self._tracker is not None or len(self._log):
                raise RuntimeError("a session's tracker is chosen before its first frame")
            self._tracker, self._owns_tracker = tracker, False

    @property
    def tracker(self) -> HandTracker:
        """The hand tracker, its model loaded on first use (from any thread: made once)."""
        with self._tracker_lock:
            if self._tracker is None:
                self._tracker = HandTracker(options=self._tracker_options)
            return self._tracker

    @property
    def foot_axis(self) -> FootAxis:
        with self._lock:
            return self._axis

    def set_foot_axis(self, foot_axis: FootAxis | float) -> None:
        with self._lock:
            self._axis = as_axis(foot_axis)

    def process(self, rgb: np.ndarray, t: float) -> FrameResult:
        """Track and analyse one RGB frame taken at ``t`` seconds (its own time; made monotonic here)."""
        with self._lock:
            tick = self._engine.tick(t)
        hands = self.tracker.process_all(rgb, tick.t)
        return self.add_observation(hands, tick)

    def add_observation(self, obs: list[HandObservation] | HandObservation | None, t: float | Tick) -> FrameResult:
        """Advance with the hands already tracked in a frame (a list, one hand, or None: no hand)."""
        with self._lock:
            verdict = self._engine.step(obs, t, self._axis)
            self._log.append(verdict)
            obs = self._engine.hand_shown(obs)
            if self._landmarks is not None:
                self._landmarks.append(None if obs is None else obs.xy.copy())
            for earlier_t, earlier in self._engine.backfilled():
                k = self._log.recent_index(earlier_t)
                if k is not None:
                    self._backfill[k] = earlier
                    if self._landmarks is not None:  # kept for the offline video only, which looks back too
                        self._landmarks[k] = earlier.xy.copy()
            self._latest = FrameResult(obs, verdict)
            return self._latest

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
        """The report of everything processed so far, built once from the verdicts."""
        with self._lock:
            if not causal:
                motion = [with_hand(self._log.motion_verdict(i), self._backfill.get(i)) for i in range(len(self._log))]
            else:
                records = self._log.records()
                holds = self._engine.judge.holds_so_far()
                last = self._engine.judge.last
        if not causal:
            return offline_report(motion, self.technique.name, self.params, source, fps)
        return build_report(records, holds, last, self.technique.name, source, fps)

    def close(self) -> None:
        if self._owns_tracker and self._tracker is not None:
            self._tracker.close()
            self._tracker = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def with_hand(v: FrameVerdict, obs: HandObservation | None) -> FrameVerdict:
    """A motion verdict without a hand given the hand seen there after all (offline back-fill)."""
    if obs is None or v.thumb_xy is not None:
        return v
    tip = obs.thumb_tip
    joints = obs.thumb_joints_xy
    return replace(v, thumb_xy=(float(tip[0]), float(tip[1])), joints_xy=(float(joints[0]), float(joints[1])),
                   palm_px=obs.palm_width_px)


def build_report(records: list, holds: list, last: FrameVerdict | None, technique_name: str, source: str,
                 fps: float | None) -> Report:
    """The Report of a stream: frames, segments, holds, summary and coaching, all from its verdicts."""
    segments = build_segments(records)
    holds = [h for h in holds if h.duration_s >= MIN_HOLD_S]
    span = records[-1].t - records[0].t if records else 0.0
    measured = (len(records) - 1) / span if len(records) > 1 and span > 0 else None
    # The rate the frames really came at, from their own times (one owner for every path: a
    # webcam has no container, MJPEG AVIs claim 1000 fps, phone videos vary); a container's
    # nominal rate only where there is nothing to measure.
    fps = measured or (fps if fps and fps > 0 else 0.0)
    tech = technique(technique_name)
    coaching = coaching_section(tech, last.coaching if last is not None else None)
    return Report(source=source, fps=fps, duration_s=sum(r.credited_s for r in records),
                  foot_axis_deg=records[0].foot_axis_deg if records else 0.0, frames=records,
                  segments=segments, holds=holds, summary=summarize(records, segments, holds),
                  technique=tech.name, coaching=coaching, axes=axis_spans(records))


def judged_report(motion: list[FrameVerdict], technique_name: str, source: str, fps: float | None) -> Report:
    """The report of a stream of motion verdicts, judged (holds, coaching) by fresh stages."""
    judge = Judge(technique_name)
    log = FrameLog()
    for v in motion:
        log.append(judge.judge(v))
    return build_report(log.records(), judge.holds_so_far(), judge.last, technique_name, source, fps)


def offline_report(motion: list[FrameVerdict], technique_name: str, params: MotionParams, source: str,
                   fps: float | None) -> Report:
    """Relabel the motion stream looking ahead, then judge it as a live stream would be."""
    return judged_report(offline_relabel(motion, params), technique_name, source, fps)


FOLLOW_THE_FOOT = "auto"


def analyze_video(path: str | Path, foot_axis: FootAxis | float | str, causal: bool = False,
                  progress: ProgressFn | None = None, annotated_path: str | Path | None = None,
                  params: MotionParams = MotionParams(), max_side: int | None = 1280,
                  technique_name: str | None = None, source: str | None = None,
                  tracking_workers: int = 2, open_tracker: Callable | None = None) -> Report:
    """Analyse a video file. Raises video.VideoError for a file that cannot be read.

    ``open_tracker()``: a context manager lending a tracker for the video's ranges (a batch
    worker's, vision/batch/trackers.py); by default each range makes a new one.

    ``source`` names the video in the report (default: the file's name; an
    upload's is the name the user gave it, never its temporary path).
    ``tracking_workers`` 2 tracks the video's two time ranges at once (the
    report is the same with 1: batches run one video a core).
    ``foot_axis`` "auto" finds the foot's axis in the first seconds and follows
    it through the video (vision/axis): each frame is judged against the axis
    found in its own picture. Raises axis.source.AxisNotFound if there is none.
    """
    path = Path(path)
    info = probe(path)
    followed = None
    if isinstance(foot_axis, str):
        if foot_axis != FOLLOW_THE_FOOT:
            raise ValueError(f"foot axis must be degrees, a FootAxis or {FOLLOW_THE_FOOT!r}, got {foot_axis!r}")
        from .axis.source import FollowedAxis, starting_axis
        followed = FollowedAxis(starting_axis(path, open_tracker=open_tracker))
        foot_axis = followed.start
    total = info.frame_count
    annotate_live = annotated_path is not None and causal
    keep = annotated_path is not None and not causal
    writer = painter = None
    if annotate_live:
        from .io.overlay import LivePainter
        from .io.video import VideoWriter
        writer = VideoWriter(annotated_path, fps=info.fps)
        painter = LivePainter(technique_name)
    try:
        with contextlib.ExitStack() as lent, \
                Session(foot_axis, technique_name, params=params, keep_landmarks=keep) as session:
            if writer is None and followed is None:  # nothing here needs the pixels: track on both cores
                for tracked in track_video(path, tracking_workers, max_side, session.tracker_options, progress,
                                           open_tracker=open_tracker):
                    session.add_observation(tracked.hands, tracked.t)
            else:
                if open_tracker is not None:  # the frames' one tracker: the lent one, not a new one
                    session.use_tracker(lent.enter_context(open_tracker()))
                for frame in prefetch(iter_frames(path, max_side=max_side)):
                    if followed is not None:
                        hands = session.tracker.process_all(frame.rgb, frame.t)
                        session.set_foot_axis(followed.axis_for(frame.rgb, frame.t, [h.xy for h in hands]))
                        result = session.add_observation(hands, frame.t)
                    else:
                        result = session.process(frame.rgb, frame.t)
                    if writer is not None:
                        writer.write(painter.paint(frame.rgb, result), frame.t)
                    if progress is not None:
                        progress(frame.i + 1, total)
            report = session.report(source=source or path.name, fps=info.fps, causal=causal)
            if keep:
                from .io.overlay import render_report_video
                render_report_video(path, report, session.landmarks, annotated_path, max_side=max_side)
    finally:
        if writer is not None:
            writer.close()
    return report
