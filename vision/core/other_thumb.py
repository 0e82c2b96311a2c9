"""The other thumb: when both thumbs work, the second one is judged too.

The frame's verdict follows one working thumb (its label is the single
source of truth for coaching, holds and score). Self-massage is often done
with both thumbs together; when HandTracks says both work (vision/core/hands.py,
``both_working``), the second thumb gets its own motion verdict: stroke or
hold, its direction to the grain, rate and size, from a StrokeAnalyzer that
has followed that hand alone. Every other believed hand is followed too, so
that when a second thumb starts working its analyzer has already watched it
and judges it at once rather than settling for a second.

Pure: HandSelection and time in, OtherThumb out.
"""

from __future__ import annotations

from .hands import HandSelection
from .labels import Label
from .motion import MotionParams, StrokeAnalyzer
from .verdict import OtherThumb

FORGET_S = 2.0  # an analyzer whose hand has not been seen this long is dropped (tracks end after 0.5 s)


class OtherThumbs:
    """Call ``step`` once a frame after the gate, with its selection."""

    def __init__(self, params: MotionParams = MotionParams()):
        self.params = params
        self._analyzers: dict[int, tuple[StrokeAnalyzer, float]] = {}  # track id -> (analyzer, last seen t)

    def step(self, selection: HandSelection | None, t: float, foot_axis_deg: float) -> OtherThumb | None:
        """The second working thumb's verdict at ``t``, or None when only one thumb works."""
        if selection is None:
            return None
        primary = selection.working_ids[0] if selection.working_ids else None
        states = {}
        for hand in selection.hands:
            if hand.id == primary:
                continue
            seen = self._analyzers.get(hand.id)
            analyzer = seen[0] if seen is not None else StrokeAnalyzer(foot_axis_deg, self.params)
            analyzer.set_foot_axis(foot_axis_deg)
            states[hand.id] = analyzer.update(hand.observation, t)
            self._analyzers[hand.id] = (analyzer, t)
        self._analyzers = {k: v for k, v in self._analyzers.items() if t - v[1] <= FORGET_S}
        if not selection.both_working:
            return None
        state = states.get(selection.working_ids[1])
        if state is None:  # the second working hand is not seen in this frame
            return None
        return OtherThumb(label=Label(state.label), thumb_xy=state.thumb_xy, stroke_angle_deg=state.stroke_angle_deg,
                          angle_to_grain_deg=state.angle_to_grain_deg, rate_per_min=state.rate_per_min,
                          amplitude_palm=state.amplitude_palm)
