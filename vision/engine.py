"""The engine: one step a frame, one immutable FrameVerdict out (design.md section 2).

    Engine.step(observation | None, t, foot_axis) -> FrameVerdict

Stages, each computing its figures once:

    clock     time made monotonic, and the seconds each frame accounts for
    gate      a real hand, the one being followed (toes are refused)
    motion    stroke or hold, direction, angle to the grain, rate, amplitude
    other     when both thumbs work, the second one's motion verdict too
    holds     when the thumb came to rest and left, drift
    coaching  right or wrong for the technique, score, progress, hold timer, cue

``Judge`` is the part after motion: offline analysis relabels the motion
stream looking ahead and runs the same Judge over it, so a report's holds,
score and debrief come from the same code whether the labels were live or not.
Pure: no tracker, no video, no Streamlit.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from .coach.scoring import CoachingStage
from .coach.techniques import Technique
from .core.axis import FootAxis
from .core.gating import HandIdentityGate
from .core.holds import Hold, HoldStage
from .core.labels import Label
from .core.landmarks import HandObservation
from .core.motion import MotionParams, MotionState, StrokeAnalyzer
from .core.other_thumb import OtherThumbs
from .core.timebase import FrameClock, Tick
from .core.verdict import FrameVerdict, OtherThumb


class Judge:
    """Holds and coaching over a stream of motion verdicts (live, or relabelled offline)."""

    def __init__(self, technique_name: str | Technique | None = None):
        self._holds = HoldStage()
        self._coaching = CoachingStage(technique_name)
        self.holds: list[Hold] = []  # holds as they ended, a continued hold again with a later end
        self._last: FrameVerdict | None = None

    @property
    def technique(self) -> Technique:
        return self._coaching.tech

    def judge(self, v: FrameVerdict) -> FrameVerdict:
        """``v`` with its hold and coaching fields filled in (its motion fields are kept)."""
        hold = self._holds.step(v.t, v.label == Label.HOLD, v.thumb_xy, v.palm_px)
        if hold.ended is not None:
            self.holds.append(hold.ended)
        coaching = self._coaching.step(v.t, v.credited_s, v.label, v.rate_per_min, v.amplitude_palm, hold)
        out = replace(v, hold_s=hold.hold_s, hold_start_s=hold.start_s, hold_drift_palm=hold.drift_palm,
                      hold_ended=hold.ended, coaching=coaching)
        self._last = out
        return out

    @property
    def last(self) -> FrameVerdict | None:
        return self._last

    def holds_so_far(self) -> list[Hold]:
        """The holds of the stream so far, the one in progress ended at the last frame; each once.

        Does not change the stage: a live stream may go on after a report.
        """
        ended = list(self.holds)
        if self._last is not None:
            in_progress = copy.deepcopy(self._holds).flush(self._last.t)
            if in_progress is not None:
                ended.append(in_progress)
        by_start: dict[float, Hold] = {}
        for h in ended:
            by_start[h.start_s] = h  # a continued hold ended again, later: keep the last
        return sorted(by_start.values(), key=lambda h: h.start_s)


def motion_verdict(i: int, tick: Tick, m: MotionState, axis: FootAxis,
                   other_thumb: OtherThumb | None = None) -> FrameVerdict:
    """The verdict's motion fields from the analyzer's state (holds and coaching still empty)."""
    return FrameVerdict(
        i=i, t=tick.t, credited_s=tick.credited_s, label=Label(m.label), axis=axis, thumb_xy=m.thumb_xy,
        joints_xy=m.joints_xy, palm_px=m.palm_px if m.thumb_xy is not None else None,
        stroke_angle_deg=m.stroke_angle_deg, angle_to_grain_deg=m.angle_to_grain_deg,
        rate_per_min=m.rate_per_min, amplitude_palm=m.amplitude_palm, other_thumb=other_thumb,
    )


class Engine:
    """One stream's stages. Not shared between streams; not thread-safe (the Session locks)."""

    def __init__(self, technique_name: str | Technique | None = None,
                 params: MotionParams = MotionParams()):
        self.params = params
        self._clock = FrameClock()
        self._gate = HandIdentityGate()
        self._motion = StrokeAnalyzer(90.0, params)
        self._others = OtherThumbs(params)
        self.judge = Judge(technique_name)
        self._i = 0
        self._working_id: int | None = None  # the hand whose thumb the analyzer follows

    def tick(self, t: float | None) -> Tick:
        """The frame's time, made monotonic: the one rule, applied where frames enter."""
        return self._clock(t)

    def hand_shown(self, found) -> HandObservation | None:
        """The hand to draw for the last step: the working one, else the most confident found."""
        selection = self._gate.selection
        if selection is not None and selection.working is not None:
            return selection.working
        if isinstance(found, HandObservation) or not found:
            return found or None
        return found[0]

    def backfilled(self) -> list[tuple[float, HandObservation]]:
        """(t, hand) of earlier frames where the working hand believed at the last step was already seen.

        Its streak before belief (vision/core/hands.py): for views that may look
        back (the offline report); the live verdicts of those frames stay as shown.
        """
        selection = self._gate.selection
        if selection is None or not selection.backfill or selection.working is None:
            return []
        working_id = selection.working_ids[0]
        return [(t, obs) for track_id, t, obs in selection.backfill if track_id == working_id]

    def step(self, obs: list[HandObservation] | HandObservation | None, t: float | Tick | None,
             foot_axis: FootAxis) -> FrameVerdict:
        """One frame; ``t`` its own time in seconds (or the Tick ``tick`` already made of it)."""
        tick = t if isinstance(t, Tick) else self._clock(t)
        obs = self._gate.accept(obs, tick.t)
        working_ids = self._gate.selection.working_ids
        if working_ids and working_ids[0] != self._working_id:
            if self._working_id is not None:
                self._motion.another_thumb()  # the toes believed first, or the holding hand, gave way
            self._working_id = working_ids[0]
        for earlier_t, earlier in self.backfilled():  # the hand's frames before belief: evidence, not verdicts
            self._motion.observe_past(earlier, earlier_t)
        self._motion.set_foot_axis(foot_axis.deg)
        state = self._motion.update(obs, tick.t)
        other = self._others.step(self._gate.selection, tick.t, foot_axis.deg)
        verdict = self.judge.judge(motion_verdict(self._i, tick, state, foot_axis, other))
        self._i += 1
        return verdict
